// A synthetic news corpus with known incident labels, for benchmarks at scale and for measuring
// clustering on more than the hand-written sample corpus.
//
// Incidents are drawn from the knowledge base: a threat actor (an ATT&CK group, or a ransomware
// family for cybercrime) with its aliases and software, a victim organisation (a generated name in
// a KB sector and country), CVEs, indicators and the ATT&CK techniques the actor uses. Each incident
// is covered by 1 to 40 articles from different outlets over days to weeks (some with a follow-up
// weeks later); each article tells part of the story (what happened, attribution, the flaw, the
// indicators, impact, response, reactions) padded with background prose to 1-15 KB of text, in a
// vocabulary that mixes the incident's own words with common ones. Distractor articles (weekly
// round-ups naming several actors and victims, patch and product news, opinion) belong to no
// incident; near-duplicate reposts copy an article on another outlet.
//
// Articles come out in publication order as documents of the forms dossier ingests: HTML pages of
// 20-150 KB in three site templates with their boilerplate, RSS 2.0 and Atom feeds of up to 25
// items, and plain text with front matter. Everything is deterministic from the seed, and the
// generator streams: memory stays flat whatever the number of articles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dossier/kb/kb.h"

namespace dossier::bench {

struct CorpusOptions {
  uint64_t seed = 1;
  size_t articles = 1000;
  double articles_per_day = 1000;  // publication rate
  double distractor_rate = 0.10;
  double repost_rate = 0.05;
  size_t max_coverage = 40;        // articles of the most covered incidents (log-uniform from 1)
  std::string start = "2023-01-02";
  bool html_boilerplate = true;    // pages padded to 20-150 KB like real ones; off: the article markup only
};

struct GeneratedItem {
  std::string url;
  std::string label;      // incident label ("incident-000042"), or "distractor-…" for articles of no incident
  std::string title;
  std::string published;  // ISO 8601
  std::string outlet;
  std::string text;       // the article text as written (paragraphs separated by blank lines)
  std::string repost_of;  // url of the original, for reposts
};

struct GeneratedDocument {
  std::string kind;  // html, rss, atom, text
  std::string name;  // a file name for it: html/…html, feeds/…rss, text/…txt
  std::string url;   // where it would be fetched from (pages and feeds)
  std::string bytes;
  std::vector<GeneratedItem> items;  // one for pages and text, up to 25 for feeds
};

class CorpusGenerator {
 public:
  CorpusGenerator(const KnowledgeBase& kb, CorpusOptions options);
  ~CorpusGenerator();
  // The next document, in publication order; false once `articles` articles were produced.
  bool next(GeneratedDocument& doc);
  size_t produced() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dossier::bench
