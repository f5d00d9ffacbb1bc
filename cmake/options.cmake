# Warning and sanitizer settings as INTERFACE targets that every target links (ccache's pattern).
add_library(lever_warnings INTERFACE)
target_compile_options(lever_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(LEVER_WERROR)
  target_compile_options(lever_warnings INTERFACE -Werror)
endif()

add_library(lever_sanitizers INTERFACE)
if(LEVER_SANITIZE)
  target_compile_options(lever_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(lever_sanitizers INTERFACE -fsanitize=address,undefined)
  # GCC 12 reports false "maybe-uninitialized" inside std::regex and std::function once the sanitizers
  # change inlining; with LEVER_WERROR that broke the sanitizer build of src/util/json_schema.cpp.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(lever_sanitizers INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()

# ThreadSanitizer for the threaded code (run's telemetry writer): a build of its own, since TSan
# cannot be combined with AddressSanitizer in one binary.
option(LEVER_TSAN "Build with ThreadSanitizer (exclusive with LEVER_SANITIZE and LEVER_FUZZ)" OFF)
if(LEVER_TSAN)
  if(LEVER_SANITIZE OR LEVER_FUZZ)
    message(FATAL_ERROR "LEVER_TSAN cannot be combined with LEVER_SANITIZE or LEVER_FUZZ: build them in separate build directories")
  endif()
  target_compile_options(lever_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(lever_sanitizers INTERFACE -fsanitize=thread)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC warns that TSan does not instrument std::atomic_thread_fence; lever uses none, and with
    # LEVER_WERROR the warning from libstdc++ headers would break the build.
    target_compile_options(lever_sanitizers INTERFACE -Wno-tsan)
  endif()
endif()

# Fuzzing instruments the whole core library (clang's libFuzzer plus ASan/UBSan).
if(LEVER_FUZZ)
  target_compile_options(lever_sanitizers INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(lever_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
