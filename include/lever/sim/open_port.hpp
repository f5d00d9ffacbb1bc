// Opening a unit by its PORT string (product.md): parse it, choose it (--port, LEVER_PORT, the
// store's "port"), open serial, TCP or pty, or start the built-in simulator for sim:, and identify
// the unit. It sits in sim/ because sim: starts the simulator in-process and the choice reads the
// store's configuration; the transports themselves (transport/) know neither.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "lever/device/unit.hpp"
#include "lever/transport/transport.hpp"

namespace lever {
class Store;
}

namespace lever::transport {

/// Parses a PORT string (sim: options included); throws Error(usage) naming the accepted forms.
/// Never guesses.
PortSpec parse_port(const std::string& text);

/// The PORT to use: `flag` (--port), then $LEVER_PORT, then the store config key "port";
/// with none, Error(usage) explaining how to choose one (never a silent simulator).
std::string resolve_port(const std::string& flag, const Store& store);

/// Opens the transport a PortSpec names. `store_dir` locates the simulator's memory for `sim:`.
std::unique_ptr<Transport> open_transport(const PortSpec& spec, const std::filesystem::path& store_dir);

}  // namespace lever::transport

namespace lever::device {

/// Opens the PORT (after resolve_port) and identifies the unit; `store` locates sim: memory.
std::unique_ptr<Unit> open_unit(const std::string& port, const Store& store);

}  // namespace lever::device
