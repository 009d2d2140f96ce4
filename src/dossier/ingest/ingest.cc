#include "dossier/ingest/ingest.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <vector>

#include "dossier/cluster/clusterer.h"
#include "dossier/extract/extract.h"
#include "dossier/ingest/document.h"
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

Ingestor::Ingestor(Store& store, IngestOptions options, IngestEvents events)
    : store_(store), options_(std::move(options)), events_(std::move(events)) {}

Ingestor::~Ingestor() = default;

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
  FetchRequest rq;
  rq.url = url;
  rq.is_page = true;
  auto r = fetcher().get(rq);
  if (!r.ok()) return fail(url, r.error());
  ingest_bytes(r->body, fetch_info_from(url, *r));
}

void Ingestor::ingest_bytes(std::string_view bytes, const FetchInfo& info) {
  auto doc = parse_document(bytes, info);
  if (!doc.ok()) return fail(info.source, doc.error());
  if (doc->kind == DocumentKind::Feed) {
    const ParsedFeed& feed = doc->feed;
    if (!feed.warning.empty()) warn(info.source, feed.warning);
    if (feed.format == "opml") {
      if (feed.feed_urls.empty()) warn(info.source, "OPML list names no feeds");
      for (const auto& u : feed.feed_urls) ingest(u);
      return;
    }
    ingest_feed_items(feed, info);
    return;
  }
  store_article(std::move(doc->article));
}

size_t Ingestor::ingest_feed_items(const ParsedFeed& feed, const FetchInfo& info) {
  size_t n = 0;
  for (const auto& item : feed.items) {
    ++n;
    std::string label = info.source + " item \"" + truncate_words(item.title.empty() ? item.link : item.title, 60) + "\"";
    Article a = article_from_feed_item(item, feed, info);
    if (options_.fetch_linked_pages && is_summary_only(item, a) && is_http_url(item.link)) {
      Article probe = a;
      finalize_article(probe);
      auto have = store_.has_article(probe.id);
      if (have.ok() && *have) {
        ++counts_.already_stored;
        if (events_.on_article) events_.on_article(probe, ItemOutcome::AlreadyStored);
        continue;
      }
      FetchRequest rq;
      rq.url = item.link;
      auto r = fetcher().get(rq);
      if (r.ok()) {
        auto page = parse_document(r->body, fetch_info_from(item.link, *r));
        if (page.ok() && page->kind != DocumentKind::Feed) merge_page_into_item(a, page->article);
        else warn(label, "linked page unusable (" + (page.ok() ? std::string("it is a feed") : page.error()) + "); kept the feed's summary");
      } else {
        warn(label, "full text not fetched (" + r.error() + "); kept the feed's summary");
      }
    }
    if (trim(a.text).empty()) {
      fail(label, "item has no text");
      continue;
    }
    finalize_article(a);
    store_article(std::move(a));
  }
  return n;
}

void Ingestor::store_article(Article a) {
  auto sig = minhash_signature(a.text);
  auto have = store_.has_article(a.id);
  if (!have.ok()) return fail(a.fetch.source, "store: " + have.error());
  if (*have) {
    ++counts_.already_stored;
    if (events_.on_article) events_.on_article(a, ItemOutcome::AlreadyStored);
    return;
  }
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
  auto put = store_.put_article(a, sig);
  if (!put.ok()) return fail(a.fetch.source, "store: " + put.error());
  if (!relink_from.empty() && *put == PutOutcome::Inserted) {
    if (auto st = store_.relink_duplicates(relink_from, a.id, relink_similarity); !st.ok())
      warn(a.fetch.source, "store: cannot relink copies: " + st.error());
    else
      ++counts_.duplicates;  // the former original is now known to be a copy
  }
  ItemOutcome outcome = ItemOutcome::AlreadyStored;
  if (*put == PutOutcome::Inserted && options_.extractor) {
    const Extractor& ex = *options_.extractor;
    Extraction x = ex.extract(a);
    std::string json = extraction_json(x, a, ex.kb()).dump();
    if (auto st = store_.put_extraction(a.id, json); !st.ok()) warn(a.fetch.source, "store: extraction not saved: " + st.error());
    if (options_.clusterer)
      if (auto st = options_.clusterer->add(profile_article(a, x, ex.kb())); !st.ok()) warn(a.fetch.source, "clustering: " + st.error());
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
}

bool Ingestor::poll_feed(Feed& feed, long interval_s) {
  feed.last_attempt = now_iso8601();
  FetchRequest rq;
  rq.url = feed.url;
  rq.etag = feed.etag;
  rq.last_modified = feed.last_modified;
  rq.is_page = false;
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
    if (!doc->feed.warning.empty()) warn(feed.url, doc->feed.warning);
    if (feed.title.empty()) feed.title = doc->feed.title;
    feed.items_seen += static_cast<int64_t>(ingest_feed_items(doc->feed, info));
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
