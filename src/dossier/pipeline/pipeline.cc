#include "dossier/pipeline/pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "dossier/cluster/profile.h"
#include "dossier/pipeline/stored.h"
#include "dossier/extract/codec.h"
#include "dossier/ingest/source.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/util/hash.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace fs = std::filesystem;

namespace {

// An article made ready off the writing thread.
struct Prepared {
  Article article;
  bool pending = false;  // parsed, not prepared yet
  std::optional<MinHash> signature;
  std::string raw_zstd;
  std::string extraction;  // encoded (extract/codec.h); empty when not extracted
  std::string kind;        // the article's kind, when extracted
  std::optional<ArticleProfile> profile;
  bool known = false;  // the store already held it when it was prepared (nothing else was computed)
  std::string note;    // a warning about it, given when it is stored
};

// One step of a document's outcome, applied in order by the writer.
struct Step {
  DocumentEntry entry;
  Prepared prepared;  // for a Ready entry
};
using Outcome = std::vector<Step>;

}  // namespace

struct Pipeline::Impl {
  Impl(Store& s, PipelineOptions o, PipelineEvents e) : store(s), options(std::move(o)), events(std::move(e)) {}
  ~Impl();

  Store& store;
  PipelineOptions options;
  PipelineEvents events;
  PipelineCounts counts;
  std::unique_ptr<Clusterer> clusterer;
  std::string extraction_version;  // of the extractor, recorded with every extraction stored
  std::set<std::string> touched;
  std::unique_ptr<Fetcher> fetcher_;
  size_t batch_writes = 0;  // articles written in the open batch
  bool batch_open = false;

  // Worker threads and the bookkeeping that keeps results in submission order.
  struct Job {
    uint64_t seq;
    std::string bytes;
    FetchInfo info;
  };
  std::mutex mu;
  std::condition_variable work_ready, result_ready;
  std::deque<Job> jobs;
  std::map<uint64_t, Outcome> results;
  uint64_t next_submit = 0, next_apply = 0;
  bool stopping = false;
  std::vector<std::thread> threads;

  void start_workers();
  void worker();
  Fetcher& fetcher() {
    if (!fetcher_) fetcher_ = std::make_unique<Fetcher>(options.fetch);
    return *fetcher_;
  }
  void fail(const std::string& item, const std::string& reason) {
    ++counts.failed;
    if (events.on_error) events.on_error(item, reason);
  }
  void warn(const std::string& item, const std::string& note) {
    ++counts.warnings;
    if (events.on_warning) events.on_warning(item, note);
  }
  void report(const Article& a, ItemOutcome outcome) {
    if (events.on_article) events.on_article(a, outcome);
  }

  void ingest(const std::string& target);
  void ingest_bytes(std::string_view bytes, const FetchInfo& info);
  bool poll_feed(Feed& feed, long interval_s);
  void drain();
  void drain_one();
  void close_batch();
  void finish_clustering();
  void refresh_dossiers();

  // Parsing and everything that needs no store writes: safe on any thread (`reader` may be null).
  Outcome parse(std::string_view bytes, const FetchInfo& info) const;
  Outcome steps_of(DocumentEntries&& entries) const;
  void prepare_all(Outcome& outcome, Store* reader) const;
  Prepared prepare(Article article, Store* reader) const;
  // The writer's side, in submission order.
  size_t apply(Outcome&& outcome);
  void apply_needs_page(DocumentEntry&& entry);
  void store_prepared(Prepared p);
  std::optional<DuplicateMatch> original_of(Article& a, const std::optional<MinHash>& sig, std::string& relink_from);
};

Pipeline::Impl::~Impl() {
  {
    std::lock_guard lock(mu);
    stopping = true;
  }
  work_ready.notify_all();
  for (auto& t : threads) t.join();
}

void Pipeline::Impl::start_workers() {
  if (options.threads == 0) return;
  if (options.queue == 0) options.queue = 32 * options.threads;
  for (size_t t = 0; t < options.threads; ++t) threads.emplace_back([this] { worker(); });
}

void Pipeline::Impl::worker() {
  // Each worker reads the store through its own handle, to skip work on known articles.
  auto reader = store.open_reader();
  Store* r = reader.ok() ? reader->get() : nullptr;
  constexpr size_t kTake = 4;  // documents a worker takes at once, parsed before any is prepared
  for (;;) {
    std::vector<Job> mine;
    {
      std::unique_lock lock(mu);
      work_ready.wait(lock, [&] { return stopping || !jobs.empty(); });
      if (jobs.empty()) return;
      // An even share of what is queued, so that the other workers are not left idle.
      size_t take = std::clamp<size_t>(jobs.size() / options.threads, 1, kTake);
      for (size_t k = 0; k < take && !jobs.empty(); ++k) {
        mine.push_back(std::move(jobs.front()));
        jobs.pop_front();
      }
    }
    // Parsing several documents before preparing their articles keeps the extraction's tables in
    // cache from one article to the next.
    std::vector<Outcome> outs;
    for (const auto& job : mine) outs.push_back(parse(job.bytes, job.info));
    for (size_t k = 0; k < mine.size(); ++k) {
      prepare_all(outs[k], r);
      {
        std::lock_guard lock(mu);
        results.emplace(mine[k].seq, std::move(outs[k]));
      }
      result_ready.notify_all();
    }
  }
}

void Pipeline::Impl::ingest(const std::string& target) {
  if (is_http_url(target)) {
    close_batch();  // no write lock is held across the network
    auto doc = read_document(target, options.fetch);
    if (!doc.ok()) return fail(target, doc.error());
    return ingest_bytes(doc->bytes, doc->info);
  }
  std::error_code ec;
  if (target != "-" && fs::is_directory(target, ec)) {
    std::string error;
    for (const auto& f : list_documents(target, &error)) ingest(f.string());
    if (!error.empty()) fail(target, error);
    return;
  }
  auto doc = read_local_document(target, options.fetch.max_bytes);
  if (!doc.ok()) return fail(target == "-" ? "<stdin>" : target, doc.error());
  ingest_bytes(doc->bytes, doc->info);
}

void Pipeline::Impl::ingest_bytes(std::string_view bytes, const FetchInfo& info) {
  if (threads.empty()) {
    Outcome out = parse(bytes, info);
    prepare_all(out, &store);
    apply(std::move(out));
    return;
  }
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (next_submit - next_apply < options.queue) break;
    }
    drain_one();
  }
  {
    std::lock_guard lock(mu);
    jobs.push_back(Job{next_submit++, std::string(bytes), info});
  }
  work_ready.notify_one();
}

void Pipeline::Impl::drain_one() {
  Outcome out;
  {
    std::unique_lock lock(mu);
    if (next_apply == next_submit) return;
    result_ready.wait(lock, [&] { return results.count(next_apply) > 0; });
    auto it = results.find(next_apply);
    out = std::move(it->second);
    results.erase(it);
    ++next_apply;  // before applying: what it submits (an OPML list's feeds) comes after
  }
  apply(std::move(out));
}

void Pipeline::Impl::drain() {
  if (!threads.empty())
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (next_apply == next_submit) break;
      }
      drain_one();
    }
  close_batch();
}

void Pipeline::Impl::close_batch() {
  if (!batch_open) return;
  if (auto st = store.end_batch(); !st.ok()) fail("store", "cannot commit: " + st.error());
  batch_open = false;
  batch_writes = 0;
}

Outcome Pipeline::Impl::parse(std::string_view bytes, const FetchInfo& info) const {
  return steps_of(document_entries(bytes, info, options.fetch_linked_pages));
}

Outcome Pipeline::Impl::steps_of(DocumentEntries&& entries) const {
  Outcome out;
  for (auto& e : entries.entries) {
    Step s;
    if (e.kind == DocumentEntry::Ready) {
      s.prepared.article = std::move(e.article);
      s.prepared.pending = true;
    }
    s.entry = std::move(e);
    out.push_back(std::move(s));
  }
  return out;
}

void Pipeline::Impl::prepare_all(Outcome& outcome, Store* reader) const {
  for (auto& s : outcome)
    if (s.entry.kind == DocumentEntry::Ready && s.prepared.pending) s.prepared = prepare(std::move(s.prepared.article), reader);
}

Prepared Pipeline::Impl::prepare(Article a, Store* reader) const {
  Prepared p;
  if (reader) {
    auto have = reader->has_article(a.id);
    if (have.ok() && *have) {
      p.known = true;
      p.article = std::move(a);
      return p;
    }
  }
  p.signature = minhash_signature(a.text);
  if (!a.raw.empty()) p.raw_zstd = zstd_compress(a.raw);
  if (options.extractor) {
    const Extractor& ex = *options.extractor;
    Extraction x = ex.extract(a);
    if (a.text.size() > Extractor::kTextLimit) {
      char note[128];
      std::snprintf(note, sizeof note, "text of %.1f MiB stored whole; extraction read its first %zu MiB",
                    static_cast<double>(a.text.size()) / (1 << 20), Extractor::kTextLimit >> 20);
      p.note = note;
    }
    if (options.cluster) p.profile = profile_article(a, x, ex.kb());
    p.extraction = encode_extraction(x);
    p.kind = article_kind_name(x.kind.kind);
  }
  p.article = std::move(a);
  return p;
}

size_t Pipeline::Impl::apply(Outcome&& outcome) {
  size_t items = 0;
  for (auto& s : outcome) {
    DocumentEntry& e = s.entry;
    items += e.counts_as_item;
    switch (e.kind) {
      case DocumentEntry::Failure: fail(e.item, e.message); break;
      case DocumentEntry::Warning: warn(e.item, e.message); break;
      case DocumentEntry::FeedList:
        for (const auto& u : e.feed_urls) ingest(u);
        break;
      case DocumentEntry::NeedsPage: apply_needs_page(std::move(e)); break;
      case DocumentEntry::Ready: store_prepared(std::move(s.prepared)); break;
    }
  }
  return items;
}

void Pipeline::Impl::apply_needs_page(DocumentEntry&& e) {
  Article probe = e.article;
  finalize_article(probe);
  auto have = store.has_article(probe.id);
  if (have.ok() && *have) {
    ++counts.already_stored;
    return report(probe, ItemOutcome::AlreadyStored);
  }
  close_batch();  // the network is used with no write transaction open
  std::string item = e.item, warning;
  auto a = complete_feed_item(std::move(e), fetcher(), &warning);
  if (!warning.empty()) warn(item, warning);
  if (!a.ok()) return fail(item, a.error());
  store_prepared(prepare(std::move(a).value(), nullptr));
}

// Links a near-duplicate to its original: the earliest-published stored copy. When the stored
// match was published later than `a`, `a` becomes the original and `relink_from` names the match.
std::optional<DuplicateMatch> Pipeline::Impl::original_of(Article& a, const std::optional<MinHash>& sig, std::string& relink_from) {
  if (!sig) return std::nullopt;
  auto dup = store.find_near_duplicate(*sig, options.duplicate_threshold);
  if (!dup.ok()) {
    warn(a.fetch.source, "store: near-duplicate look-up failed: " + dup.error());
    return std::nullopt;
  }
  if (!*dup || (*dup)->id == a.id) return std::nullopt;
  a.duplicate_of = (*dup)->id;
  a.duplicate_similarity = (*dup)->similarity;
  if (!a.published.empty()) {
    auto other = store.article_header(a.duplicate_of);
    if (other.ok() && *other && !(*other)->published.empty() && a.published < (*other)->published) {
      relink_from = a.duplicate_of;
      a.duplicate_of.clear();
      a.duplicate_similarity = 0;
    }
  }
  return *dup;
}

void Pipeline::Impl::store_prepared(Prepared p) {
  Article& a = p.article;
  if (p.known) {
    ++counts.already_stored;
    return report(a, ItemOutcome::AlreadyStored);
  }
  if (!batch_open && options.batch > 1) {
    if (auto st = store.begin_batch(); st.ok()) batch_open = true;
  }
  auto have = store.has_article(a.id);
  if (!have.ok()) return fail(a.fetch.source, "store: " + have.error());
  if (*have) {
    ++counts.already_stored;
    return report(a, ItemOutcome::AlreadyStored);
  }
  std::string relink_from;
  auto match = original_of(a, p.signature, relink_from);
  double relink_similarity = match ? match->similarity : 0;
  auto put = store.put_article(a, p.signature, p.raw_zstd);
  if (!put.ok()) return fail(a.fetch.source, "store: " + put.error());
  if (!p.note.empty()) warn(a.fetch.source, p.note);
  if (*put != PutOutcome::Inserted) {
    ++counts.already_stored;
    report(a, ItemOutcome::AlreadyStored);
  } else {
    if (!relink_from.empty()) {
      if (auto st = store.relink_duplicates(relink_from, a.id, relink_similarity); !st.ok())
        warn(a.fetch.source, "store: cannot relink copies: " + st.error());
      else
        ++counts.duplicates;  // the former original is now known to be a copy
    }
    if (!p.extraction.empty()) {
      if (auto st = store.put_extraction(a.id, StoredExtraction{extraction_version, std::move(p.extraction), p.kind}); !st.ok())
        warn(a.fetch.source, "store: extraction not saved: " + st.error());
      if (clusterer && p.profile) {
        p.profile->duplicate_of = a.duplicate_of;
        if (auto st = clusterer->add(std::move(*p.profile)); !st.ok()) warn(a.fetch.source, "clustering: " + st.error());
      }
    }
    ++counts.stored;
    ItemOutcome outcome = ItemOutcome::Stored;
    if (!a.duplicate_of.empty()) {
      ++counts.duplicates;
      outcome = ItemOutcome::Duplicate;
    }
    report(a, outcome);
  }
  if (batch_open && ++batch_writes >= options.batch) close_batch();
}

bool Pipeline::Impl::poll_feed(Feed& feed, long interval_s) {
  feed.last_attempt = now_iso8601();
  ++counts.feeds_polled;
  FetchRequest rq;
  rq.url = feed.url;
  rq.etag = feed.etag;
  rq.last_modified = feed.last_modified;
  rq.is_page = false;
  close_batch();
  auto r = fetcher().get(rq);
  auto failed = [&](const std::string& reason) {
    feed.last_error = reason;
    ++feed.consecutive_failures;
    feed.next_due = next_due_after(feed, interval_s);
    fail(feed.url, reason);
    return false;
  };
  if (!r.ok()) return failed(r.error());
  if (r->not_modified) {
    ++counts.feeds_not_modified;
  } else {
    DocumentEntries doc = document_entries(r->body, fetch_info_from(feed.url, *r), options.fetch_linked_pages);
    if (!doc.parsed) return failed(doc.entries.front().message);
    if (doc.kind != DocumentKind::Feed || doc.feed_format == "opml") return failed("not an RSS or Atom feed");
    if (feed.title.empty()) feed.title = doc.feed_title;
    Outcome out = steps_of(std::move(doc));
    // The items are prepared here, on the calling thread: a poll is bound by the network.
    prepare_all(out, &store);
    feed.items_seen += static_cast<int64_t>(apply(std::move(out)));
    close_batch();
    feed.etag = r->etag;
    feed.last_modified = r->last_modified;
  }
  feed.last_success = now_iso8601();
  feed.last_error.clear();
  feed.consecutive_failures = 0;
  feed.next_due = next_due_after(feed, interval_s);
  return true;
}

void Pipeline::Impl::finish_clustering() {
  if (!clusterer) return;
  if (auto st = clusterer->flush(); !st.ok()) return fail("clustering", st.error());
  for (const auto& d : clusterer->take_decisions()) {
    ++counts.clustered;
    counts.incidents_created += d.created;
    touched.insert(d.incident_id);
  }
}

void Pipeline::Impl::refresh_dossiers() {
  if (!options.refresh_dossiers || !options.extractor) return;
  for (const auto& id : touched) {
    auto d = generate_dossier(store, *options.extractor, id);
    if (!d.ok()) {
      fail("dossier of incident " + id, d.error());
      continue;
    }
    ++counts.dossiers_written;
    if (!d->changes.since.empty()) ++counts.dossiers_changed;
  }
}

Result<std::unique_ptr<Pipeline>> Pipeline::open(Store& store, PipelineOptions options, PipelineEvents events) {
  auto impl = std::make_unique<Impl>(store, std::move(options), std::move(events));
  if (impl->options.extractor) impl->extraction_version = extractor_version(impl->options.extractor->kb());
  if (impl->options.extractor && impl->options.cluster) {
    auto c = Clusterer::open(store, &impl->options.extractor->kb(), impl->options.clustering);
    if (!c.ok()) return Error{c.error()};
    impl->clusterer = std::move(c).value();
    // Articles an earlier run stored but did not cluster (it was killed, or ran without
    // clustering) join this run's queue, so that no stored article stays outside every incident.
    auto queued = queue_unclustered(store, *impl->options.extractor, *impl->clusterer,
                                    [&](const std::string& id, const std::string& why) { impl->fail(id, why); });
    if (!queued.ok()) return Error{queued.error()};
  }
  impl->start_workers();
  return std::unique_ptr<Pipeline>(new Pipeline(std::move(impl)));
}

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pipeline::~Pipeline() { impl_->drain(); }

void Pipeline::ingest(const std::string& path_or_url) { impl_->ingest(path_or_url); }
void Pipeline::ingest_bytes(std::string_view bytes, const FetchInfo& info) { impl_->ingest_bytes(bytes, info); }
bool Pipeline::poll_feed(Feed& feed, long interval_s) { return impl_->poll_feed(feed, interval_s); }

void Pipeline::poll_feeds(long interval_s, bool only_due, const std::atomic<bool>* stop) {
  auto feeds = impl_->store.list_feeds();
  if (!feeds.ok()) return impl_->fail("feeds", feeds.error());
  std::string now = now_iso8601();
  for (auto& f : *feeds) {
    if (stop && *stop) break;
    if (only_due && !feed_is_due(f, now)) continue;
    impl_->poll_feed(f, interval_s);
    if (auto st = impl_->store.update_feed(f); !st.ok()) impl_->fail(f.url, "cannot save the feed's state: " + st.error());
  }
}

void Pipeline::drain() { impl_->drain(); }

void Pipeline::finish() {
  impl_->drain();
  impl_->finish_clustering();
  impl_->refresh_dossiers();
}

const PipelineCounts& Pipeline::counts() const { return impl_->counts; }
const std::set<std::string>& Pipeline::touched_incidents() const { return impl_->touched; }
Clusterer* Pipeline::clusterer() { return impl_->clusterer.get(); }

}  // namespace dossier
