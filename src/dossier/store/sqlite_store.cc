#include "dossier/store/sqlite_store.h"

#include "dossier/store/sqlite_internal.h"

#include <absl/container/node_hash_map.h>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "dossier/util/hash.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

using sqlite::Stmt;
using sqlite::WriteScope;
using sqlite::read_article_row;
using sqlite::read_feed_row;
using sqlite::kArticleColumns;
using sqlite::kFeedColumns;

namespace {
// How long a writer waits for another (another process clustering, migrating or writing a batch)
// before giving up with "database is locked".
constexpr int kBusyTimeoutMs = 120'000;
}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return Error{"cannot open store " + path + ": " + msg};
  }
  std::unique_ptr<SqliteStore> s(new SqliteStore(db, path));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // A 64 MiB page cache (the default is 2 MiB): the indexes that ingest reads (near-duplicate bands,
  // incident windows) stay in memory instead of being read back from the OS for every article.
  // Checkpoints every 16,384 pages (64 MiB of log; the default is 1,000): each clustering commit
  // rewrites the same pages (document frequencies, recent incidents), and a checkpoint copies a
  // page once however often the log holds it.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-65536",
                             "PRAGMA wal_autocheckpoint=16384"}) {
    // Switching a new file to WAL needs it to itself: a process creating the same store at the
    // same moment can make the switch report "locked" at once, without the busy handler.
    Status st = s->exec(pragma);
    for (int attempt = 0; !st.ok() && attempt < 200 && sqlite3_errcode(db) == SQLITE_BUSY; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10 + attempt));
      st = s->exec(pragma);
    }
    if (!st.ok()) return Error{"cannot open store " + path + ": " + st.error()};
  }
  Status st = s->migrate();
  if (!st.ok()) return Error{"cannot migrate store " + path + ": " + st.error()};
  return s;
}

SqliteStore::SqliteStore(sqlite3* db, std::string path)
    : db_(db), cache_(std::make_unique<StatementCache>()), path_(std::move(path)) {}

SqliteStore::~SqliteStore() {
  clustering_lock_.reset();  // rolls back what was written under a lock never released
  cache_.reset();  // finalized first: a database with live statements does not close
  sqlite3_close(db_);
}


std::string SqliteStore::errmsg() const { return sqlite3_errmsg(db_); }

Status SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : errmsg();
    sqlite3_free(err);
    return Error{msg};
  }
  return {};
}

Result<PutOutcome> SqliteStore::put_article(const Article& a, const std::optional<MinHash>& sig, std::string_view raw_zstd) {
  WriteScope tx(db_);
  if (!tx.ok()) return Error{"begin: " + errmsg()};
  auto fail = [&](const std::string& what) -> Result<PutOutcome> {
    std::string msg = what + ": " + errmsg();
    tx.rollback();
    return Error{msg};
  };
  Stmt ins(*cache_, db_,
           "INSERT INTO articles (id, url, canonical_url, outlet, title, author, published, language, text, raw_zstd, "
           "raw_size, source, final_url, http_status, content_type, charset, etag, last_modified, fetched_at, feed_url, "
           "duplicate_of, duplicate_similarity, minhash, ingested_at, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
           "(SELECT COALESCE(MAX(seq), 0) + 1 FROM articles)) ON CONFLICT(id) DO NOTHING");
  if (!ins.ok()) return fail("prepare insert");
  ins.bind(1, a.id).bind(2, a.url).bind(3, a.canonical_url).bind(4, a.outlet).bind(5, a.title).bind(6, a.author);
  ins.bind(7, a.published).bind(8, a.language).bind(9, a.text).bind_blob(10, std::string(raw_zstd));
  ins.bind(11, static_cast<int64_t>(a.raw.size())).bind(12, a.fetch.source).bind(13, a.fetch.final_url);
  ins.bind(14, static_cast<int64_t>(a.fetch.http_status)).bind(15, a.fetch.content_type).bind(16, a.fetch.charset);
  ins.bind(17, a.fetch.etag).bind(18, a.fetch.last_modified).bind(19, a.fetch.fetched_at).bind(20, a.feed_url);
  if (a.duplicate_of.empty()) ins.bind_null(21);
  else ins.bind(21, a.duplicate_of);
  ins.bind(22, a.duplicate_similarity);
  ins.bind_blob(23, sig ? minhash_to_blob(*sig) : std::string());
  ins.bind(24, now_iso8601());
  if (ins.step() != SQLITE_DONE) return fail("insert article " + a.id);
  if (sqlite3_changes(db_) == 0) {
    tx.rollback();
    return PutOutcome::AlreadyStored;
  }
  if (sig) {
    Stmt band(*cache_, db_, "INSERT OR IGNORE INTO article_bands (band, key, article_id) VALUES (?, ?, ?)");
    auto keys = minhash_bands(*sig);
    for (size_t b = 0; b < keys.size(); ++b) {
      band.reset();
      band.bind(1, static_cast<int64_t>(b)).bind(2, static_cast<int64_t>(keys[b])).bind(3, a.id);
      if (band.step() != SQLITE_DONE) return fail("insert bands");
    }
  }
  if (!tx.commit()) return fail("commit");
  return PutOutcome::Inserted;
}

Result<std::unique_ptr<Store>> SqliteStore::open_reader() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return Error{"cannot open a reader on " + path_ + ": " + msg};
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  std::unique_ptr<SqliteStore> r(new SqliteStore(db, path_));
  r->schema_version_ = schema_version_;
  return std::unique_ptr<Store>(std::move(r));
}

Status SqliteStore::begin_batch() {
  if (sqlite3_get_autocommit(db_) == 0) return Error{"a write batch is already open"};
  return exec("BEGIN IMMEDIATE");
}

Status SqliteStore::end_batch() {
  if (sqlite3_get_autocommit(db_) != 0) return {};
  return exec("COMMIT");
}

Result<bool> SqliteStore::has_article(const std::string& id) {
  Stmt q(*cache_, db_, "SELECT 1 FROM articles WHERE id = ?");
  q.bind(1, id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error{errmsg()};
}

Result<std::optional<Article>> SqliteStore::get_article(const std::string& id_or_prefix, bool with_raw) {
  if (id_or_prefix.size() < 4) return Error{"article id must have at least 4 characters"};
  std::string sql = std::string("SELECT ") + kArticleColumns + ", text, raw_zstd FROM articles WHERE id >= ? AND id < ? LIMIT 2";
  Stmt q(*cache_, db_, sql.c_str());
  std::string hi = id_or_prefix;
  hi.push_back('\x7f');
  q.bind(1, id_or_prefix).bind(2, hi);
  std::optional<Article> found;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    Article a = read_article_row(q, true, with_raw);
    if (a.id == id_or_prefix) return std::optional<Article>(std::move(a));
    if (found) return Error{"article id prefix " + id_or_prefix + " is ambiguous"};
    found = std::move(a);
  }
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return found;
}

Result<std::vector<Article>> SqliteStore::list_articles(const ArticleQuery& query) {
  std::string sql = std::string("SELECT ") + kArticleColumns + (query.with_text ? ", text" : "") +
                    " FROM articles WHERE (? = '' OR (CASE WHEN published <> '' THEN published ELSE ingested_at END) >= ?)";
  if (!query.include_duplicates) sql += " AND duplicate_of IS NULL";
  int64_t cursor_seq = 0;
  if (!query.after_id.empty()) {
    Stmt c(*cache_, db_, "SELECT seq FROM articles WHERE id = ?");
    c.bind(1, query.after_id);
    int rc = c.step();
    if (rc == SQLITE_DONE) return Error{"no article " + query.after_id};
    if (rc != SQLITE_ROW) return Error{errmsg()};
    cursor_seq = c.i64(0);
    sql += query.newest_first ? " AND seq < ?" : " AND seq > ?";
  }
  sql += query.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq";
  if (query.limit) sql += " LIMIT " + std::to_string(query.limit);
  Stmt q(*cache_, db_, sql.c_str());
  if (!q.ok()) return Error{errmsg()};
  q.bind(1, query.since).bind(2, query.since);
  if (!query.after_id.empty()) q.bind(3, cursor_seq);
  std::vector<Article> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_article_row(q, query.with_text, false));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<size_t> SqliteStore::count_articles() {
  Stmt q(*cache_, db_, "SELECT COUNT(*) FROM articles");
  if (q.step() != SQLITE_ROW) return Error{errmsg()};
  return static_cast<size_t>(q.i64(0));
}

constexpr size_t kBandCandidates = 32;  // rows read per band
constexpr size_t kCompared = 64;        // signatures compared per look-up

Result<std::optional<DuplicateMatch>> SqliteStore::find_near_duplicate(const MinHash& sig, double threshold) {
  auto keys = minhash_bands(sig);
  std::unordered_map<std::string, int> candidates;
  {
    // A band shared by thousands of copies of one text would make every look-up read them all
    // (quadratic in the copies): the first stored are read, and they include the original, which
    // every later copy links to.
    static const std::string sql =
        "SELECT article_id FROM article_bands WHERE band = ? AND key = ? LIMIT " + std::to_string(kBandCandidates);
    Stmt q(*cache_, db_, sql.c_str());
    for (size_t b = 0; b < keys.size(); ++b) {
      q.reset();
      q.bind(1, static_cast<int64_t>(b)).bind(2, static_cast<int64_t>(keys[b]));
      int rc;
      while ((rc = q.step()) == SQLITE_ROW) ++candidates[q.text(0)];
      if (rc != SQLITE_DONE) return Error{errmsg()};
    }
  }
  // The candidates sharing most bands are compared, at most kCompared of them.
  std::vector<std::pair<int, std::string>> ranked;
  ranked.reserve(candidates.size());
  for (auto& [id, hits] : candidates) ranked.emplace_back(hits, id);
  size_t keep = std::min(ranked.size(), kCompared);
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<long>(keep), ranked.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  ranked.resize(keep);
  std::optional<DuplicateMatch> best;
  Stmt q(*cache_, db_, "SELECT minhash, duplicate_of FROM articles WHERE id = ?");
  for (const auto& [hits, id] : ranked) {
    q.reset();
    q.bind(1, id);
    if (q.step() != SQLITE_ROW) continue;
    auto other = minhash_from_blob(q.blob(0));
    if (!other) continue;
    double sim = estimate_jaccard(sig, *other);
    if (sim < threshold) continue;
    // Link to the first copy: if the match is itself a copy, point at its original.
    std::string target = q.text(1).empty() ? id : q.text(1);
    if (!best || sim > best->similarity || (sim == best->similarity && target < best->id)) best = DuplicateMatch{target, sim};
  }
  return best;
}

Status SqliteStore::relink_duplicates(const std::string& former_original, const std::string& original, double similarity) {
  WriteScope tx(db_);
  if (!tx.ok()) return Error{errmsg()};
  Stmt copies(*cache_, db_, "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ? AND id <> ?");
  copies.bind(1, original).bind(2, former_original).bind(3, original);
  Stmt self(*cache_, db_, "UPDATE articles SET duplicate_of = ?, duplicate_similarity = ? WHERE id = ?");
  self.bind(1, original).bind(2, similarity).bind(3, former_original);
  Stmt clear(*cache_, db_, "UPDATE articles SET duplicate_of = NULL, duplicate_similarity = 0 WHERE id = ?");
  clear.bind(1, original);
  if (copies.step() != SQLITE_DONE || self.step() != SQLITE_DONE || clear.step() != SQLITE_DONE) {
    std::string msg = errmsg();
    tx.rollback();
    return Error{msg};
  }
  if (!tx.commit()) return Error{errmsg()};
  return {};
}

Result<std::optional<Article>> SqliteStore::article_header(const std::string& id) {
  std::string sql = std::string("SELECT ") + kArticleColumns + " FROM articles WHERE id = ?";
  Stmt q(*cache_, db_, sql.c_str());
  q.bind(1, id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<Article>(read_article_row(q, false, false));
  if (rc == SQLITE_DONE) return std::optional<Article>();
  return Error{errmsg()};
}

Status SqliteStore::put_extraction(const std::string& article_id, const StoredExtraction& x) {
  Stmt up(*cache_, db_,
          "INSERT INTO extractions (article_id, version, data, extracted_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT(article_id) DO UPDATE SET version = excluded.version, data = excluded.data, "
          "extracted_at = excluded.extracted_at");
  up.bind(1, article_id).bind(2, x.version).bind_blob(3, x.data).bind(4, now_iso8601());
  if (up.step() != SQLITE_DONE) return Error{errmsg()};
  if (!x.kind.empty()) {
    Stmt k(*cache_, db_, "UPDATE articles SET kind = ? WHERE id = ?");
    k.bind(1, x.kind).bind(2, article_id);
    if (k.step() != SQLITE_DONE) return Error{errmsg()};
  }
  return {};
}

Result<std::optional<StoredExtraction>> SqliteStore::get_extraction(const std::string& article_id) {
  Stmt q(*cache_, db_, "SELECT version, data FROM extractions WHERE article_id = ?");
  q.bind(1, article_id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<StoredExtraction>(StoredExtraction{q.text(0), q.blob(1), ""});
  if (rc == SQLITE_DONE) return std::optional<StoredExtraction>();
  return Error{errmsg()};
}

Status SqliteStore::put_dossier(const StoredDossier& d) {
  WriteScope tx(db_);
  if (!tx.ok()) return Error{errmsg()};
  auto fail = [&] {
    std::string msg = errmsg();
    tx.rollback();
    return Error{msg};
  };
  Stmt up(*cache_, db_,
          "INSERT INTO dossiers (incident_id, incident_version, generated_at, json) VALUES (?, ?, ?, ?) "
          "ON CONFLICT(incident_id) DO UPDATE SET incident_version = excluded.incident_version, generated_at = excluded.generated_at, "
          "json = excluded.json");
  up.bind(1, d.incident_id).bind(2, d.incident_version).bind(3, d.generated_at).bind(4, d.json);
  if (up.step() != SQLITE_DONE) return fail();
  // What it is about and its words replace those of the incident's previous dossier.
  Stmt unfacet(*cache_, db_, "DELETE FROM dossier_facets WHERE incident_id = ?");
  unfacet.bind(1, d.incident_id);
  Stmt unindex(*cache_, db_, "DELETE FROM dossiers_fts WHERE incident_id = ?");
  unindex.bind(1, d.incident_id);
  if (unfacet.step() != SQLITE_DONE || unindex.step() != SQLITE_DONE) return fail();
  Stmt facet(*cache_, db_, "INSERT OR IGNORE INTO dossier_facets (kind, value, incident_id, label) VALUES (?, ?, ?, ?)");
  for (const auto& f : d.facets) {
    if (f.value.empty()) continue;
    facet.reset();
    facet.bind(1, f.kind).bind(2, f.value).bind(3, d.incident_id).bind(4, f.label);
    if (facet.step() != SQLITE_DONE) return fail();
  }
  Stmt index(*cache_, db_, "INSERT INTO dossiers_fts (incident_id, title, body) VALUES (?, ?, ?)");
  index.bind(1, d.incident_id).bind(2, d.title).bind(3, d.search_text);
  if (index.step() != SQLITE_DONE) return fail();
  if (!tx.commit()) return fail();
  return {};
}

Result<std::optional<StoredDossier>> SqliteStore::get_dossier(const std::string& incident_id) {
  Stmt q(*cache_, db_, "SELECT incident_id, incident_version, generated_at, json FROM dossiers WHERE incident_id = ?");
  q.bind(1, incident_id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<StoredDossier>(StoredDossier{q.text(0), q.i64(1), q.text(2), q.text(3), {}, "", ""});
  if (rc == SQLITE_DONE) return std::optional<StoredDossier>();
  return Error{errmsg()};
}

Result<Feed> SqliteStore::add_feed(const std::string& url, const std::string& title) {
  Stmt ins(*cache_, db_, "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?) ON CONFLICT(url) DO NOTHING");
  ins.bind(1, url).bind(2, title).bind(3, now_iso8601());
  if (ins.step() != SQLITE_DONE) return Error{errmsg()};
  std::string sql = std::string("SELECT ") + kFeedColumns + " FROM feeds WHERE url = ?";
  Stmt q(*cache_, db_, sql.c_str());
  q.bind(1, url);
  if (q.step() != SQLITE_ROW) return Error{errmsg()};
  return read_feed_row(q);
}

Result<bool> SqliteStore::remove_feed(const std::string& url_or_id) {
  Stmt del(*cache_, db_, "DELETE FROM feeds WHERE url = ? OR CAST(id AS TEXT) = ?");
  del.bind(1, url_or_id).bind(2, url_or_id);
  if (del.step() != SQLITE_DONE) return Error{errmsg()};
  return sqlite3_changes(db_) > 0;
}

Result<std::vector<Feed>> SqliteStore::list_feeds() {
  std::string sql = std::string("SELECT ") + kFeedColumns + " FROM feeds ORDER BY id";
  Stmt q(*cache_, db_, sql.c_str());
  std::vector<Feed> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_feed_row(q));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Status SqliteStore::update_feed(const Feed& f) {
  Stmt up(*cache_, db_,
          "UPDATE feeds SET title = ?, etag = ?, last_modified = ?, last_attempt = ?, last_success = ?, last_error = ?, "
          "consecutive_failures = ?, items_seen = ?, next_due = ? WHERE id = ?");
  up.bind(1, f.title).bind(2, f.etag).bind(3, f.last_modified).bind(4, f.last_attempt).bind(5, f.last_success);
  up.bind(6, f.last_error).bind(7, static_cast<int64_t>(f.consecutive_failures)).bind(8, f.items_seen);
  up.bind(9, f.next_due).bind(10, f.id);
  if (up.step() != SQLITE_DONE) return Error{errmsg()};
  return {};
}

}  // namespace dossier
