// Spreads independent work items over the machine's cores: reports read tens of thousands of
// files, and on a small clinic PC the second core halves the wait.
#pragma once
#include <cstddef>
#include <functional>

namespace lever {

/// The worker threads parallel_for uses: the cores available (1 to 8).
unsigned worker_count();

/// Calls fn(i, worker) for every i in [0, n), spread over worker_count() threads (worker is the
/// calling thread's index, for per-thread scratch space). Returns when all are done; if calls threw,
/// rethrows the exception of the lowest i after every thread has stopped.
void parallel_for(size_t n, const std::function<void(size_t i, unsigned worker)>& fn);

}  // namespace lever
