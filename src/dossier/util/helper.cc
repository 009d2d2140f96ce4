#include "dossier/util/helper.h"

#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace dossier {
namespace {

class Helper {
 public:
  static Helper& get() {
    static Helper h;
    return h;
  }
  // False if busy.
  bool start(std::function<void()>& task) {
    std::lock_guard<std::mutex> lock(m_);
    if (busy_ || stopping_) return false;
    // A forked child has no copy of the helper thread: it runs its tasks itself.
    if (thread_ && creator_ != getpid()) return false;
    busy_ = true;
    finished_ = false;
    error_ = nullptr;
    task_ = std::move(task);
    if (!thread_) {
      creator_ = getpid();
      thread_ = new std::thread([this] { loop(); });
    }
    cv_.notify_all();
    return true;
  }
  std::exception_ptr wait() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return finished_; });
    busy_ = false;
    return std::exchange(error_, nullptr);
  }
  ~Helper() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_ && creator_ == getpid()) {
      thread_->join();
      delete thread_;
    }
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
      cv_.wait(lock, [&] { return stopping_ || (task_ && !finished_); });
      if (stopping_ && !task_) return;
      std::function<void()> task = std::move(task_);
      task_ = nullptr;
      lock.unlock();
      std::exception_ptr error;
      try {
        task();
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      error_ = error;
      finished_ = true;
      cv_.notify_all();
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::function<void()> task_;
  std::exception_ptr error_;
  bool busy_ = false, finished_ = false, stopping_ = false;
  std::thread* thread_ = nullptr;  // started on first use
  pid_t creator_ = 0;
};

}  // namespace

Handoff::Handoff(std::function<void()> task) {
  if (Helper::get().start(task)) {
    on_helper_ = true;
    return;
  }
  try {
    task();
  } catch (...) {
    error_ = std::current_exception();
  }
}

void Handoff::wait() {
  if (waited_) return;
  waited_ = true;
  if (on_helper_) error_ = Helper::get().wait();
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

Handoff::~Handoff() {
  if (waited_) return;
  waited_ = true;
  if (on_helper_) Helper::get().wait();  // an error nobody waits for is dropped
}

}  // namespace dossier
