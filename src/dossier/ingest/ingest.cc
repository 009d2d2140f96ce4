#include "dossier/ingest/ingest.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "dossier/cluster/clusterer.h"
#include "dossier/extract/extract.h"
#include "dossier/ingest/document.h"
#include "dossier/util/hash.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace fs = std::filesystem;

namespace {


FetchInfo fetch_info_from(const std::string& source, const FetchResponse& r) {
  FetchInfo info;
  info.source = source;
  info.final_url = r.final_url;
  info.http_status = static_cast<int>(r.status);
  info.content_type = r.content_type;
  info.etag = r.etag;
  info.last_modified = r.last_modified;
  info.fetched_at = now_iso8601();
  return info;
}

std::string mib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

bool is_document_extension(const fs::path& path) {
  std::string ext = ascii_lower(path.extension().string());
  static const char* exts[] = {"", ".html", ".htm", ".xhtml", ".xml", ".rss", ".atom", ".rdf", ".opml", ".txt", ".text", ".md", ".markdown"};
  return std::any_of(std::begin(exts), std::end(exts), [&](const char* e) { return ext == e; });
}

bool is_repository_furniture(const fs::path& path) {
  std::string stem = ascii_lower(path.stem().string());
  static const char* names[] = {"readme", "license", "licence", "copying", "changelog", "contributing", "notice", "authors"};
  return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return stem == n; });
}

std::string next_due_after(const Feed& feed, long interval_s) {
  long wait = interval_s;
  for (int i = 0; i < std::min(feed.consecutive_failures, 6); ++i) wait *= 2;
  if (feed.consecutive_failures > 0) wait = std::min<long>(wait, std::max<long>(interval_s, 86400));
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return format_iso8601(now + wait);
}

// An article made ready off the writing thread.
struct Ingestor::Prepared {
  Article article;
  bool pending = false;  // parsed, not prepared yet
  std::optional<MinHash> signature;
  std::string raw_zstd;
  std::string extraction_json;  // empty when not extracted
  std::optional<ArticleProfile> profile;
  bool known = false;  // the store already held it when it was prepared (nothing else was computed)
};

// One step of a document's outcome, applied in order by the writer.
struct Ingestor::Entry {
  enum Kind { Ready, NeedsPage, Failure, Warning, FeedList } kind = Ready;
  Prepared prepared;                   // Ready
  Article article;                     // NeedsPage: the item's article before its page is fetched
  std::string link;                    // NeedsPage
  std::string item, message;           // Failure, Warning; NeedsPage: the item's label
  std::vector<std::string> feed_urls;  // FeedList (an OPML list)
  bool counts_as_item = false;         // a feed item (for Feed::items_seen)
};

// Worker threads and the bookkeeping that keeps results in submission order.
struct Ingestor::Pool {
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
};

Ingestor::Ingestor(Store& store, IngestOptions options, IngestEvents events)
    : store_(store), options_(std::move(options)), events_(std::move(events)) {
  if (options_.threads == 0) return;
  if (options_.queue == 0) options_.queue = 32 * options_.threads;
  pool_ = std::make_unique<Pool>();
  for (size_t t = 0; t < options_.threads; ++t)
    pool_->threads.emplace_back([this] {
      // Each worker reads the store through its own handle, to skip work on known articles.
      auto reader = store_.open_reader();
      Store* r = reader.ok() ? reader->get() : nullptr;
      Pool& p = *pool_;
      constexpr size_t kTake = 4;  // documents a worker takes at once
      for (;;) {
        std::vector<Pool::Job> jobs;
        {
          std::unique_lock lock(p.mu);
          p.work_ready.wait(lock, [&] { return p.stopping || !p.jobs.empty(); });
          if (p.jobs.empty()) return;
          // An even share of what is queued, so that the other workers are not left idle.
          size_t take = std::clamp<size_t>(p.jobs.size() / options_.threads, 1, kTake);
          for (size_t k = 0; k < take && !p.jobs.empty(); ++k) {
            jobs.push_back(std::move(p.jobs.front()));
            p.jobs.pop_front();
          }
        }
        std::vector<Outcome> outs;
        for (const auto& job : jobs) outs.push_back(parse(job.bytes, job.info));
        for (size_t k = 0; k < jobs.size(); ++k) {
          prepare_all(outs[k], r);
          {
            std::lock_guard lock(p.mu);
            p.results.emplace(jobs[k].seq, std::move(outs[k]));
          }
          p.result_ready.notify_all();
        }
      }
    });
}

Ingestor::~Ingestor() {
  finish();
  if (pool_) {
    {
      std::lock_guard lock(pool_->mu);
      pool_->stopping = true;
    }
    pool_->work_ready.notify_all();
    for (auto& t : pool_->threads) t.join();
  }
}

Fetcher& Ingestor::fetcher() {
  if (!fetcher_) fetcher_ = std::make_unique<Fetcher>(options_.fetch);
  return *fetcher_;
}

void Ingestor::fail(const std::string& item, const std::string& reason) {
  ++counts_.failed;
  if (events_.on_error) events_.on_error(item, reason);
}

void Ingestor::warn(const std::string& item, const std::string& note) {
  ++counts_.warnings;
  if (events_.on_warning) events_.on_warning(item, note);
}

void Ingestor::ingest(const std::string& target) {
  if (is_http_url(target)) return ingest_url(target);
  std::error_code ec;
  fs::path p(target);
  auto st = fs::status(p, ec);
  if (ec || !fs::exists(st)) return fail(target, "no such file or directory");
  if (fs::is_directory(st)) return ingest_directory(p);
  ingest_file(p);
}

void Ingestor::ingest_directory(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return fail(dir.string(), "cannot read directory: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) {
      fail(dir.string(), "cannot read directory: " + ec.message());
      break;
    }
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && is_document_extension(p) && !is_repository_furniture(p)) files.push_back(p);
  }
  std::sort(files.begin(), files.end());  // deterministic order: the same run gives the same store
  for (const auto& f : files) ingest_file(f);
}

void Ingestor::ingest_file(const fs::path& path) {
  std::string name = path.string();
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return fail(name, "cannot read: " + ec.message());
  if (size > options_.max_file_bytes)
    return fail(name, "file too large (" + mib(size) + " > " + mib(options_.max_file_bytes) + " limit)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(name, "cannot open for reading");
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) return fail(name, "short read");
  FetchInfo info;
  info.source = name;
  info.fetched_at = now_iso8601();
  ingest_bytes(bytes, info);
}

void Ingestor::ingest_url(const std::string& url) {
  close_batch();  // no write lock is held across the network
  FetchRequest rq;
  rq.url = url;
  rq.is_page = true;
  auto r = fetcher().get(rq);
  if (!r.ok()) return fail(url, r.error());
  ingest_bytes(r->body, fetch_info_from(url, *r));
}

void Ingestor::ingest_bytes(std::string_view bytes, const FetchInfo& info) {
  if (!pool_) {
    apply(process(bytes, info, &store_));
    return;
  }
  Pool& p = *pool_;
  for (;;) {
    {
      std::lock_guard lock(p.mu);
      if (p.next_submit - p.next_apply < options_.queue) break;
    }
    drain_one();
  }
  {
    std::lock_guard lock(p.mu);
    p.jobs.push_back(Pool::Job{p.next_submit++, std::string(bytes), info});
  }
  p.work_ready.notify_one();
}

void Ingestor::drain_one() {
  Pool& p = *pool_;
  Outcome out;
  {
    std::unique_lock lock(p.mu);
    if (p.next_apply == p.next_submit) return;
    p.result_ready.wait(lock, [&] { return p.results.count(p.next_apply) > 0; });
    auto it = p.results.find(p.next_apply);
    out = std::move(it->second);
    p.results.erase(it);
    ++p.next_apply;  // before applying: what it submits (an OPML list's feeds) comes after
  }
  apply(std::move(out));
}

void Ingestor::finish() {
  if (pool_)
    for (;;) {
      {
        std::lock_guard lock(pool_->mu);
        if (pool_->next_apply == pool_->next_submit) break;
      }
      drain_one();
    }
  close_batch();
}

void Ingestor::close_batch() {
  if (!batch_open_) return;
  if (auto st = store_.end_batch(); !st.ok()) fail("store", "cannot commit: " + st.error());
  batch_open_ = false;
  batch_writes_ = 0;
}

Ingestor::Outcome Ingestor::process(std::string_view bytes, const FetchInfo& info, Store* reader) const {
  Outcome out = parse(bytes, info);
  prepare_all(out, reader);
  return out;
}

void Ingestor::prepare_all(Outcome& outcome, Store* reader) const {
  for (auto& e : outcome)
    if (e.kind == Entry::Ready && e.prepared.pending) e.prepared = prepare(std::move(e.prepared.article), reader);
}

Ingestor::Outcome Ingestor::parse(std::string_view bytes, const FetchInfo& info) const {
  Outcome out;
  auto doc = parse_document(bytes, info);
  if (!doc.ok()) {
    out.push_back(Entry{Entry::Failure, {}, {}, {}, info.source, doc.error(), {}, false});
    return out;
  }
  if (doc->kind != DocumentKind::Feed) {
    Entry e;
    e.prepared.article = std::move(doc->article);
    e.prepared.pending = true;
    out.push_back(std::move(e));
    return out;
  }
  const ParsedFeed& feed = doc->feed;
  if (!feed.warning.empty()) out.push_back(Entry{Entry::Warning, {}, {}, {}, info.source, feed.warning, {}, false});
  if (feed.format == "opml") {
    if (feed.feed_urls.empty()) out.push_back(Entry{Entry::Warning, {}, {}, {}, info.source, "OPML list names no feeds", {}, false});
    Entry e;
    e.kind = Entry::FeedList;
    e.feed_urls = feed.feed_urls;
    out.push_back(std::move(e));
    return out;
  }
  for (const auto& item : feed.items) {
    std::string label = info.source + " item \"" + truncate_words(item.title.empty() ? item.link : item.title, 60) + "\"";
    Article a = article_from_feed_item(item, feed, info);
    Entry e;
    e.counts_as_item = true;
    if (options_.fetch_linked_pages && is_summary_only(item, a) && is_http_url(item.link)) {
      // Only a teaser: the writer fetches the linked page (the network stays on its thread).
      e.kind = Entry::NeedsPage;
      e.article = std::move(a);
      e.link = item.link;
      e.item = label;
    } else if (trim(a.text).empty()) {
      e.kind = Entry::Failure;
      e.item = label;
      e.message = "item has no text";
    } else {
      finalize_article(a);
      e.prepared.article = std::move(a);
      e.prepared.pending = true;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Ingestor::Prepared Ingestor::prepare(Article a, Store* reader) const {
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
  if (options_.extractor) {
    const Extractor& ex = *options_.extractor;
    Extraction x = ex.extract(a);
    p.extraction_json = extraction_json(x, a, ex.kb()).dump();
    if (options_.clusterer) p.profile = profile_article(a, x, ex.kb());
  }
  p.article = std::move(a);
  return p;
}

size_t Ingestor::apply(Outcome&& outcome) {
  size_t items = 0;
  for (auto& e : outcome) {
    items += e.counts_as_item;
    switch (e.kind) {
      case Entry::Failure:
        fail(e.item, e.message);
        break;
      case Entry::Warning:
        warn(e.item, e.message);
        break;
      case Entry::FeedList:
        for (const auto& u : e.feed_urls) ingest(u);
        break;
      case Entry::NeedsPage: {
        Article& a = e.article;
        Article probe = a;
        finalize_article(probe);
        auto have = store_.has_article(probe.id);
        if (have.ok() && *have) {
          ++counts_.already_stored;
          if (events_.on_article) events_.on_article(probe, ItemOutcome::AlreadyStored);
          break;
        }
        close_batch();
        FetchRequest rq;
        rq.url = e.link;
        auto r = fetcher().get(rq);
        if (r.ok()) {
          auto page = parse_document(r->body, fetch_info_from(e.link, *r));
          if (page.ok() && page->kind != DocumentKind::Feed) merge_page_into_item(a, page->article);
          else warn(e.item, "linked page unusable (" + (page.ok() ? std::string("it is a feed") : page.error()) + "); kept the feed's summary");
        } else {
          warn(e.item, "full text not fetched (" + r.error() + "); kept the feed's summary");
        }
        if (trim(a.text).empty()) {
          fail(e.item, "item has no text");
          break;
        }
        finalize_article(a);
        store_prepared(prepare(std::move(a), nullptr));
        break;
      }
      case Entry::Ready:
        store_prepared(std::move(e.prepared));
        break;
    }
  }
  return items;
}

void Ingestor::store_prepared(Prepared p) {
  Article& a = p.article;
  if (p.known) {
    ++counts_.already_stored;
    if (events_.on_article) events_.on_article(a, ItemOutcome::AlreadyStored);
    return;
  }
  if (!batch_open_ && options_.batch > 1) {
    if (auto st = store_.begin_batch(); st.ok()) batch_open_ = true;
  }
  auto have = store_.has_article(a.id);
  if (!have.ok()) return fail(a.fetch.source, "store: " + have.error());
  if (*have) {
    ++counts_.already_stored;
    if (events_.on_article) events_.on_article(a, ItemOutcome::AlreadyStored);
    return;
  }
  const auto& sig = p.signature;
  if (sig) {
    auto dup = store_.find_near_duplicate(*sig, options_.duplicate_threshold);
    if (!dup.ok()) return fail(a.fetch.source, "store: " + dup.error());
    if (*dup && (*dup)->id != a.id) {
      a.duplicate_of = (*dup)->id;
      a.duplicate_similarity = (*dup)->similarity;
    }
  }
  // The original is the earliest-published copy: if the stored match was published later than this
  // article, this one becomes the original and the stored copies are relinked to it.
  std::string relink_from;
  double relink_similarity = a.duplicate_similarity;
  if (!a.duplicate_of.empty() && !a.published.empty()) {
    auto other = store_.article_header(a.duplicate_of);
    if (other.ok() && *other && !(*other)->published.empty() && a.published < (*other)->published) {
      relink_from = a.duplicate_of;
      a.duplicate_of.clear();
      a.duplicate_similarity = 0;
    }
  }
  auto put = store_.put_article(a, sig, p.raw_zstd);
  if (!put.ok()) return fail(a.fetch.source, "store: " + put.error());
  if (!relink_from.empty() && *put == PutOutcome::Inserted) {
    if (auto st = store_.relink_duplicates(relink_from, a.id, relink_similarity); !st.ok())
      warn(a.fetch.source, "store: cannot relink copies: " + st.error());
    else
      ++counts_.duplicates;  // the former original is now known to be a copy
  }
  ItemOutcome outcome = ItemOutcome::AlreadyStored;
  if (*put == PutOutcome::Inserted && !p.extraction_json.empty()) {
    if (auto st = store_.put_extraction(a.id, p.extraction_json); !st.ok()) warn(a.fetch.source, "store: extraction not saved: " + st.error());
    if (options_.clusterer && p.profile) {
      p.profile->duplicate_of = a.duplicate_of;
      if (auto st = options_.clusterer->add(std::move(*p.profile)); !st.ok()) warn(a.fetch.source, "clustering: " + st.error());
    }
  }
  if (*put == PutOutcome::Inserted) {
    ++counts_.stored;
    outcome = ItemOutcome::Stored;
    if (!a.duplicate_of.empty()) {
      ++counts_.duplicates;
      outcome = ItemOutcome::Duplicate;
    }
  } else {
    ++counts_.already_stored;
  }
  if (events_.on_article) events_.on_article(a, outcome);
  if (batch_open_ && ++batch_writes_ >= options_.batch) close_batch();
}

bool Ingestor::poll_feed(Feed& feed, long interval_s) {
  feed.last_attempt = now_iso8601();
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
    ++counts_.feeds_not_modified;
  } else {
    FetchInfo info = fetch_info_from(feed.url, *r);
    auto doc = parse_document(r->body, info);
    if (!doc.ok()) return failed(doc.error());
    if (doc->kind != DocumentKind::Feed || doc->feed.format == "opml") return failed("not an RSS or Atom feed");
    if (feed.title.empty()) feed.title = doc->feed.title;
    // The items are prepared here, on the calling thread: a poll is bound by the network.
    feed.items_seen += static_cast<int64_t>(apply(process(r->body, info, &store_)));
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

}  // namespace dossier
