// SPDX-License-Identifier: MIT
// A fixed, deterministic partition of [0, count) into `threads` contiguous ranges, run on a
// persistent worker pool. Range t is [count * t / threads, count * (t + 1) / threads): which
// thread does an item never depends on timing (no work stealing), and callers make each item's
// result independent of it.
//
// The pool (worker_pool()) is the one piece of process-wide mutable state here: its threads are
// created on first use and whenever a call asks for more threads than it has, and live until
// exit; between regions they poll for about 100 microseconds, then sleep on a condition variable. One region runs at a time: callers
// on different threads are serialised by a mutex, and a parallel_for started from inside a
// region (a nested call, on a worker or on the calling thread) runs all of its ranges on the
// thread that started it, in order t = 0, 1, ... (same ranges, so the same results).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mpsim {

class WorkerPool {
 public:
  using Job = void (*)(void* context, int thread_index);

  WorkerPool() = default;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& w : workers_) w.join();
  }

  // Calls job(context, t) for t in [0, threads): t = 0 on the calling thread, t >= 1 on worker t.
  // Returns when all have returned. job must not throw (parallel_for catches for it).
  void run(int threads, Job job, void* context) {
    if (threads <= 1 || inside_region()) {
      for (int t = 0; t < threads; ++t) job(context, t);
      return;
    }
    const std::lock_guard<std::mutex> region(region_mutex_);
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      while (static_cast<int>(workers_.size()) < threads - 1) {
        const int index = static_cast<int>(workers_.size()) + 1;
        workers_.emplace_back([this, index] { work(index); });
      }
      job_ = job, context_ = context, threads_ = threads;
      pending_.store(threads - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    inside_region() = true;
    job(context, 0);
    inside_region() = false;
    if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
    }
  }

 private:
  static bool& inside_region() {
    thread_local bool inside = false;
    return inside;
  }

  // Polls `ready` for about 100 microseconds (a matmul's regions follow each other closely, and
  // a futex wake-up costs tens of microseconds); false if it never held.
  template <class Ready>
  static bool spin_until(Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    for (int i = 0;; ++i) {
      if (ready()) return true;
      if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline) return false;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }

  void work(int index) {
    inside_region() = true;
    std::uint64_t seen = 0;
    {
      // A worker is created while its first region is set up (under mutex_): it takes part.
      const std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_.load(std::memory_order_relaxed) - 1;
    }
    for (;;) {
      const auto fresh = [&] { return generation_.load(std::memory_order_acquire) != seen; };
      if (!spin_until(fresh)) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || fresh(); });
        if (stop_) return;
      }
      Job job = nullptr;
      void* context = nullptr;
      int threads = 0;
      {
        // One consistent snapshot of the newest region. A region this worker takes part in
        // cannot end (and be replaced) before the worker is done, so it never misses its own.
        const std::lock_guard<std::mutex> lock(mutex_);
        seen = generation_.load(std::memory_order_relaxed);
        job = job_, context = context_, threads = threads_;
      }
      if (index >= threads) continue;
      job(context, index);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        const std::lock_guard<std::mutex> lock(mutex_);  // the caller may be about to wait
        done_.notify_one();
      }
    }
  }

  std::mutex region_mutex_;  // one region at a time
  std::mutex mutex_;         // guards the fields below except pending_ (and the two waits)
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};  // one more per region (written under mutex_)
  Job job_ = nullptr;                          // the newest region (all three under mutex_)
  void* context_ = nullptr;
  int threads_ = 0;
  std::atomic<int> pending_{0};  // workers of the region not yet done
  bool stop_ = false;
};

// The process-wide pool (created on first use, joined at exit).
inline WorkerPool& worker_pool() {
  static WorkerPool pool;
  return pool;
}

// Calls body(thread_index, begin, end) for each nonempty range; the calling thread runs range 0.
// The first exception thrown by any range is rethrown after all ranges have finished.
template <class Body>
void parallel_for(std::int64_t count, int threads, Body&& body) {
  if (threads < 1) threads = 1;
  if (count < threads) threads = static_cast<int>(count < 1 ? 1 : count);
  struct Context {
    std::int64_t count;
    int threads;
    Body& body;
    std::vector<std::exception_ptr> errors;
  } context{count, threads, body, std::vector<std::exception_ptr>(threads)};
  worker_pool().run(threads, [](void* p, int t) {
    Context& c = *static_cast<Context*>(p);
    try {
      const std::int64_t begin = c.count * t / c.threads, end = c.count * (t + 1) / c.threads;
      if (begin < end) c.body(t, begin, end);
    } catch (...) {
      c.errors[t] = std::current_exception();
    }
  }, &context);
  for (const std::exception_ptr& e : context.errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace mpsim
