// Crash and concurrency guarantees of the store, end to end through the binary: an ingest killed
// at any point and run again ends with the articles and incidents of an uninterrupted run; several
// processes creating, ingesting into and reading one store lose nothing.
//
// DOSSIER_CRASH_ROUNDS sets how many times the ingest is killed (50 by default).
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;
namespace fs = std::filesystem;

// Where every stored article went: article id -> incident id ("" when in none).
std::map<std::string, std::string> memberships(const fs::path& db) {
  std::map<std::string, std::string> out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return out;
  }
  sqlite3_busy_timeout(h, 10'000);
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT a.id, COALESCE(i.id, '') FROM articles a LEFT JOIN incident_articles ia ON ia.article_seq = a.seq "
      "LEFT JOIN incidents i ON i.seq = ia.incident_seq";
  if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW)
      out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

// The incidents as sets of articles (their ids depend on which article founded them).
std::set<std::set<std::string>> incidents_of(const std::map<std::string, std::string>& m) {
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& [article, incident] : m) groups[incident.empty() ? "(none) " + article : incident].insert(article);
  std::set<std::set<std::string>> out;
  for (auto& [k, g] : groups) out.insert(std::move(g));
  return out;
}

// Articles committed so far (-1 while the store cannot be read).
int article_count(const fs::path& db) {
  sqlite3* h = nullptr;
  int n = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM articles", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

size_t unclustered(const std::map<std::string, std::string>& m) {
  size_t n = 0;
  for (const auto& [a, i] : m) n += i.empty();
  return n;
}

pid_t spawn(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path corpus() { return source_dir() / "examples" / "corpus"; }

std::string ingest_all(const fs::path& db, const fs::path& from = corpus()) {
  std::string out;
  int rc = run_command(bin() + " --db " + q(db) + " ingest " + q(from), &out);
  return rc == 0 ? "" : "exit " + std::to_string(rc) + ": " + out;
}

// The sample corpus's plain-text articles, each in `copies` versions under their own URLs, each
// version with a sentence of its own: more articles than one write transaction holds, so that a
// kill can land between a committed batch and the clustering of its articles.
fs::path grown_corpus(const fs::path& dir, int copies) {
  fs::path out = dir / "grown";
  fs::create_directories(out);
  for (const auto& e : fs::directory_iterator(corpus())) {
    if (e.path().extension() != ".txt") continue;
    std::string text = read_file(e.path());
    size_t url = text.find("\nurl: ");
    if (url == std::string::npos) continue;
    size_t eol = text.find('\n', url + 1);
    for (int i = 0; i < copies; ++i) {
      std::string v = text.substr(0, eol) + "/v" + std::to_string(i) + text.substr(eol);
      v += "\nEdition " + std::to_string(i) + " of this report, number " + std::to_string(i * 7919 + 13) + ".\n";
      write_file(out / (e.path().stem().string() + "-" + std::to_string(i) + ".txt"), v);
    }
  }
  return out;
}

TEST(Robustness, IngestKilledAnywhereAndRunAgainEqualsOneRun) {
  TempDir dir;
  fs::path grown = grown_corpus(dir.path(), 24);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(ingest_all(dir / "reference.db", grown), "");
  double run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  auto reference = memberships(dir / "reference.db");
  ASSERT_FALSE(reference.empty());
  const auto reference_incidents = incidents_of(reference);

  int rounds = 50;
  if (const char* e = std::getenv("DOSSIER_CRASH_ROUNDS")) rounds = std::max(1, std::atoi(e));
  int interrupted = 0, stranded = 0;
  for (int r = 0; r < rounds; ++r) {
    fs::path db = dir / ("crash-" + std::to_string(r) + ".db");
    // Even rounds: kill points spread evenly over an uninterrupted run's duration. Odd rounds: a
    // few milliseconds after the first articles were committed, when articles are stored but
    // their clustering is not (the window is short: storing is the end of the run).
    auto delay = std::chrono::microseconds(static_cast<int64_t>(run_ms * 1000 * (r + 0.5) / rounds));
    pid_t pid = spawn({bin(), "--db", db.string(), "ingest", grown.string()});
    ASSERT_GT(pid, 0);
    if (r % 2 == 0) {
      std::this_thread::sleep_for(delay);
    } else {
      delay = std::chrono::microseconds(0);
      auto start = std::chrono::steady_clock::now();
      while (article_count(db) <= 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      std::this_thread::sleep_for(std::chrono::milliseconds(r / 2 % 8));
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++interrupted;
    auto killed = memberships(db);
    if (unclustered(killed) > unclustered(reference)) ++stranded;
    ASSERT_EQ(ingest_all(db, grown), "") << "round " << r;
    auto after = memberships(db);
    EXPECT_EQ(after.size(), reference.size()) << "round " << r << ": articles lost or stored twice";
    EXPECT_EQ(unclustered(after), unclustered(reference)) << "round " << r << ": articles in no incident";
    EXPECT_EQ(incidents_of(after), reference_incidents) << "round " << r << " (killed after " << delay.count() << " us)";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  }
  // Most kills landed while the ingest was running (the last ones may come after it ended).
  EXPECT_GE(interrupted, rounds / 2);
  std::printf("killed %d of %d ingests mid-run, %d of them with articles stored but not clustered; every restart equalled "
              "the uninterrupted run\n", interrupted, rounds, stranded);
}

// Many processes opening one new store at once: each migrates it or finds it migrated.
TEST(Robustness, ManyProcessesCreateOneStoreAtOnce) {
  TempDir dir;
  fs::path db = dir / "new.db";
  std::vector<pid_t> pids;
  for (int i = 0; i < 24; ++i) pids.push_back(spawn({bin(), "--db", db.string(), "articles"}));
  int failed = 0;
  for (pid_t p : pids) failed += wait_exit(p) != 0;
  EXPECT_EQ(failed, 0);
  std::string out;
  ASSERT_EQ(run_command(bin() + " --db " + q(db) + " articles", &out), 0) << out;
}

// Four ingests of the same sources into one store at once, with readers running: the store ends
// as one ingest leaves it, and no read fails.
void four_ingests_equal_one(const fs::path& db, const std::map<std::string, std::string>& reference) {
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, failed_reads{0};
  std::thread reader([&] {
    while (!done) {
      for (const char* cmd : {"incidents", "articles"}) {
        pid_t p = spawn({bin(), "--db", db.string(), cmd});
        if (wait_exit(p) != 0) ++failed_reads;
        ++reads;
      }
    }
  });
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i) pids.push_back(spawn({bin(), "--db", db.string(), "ingest", corpus().string()}));
  int failed = 0;
  for (pid_t p : pids) failed += wait_exit(p) != 0;
  done = true;
  reader.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(failed_reads.load(), 0) << "of " << reads.load() << " reads";
  auto after = memberships(db);
  EXPECT_EQ(after.size(), reference.size());
  EXPECT_EQ(unclustered(after), unclustered(reference));
  EXPECT_EQ(incidents_of(after), incidents_of(reference));
}

TEST(Robustness, FourIngestsIntoANewStoreEqualOne) {
  TempDir dir;
  ASSERT_EQ(ingest_all(dir / "reference.db"), "");
  four_ingests_equal_one(dir / "new.db", memberships(dir / "reference.db"));
}

// Into a store that already holds part of the sources: as one ingest into that store.
TEST(Robustness, FourIngestsIntoAnExistingStoreEqualOne) {
  TempDir dir;
  std::string out;
  for (const char* name : {"reference.db", "existing.db"})
    ASSERT_EQ(run_command(bin() + " --db " + q(dir / name) + " ingest " + q(corpus() / "feeds"), &out), 0) << out;
  ASSERT_FALSE(memberships(dir / "existing.db").empty());
  ASSERT_EQ(ingest_all(dir / "reference.db"), "");
  four_ingests_equal_one(dir / "existing.db", memberships(dir / "reference.db"));
}

}  // namespace
}  // namespace dossier
