// The ingest stage: sources (files, directories, URLs, feeds, OPML lists) to stored articles.
//
// For every item it reads or fetches the bytes, parses them (document.h), links near-duplicate
// copies to the first stored copy, and stores the article. Every failure is reported through
// IngestEvents::on_error as one line naming the item and the reason, and the run goes on: a bad
// item never stops the others, and nothing already stored is touched.
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

  const IngestCounts& counts() const { return counts_; }

 private:
  void ingest_file(const std::filesystem::path& path);
  void ingest_directory(const std::filesystem::path& dir);
  void ingest_url(const std::string& url);
  size_t ingest_feed_items(const ParsedFeed& feed, const FetchInfo& info);
  void store_article(Article article);
  void fail(const std::string& item, const std::string& reason);
  void warn(const std::string& item, const std::string& note);
  Fetcher& fetcher();

  Store& store_;
  IngestOptions options_;
  IngestEvents events_;
  IngestCounts counts_;
  std::unique_ptr<Fetcher> fetcher_;
};

// Next poll time after a poll: `interval_s` after a success; after n consecutive failures the
// interval doubles n times (capped at 64x and one day), so a dead feed is not hammered.
std::string next_due_after(const Feed& feed, long interval_s);

// File extensions a directory walk picks up.
bool is_document_extension(const std::filesystem::path& path);
// README, LICENSE, CHANGELOG and the like: skipped by directory walks (named explicitly, they are read).
bool is_repository_furniture(const std::filesystem::path& path);

}  // namespace dossier
