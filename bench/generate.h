// Deterministic synthetic documents for benchmarks: HTML pages with the boilerplate of real news
// sites (scripts, navigation, link lists, comments, footers) around an article, and RSS feeds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dossier::bench {

struct GeneratedPage {
  std::string html;
  size_t article_chars = 0;  // characters of article text inside the page
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : state_(seed ? seed : 1) {}
  // A paragraph of 2-6 sentences of security-news vocabulary.
  std::string paragraph();
  // An HTML page of roughly `target_bytes` (article text is 5-15% of it, as on real sites).
  GeneratedPage page(size_t target_bytes);
  // An RSS 2.0 feed with `items` items carrying full content:encoded bodies.
  std::string rss(size_t items);

 private:
  uint64_t next();
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  uint64_t state_;
};

}  // namespace dossier::bench
