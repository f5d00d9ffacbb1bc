# What `cmake --install` puts where the system looks for it (GNUInstallDirs paths under the prefix),
# and the Debian package CPack builds from the same rules. Only the lever binary and its data have
# install rules: the test programs, fuzzers, benchmarks and the pty shim never reach a system.
install(TARGETS lever RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages by section: commands (1), the store's files (5), the unit's wire protocol (7).
foreach(section 1 5 7)
  file(GLOB pages CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.${section})
  install(FILES ${pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

# Completions where each shell's own packages look: bash-completion loads completions/<command> on
# demand, zsh's fpath has vendor-completions, fish reads vendor_completions.d.
install(FILES completions/lever.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME lever)
install(FILES completions/_lever DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES completions/lever.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The schemas, for clinics' own pipelines (lever-store(5)), and the README.
install(DIRECTORY schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lever/schemas FILES_MATCHING PATTERN "*.schema.json")
install(FILES README.md NEWS DESTINATION ${CMAKE_INSTALL_DOCDIR})

# `cpack -G DEB` in the build directory: lever_<version>_<arch>.deb, its Depends worked out by
# dpkg-shlibdeps from the libraries the binary really links (libserialport0, libfmt9, libstdc++6...).
set(CPACK_PACKAGE_NAME lever)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "lever developers")
set(CPACK_PACKAGE_CONTACT "lever developers <lever@lever.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "body-weight-support treadmill rehabilitation for runner's knee")
set(CPACK_PACKAGE_DESCRIPTION
  "lever drives a body-weight-support treadmill unit over a serial line to run\n"
  "graded-exposure rehabilitation sessions for runners with patellofemoral pain.\n"
  "It keeps athletes, plans, pain logs, sessions with telemetry, units and\n"
  "calibration records in a JSON store, decides from the pain response whether\n"
  "the next session may carry more load, calibrates units and prints reports.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_GENERATOR DEB)
include(CPack)
