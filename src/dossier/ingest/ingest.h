// The ingest stage: sources (files, directories, URLs, feeds, OPML lists) to stored articles.
//
// For every item it reads or fetches the bytes, parses them (document.h), links near-duplicate
// copies to the first stored copy, and stores the article. Every failure is reported through
// IngestEvents::on_error as one line naming the item and the reason, and the run goes on: a bad
// item never stops the others, and nothing already stored is touched.
//
// Pipeline. With `threads` > 0, documents are parsed, extracted, profiled for clustering and
// compressed by that many worker threads, while the calling thread reads files, fetches, and alone
// writes: results are applied in the order the documents were submitted (so a run gives the same
// store whatever the scheduling), at most `queue` documents are in flight (memory stays flat
// whatever the input size), and writes are batched into transactions of `batch` articles. Workers
// skip extraction for articles the store already holds. Network fetches stay on the calling
// thread, with no write batch open.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "dossier/ingest/feed.h"
#include "dossier/ingest/fetch.h"
#include "dossier/ingest/neardup.h"
#include "dossier/model.h"
#include "dossier/store/store.h"

namespace dossier {

class Extractor;
class Clusterer;

struct IngestOptions {
  FetchOptions fetch;
  bool fetch_linked_pages = true;  // feed items with only a summary: fetch the linked page
  size_t max_file_bytes = 20u << 20;
  double duplicate_threshold = kDefaultDuplicateThreshold;
  const Extractor* extractor = nullptr;  // when set, every new article is extracted and the result stored
  Clusterer* clusterer = nullptr;        // with an extractor: every new article is queued for clustering
  size_t threads = 0;                    // worker threads for parsing and extraction; 0: all on the calling thread
  size_t queue = 0;                      // documents in flight (0: 8 per thread)
  size_t batch = 256;                    // articles per write transaction
};

enum class ItemOutcome { Stored, Duplicate, AlreadyStored };

struct IngestEvents {
  std::function<void(const std::string& item, const std::string& reason)> on_error;
  std::function<void(const std::string& item, const std::string& note)> on_warning;
  std::function<void(const Article& article, ItemOutcome outcome)> on_article;
};

struct IngestCounts {
  size_t stored = 0;          // new articles, duplicates included
  size_t duplicates = 0;      // new articles linked to an earlier copy
  size_t already_stored = 0;  // items seen before (idempotent re-ingest)
  size_t failed = 0;
  size_t warnings = 0;
  size_t feeds_not_modified = 0;
};

class Ingestor {
 public:
  Ingestor(Store& store, IngestOptions options, IngestEvents events);
  ~Ingestor();

  // A file, a directory (recursively: .html .htm .xhtml .xml .rss .atom .rdf .opml .txt .md and
  // extension-less files; hidden files and README/LICENSE-like files skipped), or an http(s) URL of a
  // page, feed or OPML list.
  void ingest(const std::string& path_or_url);

  // Fetches a registered feed once (conditional GET) and ingests its new items. Updates the feed's
  // state (etag, last success or error, failures, next due time for `interval_s`); the caller
  // saves it. Returns false if the poll failed.
  bool poll_feed(Feed& feed, long interval_s);

  // A document already in memory (a page, a feed, a text): `info.source` names it in messages.
  void ingest_bytes(std::string_view bytes, const FetchInfo& info);

  // Waits for the documents in flight and commits what they produced. Counts are final after it
  // (the destructor calls it too).
  void finish();

  const IngestCounts& counts() const { return counts_; }

 private:
  struct Prepared;
  struct Entry;
  struct Pool;
  using Outcome = std::vector<Entry>;

  void ingest_file(const std::filesystem::path& path);
  void ingest_directory(const std::filesystem::path& dir);
  void ingest_url(const std::string& url);
  // Parsing and everything that needs no store writes: safe on any thread (`reader` may be null).
  // process() is parse() then prepare_all(); workers parse several documents before preparing
  // their articles, so the extraction's tables stay in cache from one article to the next.
  Outcome process(std::string_view bytes, const FetchInfo& info, Store* reader) const;
  Outcome parse(std::string_view bytes, const FetchInfo& info) const;
  void prepare_all(Outcome& outcome, Store* reader) const;
  Prepared prepare(Article article, Store* reader) const;
  // The writer's side, in submission order.
  size_t apply(Outcome&& outcome);
  void store_prepared(Prepared p);
  void drain_one();
  void close_batch();
  void fail(const std::string& item, const std::string& reason);
  void warn(const std::string& item, const std::string& note);
  Fetcher& fetcher();

  Store& store_;
  IngestOptions options_;
  IngestEvents events_;
  IngestCounts counts_;
  std::unique_ptr<Fetcher> fetcher_;
  std::unique_ptr<Pool> pool_;
  size_t batch_writes_ = 0;  // articles written in the open batch
  bool batch_open_ = false;
};

// Next poll time after a poll: `interval_s` after a success; after n consecutive failures the
// interval doubles n times (capped at 64x and one day), so a dead feed is not hammered.
std::string next_due_after(const Feed& feed, long interval_s);

// File extensions a directory walk picks up.
bool is_document_extension(const std::filesystem::path& path);
// README, LICENSE, CHANGELOG and the like: skipped by directory walks (named explicitly, they are read).
bool is_repository_furniture(const std::filesystem::path& path);

}  // namespace dossier
