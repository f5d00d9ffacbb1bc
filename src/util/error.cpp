#include "lever/util/error.hpp"

#include <iostream>
#include <utility>

#include "lever/util/text.hpp"

namespace lever {

Error::Error(Exit code, std::string what, std::string hint)
    : std::runtime_error(std::move(what)), code_(code), hint_(std::move(hint)) {}

void print_warning(const std::string& msg) { std::cerr << "lever: warning: " << escape_text(msg, true) << '\n'; }

}  // namespace lever
