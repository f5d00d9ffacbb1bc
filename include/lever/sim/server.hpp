// `lever sim`: the simulator as a separate process on a pseudo-terminal or a TCP port, paced to the
// line rate (a pty moves bytes at CPU speed; a real 115200-baud cable does not).
#pragma once
#include <functional>
#include <string>

#include "lever/sim/simulator.hpp"

namespace lever::sim {

/// Where and how the simulator serves.
struct ServerOptions {
  std::string pty_path;     ///< create a pty and a symlink at this path (exclusive with tcp)
  std::string tcp_addr;     ///< listen on HOST:PORT, :PORT or PORT (exclusive with pty)
  double time_scale = 1.0;  ///< unit time runs this many times faster than real time
  int baud = 115200;        ///< line rate the output and input are paced to (10 bits a byte)
  bool pace = true;         ///< false: bytes move as fast as the pty allows (not a real line)
  double seconds = 0;       ///< stop after this much real time (0: until SIGINT/SIGTERM)
  std::function<void(const std::string&)> log;  ///< state changes and events, one line each
};

/// Serves one simulated unit until a stop signal (or `seconds`); returns the signal number (0 if none).
/// Throws Error(usage) for a bad address, Error(unit_unavailable) when the unit is in use elsewhere.
int run_sim_server(const SimConfig& cfg, const ServerOptions& opt);

/// Microseconds one byte occupies on a line of `baud` with 10 bits a byte (start, 8 data, stop).
inline double byte_time_us(int baud) { return 1e7 / baud; }

}  // namespace lever::sim
