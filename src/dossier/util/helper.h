// Work handed to a second thread that lives as long as the process. A thread made for one task
// starts with cold thread-local state (Snowball stemmers, stem and token memos, Vectorscan scratch)
// and pays for it again every time; the helper keeps it warm. There is one helper: while it is busy
// (another caller's task), a task runs on the caller's thread instead, so nothing ever waits for
// it but its own caller.
#pragma once

#include <exception>
#include <functional>
#include <utility>

namespace dossier {

class Handoff {
 public:
  // Starts `task` on the helper thread, or runs it now on this one if the helper is busy.
  explicit Handoff(std::function<void()> task);
  // Waits for the task; rethrows what it threw.
  void wait();
  ~Handoff();
  Handoff(const Handoff&) = delete;
  Handoff& operator=(const Handoff&) = delete;

 private:
  bool on_helper_ = false;
  bool waited_ = false;
  std::exception_ptr error_;
};

}  // namespace dossier
