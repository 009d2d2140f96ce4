// The store: where articles, feeds and (later) extractions, incidents and dossiers persist.
//
// Store is an interface so that the embedded SQLite default and a PostgreSQL backend for teams
// running many workers can both serve the pipeline. Backends own their SQL; nothing outside a
// backend writes SQL. Contract for every backend:
//  - put_article is idempotent on the article id (the same article twice is stored once) and
//    atomic (an interrupted write leaves no half-written article);
//  - reads never see uncommitted data;
//  - every method reports failures as values; none throws.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dossier/ingest/neardup.h"
#include "dossier/model.h"
#include "dossier/util/result.h"

namespace dossier {

struct ArticleQuery {
  size_t limit = 0;          // 0: all
  std::string since;         // ISO 8601; articles published (or, if undated, ingested) at or after
  bool with_text = false;    // listings omit the body by default
  bool include_duplicates = true;
};

struct DuplicateMatch {
  std::string id;
  double similarity = 0;
};

enum class PutOutcome { Inserted, AlreadyStored };

class Store {
 public:
  virtual ~Store() = default;

  virtual std::string backend() const = 0;

  // Stores the article (raw bytes compressed) with its near-duplicate signature, if any.
  virtual Result<PutOutcome> put_article(const Article& article, const std::optional<MinHash>& signature) = 0;
  virtual Result<bool> has_article(const std::string& id) = 0;
  // Accepts a full id or a unique prefix of at least 4 characters.
  virtual Result<std::optional<Article>> get_article(const std::string& id_or_prefix, bool with_raw) = 0;
  virtual Result<std::vector<Article>> list_articles(const ArticleQuery& query) = 0;
  virtual Result<size_t> count_articles() = 0;
  // The most similar stored article with estimated Jaccard >= threshold, if any. When the match is
  // itself a copy, the result names its original.
  virtual Result<std::optional<DuplicateMatch>> find_near_duplicate(const MinHash& signature, double threshold) = 0;
  // Makes `original` the original of `former_original` and of every copy linked to it (used when an
  // earlier-published copy arrives after its reposts).
  virtual Status relink_duplicates(const std::string& former_original, const std::string& original, double similarity) = 0;
  // Published time and duplicate link of an article, for near-duplicate decisions.
  virtual Result<std::optional<Article>> article_header(const std::string& id) = 0;

  // What extraction found in an article (JSON text); replaced when extraction runs again.
  virtual Status put_extraction(const std::string& article_id, const std::string& json) = 0;
  virtual Result<std::optional<std::string>> get_extraction(const std::string& article_id) = 0;

  // Feeds. add_feed returns the feed (existing one if the URL is already registered).
  virtual Result<Feed> add_feed(const std::string& url, const std::string& title) = 0;
  virtual Result<bool> remove_feed(const std::string& url_or_id) = 0;
  virtual Result<std::vector<Feed>> list_feeds() = 0;
  virtual Status update_feed(const Feed& feed) = 0;
};

// Opens (creating if needed) the store at `path`, applying pending schema migrations.
// "postgres://..." / "postgresql://..." URLs are reserved for the PostgreSQL backend.
Result<std::unique_ptr<Store>> open_store(const std::string& path);

// $DOSSIER_DB, else $XDG_DATA_HOME/dossier/dossier.db, else ~/.local/share/dossier/dossier.db.
std::string default_store_path();

}  // namespace dossier
