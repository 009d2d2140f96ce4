// The dossier binary end to end: commands, JSON fields, exit codes, and crash safety.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

TEST(Cli, IngestListShowAndReingest) {
  TempDir dir;
  std::string db = q(dir / "cli.db");
  std::string out;
  auto corpus = source_dir() / "examples" / "corpus";
  ASSERT_EQ(run_command(bin() + " --db " + db + " ingest " + q(corpus), &out), 0) << out;
  EXPECT_NE(out.find("failed 0"), std::string::npos) << out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " ingest " + q(corpus), &out), 0) << out;
  EXPECT_NE(out.find("stored 0 (near-duplicates 0)"), std::string::npos) << out;

  ASSERT_EQ(run_command(bin() + " --db " + db + " articles --json", &out), 0);
  json arr = json::parse(out);
  ASSERT_GE(arr.size(), 30u);
  for (const char* k : {"id", "url", "canonical_url", "outlet", "title", "author", "published", "language",
                        "duplicate_of", "feed_url", "ingested_at"})
    EXPECT_TRUE(arr[0].contains(k)) << k;
  std::string id = arr[0]["id"];
  ASSERT_EQ(run_command(bin() + " --db " + db + " article " + id.substr(0, 8) + " --json", &out), 0) << out;
  json one = json::parse(out);
  EXPECT_EQ(one["id"], id);
  EXPECT_FALSE(one["text"].get<std::string>().empty());
  EXPECT_TRUE(one["fetch"].contains("charset"));

  ASSERT_EQ(run_command(bin() + " --db " + db + " articles --no-duplicates --json", &out), 0);
  EXPECT_EQ(json::parse(out).size(), arr.size() - corpus_reposts());
}

TEST(Cli, ParseJsonHasTheDocumentedFields) {
  std::string out;
  auto page = source_dir() / "examples" / "corpus" / "ledger-czech-apt31.html";
  ASSERT_EQ(run_command(bin() + " parse --json " + q(page), &out), 0) << out;
  json j = json::parse(out);
  for (const char* k : {"url", "title", "outlet", "published", "language", "text"}) EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["outlet"], "Cyber Ledger");
  EXPECT_EQ(j["published"], "2025-05-28T14:10:00Z");
  // Standard input, and a feed giving one article per item.
  ASSERT_EQ(run_command("printf 'Title line\\n\\nA body sentence that is long enough to count as prose text.\\n' | " + bin() +
                            " parse --json -",
                        &out),
            0);
  EXPECT_EQ(json::parse(out)["title"], "Title line");
  ASSERT_EQ(run_command(bin() + " parse --json " + q(source_dir() / "examples" / "corpus" / "feeds" / "northwind.rss"), &out), 0);
  EXPECT_TRUE(json::parse(out).is_array());
}

TEST(Cli, ExitCodes) {
  TempDir dir;
  std::string db = q(dir / "x.db");
  std::string out;
  EXPECT_EQ(run_command(bin() + " --db " + db + " frobnicate", &out), 2);
  EXPECT_EQ(run_command(bin() + " --db " + db + " ingest", &out), 2);
  EXPECT_EQ(run_command(bin() + " --db " + db + " watch --every soon --rounds 1", &out), 2);
  write_file(dir / "ok.txt", "Headline\n\nA sentence with enough words to be treated as the body of an article.\n");
  EXPECT_EQ(run_command(bin() + " --db " + db + " ingest " + q(dir / "ok.txt") + " " + q(dir / "nope.txt"), &out), 1);
  EXPECT_NE(out.find("error: " + (dir / "nope.txt").string() + ": no such file or directory"), std::string::npos) << out;
  EXPECT_NE(out.find("stored 1"), std::string::npos) << out;
  EXPECT_EQ(run_command(bin() + " --db " + db + " parse " + q(dir / "nope.txt"), &out), 1);
}

TEST(Cli, FeedsAddListRemoveAndOfflinePoll) {
  TempDir dir;
  std::string db = q(dir / "f.db");
  std::string out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " feeds add " + q(golden_dir() / "feeds" / "subscriptions.opml"), &out), 0) << out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " feeds add http://127.0.0.1:9/feed.xml", &out), 0) << out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " feeds list --json", &out), 0);
  json feeds = json::parse(out);
  ASSERT_EQ(feeds.size(), 4u);
  EXPECT_EQ(feeds[3]["url"], "http://127.0.0.1:9/feed.xml");
  // Without --allow-private the loopback feed is refused; the failure is recorded with backoff.
  EXPECT_EQ(run_command(bin() + " --db " + db + " --delay 0 feeds remove 1 2 3", &out), 0) << out;
  EXPECT_EQ(run_command(bin() + " --db " + db + " --delay 0 poll", &out), 1);
  EXPECT_NE(out.find("resolves to private address 127.0.0.1"), std::string::npos) << out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " feeds list --json", &out), 0);
  feeds = json::parse(out);
  ASSERT_EQ(feeds.size(), 1u);
  EXPECT_EQ(feeds[0]["consecutive_failures"], 1);
  EXPECT_NE(feeds[0]["last_error"].get<std::string>().find("private address"), std::string::npos);
  EXPECT_FALSE(feeds[0]["next_due"].get<std::string>().empty());
}

TEST(Cli, IngestStoresExtractionAndExtractReadsJsonLines) {
  TempDir dir;
  std::string db = q(dir / "e.db");
  std::string out;
  auto page = source_dir() / "examples" / "corpus" / "ledger-czech-apt31.html";
  ASSERT_EQ(run_command(bin() + " --db " + db + " ingest " + q(page), &out), 0) << out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " articles --json", &out), 0);
  std::string id = json::parse(out)[0]["id"];
  ASSERT_EQ(run_command(bin() + " --db " + db + " article " + id + " --json", &out), 0);
  json a = json::parse(out);
  ASSERT_TRUE(a.contains("extraction"));
  EXPECT_EQ(a["extraction"]["actors"][0]["name"], "APT31");
  // --no-extract stores the article only.
  std::string db2 = q(dir / "n.db");
  ASSERT_EQ(run_command(bin() + " --db " + db2 + " --no-extract ingest " + q(page), &out), 0);
  ASSERT_EQ(run_command(bin() + " --db " + db2 + " article " + id + " --json", &out), 0);
  EXPECT_FALSE(json::parse(out).contains("extraction"));

  write_file(dir / "in.jsonl",
             "{\"id\": \"a\", \"text\": \"Beacon to 45[.]77[.]12[.]9 by APT28 exploiting CVE-2024-21887.\"}\n"
             "not json\n"
             "{\"id\": 7, \"html\": \"<p>Lazarus Group used hxxp://bad[.]example[.]com/x in 2023.</p>\"}\n");
  EXPECT_EQ(run_command("(" + bin() + " extract --jsonl < " + q(dir / "in.jsonl") + " 2>/dev/null)", &out), 1);
  std::vector<json> lines;
  std::stringstream ss(out);
  std::string line;
  while (std::getline(ss, line))
    if (!line.empty()) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["id"], "a");
  EXPECT_EQ(lines[0]["actors"][0]["id"], "G0007");
  EXPECT_EQ(lines[0]["vulnerabilities"][0]["id"], "CVE-2024-21887");
  EXPECT_EQ(lines[0]["indicators"][0]["value"], "45.77.12.9");
  EXPECT_TRUE(lines[1].contains("error"));
  EXPECT_EQ(lines[2]["id"], 7);
  EXPECT_EQ(lines[2]["actors"][0]["id"], "G0032");
  EXPECT_EQ(lines[2]["indicators"][0]["value"], "http://bad.example.com/x");
}

TEST(Cli, WatchRecordsFailuresAndBacksOff) {
  TempDir dir;
  std::string db = q(dir / "w.db");
  std::string out;
  // Port 9 on loopback refuses connections; --allow-private lets the attempt happen.
  ASSERT_EQ(run_command(bin() + " --db " + db + " feeds add http://127.0.0.1:9/feed.xml", &out), 0) << out;
  EXPECT_EQ(run_command(bin() + " --db " + db + " --allow-private --delay 0 --timeout 2 watch --every 1s --rounds 2", &out), 1);
  ASSERT_EQ(run_command(bin() + " --db " + db + " feeds list --json", &out), 0);
  json feeds = json::parse(out);
  ASSERT_EQ(feeds.size(), 1u);
  EXPECT_GE(feeds[0]["consecutive_failures"].get<int>(), 1);
  EXPECT_FALSE(feeds[0]["last_error"].get<std::string>().empty());
  EXPECT_EQ(feeds[0]["last_success"], "");
  ASSERT_EQ(run_command(bin() + " --db " + db + " feeds list", &out), 0);
  EXPECT_NE(out.find("last error:"), std::string::npos) << out;
}

TEST(Cli, UnreachableHostIsOneLineAndTheRunGoesOn) {
  TempDir dir;
  std::string db = q(dir / "u.db");
  write_file(dir / "ok.txt", "Headline\n\nA sentence with enough words to be treated as the body of an article.\n");
  std::string out;
  EXPECT_EQ(run_command(bin() + " --db " + db + " --timeout 5 ingest https://unreachable.invalid/x " + q(dir / "ok.txt"), &out), 1);
  EXPECT_NE(out.find("error: https://unreachable.invalid/x: "), std::string::npos) << out;
  EXPECT_NE(out.find("stored 1"), std::string::npos) << out;
}

// kill -9 in the middle of an ingest loses nothing that was committed and leaves no half-written
// article: the store passes an integrity check, every article has its text and all its LSH bands,
// and a second run completes the job.
// --max-size bounds standard input and each line `extract --jsonl` reads, not only files.
TEST(Cli, MaxSizeBoundsStandardInput) {
  TempDir dir;
  std::string big(1'200'000, 'a');
  write_file(dir / "big.txt", big);
  write_file(dir / "lines.jsonl", "{\"id\": \"one\", \"text\": \"Acme Corp said ransomware hit its plant.\"}\n" + big +
                                      "\n{\"id\": \"two\", \"text\": \"Globex disclosed a breach.\"}\n");
  std::string out;
  EXPECT_EQ(run_command(bin() + " --max-size 1 parse - < " + q(dir / "big.txt"), &out), 1);
  EXPECT_NE(out.find("<stdin>: file too large"), std::string::npos) << out;
  EXPECT_EQ(run_command(bin() + " --max-size 1 extract --jsonl < " + q(dir / "lines.jsonl"), &out), 1);
  EXPECT_NE(out.find("line 2: longer than the 1048576-byte limit"), std::string::npos) << out;
  EXPECT_NE(out.find("\"article_id\":\"one\""), std::string::npos) << out.substr(0, 300);
  EXPECT_NE(out.find("\"article_id\":\"two\""), std::string::npos) << out.substr(0, 300);
}

// A page whose text is longer than extraction reads is stored whole, with a warning.
TEST(Cli, HugeTextIsStoredWholeAndExtractedInPart) {
  TempDir dir;
  std::string body = "---\ntitle: Long minutes\n---\n\n";
  while (body.size() < 5u << 20) body += "The council discussed the budget for the harbour and the schools at length.\n";
  write_file(dir / "long.txt", body);
  std::string out;
  EXPECT_EQ(run_command(bin() + " --db " + q(dir / "db") + " --max-size 8 ingest " + q(dir / "long.txt"), &out), 0) << out;
  EXPECT_NE(out.find("long.txt: text of 5.0 MiB stored whole; extraction read its first 4 MiB"), std::string::npos) << out;
  EXPECT_NE(out.find("stored 1"), std::string::npos) << out;
}

TEST(Cli, KillNineMidIngestLeavesAConsistentStore) {
  TempDir dir;
  auto in = dir / "many";
  std::string base = read_file(source_dir() / "examples" / "corpus" / "ledger-czech-apt31.html");
  const int n = 400;
  for (int i = 0; i < n; ++i) {
    std::string page = base;
    std::string marker = "<div class=\"article-body\">";
    page.replace(page.find(marker), marker.size(),
                 marker + "<p>Variant " + std::to_string(i) + " of a long article used to exercise interrupted writes, "
                          "with a unique sentence number " + std::to_string(i * 7919) + ".</p>");
    std::string canon = "https://cyberledger.example/2025/05/prague-names-apt31";
    size_t pos;
    while ((pos = page.find(canon)) != std::string::npos) page.replace(pos, canon.size(), "https://copy.example/" + std::to_string(i));
    write_file(in / ("p" + std::to_string(1000 + i) + ".html"), page);
  }
  std::string db = (dir / "k.db").string();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(bin().c_str(), bin().c_str(), "--db", db.c_str(), "ingest", in.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until some articles are committed, then kill without warning.
  auto count = [&]() -> int {
    sqlite3* h = nullptr;
    int c = -1;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(h, 1000);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM articles", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        c = sqlite3_column_int(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return c;
  };
  int seen = 0;
  for (int i = 0; i < 2000 && seen < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    seen = std::max(seen, count());
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "ingest finished before it could be interrupted";

  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    std::string v;
    if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  EXPECT_EQ(scalar("PRAGMA integrity_check"), "ok");
  int stored = std::stoi(scalar("SELECT COUNT(*) FROM articles"));
  EXPECT_GE(stored, seen);
  EXPECT_LT(stored, n);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM articles WHERE text = '' OR raw_zstd IS NULL"), "0");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM articles a WHERE minhash IS NOT NULL AND "
                   "(SELECT COUNT(*) FROM article_bands b WHERE b.article_id = a.id) <> 16"),
            "0");
  sqlite3_close(h);

  std::string out;
  ASSERT_EQ(run_command(bin() + " --db " + q(db) + " ingest " + q(in), &out), 0) << out;
  EXPECT_NE(out.find(std::to_string(n) + " articles in the store"), std::string::npos) << out;
}

}  // namespace
}  // namespace dossier
