// The embedded SQLite backend of Store: one file, WAL journal, versioned migrations.
// Durability: each put_article is one transaction (article row and its LSH band rows together),
// so a kill -9 loses at most the article being written and never leaves half of one.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dossier/store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace dossier {

namespace sqlite {
class WriteScope;
}

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore() override;

  std::string backend() const override { return "sqlite"; }
  using Store::put_article;
  Result<PutOutcome> put_article(const Article& article, const std::optional<MinHash>& signature, std::string_view raw_zstd) override;
  Status begin_batch() override;
  Status end_batch() override;
  Result<std::unique_ptr<Store>> open_reader() override;
  Result<bool> has_article(const std::string& id) override;
  Result<std::optional<Article>> get_article(const std::string& id_or_prefix, bool with_raw) override;
  Result<std::vector<Article>> list_articles(const ArticleQuery& query) override;
  Result<size_t> count_articles() override;
  Result<std::optional<DuplicateMatch>> find_near_duplicate(const MinHash& signature, double threshold) override;
  Status relink_duplicates(const std::string& former_original, const std::string& original, double similarity) override;
  Result<std::optional<Article>> article_header(const std::string& id) override;
  Status put_extraction(const std::string& article_id, const StoredExtraction& extraction) override;
  Result<std::optional<StoredExtraction>> get_extraction(const std::string& article_id) override;
  Result<int64_t> lock_clustering() override;
  Status unlock_clustering(bool commit) override;
  Status commit_clustering(const ClusterCommit& commit) override;
  Result<std::vector<IncidentRecord>> incidents_in_window(int32_t from_day, int32_t to_day) override;
  Result<std::vector<IncidentRecord>> incidents_with_keys(const std::vector<uint64_t>& keys, size_t per_key) override;
  Result<std::vector<IncidentRecord>> list_incidents(const IncidentQuery& query) override;
  Result<std::optional<IncidentRecord>> get_incident(const std::string& id_or_prefix, bool with_state) override;
  Result<std::vector<IncidentMember>> incident_members(const std::string& incident_id) override;
  Result<std::optional<IncidentMembership>> membership(const std::string& article_id) override;
  Result<std::vector<std::string>> unclustered_articles() override;
  Result<std::vector<std::string>> copies_of(const std::string& article_id) override;
  Result<TermStats> term_stats() override;
  Status add_correction(const std::string& op, const std::string& args_json) override;
  Result<std::vector<std::pair<std::string, std::string>>> corrections() override;
  Status clear_clustering() override;
  Result<std::vector<IncidentRecord>> find_incidents(const IncidentFilter& filter) override;
  Result<std::vector<DossierFacet>> incident_facets(const std::string& incident_id) override;
  Result<std::unordered_map<std::string, std::vector<DossierFacet>>> facets_of(
      const std::vector<std::string>& incident_ids) override;
  Result<std::vector<std::string>> stale_dossiers(size_t limit) override;
  Result<bool> set_feed_tlp(const std::string& url_or_id, const std::string& tlp) override;
  Result<bool> set_incident_tlp(const std::string& incident_id, const std::string& tlp) override;
  Result<std::vector<std::string>> incident_tlps(const std::string& incident_id) override;
  Result<std::vector<std::pair<DossierFacet, int64_t>>> facet_values(const std::string& kind, size_t limit) override;
  Result<std::vector<SearchHit>> search(const std::string& words, size_t limit) override;
  Result<std::string> create_token(const std::string& name, bool can_write, bool restricted = false) override;
  Result<std::vector<ApiToken>> list_tokens() override;
  Result<bool> revoke_token(const std::string& name) override;
  Result<std::optional<ApiToken>> check_token(const std::string& secret) override;
  Result<Watchlist> put_watchlist(const std::string& name, const std::string& filter_json) override;
  Result<std::vector<Watchlist>> list_watchlists() override;
  Result<std::optional<Watchlist>> get_watchlist(const std::string& id) override;
  Result<bool> remove_watchlist(const std::string& id) override;
  Status put_dossier(const StoredDossier& d) override;
  Result<std::optional<StoredDossier>> get_dossier(const std::string& incident_id) override;
  Result<Feed> add_feed(const std::string& url, const std::string& title) override;
  Result<bool> remove_feed(const std::string& url_or_id) override;
  Result<std::vector<Feed>> list_feeds() override;
  Status update_feed(const Feed& feed) override;

  // The schema version after migrations, and the newest this binary knows.
  int schema_version() const { return schema_version_; }
  static int latest_schema_version();

 private:
  struct StatementCache;
  SqliteStore(sqlite3* db, std::string path);
  Status migrate();
  bool has_column(const char* table, const char* column);
  Status exec(const char* sql);
  Status recount_incident(const std::string& incident_id);
  Status fold_df_log();
  Result<std::vector<std::pair<uint64_t, int64_t>>> logged_df(size_t expected);
  std::string errmsg() const;

  sqlite3* db_;
  std::unique_ptr<StatementCache> cache_;  // prepared statements, reused (finalized before db_ closes)
  std::string path_;
  int schema_version_ = 0;
  std::unique_ptr<sqlite::WriteScope> clustering_lock_;
};

}  // namespace dossier
