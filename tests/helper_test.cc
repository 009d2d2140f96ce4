// The helper thread: tasks run once, on another thread when it is free, on the caller's when it
// is busy; errors reach the caller.
#include "dossier/util/helper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace dossier {
namespace {

TEST(Handoff, RunsTheTaskOnAnotherThreadAndWaits) {
  std::thread::id ran_on;
  int runs = 0;
  {
    Handoff h([&] {
      ran_on = std::this_thread::get_id();
      ++runs;
    });
    h.wait();
    h.wait();  // a second wait is a no-op
  }
  EXPECT_EQ(runs, 1);
  EXPECT_NE(ran_on, std::this_thread::get_id());
  // The same helper thread next time (its thread-local state stays warm).
  std::thread::id again;
  Handoff([&] { again = std::this_thread::get_id(); }).wait();
  EXPECT_EQ(again, ran_on);
}

TEST(Handoff, RunsOnTheCallerWhileTheHelperIsBusy) {
  std::atomic<bool> release{false};
  Handoff busy([&] {
    while (!release) std::this_thread::yield();
  });
  std::thread::id ran_on;
  Handoff second([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());  // already ran, inline
  release = true;
  busy.wait();
  second.wait();
}

TEST(Handoff, ErrorsReachTheCaller) {
  Handoff h([] { throw std::runtime_error("task failed"); });
  EXPECT_THROW(h.wait(), std::runtime_error);
  // The helper is free again.
  std::thread::id ran_on;
  Handoff([&] { ran_on = std::this_thread::get_id(); }).wait();
  EXPECT_NE(ran_on, std::this_thread::get_id());
  // Inline errors too.
  std::atomic<bool> release{false};
  Handoff busy([&] {
    while (!release) std::this_thread::yield();
  });
  Handoff inline_task([] { throw std::runtime_error("inline"); });
  release = true;
  busy.wait();
  EXPECT_THROW(inline_task.wait(), std::runtime_error);
}

}  // namespace
}  // namespace dossier
