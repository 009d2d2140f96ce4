#include "dossier/store/sqlite_store.h"

#include <sqlite3.h>

#include <filesystem>
#include <unordered_map>

#include "dossier/util/hash.h"
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
};

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
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
  int rc_;
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
  std::unique_ptr<SqliteStore> s(new SqliteStore(db));
  sqlite3_busy_timeout(db, 10'000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    Status st = s->exec(pragma);
    if (!st.ok()) return Error{"cannot open store " + path + ": " + st.error()};
  }
  Status st = s->migrate();
  if (!st.ok()) return Error{"cannot migrate store " + path + ": " + st.error()};
  return s;
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

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
    Stmt q(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
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
      Stmt ins(db_, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)");
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

Result<PutOutcome> SqliteStore::put_article(const Article& a, const std::optional<MinHash>& sig) {
  if (auto st = exec("BEGIN IMMEDIATE"); !st) return Error{st.error()};
  auto fail = [&](const std::string& what) -> Result<PutOutcome> {
    std::string msg = what + ": " + errmsg();
    exec("ROLLBACK");
    return Error{msg};
  };
  Stmt ins(db_,
           "INSERT INTO articles (id, url, canonical_url, outlet, title, author, published, language, text, raw_zstd, "
           "raw_size, source, final_url, http_status, content_type, charset, etag, last_modified, fetched_at, feed_url, "
           "duplicate_of, duplicate_similarity, minhash, ingested_at, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
           "(SELECT COALESCE(MAX(seq), 0) + 1 FROM articles)) ON CONFLICT(id) DO NOTHING");
  if (!ins.ok()) return fail("prepare insert");
  ins.bind(1, a.id).bind(2, a.url).bind(3, a.canonical_url).bind(4, a.outlet).bind(5, a.title).bind(6, a.author);
  ins.bind(7, a.published).bind(8, a.language).bind(9, a.text).bind_blob(10, zstd_compress(a.raw));
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
    exec("ROLLBACK");
    return PutOutcome::AlreadyStored;
  }
  if (sig) {
    Stmt band(db_, "INSERT OR IGNORE INTO article_bands (band, key, article_id) VALUES (?, ?, ?)");
    auto keys = minhash_bands(*sig);
    for (size_t b = 0; b < keys.size(); ++b) {
      band.reset();
      band.bind(1, static_cast<int64_t>(b)).bind(2, static_cast<int64_t>(keys[b])).bind(3, a.id);
      if (band.step() != SQLITE_DONE) return fail("insert bands");
    }
  }
  if (auto st = exec("COMMIT"); !st) return fail("commit");
  return PutOutcome::Inserted;
}

Result<bool> SqliteStore::has_article(const std::string& id) {
  Stmt q(db_, "SELECT 1 FROM articles WHERE id = ?");
  q.bind(1, id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error{errmsg()};
}

Result<std::optional<Article>> SqliteStore::get_article(const std::string& id_or_prefix, bool with_raw) {
  if (id_or_prefix.size() < 4) return Error{"article id must have at least 4 characters"};
  std::string sql = std::string("SELECT ") + kArticleColumns + ", text, raw_zstd FROM articles WHERE id >= ? AND id < ? LIMIT 2";
  Stmt q(db_, sql.c_str());
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
  Stmt q(db_, sql.c_str());
  if (!q.ok()) return Error{errmsg()};
  q.bind(1, query.since).bind(2, query.since);
  std::vector<Article> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_article_row(q, query.with_text, false));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<size_t> SqliteStore::count_articles() {
  Stmt q(db_, "SELECT COUNT(*) FROM articles");
  if (q.step() != SQLITE_ROW) return Error{errmsg()};
  return static_cast<size_t>(q.i64(0));
}

Result<std::optional<DuplicateMatch>> SqliteStore::find_near_duplicate(const MinHash& sig, double threshold) {
  auto keys = minhash_bands(sig);
  std::unordered_map<std::string, int> candidates;
  {
    Stmt q(db_, "SELECT article_id FROM article_bands WHERE band = ? AND key = ?");
    for (size_t b = 0; b < keys.size(); ++b) {
      q.reset();
      q.bind(1, static_cast<int64_t>(b)).bind(2, static_cast<int64_t>(keys[b]));
      int rc;
      while ((rc = q.step()) == SQLITE_ROW) ++candidates[q.text(0)];
      if (rc != SQLITE_DONE) return Error{errmsg()};
    }
  }
  std::optional<DuplicateMatch> best;
  Stmt q(db_, "SELECT minhash, duplicate_of FROM articles WHERE id = ?");
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
  if (auto st = exec("BEGIN IMMEDIATE"); !st) return st;
  Stmt copies(db_, "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ? AND id <> ?");
  copies.bind(1, original).bind(2, former_original).bind(3, original);
  Stmt self(db_, "UPDATE articles SET duplicate_of = ?, duplicate_similarity = ? WHERE id = ?");
  self.bind(1, original).bind(2, similarity).bind(3, former_original);
  Stmt clear(db_, "UPDATE articles SET duplicate_of = NULL, duplicate_similarity = 0 WHERE id = ?");
  clear.bind(1, original);
  if (copies.step() != SQLITE_DONE || self.step() != SQLITE_DONE || clear.step() != SQLITE_DONE) {
    std::string msg = errmsg();
    exec("ROLLBACK");
    return Error{msg};
  }
  return exec("COMMIT");
}

Result<std::optional<Article>> SqliteStore::article_header(const std::string& id) {
  std::string sql = std::string("SELECT ") + kArticleColumns + " FROM articles WHERE id = ?";
  Stmt q(db_, sql.c_str());
  q.bind(1, id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<Article>(read_article_row(q, false, false));
  if (rc == SQLITE_DONE) return std::optional<Article>();
  return Error{errmsg()};
}

Status SqliteStore::put_extraction(const std::string& article_id, const std::string& json) {
  Stmt up(db_,
          "INSERT INTO extractions (article_id, json, extracted_at) VALUES (?, ?, ?) "
          "ON CONFLICT(article_id) DO UPDATE SET json = excluded.json, extracted_at = excluded.extracted_at");
  up.bind(1, article_id).bind(2, json).bind(3, now_iso8601());
  if (up.step() != SQLITE_DONE) return Error{errmsg()};
  return {};
}

Result<std::optional<std::string>> SqliteStore::get_extraction(const std::string& article_id) {
  Stmt q(db_, "SELECT json FROM extractions WHERE article_id = ?");
  q.bind(1, article_id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(q.text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return Error{errmsg()};
}

Result<Feed> SqliteStore::add_feed(const std::string& url, const std::string& title) {
  Stmt ins(db_, "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?) ON CONFLICT(url) DO NOTHING");
  ins.bind(1, url).bind(2, title).bind(3, now_iso8601());
  if (ins.step() != SQLITE_DONE) return Error{errmsg()};
  std::string sql = std::string("SELECT ") + kFeedColumns + " FROM feeds WHERE url = ?";
  Stmt q(db_, sql.c_str());
  q.bind(1, url);
  if (q.step() != SQLITE_ROW) return Error{errmsg()};
  return read_feed_row(q);
}

Result<bool> SqliteStore::remove_feed(const std::string& url_or_id) {
  Stmt del(db_, "DELETE FROM feeds WHERE url = ? OR CAST(id AS TEXT) = ?");
  del.bind(1, url_or_id).bind(2, url_or_id);
  if (del.step() != SQLITE_DONE) return Error{errmsg()};
  return sqlite3_changes(db_) > 0;
}

Result<std::vector<Feed>> SqliteStore::list_feeds() {
  std::string sql = std::string("SELECT ") + kFeedColumns + " FROM feeds ORDER BY id";
  Stmt q(db_, sql.c_str());
  std::vector<Feed> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_feed_row(q));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Status SqliteStore::update_feed(const Feed& f) {
  Stmt up(db_,
          "UPDATE feeds SET title = ?, etag = ?, last_modified = ?, last_attempt = ?, last_success = ?, last_error = ?, "
          "consecutive_failures = ?, items_seen = ?, next_due = ? WHERE id = ?");
  up.bind(1, f.title).bind(2, f.etag).bind(3, f.last_modified).bind(4, f.last_attempt).bind(5, f.last_success);
  up.bind(6, f.last_error).bind(7, static_cast<int64_t>(f.consecutive_failures)).bind(8, f.items_seen);
  up.bind(9, f.next_due).bind(10, f.id);
  if (up.step() != SQLITE_DONE) return Error{errmsg()};
  return {};
}

}  // namespace dossier
