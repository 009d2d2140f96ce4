#include "dossier/store/sqlite_store.h"
#include "dossier/util/bytes.h"

#include <absl/container/node_hash_map.h>

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "dossier/util/hash.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace {

// Schema migrations, applied in order, each in its own transaction. Never edit a shipped entry;
// append a new one.
const char* const kMigrations[] = {
    // 1: articles, their near-duplicate index, feeds.
    R"sql(
CREATE TABLE articles (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL DEFAULT '',
  canonical_url TEXT NOT NULL DEFAULT '',
  outlet TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  published TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  raw_zstd BLOB,
  raw_size INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT '',
  final_url TEXT NOT NULL DEFAULT '',
  http_status INTEGER NOT NULL DEFAULT 0,
  content_type TEXT NOT NULL DEFAULT '',
  charset TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  fetched_at TEXT NOT NULL DEFAULT '',
  feed_url TEXT NOT NULL DEFAULT '',
  duplicate_of TEXT REFERENCES articles(id),
  duplicate_similarity REAL NOT NULL DEFAULT 0,
  minhash BLOB,
  ingested_at TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE UNIQUE INDEX articles_seq ON articles(seq);
CREATE INDEX articles_published ON articles(published);
CREATE TABLE article_bands (
  band INTEGER NOT NULL,
  key INTEGER NOT NULL,
  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  PRIMARY KEY (band, key, article_id)
) WITHOUT ROWID;
CREATE TABLE feeds (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  added_at TEXT NOT NULL,
  last_attempt TEXT NOT NULL DEFAULT '',
  last_success TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  items_seen INTEGER NOT NULL DEFAULT 0,
  next_due TEXT NOT NULL DEFAULT ''
);
)sql",
    // 2: what extraction found in each article (JSON, see README "Extraction JSON").
    R"sql(
CREATE TABLE extractions (
  article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
  json TEXT NOT NULL,
  extracted_at TEXT NOT NULL
);
)sql",
    // 3: incidents (the cluster stage), memberships, merged ids, document frequencies, corrections.
    R"sql(
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL DEFAULT '',
  first_seen TEXT NOT NULL DEFAULT '',
  last_seen TEXT NOT NULL DEFAULT '',
  first_day INTEGER NOT NULL,
  last_day INTEGER NOT NULL,
  articles INTEGER NOT NULL DEFAULT 0,
  sources INTEGER NOT NULL DEFAULT 0,
  outlets INTEGER NOT NULL DEFAULT 0,
  actors TEXT NOT NULL DEFAULT '',
  state BLOB,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX incidents_window ON incidents(last_day, first_day);
CREATE INDEX incidents_last_seen ON incidents(last_seen);
CREATE TABLE incident_articles (
  article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
  incident_id TEXT NOT NULL,
  score REAL NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  joined_at TEXT NOT NULL
);
CREATE INDEX incident_articles_incident ON incident_articles(incident_id);
CREATE TABLE incident_aliases (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL);
CREATE TABLE term_df (term INTEGER PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE cluster_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE cluster_corrections (seq INTEGER PRIMARY KEY, op TEXT NOT NULL, args TEXT NOT NULL, made_at TEXT NOT NULL);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
)sql",
    // 4: the last generated dossier of each incident (for "what changed since").
    R"sql(
CREATE TABLE dossiers (
  incident_id TEXT PRIMARY KEY,
  incident_version INTEGER NOT NULL,
  generated_at TEXT NOT NULL,
  json TEXT NOT NULL
);
)sql",
    // 5: what an incident's counters read of its members, beside their id: counting then reads
    // this index, not the article rows (whose text comes first and spills to overflow pages).
    // Memberships without a rowid: one tree keyed by article instead of a table and its key index,
    // so each new membership dirties one page less, and the incident index holds the article id.
    R"sql(
CREATE INDEX articles_counted ON articles(id, duplicate_of, outlet, published, ingested_at);
CREATE TABLE incident_articles_v5 (
  article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
  incident_id TEXT NOT NULL,
  score REAL NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  joined_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO incident_articles_v5 (article_id, incident_id, score, pinned, joined_at)
  SELECT article_id, incident_id, score, pinned, joined_at FROM incident_articles;
DROP TABLE incident_articles;
ALTER TABLE incident_articles_v5 RENAME TO incident_articles;
CREATE INDEX incident_articles_incident ON incident_articles(incident_id);
)sql",
    // 6: memberships and the counters index keyed by insertion order instead of hashed ids. A
    // batch of new articles then appends to these trees, and the incidents it touches are the
    // recent ones, whose entries sit together: the pages a batch dirties stay as many as the time
    // window holds, where hashed keys spread each batch over the whole tree as the store grows.
    // Incidents get a sequence number that is never reused (AUTOINCREMENT: a rowid a VACUUM may
    // renumber cannot be referred to). Memberships of incidents no longer stored point nowhere
    // and are not carried over.
    R"sql(
CREATE TABLE incidents_v6 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL DEFAULT '',
  first_seen TEXT NOT NULL DEFAULT '',
  last_seen TEXT NOT NULL DEFAULT '',
  first_day INTEGER NOT NULL,
  last_day INTEGER NOT NULL,
  articles INTEGER NOT NULL DEFAULT 0,
  sources INTEGER NOT NULL DEFAULT 0,
  outlets INTEGER NOT NULL DEFAULT 0,
  actors TEXT NOT NULL DEFAULT '',
  state BLOB,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO incidents_v6 (id, title, first_seen, last_seen, first_day, last_day, articles, sources, outlets, actors, state,
                          created_at, updated_at, version)
  SELECT id, title, first_seen, last_seen, first_day, last_day, articles, sources, outlets, actors, state, created_at,
         updated_at, version FROM incidents ORDER BY rowid;
DROP TABLE incidents;
ALTER TABLE incidents_v6 RENAME TO incidents;
CREATE INDEX incidents_window ON incidents(last_day, first_day);
CREATE INDEX incidents_last_seen ON incidents(last_seen);
CREATE TABLE incident_articles_v6 (
  article_seq INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
  incident_seq INTEGER NOT NULL,
  score REAL NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  joined_at TEXT NOT NULL
);
INSERT INTO incident_articles_v6 (article_seq, incident_seq, score, pinned, joined_at)
  SELECT a.seq, i.seq, ia.score, ia.pinned, ia.joined_at FROM incident_articles ia
  JOIN articles a ON a.id = ia.article_id JOIN incidents i ON i.id = ia.incident_id ORDER BY a.seq;
DROP TABLE incident_articles;
ALTER TABLE incident_articles_v6 RENAME TO incident_articles;
CREATE INDEX incident_articles_incident ON incident_articles(incident_seq);
DROP INDEX articles_counted;
CREATE INDEX articles_counted ON articles(seq, id, duplicate_of, outlet, published, ingested_at);
)sql",
    // 7: document-frequency changes logged, one packed record per clustering commit, and folded
    // into term_df when the log holds as many entries as the table has terms. Updating term_df in
    // place dirtied nearly every one of its pages at each commit, a cost that grew with the
    // vocabulary; the fold touches them once per many commits.
    R"sql(
CREATE TABLE term_df_log (seq INTEGER PRIMARY KEY, entries INTEGER NOT NULL, deltas BLOB NOT NULL);
INSERT OR REPLACE INTO cluster_meta (key, value) SELECT 'terms', COUNT(*) FROM term_df;
)sql",
    // 8: extractions kept in the form the stages read back (extract/codec.h) with the version of
    // the extractor that made them, instead of a JSON report no stage read. The JSON rows cannot be
    // turned back into extractions: they are dropped, and each article is extracted again the
    // first time a stage needs it.
    R"sql(
DROP TABLE extractions;
CREATE TABLE extractions (
  article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  data BLOB NOT NULL,
  extracted_at TEXT NOT NULL
) WITHOUT ROWID;
)sql",
};

// The document-frequency changes of one commit as a term_df_log record: per term, its key (8
// bytes, little-endian) and its change (zigzag varint; nearly always one byte).
std::string pack_df(const std::vector<std::pair<uint64_t, int64_t>>& deltas) {
  ByteWriter w;
  w.reserve(deltas.size() * 10);
  for (const auto& [term, delta] : deltas) {
    w.u64(term);
    w.svarint(delta);
  }
  return w.take();
}

// Calls f(term, delta) for each entry of a record; false if the record is truncated.
template <typename F>
bool unpack_df(std::string_view blob, F&& f) {
  ByteReader r(blob);
  while (r.ok() && !r.at_end()) {
    uint64_t term = r.u64();
    int64_t delta = r.svarint();
    if (r.ok()) f(term, delta);
  }
  return r.ok();
}

// The log is folded once it holds as many entries as term_df has rows, and not before this many.
constexpr int64_t kDfFoldMin = 65536;

// Prepared statements by SQL text. Preparing costs as much as running a small statement, and the
// writer runs the same few for every article. A statement in use (a query being stepped while
// the same SQL runs again) is not shared: the second user prepares its own.
struct Cached {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};

}  // namespace

struct SqliteStore::StatementCache {
  absl::node_hash_map<std::string, Cached> by_sql;  // nodes: entries stay put while lent
  ~StatementCache() {
    for (auto& [sql, c] : by_sql) sqlite3_finalize(c.stmt);
  }
};

namespace {

class Stmt {
 public:
  template <typename Cache>
  Stmt(Cache& cache, sqlite3* db, const char* sql) {
    auto it = cache.by_sql.find(absl::string_view(sql));
    if (it != cache.by_sql.end() && !it->second.in_use) {
      s_ = it->second.stmt;
      it->second.in_use = true;
      cached_ = &it->second;
      rc_ = SQLITE_OK;
      return;
    }
    rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr);
    if (rc_ == SQLITE_OK && it == cache.by_sql.end() && cache.by_sql.size() < 256) {
      Cached& c = cache.by_sql[sql];
      c.stmt = s_;
      c.in_use = true;
      cached_ = &c;
    }
  }
  ~Stmt() {
    if (!cached_) {
      sqlite3_finalize(s_);
      return;
    }
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
    cached_->in_use = false;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_blob(int i, const std::string& v) {
    if (v.empty()) sqlite3_bind_null(s_, i);
    else sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  int step() { return sqlite3_step(s_); }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string text(int c) const {
    const unsigned char* t = sqlite3_column_text(s_, c);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }
  std::string blob(int c) const {
    const void* b = sqlite3_column_blob(s_, c);
    return b ? std::string(static_cast<const char*>(b), static_cast<size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }
  int64_t i64(int c) const { return sqlite3_column_int64(s_, c); }
  double dbl(int c) const { return sqlite3_column_double(s_, c); }

 private:
  sqlite3_stmt* s_ = nullptr;
  Cached* cached_ = nullptr;  // the cache entry lent to this statement
  int rc_;
};

// A write that is atomic whether or not a batch (an outer transaction) is open: outside one it is
// BEGIN IMMEDIATE ... COMMIT (taking the write lock at once, so that two writers queue instead of
// failing on upgrade); inside one it is a savepoint.
class WriteScope {
 public:
  explicit WriteScope(sqlite3* db) : db_(db), nested_(sqlite3_get_autocommit(db) == 0) {
    ok_ = sqlite3_exec(db_, nested_ ? "SAVEPOINT w" : "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~WriteScope() {
    if (ok_ && !done_) rollback();
  }
  bool ok() const { return ok_; }
  bool commit() {
    done_ = true;
    return sqlite3_exec(db_, nested_ ? "RELEASE w" : "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  void rollback() {
    done_ = true;
    if (nested_) sqlite3_exec(db_, "ROLLBACK TO w; RELEASE w", nullptr, nullptr, nullptr);
    else sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  sqlite3* db_;
  bool nested_;
  bool ok_ = false, done_ = false;
};

constexpr const char* kArticleColumns =
    "id, url, canonical_url, outlet, title, author, published, language, source, final_url, http_status, "
    "content_type, charset, etag, last_modified, fetched_at, feed_url, duplicate_of, duplicate_similarity, "
    "ingested_at";

Article read_article_row(const Stmt& s, bool with_text, bool with_raw) {
  Article a;
  a.id = s.text(0);
  a.url = s.text(1);
  a.canonical_url = s.text(2);
  a.outlet = s.text(3);
  a.title = s.text(4);
  a.author = s.text(5);
  a.published = s.text(6);
  a.language = s.text(7);
  a.fetch.source = s.text(8);
  a.fetch.final_url = s.text(9);
  a.fetch.http_status = static_cast<int>(s.i64(10));
  a.fetch.content_type = s.text(11);
  a.fetch.charset = s.text(12);
  a.fetch.etag = s.text(13);
  a.fetch.last_modified = s.text(14);
  a.fetch.fetched_at = s.text(15);
  a.feed_url = s.text(16);
  a.duplicate_of = s.text(17);
  a.duplicate_similarity = s.dbl(18);
  a.ingested_at = s.text(19);
  if (with_text) a.text = s.text(20);
  if (with_raw) {
    std::string z = s.blob(21);
    if (!z.empty()) {
      auto raw = zstd_decompress(z);
      if (raw.ok()) a.raw = std::move(raw).value();
    }
  }
  return a;
}

Feed read_feed_row(const Stmt& s) {
  Feed f;
  f.id = s.i64(0);
  f.url = s.text(1);
  f.title = s.text(2);
  f.etag = s.text(3);
  f.last_modified = s.text(4);
  f.added_at = s.text(5);
  f.last_attempt = s.text(6);
  f.last_success = s.text(7);
  f.last_error = s.text(8);
  f.consecutive_failures = static_cast<int>(s.i64(9));
  f.items_seen = s.i64(10);
  f.next_due = s.text(11);
  return f;
}

constexpr const char* kFeedColumns =
    "id, url, title, etag, last_modified, added_at, last_attempt, last_success, last_error, consecutive_failures, "
    "items_seen, next_due";

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
  sqlite3_busy_timeout(db, 10'000);
  // A 64 MiB page cache (the default is 2 MiB): the indexes that ingest reads (near-duplicate bands,
  // incident windows) stay in memory instead of being read back from the OS for every article.
  // Checkpoints every 16,384 pages (64 MiB of log; the default is 1,000): each clustering commit
  // rewrites the same pages (document frequencies, recent incidents), and a checkpoint copies a
  // page once however often the log holds it.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-65536",
                             "PRAGMA wal_autocheckpoint=16384"}) {
    Status st = s->exec(pragma);
    if (!st.ok()) return Error{"cannot open store " + path + ": " + st.error()};
  }
  Status st = s->migrate();
  if (!st.ok()) return Error{"cannot migrate store " + path + ": " + st.error()};
  return s;
}

SqliteStore::SqliteStore(sqlite3* db, std::string path)
    : db_(db), cache_(std::make_unique<StatementCache>()), path_(std::move(path)) {}

SqliteStore::~SqliteStore() {
  cache_.reset();  // finalized first: a database with live statements does not close
  sqlite3_close(db_);
}

int SqliteStore::latest_schema_version() { return static_cast<int>(std::size(kMigrations)); }

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

Status SqliteStore::migrate() {
  if (auto st = exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"); !st)
    return st;
  {
    Stmt q(*cache_, db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!q.ok() || q.step() != SQLITE_ROW) return Error{errmsg()};
    schema_version_ = static_cast<int>(q.i64(0));
  }
  const int latest = static_cast<int>(std::size(kMigrations));
  if (schema_version_ > latest)
    return Error{"store schema version " + std::to_string(schema_version_) + " is newer than this binary (" +
                 std::to_string(latest) + "); upgrade dossier"};
  for (int v = schema_version_ + 1; v <= latest; ++v) {
    if (auto st = exec("BEGIN IMMEDIATE"); !st) return st;
    Status st = exec(kMigrations[v - 1]);
    if (st.ok()) {
      Stmt ins(*cache_, db_, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)");
      ins.bind(1, static_cast<int64_t>(v)).bind(2, now_iso8601());
      if (ins.step() != SQLITE_DONE) st = Error{errmsg()};
    }
    if (!st.ok()) {
      exec("ROLLBACK");
      return Error{"migration " + std::to_string(v) + ": " + st.error()};
    }
    if (auto c = exec("COMMIT"); !c) return c;
    schema_version_ = v;
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
  sqlite3_busy_timeout(db, 10'000);
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
  sql += " ORDER BY seq";
  if (query.limit) sql += " LIMIT " + std::to_string(query.limit);
  Stmt q(*cache_, db_, sql.c_str());
  if (!q.ok()) return Error{errmsg()};
  q.bind(1, query.since).bind(2, query.since);
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

Result<std::optional<DuplicateMatch>> SqliteStore::find_near_duplicate(const MinHash& sig, double threshold) {
  auto keys = minhash_bands(sig);
  std::unordered_map<std::string, int> candidates;
  {
    Stmt q(*cache_, db_, "SELECT article_id FROM article_bands WHERE band = ? AND key = ?");
    for (size_t b = 0; b < keys.size(); ++b) {
      q.reset();
      q.bind(1, static_cast<int64_t>(b)).bind(2, static_cast<int64_t>(keys[b]));
      int rc;
      while ((rc = q.step()) == SQLITE_ROW) ++candidates[q.text(0)];
      if (rc != SQLITE_DONE) return Error{errmsg()};
    }
  }
  std::optional<DuplicateMatch> best;
  Stmt q(*cache_, db_, "SELECT minhash, duplicate_of FROM articles WHERE id = ?");
  for (const auto& [id, hits] : candidates) {
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
  return {};
}

Result<std::optional<StoredExtraction>> SqliteStore::get_extraction(const std::string& article_id) {
  Stmt q(*cache_, db_, "SELECT version, data FROM extractions WHERE article_id = ?");
  q.bind(1, article_id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<StoredExtraction>(StoredExtraction{q.text(0), q.blob(1)});
  if (rc == SQLITE_DONE) return std::optional<StoredExtraction>();
  return Error{errmsg()};
}

// ---- Incidents ----

namespace {

constexpr const char* kIncidentColumns =
    "id, title, first_seen, last_seen, first_day, last_day, articles, sources, outlets, actors, created_at, updated_at, version";

std::string actors_column(const std::vector<std::string>& actors) {
  if (actors.empty()) return "";
  std::string s = " ";
  for (const auto& a : actors) s += a + " ";
  return s;
}

IncidentRecord read_incident_row(const Stmt& s, bool with_state) {
  IncidentRecord r;
  r.id = s.text(0);
  r.title = s.text(1);
  r.first_seen = s.text(2);
  r.last_seen = s.text(3);
  r.first_day = static_cast<int32_t>(s.i64(4));
  r.last_day = static_cast<int32_t>(s.i64(5));
  r.articles = s.i64(6);
  r.sources = s.i64(7);
  r.outlets = s.i64(8);
  std::string actors = s.text(9);
  for (auto w : split_words(actors)) r.actors.emplace_back(w);
  r.created_at = s.text(10);
  r.updated_at = s.text(11);
  r.version = s.i64(12);
  if (with_state) r.state = s.blob(13);
  return r;
}

}  // namespace

Status SqliteStore::commit_clustering(const ClusterCommit& c) {
  WriteScope tx(db_);
  if (!tx.ok()) return Error{"begin: " + errmsg()};
  auto fail = [&](const std::string& what) -> Status {
    std::string msg = what + ": " + errmsg();
    tx.rollback();
    return Error{msg};
  };
  std::string now = now_iso8601();
  {
    Stmt del(*cache_, db_, "DELETE FROM incidents WHERE id = ?");
    for (const auto& id : c.deletes) {
      del.reset();
      del.bind(1, id);
      if (del.step() != SQLITE_DONE) return fail("delete incident " + id);
    }
    Stmt alias(*cache_, db_, "INSERT INTO incident_aliases (old_id, new_id) VALUES (?, ?) ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id");
    Stmt realias(*cache_, db_, "UPDATE incident_aliases SET new_id = ? WHERE new_id = ?");
    for (const auto& [old_id, new_id] : c.aliases) {
      alias.reset();
      alias.bind(1, old_id).bind(2, new_id);
      realias.reset();
      realias.bind(1, new_id).bind(2, old_id);
      if (alias.step() != SQLITE_DONE || realias.step() != SQLITE_DONE) return fail("alias incident " + old_id);
    }
    Stmt up(*cache_, db_,
            "INSERT INTO incidents (id, title, first_day, last_day, actors, state, created_at, updated_at, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT(id) DO UPDATE SET title = excluded.title, "
            "first_day = excluded.first_day, last_day = excluded.last_day, actors = excluded.actors, state = excluded.state, "
            "updated_at = excluded.updated_at, version = incidents.version + 1");
    for (const auto& r : c.upserts) {
      up.reset();
      up.bind(1, r.id).bind(2, r.title).bind(3, static_cast<int64_t>(r.first_day)).bind(4, static_cast<int64_t>(r.last_day));
      up.bind(5, actors_column(r.actors)).bind_blob(6, r.state).bind(7, r.created_at.empty() ? now : r.created_at).bind(8, now);
      if (up.step() != SQLITE_DONE) return fail("save incident " + r.id);
    }
    Stmt mem(*cache_, db_,
             "INSERT INTO incident_articles (article_seq, incident_seq, score, pinned, joined_at) "
             "SELECT a.seq, i.seq, ?, ?, ? FROM articles a, incidents i WHERE a.id = ? AND i.id = ? "
             "ON CONFLICT(article_seq) DO UPDATE SET incident_seq = excluded.incident_seq, score = excluded.score, "
             "pinned = excluded.pinned, joined_at = excluded.joined_at");
    for (const auto& m : c.memberships) {
      mem.reset();
      mem.bind(1, m.score).bind(2, static_cast<int64_t>(m.pinned)).bind(3, now).bind(4, m.article_id).bind(5, m.incident_id);
      if (mem.step() != SQLITE_DONE) return fail("save membership of " + m.article_id);
      if (sqlite3_changes(db_) == 0) {
        tx.rollback();
        return Error{"save membership of " + m.article_id + ": article or incident " + m.incident_id + " is not stored"};
      }
    }
    // Counts and first/last seen follow from the members: near-duplicate copies whose original is a
    // member are not independent sources; undated members give dates only when none is dated.
    for (const auto& r : c.upserts)
      if (Status st = recount_incident(r.id); !st.ok()) return fail("count incident " + r.id);
    if (!c.df_deltas.empty()) {
      Stmt log(*cache_, db_, "INSERT INTO term_df_log (entries, deltas) VALUES (?, ?)");
      log.bind(1, static_cast<int64_t>(c.df_deltas.size())).bind_blob(2, pack_df(c.df_deltas));
      if (log.step() != SQLITE_DONE) return fail("save term statistics");
      if (Status st = fold_df_log(); !st.ok()) return fail("fold term statistics");
    }
    if (c.documents_delta) {
      Stmt docs(*cache_, db_, "INSERT INTO cluster_meta (key, value) VALUES ('documents', ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value");
      docs.bind(1, c.documents_delta);
      if (docs.step() != SQLITE_DONE) return fail("save term statistics");
    }
  }
  if (!tx.commit()) return fail("commit");
  return {};
}

// One pass over the members (through the articles_counted index) sets the incident's counters.
Status SqliteStore::recount_incident(const std::string& incident_id) {
  struct Member {
    std::string id, duplicate_of, outlet, published, ingested_at;
  };
  std::vector<Member> members;
  {
    Stmt q(*cache_, db_,
           "SELECT a.id, a.duplicate_of, a.outlet, a.published, a.ingested_at FROM incidents i "
           "JOIN incident_articles ia ON ia.incident_seq = i.seq "
           "JOIN articles a INDEXED BY articles_counted ON a.seq = ia.article_seq WHERE i.id = ?");
    q.bind(1, incident_id);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) members.push_back(Member{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
    if (rc != SQLITE_DONE) return Error{errmsg()};
  }
  std::unordered_set<std::string_view> ids, outlets;
  for (const auto& m : members) ids.insert(m.id);
  int64_t sources = 0;
  std::string first_published, last_published, first_ingested, last_ingested;
  for (const auto& m : members) {
    if (m.duplicate_of.empty() || !ids.count(m.duplicate_of)) ++sources;
    if (!m.outlet.empty()) outlets.insert(m.outlet);
    if (!m.published.empty()) {
      if (first_published.empty() || m.published < first_published) first_published = m.published;
      if (last_published.empty() || m.published > last_published) last_published = m.published;
    }
    if (first_ingested.empty() || m.ingested_at < first_ingested) first_ingested = m.ingested_at;
    if (last_ingested.empty() || m.ingested_at > last_ingested) last_ingested = m.ingested_at;
  }
  Stmt up(*cache_, db_, "UPDATE incidents SET articles = ?, sources = ?, outlets = ?, first_seen = ?, last_seen = ? WHERE id = ?");
  up.bind(1, static_cast<int64_t>(members.size())).bind(2, sources).bind(3, static_cast<int64_t>(outlets.size()));
  up.bind(4, first_published.empty() ? first_ingested : first_published).bind(5, last_published.empty() ? last_ingested : last_published);
  up.bind(6, incident_id);
  if (up.step() != SQLITE_DONE) return Error{errmsg()};
  return {};
}

// The logged document-frequency changes, summed by term, in key order: one flat array (16 bytes
// per entry, no per-term node).
Result<std::vector<std::pair<uint64_t, int64_t>>> SqliteStore::logged_df(size_t expected) {
  std::vector<std::pair<uint64_t, int64_t>> out;
  out.reserve(expected);
  Stmt q(*cache_, db_, "SELECT seq, deltas FROM term_df_log");
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    std::string blob = q.blob(1);
    if (!unpack_df(blob, [&](uint64_t t, int64_t d) { out.emplace_back(t, d); }))
      return Error{"term_df_log record " + std::to_string(q.i64(0)) + " is truncated"};
  }
  if (rc != SQLITE_DONE) return Error{errmsg()};
  std::sort(out.begin(), out.end());  // key order: a fold visits each page of term_df once
  size_t n = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (n > 0 && out[n - 1].first == out[i].first) out[n - 1].second += out[i].second;
    else out[n++] = out[i];
  }
  out.resize(n);
  return out;
}

// Folds the logged document-frequency changes into term_df once they are as many as its terms:
// summed by term first, so a term logged by many commits is one update.
Status SqliteStore::fold_df_log() {
  int64_t logged = 0, terms = 0;
  {
    Stmt q(*cache_, db_, "SELECT COALESCE(SUM(entries), 0) FROM term_df_log");
    if (q.step() != SQLITE_ROW) return Error{errmsg()};
    logged = q.i64(0);
  }
  {
    Stmt q(*cache_, db_, "SELECT value FROM cluster_meta WHERE key = 'terms'");
    int rc = q.step();
    if (rc == SQLITE_ROW) terms = q.i64(0);
    else if (rc != SQLITE_DONE) return Error{errmsg()};
  }
  if (logged < std::max(terms, kDfFoldMin)) return {};
  auto sorted = logged_df(static_cast<size_t>(logged));
  if (!sorted.ok()) return Error{sorted.error()};
  Stmt up(*cache_, db_, "INSERT INTO term_df (term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df");
  Stmt gone(*cache_, db_, "DELETE FROM term_df WHERE term = ? AND df <= 0");
  for (const auto& [term, delta] : *sorted) {
    if (delta == 0) continue;
    up.reset();
    up.bind(1, static_cast<int64_t>(term)).bind(2, delta);
    if (up.step() != SQLITE_DONE) return Error{errmsg()};
    if (delta < 0) {  // a term no document holds any more is no row, as in term_stats()
      gone.reset();
      gone.bind(1, static_cast<int64_t>(term));
      if (gone.step() != SQLITE_DONE) return Error{errmsg()};
    }
  }
  if (auto st = exec("DELETE FROM term_df_log; INSERT INTO cluster_meta (key, value) SELECT 'terms', COUNT(*) FROM term_df "
                     "WHERE true ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      !st)
    return st;
  return {};
}

Result<std::vector<IncidentRecord>> SqliteStore::incidents_in_window(int32_t from_day, int32_t to_day) {
  // Through the window index: left to itself, the planner walks the whole table in id order to
  // spare a sort of the few rows in the window.
  std::string sql = std::string("SELECT ") + kIncidentColumns +
                    ", state FROM incidents INDEXED BY incidents_window WHERE last_day >= ? AND first_day <= ? ORDER BY id";
  Stmt q(*cache_, db_, sql.c_str());
  q.bind(1, static_cast<int64_t>(from_day)).bind(2, static_cast<int64_t>(to_day));
  std::vector<IncidentRecord> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_incident_row(q, true));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::vector<IncidentRecord>> SqliteStore::list_incidents(const IncidentQuery& query) {
  std::string sql = std::string("SELECT ") + kIncidentColumns +
                    " FROM incidents WHERE (? = '' OR last_seen >= ?) AND (? = '' OR instr(actors, ' ' || ? || ' ') > 0)"
                    " ORDER BY last_seen DESC, id";
  if (query.limit) sql += " LIMIT " + std::to_string(query.limit);
  Stmt q(*cache_, db_, sql.c_str());
  q.bind(1, query.since).bind(2, query.since).bind(3, query.actor).bind(4, query.actor);
  std::vector<IncidentRecord> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_incident_row(q, false));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::optional<IncidentRecord>> SqliteStore::get_incident(const std::string& id_or_prefix, bool with_state) {
  if (id_or_prefix.size() < 4) return Error{"incident id must have at least 4 characters"};
  std::string id = id_or_prefix;
  {
    Stmt a(*cache_, db_, "SELECT new_id FROM incident_aliases WHERE old_id = ?");
    a.bind(1, id);
    if (a.step() == SQLITE_ROW) id = a.text(0);
  }
  std::string sql = std::string("SELECT ") + kIncidentColumns + ", state FROM incidents WHERE id >= ? AND id < ? LIMIT 2";
  Stmt q(*cache_, db_, sql.c_str());
  std::string hi = id;
  hi.push_back('\x7f');
  q.bind(1, id).bind(2, hi);
  std::optional<IncidentRecord> found;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    IncidentRecord r = read_incident_row(q, with_state);
    if (r.id == id) return std::optional<IncidentRecord>(std::move(r));
    if (found) return Error{"incident id prefix " + id_or_prefix + " is ambiguous"};
    found = std::move(r);
  }
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return found;
}

Result<std::vector<IncidentMember>> SqliteStore::incident_members(const std::string& incident_id) {
  std::string cols, all = kArticleColumns;
  for (auto c : split_words(all)) {
    std::string col(c);
    if (!col.empty() && col.back() == ',') col.pop_back();
    cols += (cols.empty() ? "a." : ", a.") + col;
  }
  std::string sql = "SELECT " + cols +
                    ", ia.score, ia.pinned FROM incidents i JOIN incident_articles ia ON ia.incident_seq = i.seq "
                    "JOIN articles a ON a.seq = ia.article_seq WHERE i.id = ? "
                    "ORDER BY a.published = '', a.published, a.seq";
  Stmt q(*cache_, db_, sql.c_str());
  q.bind(1, incident_id);
  std::vector<IncidentMember> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    IncidentMember m;
    m.article = read_article_row(q, false, false);
    m.score = q.dbl(20);
    m.pinned = q.i64(21) != 0;
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::optional<IncidentMembership>> SqliteStore::membership(const std::string& article_id) {
  Stmt q(*cache_, db_,
         "SELECT a.id, i.id, ia.score, ia.pinned FROM articles a JOIN incident_articles ia ON ia.article_seq = a.seq "
         "JOIN incidents i ON i.seq = ia.incident_seq WHERE a.id = ?");
  q.bind(1, article_id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<IncidentMembership>(IncidentMembership{q.text(0), q.text(1), q.dbl(2), q.i64(3) != 0});
  if (rc == SQLITE_DONE) return std::optional<IncidentMembership>();
  return Error{errmsg()};
}

Result<std::vector<std::string>> SqliteStore::unclustered_articles() {
  Stmt q(*cache_, db_, "SELECT a.id FROM articles a LEFT JOIN incident_articles ia ON ia.article_seq = a.seq WHERE ia.article_seq IS NULL ORDER BY a.seq");
  std::vector<std::string> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(q.text(0));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::vector<std::string>> SqliteStore::copies_of(const std::string& article_id) {
  Stmt q(*cache_, db_, "SELECT id FROM articles WHERE duplicate_of = ? ORDER BY seq");
  q.bind(1, article_id);
  std::vector<std::string> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(q.text(0));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<TermStats> SqliteStore::term_stats() {
  TermStats t;
  {
    Stmt q(*cache_, db_, "SELECT value FROM cluster_meta WHERE key = 'documents'");
    if (q.step() == SQLITE_ROW) t.documents = q.i64(0);
  }
  {
    Stmt q(*cache_, db_, "SELECT term, df FROM term_df");
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) t.df.emplace(static_cast<uint64_t>(q.i64(0)), q.i64(1));
    if (rc != SQLITE_DONE) return Error{errmsg()};
  }
  // Changes not yet folded into term_df.
  auto logged = logged_df(0);
  if (!logged.ok()) return Error{logged.error()};
  for (const auto& [term, d] : *logged)
    if (d != 0 && (t.df[term] += d) <= 0) t.df.erase(term);
  return t;
}

Status SqliteStore::add_correction(const std::string& op, const std::string& args_json) {
  Stmt ins(*cache_, db_, "INSERT INTO cluster_corrections (op, args, made_at) VALUES (?, ?, ?)");
  ins.bind(1, op).bind(2, args_json).bind(3, now_iso8601());
  if (ins.step() != SQLITE_DONE) return Error{errmsg()};
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::corrections() {
  Stmt q(*cache_, db_, "SELECT op, args FROM cluster_corrections ORDER BY seq");
  std::vector<std::pair<std::string, std::string>> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.emplace_back(q.text(0), q.text(1));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Status SqliteStore::put_dossier(const StoredDossier& d) {
  Stmt up(*cache_, db_,
          "INSERT INTO dossiers (incident_id, incident_version, generated_at, json) VALUES (?, ?, ?, ?) "
          "ON CONFLICT(incident_id) DO UPDATE SET incident_version = excluded.incident_version, generated_at = excluded.generated_at, "
          "json = excluded.json");
  up.bind(1, d.incident_id).bind(2, d.incident_version).bind(3, d.generated_at).bind(4, d.json);
  if (up.step() != SQLITE_DONE) return Error{errmsg()};
  return {};
}

Result<std::optional<StoredDossier>> SqliteStore::get_dossier(const std::string& incident_id) {
  Stmt q(*cache_, db_, "SELECT incident_id, incident_version, generated_at, json FROM dossiers WHERE incident_id = ?");
  q.bind(1, incident_id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<StoredDossier>(StoredDossier{q.text(0), q.i64(1), q.text(2), q.text(3)});
  if (rc == SQLITE_DONE) return std::optional<StoredDossier>();
  return Error{errmsg()};
}

Status SqliteStore::clear_clustering() {
  WriteScope tx(db_);
  if (!tx.ok()) return Error{errmsg()};
  Status st = exec("DELETE FROM incident_articles; DELETE FROM incidents; DELETE FROM incident_aliases; DELETE FROM term_df; DELETE FROM term_df_log; DELETE FROM cluster_meta;");
  if (!st) return st;  // the scope rolls back
  if (!tx.commit()) return Error{errmsg()};
  return {};
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
