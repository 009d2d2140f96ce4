#include "dossier/ingest/source.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "dossier/ingest/document.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace fs = std::filesystem;

namespace {

std::string mib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::string too_large(size_t size, size_t limit, bool at_least) {
  return std::string("file too large (") + (at_least ? "over " : "") + mib(size) + " > " + mib(limit) + " limit)";
}

// Reads a stream to its end, stopping one chunk past `max_bytes`.
Result<std::string> read_stream(std::FILE* fp, size_t max_bytes) {
  std::string bytes;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) {
    bytes.append(buf, n);
    if (bytes.size() > max_bytes) return Error{too_large(bytes.size(), max_bytes, true)};
  }
  if (std::ferror(fp)) return Error{"read error"};
  return bytes;
}

}  // namespace

Result<Document> read_local_document(const std::string& path, size_t max_bytes) {
  Document doc;
  doc.info.source = path == "-" ? "<stdin>" : path;
  doc.info.fetched_at = now_iso8601();
  if (path == "-") {
    auto bytes = read_stream(stdin, max_bytes);
    if (!bytes.ok()) return Error{bytes.error()};
    doc.bytes = std::move(bytes).value();
    return doc;
  }
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return Error{"no such file or directory"};
  if (fs::is_directory(st)) return Error{"is a directory"};
  auto size = fs::file_size(path, ec);
  if (ec) return Error{"cannot read: " + ec.message()};
  if (size > max_bytes) return Error{too_large(size, max_bytes, false)};
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (!fp) return Error{"cannot open for reading"};
  auto bytes = read_stream(fp, max_bytes);  // the file may have grown since it was measured
  std::fclose(fp);
  if (!bytes.ok()) return Error{bytes.error()};
  if (bytes->size() < size) return Error{"short read"};
  doc.bytes = std::move(bytes).value();
  return doc;
}

Result<Document> read_document(const std::string& target, const FetchOptions& fetch) {
  if (!is_http_url(target)) return read_local_document(target, fetch.max_bytes);
  Fetcher f(fetch);
  FetchRequest rq;
  rq.url = target;
  auto r = f.get(rq);
  if (!r.ok()) return Error{r.error()};
  Document doc;
  doc.info = fetch_info_from(target, *r);
  doc.bytes = std::move(r->body);
  return doc;
}

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

std::vector<fs::path> list_documents(const fs::path& dir, std::string* error) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    if (error) *error = "cannot read directory: " + ec.message();
    return files;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      if (error) *error = "cannot read directory: " + ec.message();
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
  std::sort(files.begin(), files.end());
  return files;
}

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

namespace {

DocumentEntry message_entry(DocumentEntry::Kind kind, const std::string& item, const std::string& message) {
  DocumentEntry e;
  e.kind = kind;
  e.item = item;
  e.message = message;
  return e;
}

}  // namespace

DocumentEntries document_entries(std::string_view bytes, const FetchInfo& info, bool fetch_linked_pages) {
  DocumentEntries result;
  std::vector<DocumentEntry>& out = result.entries;
  auto doc = parse_document(bytes, info);
  if (!doc.ok()) {
    out.push_back(message_entry(DocumentEntry::Failure, info.source, doc.error()));
    return result;
  }
  result.parsed = true;
  result.kind = doc->kind;
  if (doc->kind != DocumentKind::Feed) {
    DocumentEntry e;
    e.article = std::move(doc->article);
    out.push_back(std::move(e));
    return result;
  }
  const ParsedFeed& feed = doc->feed;
  result.feed_format = feed.format;
  result.feed_title = feed.title;
  if (!feed.warning.empty()) out.push_back(message_entry(DocumentEntry::Warning, info.source, feed.warning));
  if (feed.format == "opml") {
    if (feed.feed_urls.empty()) out.push_back(message_entry(DocumentEntry::Warning, info.source, "OPML list names no feeds"));
    DocumentEntry e;
    e.kind = DocumentEntry::FeedList;
    e.feed_urls = feed.feed_urls;
    out.push_back(std::move(e));
    return result;
  }
  for (const auto& item : feed.items) {
    std::string label = info.source + " item \"" + truncate_words(item.title.empty() ? item.link : item.title, 60) + "\"";
    Article a = article_from_feed_item(item, feed, info);
    DocumentEntry e;
    e.counts_as_item = true;
    if (fetch_linked_pages && is_summary_only(item, a) && is_http_url(item.link)) {
      // Only a teaser: the linked page is fetched by whoever applies the steps.
      e.kind = DocumentEntry::NeedsPage;
      e.link = item.link;
      e.item = label;
    } else if (trim(a.text).empty()) {
      e.kind = DocumentEntry::Failure;
      e.item = label;
      e.message = "item has no text";
    } else {
      finalize_article(a);
    }
    e.article = std::move(a);
    out.push_back(std::move(e));
  }
  return result;
}

Result<Article> complete_feed_item(DocumentEntry e, Fetcher& fetcher, std::string* warning) {
  Article& a = e.article;
  FetchRequest rq;
  rq.url = e.link;
  auto r = fetcher.get(rq);
  if (r.ok()) {
    auto page = parse_document(r->body, fetch_info_from(e.link, *r));
    if (page.ok() && page->kind != DocumentKind::Feed) merge_page_into_item(a, page->article);
    else if (warning)
      *warning = "linked page unusable (" + (page.ok() ? std::string("it is a feed") : page.error()) + "); kept the feed's summary";
  } else if (warning) {
    *warning = "full text not fetched (" + r.error() + "); kept the feed's summary";
  }
  if (trim(a.text).empty()) return Error{"item has no text"};
  finalize_article(a);
  return std::move(a);
}

Result<DocumentArticles> document_articles(std::string_view bytes, const FetchInfo& info) {
  auto doc = parse_document(bytes, info);
  if (!doc.ok()) return Error{doc.error()};
  DocumentArticles out;
  out.is_feed = doc->kind == DocumentKind::Feed;
  if (!out.is_feed) {
    out.articles.push_back(std::move(doc->article));
    return out;
  }
  for (const auto& item : doc->feed.items) {
    Article a = article_from_feed_item(item, doc->feed, info);
    finalize_article(a);
    out.articles.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<std::string>> read_opml_file(const std::string& path, size_t max_bytes) {
  auto doc = read_local_document(path, max_bytes);
  if (!doc.ok()) return Error{doc.error()};
  auto parsed = parse_document(doc->bytes, doc->info);
  if (!parsed.ok()) return Error{parsed.error()};
  if (parsed->kind != DocumentKind::Feed || parsed->feed.format != "opml") return Error{"not an OPML list"};
  return parsed->feed.feed_urls;
}

std::string next_due_after(const Feed& feed, long interval_s) {
  long wait = interval_s;
  for (int i = 0; i < std::min(feed.consecutive_failures, 6); ++i) wait *= 2;
  if (feed.consecutive_failures > 0) wait = std::min<long>(wait, std::max<long>(interval_s, 86400));
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return format_iso8601(now + wait);
}

bool feed_is_due(const Feed& feed, const std::string& now) { return feed.next_due.empty() || feed.next_due <= now; }

long seconds_until_next_due(const std::vector<Feed>& feeds, long interval_s, std::time_t now) {
  std::string soonest;
  for (const auto& f : feeds)
    if (!f.next_due.empty() && (soonest.empty() || f.next_due < soonest)) soonest = f.next_due;
  auto t = parse_datetime(soonest);
  if (!t) return interval_s;
  return std::clamp<long>(static_cast<long>(*t - now), 1, interval_s);
}

}  // namespace dossier
