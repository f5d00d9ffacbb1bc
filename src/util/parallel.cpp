#include "lever/util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace lever {

unsigned worker_count() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp(n, 1u, 8u);
}

void parallel_for(size_t n, const std::function<void(size_t, unsigned)>& fn) {
  // Items are handed out in small chunks so a slow file on one core does not idle the other.
  constexpr size_t kChunk = 16;
  std::atomic<size_t> next{0};
  std::mutex m;
  size_t failed_at = std::numeric_limits<size_t>::max();
  std::exception_ptr failure;
  auto work = [&](unsigned w) {
    for (;;) {
      size_t begin = next.fetch_add(kChunk);
      if (begin >= n) return;
      for (size_t i = begin; i < std::min(n, begin + kChunk); ++i) {
        try {
          fn(i, w);
        } catch (...) {
          std::lock_guard<std::mutex> g(m);
          if (i < failed_at) failed_at = i, failure = std::current_exception();
        }
      }
    }
  };
  unsigned workers = static_cast<unsigned>(std::min<size_t>(worker_count(), (n + kChunk - 1) / kChunk));
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace lever
