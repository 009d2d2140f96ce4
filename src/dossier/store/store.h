// The store: where articles, their extractions, incidents, analysts' corrections, dossiers and
// feeds persist.
//
// Store is an interface so that the embedded SQLite default and a PostgreSQL backend for teams
// running many workers can both serve the pipeline. Backends own their SQL; nothing outside a
// backend writes SQL. Contract for every backend:
//  - put_article is idempotent on the article id (the same article twice is stored once) and
//    atomic (an interrupted write leaves no half-written article);
//  - reads never see uncommitted data;
//  - every method reports failures as values; none throws.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "dossier/util/minhash.h"
#include "dossier/model.h"
#include "dossier/util/result.h"

namespace dossier {

struct ArticleQuery {
  size_t limit = 0;          // 0: all
  std::string since;         // ISO 8601; articles published (or, if undated, ingested) at or after
  bool with_text = false;    // listings omit the body by default
  bool include_duplicates = true;
  bool newest_first = false;  // descending ingest order (default: ascending)
  // A page's cursor: only articles ingested before (newest_first) or after this article id. An id
  // the store does not hold is an error.
  std::string after_id;
};

// An incident as the store keeps it. `state` is the clusterer's own serialised summary (centroid,
// entity counts, window); the other fields are for listing and reports.
struct IncidentRecord {
  std::string id;
  std::string title;
  std::string first_seen, last_seen;  // ISO 8601: earliest and latest publication (ingest time for undated members)
  int32_t first_day = 0, last_day = 0;  // the clusterer's window, in days since 1970-01-01
  int64_t articles = 0;
  int64_t sources = 0;   // independent sources: near-duplicate copies of a member count once
  int64_t outlets = 0;
  std::vector<std::string> actors;  // actor ids named by its articles, most named first
  std::string state;
  // The specific entities (victims, actors, CVEs, indicators, malware, names) it is found by when
  // an article is further from it in time than the clusterer's window; written with the state.
  std::vector<uint64_t> keys;
  bool keys_changed = true;  // false: the keys stored for it stand (they are rewritten only when this is true)
  std::string created_at, updated_at;
  int64_t version = 0;   // increases whenever its membership changes
};

struct IncidentMembership {
  std::string article_id;
  std::string incident_id;
  double score = 0;     // similarity when it joined (1 for copies and corrections)
  bool pinned = false;  // placed by an analyst's correction
};

// An article of an incident, with the headers listings need.
struct IncidentMember {
  Article article;  // headers only (no text, no raw)
  double score = 0;
  bool pinned = false;
};

// Everything one clustering step changes, committed in one transaction.
struct ClusterCommit {
  std::vector<IncidentRecord> upserts;
  std::vector<std::string> deletes;                              // incidents emptied or merged away
  std::vector<std::pair<std::string, std::string>> aliases;      // merged id -> surviving id
  std::vector<std::pair<std::string, std::string>> moves;        // every stored member of the first joins the second
  std::vector<IncidentMembership> memberships;                   // by article (replaces its previous one)
  std::vector<std::pair<uint64_t, int64_t>> df_deltas;           // document frequency changes by term key
  int64_t documents_delta = 0;
};

struct IncidentQuery {
  size_t limit = 0;
  std::string since;  // ISO 8601: incidents last seen at or after
  std::string actor;  // actor id
};

// Running document frequencies over clustered articles.
struct TermStats {
  int64_t documents = 0;
  std::unordered_map<uint64_t, int64_t> df;
  int64_t generation = 0;  // the clustering generation they were read at (lock_clustering)
};

// The last dossier generated for an incident (the synthesize stage's JSON), kept so that the next
// one can say what changed.
// What a dossier says its incident is about, for filters and pages: kind is actor (value: the KB
// id; label: its name), victim, sector, country, cve or technique (value: its id).
struct DossierFacet {
  std::string kind, value, label;
};

struct StoredDossier {
  std::string incident_id;
  int64_t incident_version = 0;
  std::string generated_at;
  std::string json;
  std::vector<DossierFacet> facets;  // written with it (not read back by get_dossier)
  std::string title, search_text;    // indexed for full-text search
};

// A filtered page of incidents, newest activity first. Facet values match case-insensitively.
struct IncidentFilter {
  std::vector<std::string> actors;  // KB actor ids: any of them (the caller resolves aliases)
  std::string victim, country, sector, cve, technique;
  std::string from, to;  // ISO 8601 dates: last seen on or after `from`, first seen on or before `to`
  std::string text;      // words all found in the incident's dossier or one of its articles
  std::string after;     // cursor: the `cursor` of the last incident of the previous page
  size_t limit = 50;
};

// A full-text hit: an article or a dossier, with a snippet in which \x02 and \x03 enclose each
// matched word (the caller escapes the rest and turns them into its own marks).
struct SearchHit {
  std::string kind;  // article or dossier
  std::string id;    // the article's or the incident's id
  std::string incident_id;
  std::string title;
  std::string snippet;
};

struct ApiToken {
  std::string id, name;
  bool can_write = false;
  std::string created_at, revoked_at;
  bool restricted = false;  // may read incidents marked TLP:AMBER+STRICT or TLP:RED
};

// A saved filter (IncidentFilter as JSON).
struct Watchlist {
  std::string id, name, filter_json, created_at;
};

// An article's extraction as the store keeps it: opaque bytes (extract/codec.h) and the version of
// the extractor that wrote them.
struct StoredExtraction {
  std::string version;
  std::string data;
  std::string kind;  // the article's kind (extract/kind.h), kept with the article for listing and clustering
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

  // Stores the article with its near-duplicate signature, if any. `raw_zstd` is article.raw already
  // compressed (zstd_compress), so that compression can happen off the writing thread.
  virtual Result<PutOutcome> put_article(const Article& article, const std::optional<MinHash>& signature, std::string_view raw_zstd) = 0;
  Result<PutOutcome> put_article(const Article& article, const std::optional<MinHash>& signature);

  // A write batch: every write until end_batch() commits together (each write stays atomic on its
  // own inside it). Batching many articles per transaction is what makes bulk ingest fast; a batch
  // interrupted by a crash loses only its own writes.
  virtual Status begin_batch() = 0;
  virtual Status end_batch() = 0;

  // A second, read-only handle on the same store for another thread (each handle is used by one
  // thread at a time). It sees what has been committed.
  virtual Result<std::unique_ptr<Store>> open_reader() = 0;
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

  // What extraction found in an article (extract/codec.h), with the version of the extractor that
  // made it; replaced when extraction runs again.
  virtual Status put_extraction(const std::string& article_id, const StoredExtraction& extraction) = 0;
  virtual Result<std::optional<StoredExtraction>> get_extraction(const std::string& article_id) = 0;

  // Incidents (the cluster stage).
  // Clustering is one writer at a time per store, across processes: lock_clustering() takes the
  // store's write lock (waiting while another writer holds it) and returns the clustering
  // generation, which every commit_clustering() and clear_clustering() changes, so that a
  // clusterer can tell whether incidents it holds in memory were changed by another process.
  // unlock_clustering(true) commits what was written under the lock; false rolls it back.
  virtual Result<int64_t> lock_clustering() = 0;
  virtual Status unlock_clustering(bool commit) = 0;
  virtual Status commit_clustering(const ClusterCommit& commit) = 0;
  // Incidents whose window [first_day, last_day] meets [from_day, to_day], with their state.
  virtual Result<std::vector<IncidentRecord>> incidents_in_window(int32_t from_day, int32_t to_day) = 0;
  // Incidents listed under any of the keys (IncidentRecord::keys), at most `per_key` per key, those
  // seen last first, with their state; each once.
  virtual Result<std::vector<IncidentRecord>> incidents_with_keys(const std::vector<uint64_t>& keys, size_t per_key) = 0;
  // Most recently seen first. Without state.
  virtual Result<std::vector<IncidentRecord>> list_incidents(const IncidentQuery& query) = 0;
  // By id or unique prefix (4+ characters); a merged incident's id resolves to the survivor.
  virtual Result<std::optional<IncidentRecord>> get_incident(const std::string& id_or_prefix, bool with_state) = 0;
  // Its articles in publication order (undated last).
  virtual Result<std::vector<IncidentMember>> incident_members(const std::string& incident_id) = 0;
  virtual Result<std::optional<IncidentMembership>> membership(const std::string& article_id) = 0;
  // Ids of articles not yet in any incident, in ingest order.
  virtual Result<std::vector<std::string>> unclustered_articles() = 0;
  // Ids of the stored near-duplicate copies of an article.
  virtual Result<std::vector<std::string>> copies_of(const std::string& article_id) = 0;
  virtual Result<TermStats> term_stats() = 0;
  // Analyst corrections, in the order they were made: (operation, JSON arguments).
  virtual Status add_correction(const std::string& op, const std::string& args_json) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> corrections() = 0;
  // Forgets every incident, membership and document frequency (corrections are kept).
  virtual Status clear_clustering() = 0;

  // Serving: filtered incidents, the facets of one, full-text search.
  virtual Result<std::vector<IncidentRecord>> find_incidents(const IncidentFilter& filter) = 0;
  virtual Result<std::vector<DossierFacet>> incident_facets(const std::string& incident_id) = 0;
  // The facets of many incidents in one query (a listing's rows), keyed by incident id.
  virtual Result<std::unordered_map<std::string, std::vector<DossierFacet>>> facets_of(
      const std::vector<std::string>& incident_ids) = 0;
  // Incidents with no dossier or a dossier older than their membership, newest activity first.
  virtual Result<std::vector<std::string>> stale_dossiers(size_t limit) = 0;
  // Distinct facet values of a kind with how many incidents have each, most first.
  virtual Result<std::vector<std::pair<DossierFacet, int64_t>>> facet_values(const std::string& kind, size_t limit) = 0;
  virtual Result<std::vector<SearchHit>> search(const std::string& words, size_t limit) = 0;
  // API tokens: stored as a salted SHA-256 of the secret; the secret is returned once, by create.
  virtual Result<std::string> create_token(const std::string& name, bool can_write, bool restricted = false) = 0;
  virtual Result<std::vector<ApiToken>> list_tokens() = 0;
  virtual Result<bool> revoke_token(const std::string& name) = 0;
  // The live token a secret belongs to (compared in constant time), if any.
  virtual Result<std::optional<ApiToken>> check_token(const std::string& secret) = 0;
  virtual Result<Watchlist> put_watchlist(const std::string& name, const std::string& filter_json) = 0;
  virtual Result<std::vector<Watchlist>> list_watchlists() = 0;
  virtual Result<std::optional<Watchlist>> get_watchlist(const std::string& id) = 0;
  virtual Result<bool> remove_watchlist(const std::string& id) = 0;

  // Dossiers (the synthesize stage): the last one generated per incident.
  virtual Status put_dossier(const StoredDossier& dossier) = 0;
  virtual Result<std::optional<StoredDossier>> get_dossier(const std::string& incident_id) = 0;

  // Feeds. add_feed returns the feed (existing one if the URL is already registered).
  virtual Result<Feed> add_feed(const std::string& url, const std::string& title) = 0;
  virtual Result<bool> remove_feed(const std::string& url_or_id) = 0;
  virtual Result<std::vector<Feed>> list_feeds() = 0;
  virtual Status update_feed(const Feed& feed) = 0;

  // TLP 2.0 levels ("clear", "green", "amber", "amber+strict", "red"; the caller checks them).
  // set_feed_tlp takes a feed's URL or id; false when there is no such feed or incident.
  virtual Result<bool> set_feed_tlp(const std::string& url_or_id, const std::string& tlp) = 0;
  virtual Result<bool> set_incident_tlp(const std::string& incident_id, const std::string& tlp) = 0;
  // The levels that bear on an incident: its own, and those of the feeds its articles came from
  // (empty strings left out).
  virtual Result<std::vector<std::string>> incident_tlps(const std::string& incident_id) = 0;
};

// Opens (creating if needed) the store at `path`, applying pending schema migrations.
// "postgres://..." / "postgresql://..." URLs are reserved for the PostgreSQL backend.
Result<std::unique_ptr<Store>> open_store(const std::string& path);

// $DOSSIER_DB, else $XDG_DATA_HOME/dossier/dossier.db, else ~/.local/share/dossier/dossier.db.
std::string default_store_path();

}  // namespace dossier
