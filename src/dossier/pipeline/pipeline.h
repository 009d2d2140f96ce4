// The pipeline stage: drives the others. Sources go through ingest (read or fetch, parse, feed
// items completed with their pages), extraction, near-duplicate linking, the store, clustering and,
// when asked, the dossiers of the incidents that changed. The CLI commands, the server and the
// benchmarks run it; they map their options onto PipelineOptions and print what it reports.
//
// Guarantees:
//  - every failure is reported through PipelineEvents::on_error as one line naming the item and the
//    reason, and the run goes on: a bad item never stops the others, and nothing already stored is
//    touched;
//  - results are applied in the order the documents were submitted, whatever the number of worker
//    threads, so a run gives the same store (articles, extractions, incidents) every time;
//  - at most `queue` documents are in flight, so memory stays flat whatever the input size;
//  - an article's extraction is computed once, stored with it, and read back by later stages
//    (pipeline/stored.h); an article already stored is neither extracted nor written again;
//  - network fetches run on the calling thread with no write transaction open.
//
// Threads. With `threads` > 0, worker threads parse, extract, profile and compress documents while
// the calling thread reads files, fetches, and alone writes. Workers read the store through their
// own handle only to skip articles it already holds.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/cluster/clusterer.h"
#include "dossier/extract/extract.h"
#include "dossier/ingest/fetch.h"
#include "dossier/model.h"
#include "dossier/store/store.h"
#include "dossier/util/minhash.h"
#include "dossier/util/result.h"

namespace dossier {

struct PipelineOptions {
  FetchOptions fetch;                 // fetch.max_bytes also bounds files and standard input
  bool fetch_linked_pages = true;     // feed items with only a summary: fetch the linked page
  double duplicate_threshold = kDefaultDuplicateThreshold;
  const Extractor* extractor = nullptr;  // null: articles are stored without extraction, unclustered
  bool cluster = true;                   // with an extractor: new articles are clustered
  ClusterOptions clustering;
  bool refresh_dossiers = false;  // finish() regenerates the dossiers of the incidents that received articles
  size_t threads = 0;             // worker threads; 0: all on the calling thread
  size_t queue = 0;               // documents in flight (0: 32 per thread)
  size_t batch = 256;             // articles per write transaction
};

enum class ItemOutcome { Stored, Duplicate, AlreadyStored };

struct PipelineEvents {
  std::function<void(const std::string& item, const std::string& reason)> on_error;
  std::function<void(const std::string& item, const std::string& note)> on_warning;
  std::function<void(const Article& article, ItemOutcome outcome)> on_article;
};

struct PipelineCounts {
  size_t stored = 0;          // new articles, duplicates included
  size_t duplicates = 0;      // new articles linked to an earlier copy
  size_t already_stored = 0;  // items seen before (idempotent re-ingest)
  size_t failed = 0;
  size_t warnings = 0;
  size_t feeds_polled = 0;
  size_t feeds_not_modified = 0;
  size_t clustered = 0;          // articles placed in incidents by finish()
  size_t incidents_created = 0;  // of those, articles that started an incident
  size_t dossiers_written = 0;
  size_t dossiers_changed = 0;   // regenerated dossiers that report changes since an earlier version
};

class Pipeline {
 public:
  // Opens the clusterer on the store when there is an extractor and clustering is on.
  static Result<std::unique_ptr<Pipeline>> open(Store& store, PipelineOptions options, PipelineEvents events = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // A file, a directory (recursively, see ingest/source.h), "-" (standard input), or an http(s)
  // URL of a page, feed or OPML list (every listed feed is ingested).
  void ingest(const std::string& path_or_url);
  // A document already in memory: `info.source` names it in messages.
  void ingest_bytes(std::string_view bytes, const FetchInfo& info);

  // Fetches a registered feed once (conditional GET) and ingests its new items. Updates the feed's
  // state (etag, last success or error, failures, next due time for `interval_s`); the caller
  // saves it. False if the poll failed.
  bool poll_feed(Feed& feed, long interval_s);
  // Polls the registered feeds (only those due, when `only_due`) and saves their state. Stops
  // early when `stop` becomes true.
  void poll_feeds(long interval_s, bool only_due, const std::atomic<bool>* stop = nullptr);

  // Waits for the documents in flight and commits what they produced.
  void drain();
  // drain(), then clusters every article still queued and, with `refresh_dossiers`, regenerates
  // the dossiers of the incidents that received articles. Errors are reported and counted.
  void finish();

  const PipelineCounts& counts() const;
  // Incidents that received articles in finish() so far.
  const std::set<std::string>& touched_incidents() const;
  Clusterer* clusterer();

  struct Impl;

 private:
  explicit Pipeline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dossier
