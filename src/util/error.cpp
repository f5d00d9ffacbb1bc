#include "lever/util/error.hpp"

#include <utility>

namespace lever {

Error::Error(Exit code, std::string what, std::string hint)
    : std::runtime_error(std::move(what)), code_(code), hint_(std::move(hint)) {}

}  // namespace lever
