// Ctrl-C and SIGTERM for control loops: a flag plus a self-pipe, so that a loop blocked in poll()
// wakes at once and sends its stop frame within milliseconds (not at its next tick).
#pragma once

namespace lever::device {

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that record the signal and wake stop_fd().
/// Safe to call again (re-sets the handlers). Commands that drive a unit call it before arming.
void install_stop_signals();
/// True once a stop signal arrived.
bool stop_requested();
/// The signal number that asked to stop (0 = none); the process should exit 128 + it.
int stop_signal();
/// A file descriptor that becomes readable when a stop signal arrives (-1 before install).
int stop_fd();
/// True while a stop signal's wake-up is unconsumed (stop_fd() readable): waits return at once.
bool stop_wakeup_pending();
/// Consumes the wake-up (drains stop_fd()) once the stop has been noticed, so that later waits (the
/// HOLD command's answer, an operator's lowering) wait normally; stop_requested() stays true.
void consume_stop_wakeup();
/// Forgets a received signal (tests only).
void clear_stop_request();

}  // namespace lever::device
