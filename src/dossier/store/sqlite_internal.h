// Internal to the SQLite backend (sqlite_store.cc, sqlite_schema.cc, sqlite_incidents.cc): cached
// prepared statements, atomic write scopes, and the row readers the files share.
#pragma once

#include <absl/container/node_hash_map.h>
#include <sqlite3.h>

#include <string>

#include "dossier/store/sqlite_store.h"
#include "dossier/util/hash.h"
#include "dossier/util/text.h"

namespace dossier::sqlite {

// Prepared statements by SQL text. Preparing costs as much as running a small statement, and the
// writer runs the same few for every article. A statement in use (a query being stepped while
// the same SQL runs again) is not shared: the second user prepares its own.
struct Cached {
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};

}  // namespace dossier::sqlite

namespace dossier {

struct SqliteStore::StatementCache {
  using Cached = sqlite::Cached;
  absl::node_hash_map<std::string, Cached> by_sql;  // nodes: entries stay put while lent
  ~StatementCache() {
    for (auto& [sql, c] : by_sql) sqlite3_finalize(c.stmt);
  }
};

}  // namespace dossier

namespace dossier::sqlite {

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

inline constexpr const char* kIncidentColumns =
    "id, title, first_seen, last_seen, first_day, last_day, articles, sources, outlets, actors, created_at, updated_at, version";

inline std::string actors_column(const std::vector<std::string>& actors) {
  if (actors.empty()) return "";
  std::string s = " ";
  for (const auto& a : actors) s += a + " ";
  return s;
}

inline IncidentRecord read_incident_row(const Stmt& s, bool with_state) {
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

inline constexpr const char* kArticleColumns =
    "id, url, canonical_url, outlet, title, author, published, language, source, final_url, http_status, "
    "content_type, charset, etag, last_modified, fetched_at, feed_url, duplicate_of, duplicate_similarity, "
    "ingested_at, kind";

inline Article read_article_row(const Stmt& s, bool with_text, bool with_raw) {
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
  a.kind = s.text(20);
  if (with_text) a.text = s.text(21);
  if (with_raw) {
    std::string z = s.blob(22);
    if (!z.empty()) {
      auto raw = zstd_decompress(z);
      if (raw.ok()) a.raw = std::move(raw).value();
    }
  }
  return a;
}

inline Feed read_feed_row(const Stmt& s) {
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
  f.tlp = s.text(12);
  return f;
}

inline constexpr const char* kFeedColumns =
    "id, url, title, etag, last_modified, added_at, last_attempt, last_success, last_error, consecutive_failures, "
    "items_seen, next_due, tlp";

}  // namespace dossier::sqlite
