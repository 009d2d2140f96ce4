#include "dossier/ingest/document.h"
#include "dossier/ingest/source.h"
#include "dossier/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include "dossier/store/sqlite_store.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

struct IngestRun {
  PipelineCounts counts;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

IngestRun ingest_into(Store& store, const std::vector<std::string>& targets, PipelineOptions opts = {}) {
  IngestRun run;
  PipelineEvents ev;
  ev.on_error = [&](const std::string& item, const std::string& reason) { run.errors.push_back(item + ": " + reason); };
  ev.on_warning = [&](const std::string& item, const std::string& note) { run.warnings.push_back(item + ": " + note); };
  opts.fetch_linked_pages = false;
  auto ing = Pipeline::open(store, opts, ev);
  if (!ing.ok()) {
    run.errors.push_back(ing.error());
    return run;
  }
  for (const auto& t : targets) (*ing)->ingest(t);
  (*ing)->finish();
  run.counts = (*ing)->counts();
  return run;
}

TEST(Ingest, SampleCorpusIsIdempotentAndLinksReposts) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(s.ok());
  std::string corpus = (source_dir() / "examples" / "corpus").string();
  IngestRun first = ingest_into(**s, {corpus});
  EXPECT_TRUE(first.errors.empty()) << first.errors.front();
  size_t goldens = corpus_articles();
  EXPECT_EQ(first.counts.stored, goldens);
  ASSERT_GE(corpus_reposts(), 3u);
  EXPECT_EQ(first.counts.duplicates, corpus_reposts());  // every syndicated repost is found
  IngestRun second = ingest_into(**s, {corpus});
  EXPECT_EQ(second.counts.stored, 0u);
  EXPECT_EQ(second.counts.already_stored, goldens);
  EXPECT_EQ(*(*s)->count_articles(), goldens);

  // Each repost points at its original, whichever was read first.
  ArticleQuery q;
  auto all = (*s)->list_articles(q);
  ASSERT_TRUE(all.ok());
  size_t copies = 0;
  for (const auto& a : *all) {
    if (a.duplicate_of.empty()) continue;
    ++copies;
    auto orig = (*s)->article_header(a.duplicate_of);
    ASSERT_TRUE(orig.ok() && *orig);
    EXPECT_TRUE((*orig)->duplicate_of.empty());
    EXPECT_LE((*orig)->published, a.published) << a.title;
  }
  EXPECT_EQ(copies, corpus_reposts());
}

TEST(Ingest, BadInputsFailOneByOneAndTheRunGoesOn) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(s.ok());
  auto in = dir / "in";
  write_file(in / "good.txt",
             "Ransomware hits shipping firm\n\nThe shipping firm said its booking system was encrypted overnight and "
             "that it had switched to manual processes while it restores from backups.\n");
  write_file(in / "binary.html", std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10", 20));
  write_file(in / "empty.txt", "");
  write_file(in / "malformed.rss", "<?xml version=\"1.0\"?><rss><channel><title>x</ti");
  write_file(in / "truncated.rss", "<?xml version=\"1.0\"?><rss><channel><title>x</title><item><title>y");
  write_file(in / "no-text.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>");
  write_file(in / "huge.html", std::string(2u << 20, 'a'));
  write_file(in / "laughs.xml", read_file(golden_dir() / "feeds" / "billion-laughs.rss"));
  PipelineOptions opts;
  opts.fetch.max_bytes = 1u << 20;
  IngestRun run = ingest_into(**s, {in.string(), (dir / "missing").string()}, opts);
  // good.txt is stored, and the entity-bomb feed's two good items. Its bomb item is either stored
  // with bounded text or rejected as empty (libxml2 may stop the expansion itself): never more,
  // never a hang.
  EXPECT_EQ(run.counts.stored + run.counts.failed, 11u);
  EXPECT_GE(run.counts.stored, 3u);
  EXPECT_GE(run.counts.failed, 7u);
  EXPECT_GE(run.counts.warnings, 2u);  // the truncated feed ("recovered from XML errors"), the bomb's entities
  EXPECT_TRUE(std::any_of(run.warnings.begin(), run.warnings.end(), [](const std::string& w) {
    return w.find("laughs.xml: entity declarations ignored") != std::string::npos;
  }));
  auto has = [&](const std::string& needle) {
    for (const auto& e : run.errors)
      if (e.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("binary.html: binary content"));
  EXPECT_TRUE(has("empty.txt: empty document"));
  EXPECT_TRUE(has("malformed.rss: malformed rss2 feed"));
  EXPECT_TRUE(has("truncated.rss item \"y\": item has no text"));
  EXPECT_TRUE(has("no-text.html: no article text found in the page"));
  EXPECT_TRUE(has("huge.html: file too large"));
  EXPECT_TRUE(has("missing: no such file or directory"));
}

TEST(Ingest, SeedDocumentsIngestCleanly) {
  auto seeds = shared_dir() / "seeds";
  if (!std::filesystem::exists(seeds)) GTEST_SKIP() << "../shared/seeds not present";
  TempDir dir;
  auto s = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(s.ok());
  IngestRun run = ingest_into(**s, {seeds.string()});
  EXPECT_TRUE(run.errors.empty());
  EXPECT_EQ(run.counts.stored, 5u);
  ArticleQuery q;
  q.with_text = true;
  auto all = (*s)->list_articles(q);
  ASSERT_TRUE(all.ok());
  for (const auto& a : *all) {
    EXPECT_FALSE(a.title.empty());
    EXPECT_LE(a.title.size(), 200u);
    EXPECT_EQ(a.language, "en");
    for (const char* noise : {"Icon", "News & Analysis", "EU Insider", "Main Image"})
      EXPECT_EQ(a.text.find(noise), std::string::npos) << a.fetch.source << " keeps \"" << noise << "\"";
  }
}

TEST(Ingest, BackoffDoublesWithFailures) {
  Feed f;
  auto due = [&](int failures) {
    f.consecutive_failures = failures;
    return next_due_after(f, 900);
  };
  EXPECT_LT(due(0), due(1));
  EXPECT_LT(due(1), due(3));
  EXPECT_EQ(due(10), due(12));  // capped
}

}  // namespace
}  // namespace dossier

namespace dossier {
namespace {

// When nothing names the outlet, the site the article is on stands for it (the registrable domain
// of its URL); a named outlet is kept.
TEST(Ingest, OutletFallsBackToTheUrlsSite) {
  FetchInfo info;
  info.source = "item.txt";
  auto unnamed = parse_document(
      "---\ntitle: \"Port operator restores booking system\"\nurl: https://news.harbourwire.co.uk/2024/05/port-booking\n---\n\n"
      "The port operator said its booking system was back after a week offline.\n",
      info);
  ASSERT_TRUE(unnamed.ok()) << unnamed.error();
  EXPECT_EQ(unnamed->article.outlet, "harbourwire.co.uk");
  auto named = parse_document(
      "---\ntitle: \"Port operator restores booking system\"\noutlet: Harbour Wire\nurl: https://news.harbourwire.co.uk/a\n---\n\n"
      "The port operator said its booking system was back after a week offline.\n",
      info);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->article.outlet, "Harbour Wire");
  auto nowhere = parse_document("The port operator said its booking system was back after a week offline.\n", info);
  ASSERT_TRUE(nowhere.ok());
  EXPECT_EQ(nowhere->article.outlet, "");
}

}  // namespace
}  // namespace dossier
