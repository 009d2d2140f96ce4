// The types ingest produces and every stage reads: how a document arrived (FetchInfo), the article
// (Article) and a registered feed (Feed). Plain structs, no behaviour. Each stage declares the
// types it adds in its own header: Extraction (extract/extract.h), ArticleProfile
// (cluster/profile.h), IncidentRecord (store/store.h), Dossier (synthesize/dossier.h); see
// docs/ARCHITECTURE.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dossier {

// How a document reached us.
struct FetchInfo {
  std::string source;        // the path or URL the user (or a feed) named
  std::string final_url;     // after redirects; empty for files
  int http_status = 0;       // 0 for files
  std::string content_type;  // from the HTTP header, or sniffed for files
  std::string charset;       // the encoding the bytes were decoded from
  std::string etag;
  std::string last_modified;
  std::string fetched_at;    // ISO 8601 UTC
};

// One news article, decoded to UTF-8 and stripped of page boilerplate.
struct Article {
  std::string id;             // 16 hex digits: hash of canonical_url, else of the clean text
  std::string url;            // where it was found (item link, page URL); may be empty for files
  std::string canonical_url;  // <link rel=canonical>, og:url, JSON-LD url, or url
  std::string outlet;         // publication name (og:site_name, JSON-LD publisher, feed title, host)
  std::string title;
  std::string author;
  std::string published;      // ISO 8601 UTC, empty when no source states it
  std::string language;       // ISO 639-1 code, "und" when unknown
  std::string text;           // clean text: paragraphs and headings separated by blank lines
  std::string raw;            // original bytes as received (stored zstd-compressed)
  FetchInfo fetch;
  std::string feed_url;       // the feed an item came from, if any
  std::string duplicate_of;   // id of the first stored copy when this is a near-duplicate
  double duplicate_similarity = 0;  // estimated Jaccard similarity to duplicate_of
  std::string ingested_at;    // set by the store
  std::string kind;           // what kind of story (extract/kind.h), set by the store once extracted; "" before
};

// A registered feed and its polling state.
struct Feed {
  int64_t id = 0;
  std::string url;
  std::string title;
  std::string etag;
  std::string last_modified;
  std::string added_at;
  std::string last_attempt;
  std::string last_success;
  std::string last_error;
  int consecutive_failures = 0;
  int64_t items_seen = 0;
  std::string next_due;  // ISO 8601; when watch will poll it next (backoff after failures)
  std::string tlp;       // TLP 2.0 level of what it brings ("" for clear); exports mark incidents with the highest
};

}  // namespace dossier
