#include "cli/output.h"

#include <unistd.h>

#include <iostream>

#include "dossier/util/text.h"

namespace dossier::cli {

using json = nlohmann::json;

json article_json(const Article& a, bool full) {
  json j = {{"id", a.id},
            {"url", a.url},
            {"canonical_url", a.canonical_url},
            {"outlet", a.outlet},
            {"title", a.title},
            {"author", a.author},
            {"published", a.published},
            {"language", a.language},
            {"duplicate_of", a.duplicate_of.empty() ? json(nullptr) : json(a.duplicate_of)},
            {"duplicate_similarity", a.duplicate_of.empty() ? json(nullptr) : json(a.duplicate_similarity)},
            {"feed_url", a.feed_url},
            {"kind", a.kind.empty() ? json(nullptr) : json(a.kind)},
            {"ingested_at", a.ingested_at}};
  if (full) {
    j["text"] = a.text;
    j["fetch"] = {{"source", a.fetch.source},         {"final_url", a.fetch.final_url},
                  {"http_status", a.fetch.http_status}, {"content_type", a.fetch.content_type},
                  {"charset", a.fetch.charset},         {"etag", a.fetch.etag},
                  {"last_modified", a.fetch.last_modified}, {"fetched_at", a.fetch.fetched_at}};
  }
  return j;
}

json feed_json(const Feed& f) {
  return {{"id", f.id},
          {"url", f.url},
          {"title", f.title},
          {"added_at", f.added_at},
          {"last_attempt", f.last_attempt},
          {"last_success", f.last_success},
          {"last_error", f.last_error},
          {"consecutive_failures", f.consecutive_failures},
          {"items_seen", f.items_seen},
          {"next_due", f.next_due},
          {"etag", f.etag},
          {"last_modified", f.last_modified}};
}

namespace {

std::string pad(const std::string& s, size_t width) {
  std::string t = truncate_words(s, width);
  if (utf8_length(t) > width) t = t.substr(0, width);  // a single long word
  size_t len = utf8_length(t);
  return t + std::string(width > len ? width - len : 0, ' ');
}

}  // namespace

void print_articles_table(const std::vector<Article>& articles) {
  std::printf("%-16s  %-10s  %-15s  %-22s  %s\n", "ID", "PUBLISHED", "KIND", "OUTLET", "TITLE");
  for (const auto& a : articles) {
    std::string date = a.published.size() >= 10 ? a.published.substr(0, 10) : "-";
    std::string title = a.title;
    if (!a.duplicate_of.empty()) title += "  [copy of " + a.duplicate_of.substr(0, 8) + "]";
    std::printf("%s  %-10s  %-15s  %s  %s\n", a.id.c_str(), date.c_str(), a.kind.empty() ? "-" : a.kind.c_str(),
                pad(a.outlet.empty() ? "-" : a.outlet, 22).c_str(),
                truncate_words(title, 100).c_str());
  }
  std::printf("%zu article%s\n", articles.size(), articles.size() == 1 ? "" : "s");
}

void print_article(const Article& a) {
  auto line = [](const char* k, const std::string& v) {
    if (!v.empty()) std::printf("%-10s %s\n", k, v.c_str());
  };
  line("id", a.id);
  line("title", a.title);
  line("outlet", a.outlet);
  line("author", a.author);
  line("published", a.published);
  line("language", a.language);
  line("kind", a.kind);
  line("url", a.url);
  if (a.canonical_url != a.url) line("canonical", a.canonical_url);
  line("source", a.fetch.source);
  if (!a.duplicate_of.empty()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (similarity %.2f)", a.duplicate_similarity);
    line("copy of", a.duplicate_of + buf);
  }
  std::printf("\n%s\n", a.text.c_str());
}

void print_feeds_table(const std::vector<Feed>& feeds) {
  std::printf("%-4s  %-20s  %-5s  %-6s  %-20s  %s\n", "ID", "LAST SUCCESS", "FAILS", "ITEMS", "NEXT DUE", "URL / LAST ERROR");
  for (const auto& f : feeds) {
    std::printf("%-4lld  %-20s  %-5d  %-6lld  %-20s  %s\n", static_cast<long long>(f.id),
                f.last_success.empty() ? "never" : f.last_success.c_str(), f.consecutive_failures,
                static_cast<long long>(f.items_seen), f.next_due.empty() ? "now" : f.next_due.c_str(), f.url.c_str());
    if (!f.last_error.empty()) std::printf("%-4s  %s\n", "", ("last error: " + f.last_error).c_str());
  }
  std::printf("%zu feed%s\n", feeds.size(), feeds.size() == 1 ? "" : "s");
}

Progress::Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { finish(); }

void Progress::update(const std::string& counts, size_t done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  std::fprintf(stderr, "\r\033[K%s  %.1f items/s", counts.c_str(), rate);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::message(const std::string& line) {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", line.c_str());
  drawn_ = false;
}

void Progress::finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace dossier::cli
