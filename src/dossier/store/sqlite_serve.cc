// The SQLite backend's serving side: filtered incident pages, dossier facets, full-text search
// (FTS5 over articles and dossiers), API tokens and watchlists.
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "dossier/store/sqlite_internal.h"
#include "dossier/util/time.h"

namespace dossier {

using sqlite::Stmt;
using sqlite::kIncidentColumns;
using sqlite::read_incident_row;

namespace {

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

std::optional<std::string> random_hex(size_t bytes) {
  std::string buf(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), static_cast<int>(bytes)) != 1) return std::nullopt;
  return to_hex(reinterpret_cast<const unsigned char*>(buf.data()), bytes);
}

std::string token_hash(const std::string& salt, const std::string& secret) {
  std::string in = salt + secret;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string fts_query(const std::string& words) {
  // Each word quoted (FTS5 syntax in the input is text, never operators); all must occur; the
  // last one may be the start of a word.
  std::vector<std::string> tokens;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) tokens.push_back(std::move(cur));
    cur.clear();
  };
  for (unsigned char c : words) {
    if (std::isalnum(c) || c >= 0x80) cur.push_back(static_cast<char>(c));
    else flush();
  }
  flush();
  std::string q;
  for (size_t i = 0; i < tokens.size() && i < 16; ++i) {
    if (!q.empty()) q += ' ';
    q += '"' + tokens[i] + '"';
    if (i + 1 == tokens.size()) q += '*';
  }
  return q;
}

}  // namespace

Result<std::vector<IncidentRecord>> SqliteStore::find_incidents(const IncidentFilter& f) {
  std::string sql = std::string("SELECT ") + kIncidentColumns + " FROM incidents i WHERE 1";
  std::vector<std::string> binds;
  if (!f.actors.empty()) {
    sql += " AND (0";
    for (const auto& a : f.actors) {
      sql += " OR instr(i.actors, ?) > 0";
      binds.push_back(" " + a + " ");
    }
    sql += ")";
  }
  auto facet = [&](const char* kind, const std::string& value, bool partial) {
    if (value.empty()) return;
    sql += std::string(" AND EXISTS (SELECT 1 FROM dossier_facets f WHERE f.kind = '") + kind + "' AND f.incident_id = i.id AND " +
           (partial ? "f.value LIKE ? ESCAPE '\\'" : "f.value = ?") + ")";
    if (!partial) {
      binds.push_back(value);
      return;
    }
    std::string like = "%";
    for (char c : value) {
      if (c == '%' || c == '_' || c == '\\') like += '\\';
      like += c;
    }
    binds.push_back(like + "%");
  };
  facet("victim", f.victim, true);
  facet("country", f.country, false);
  facet("sector", f.sector, true);
  facet("cve", f.cve, false);
  facet("technique", f.technique, false);
  if (!f.from.empty()) {
    sql += " AND i.last_seen >= ?";
    binds.push_back(f.from);
  }
  if (!f.to.empty()) {
    sql += " AND substr(i.first_seen, 1, 10) <= ?";
    binds.push_back(f.to.substr(0, 10));
  }
  if (!f.text.empty()) {
    std::string q = fts_query(f.text);
    if (q.empty()) return std::vector<IncidentRecord>{};
    sql += " AND (i.id IN (SELECT incident_id FROM dossiers_fts WHERE dossiers_fts MATCH ?) OR i.seq IN "
           "(SELECT ia.incident_seq FROM articles_fts JOIN incident_articles ia ON ia.article_seq = articles_fts.rowid "
           "WHERE articles_fts MATCH ?))";
    binds.push_back(q);
    binds.push_back(q);
  }
  if (!f.after.empty()) {
    size_t bar = f.after.rfind('|');
    if (bar == std::string::npos) return Error{"bad cursor"};
    sql += " AND (i.last_seen, i.id) < (?, ?)";
    binds.push_back(f.after.substr(0, bar));
    binds.push_back(f.after.substr(bar + 1));
  }
  sql += " ORDER BY i.last_seen DESC, i.id DESC LIMIT ?";
  Stmt q(*cache_, db_, sql.c_str());
  if (!q.ok()) return Error{errmsg()};
  int n = 0;
  for (const auto& b : binds) q.bind(++n, b);
  q.bind(++n, static_cast<int64_t>(f.limit == 0 ? 50 : f.limit));
  std::vector<IncidentRecord> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_incident_row(q, false));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::vector<DossierFacet>> SqliteStore::incident_facets(const std::string& incident_id) {
  Stmt q(*cache_, db_, "SELECT kind, value, label FROM dossier_facets WHERE incident_id = ? ORDER BY kind, value");
  q.bind(1, incident_id);
  std::vector<DossierFacet> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(DossierFacet{q.text(0), q.text(1), q.text(2)});
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::unordered_map<std::string, std::vector<DossierFacet>>> SqliteStore::facets_of(
    const std::vector<std::string>& incident_ids) {
  std::unordered_map<std::string, std::vector<DossierFacet>> out;
  if (incident_ids.empty()) return out;
  nlohmann::json ids = incident_ids;
  Stmt q(*cache_, db_,
         "SELECT incident_id, kind, value, label FROM dossier_facets WHERE incident_id IN (SELECT value FROM json_each(?)) "
         "ORDER BY incident_id, kind, value");
  q.bind(1, ids.dump());
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out[q.text(0)].push_back(DossierFacet{q.text(1), q.text(2), q.text(3)});
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<bool> SqliteStore::set_feed_tlp(const std::string& url_or_id, const std::string& tlp) {
  Stmt q(*cache_, db_, "UPDATE feeds SET tlp = ? WHERE url = ? OR CAST(id AS TEXT) = ?");
  q.bind(1, tlp).bind(2, url_or_id).bind(3, url_or_id);
  if (q.step() != SQLITE_DONE) return Error{errmsg()};
  return sqlite3_changes(db_) > 0;
}

Result<bool> SqliteStore::set_incident_tlp(const std::string& incident_id, const std::string& tlp) {
  Stmt q(*cache_, db_, "UPDATE incidents SET tlp = ? WHERE id = ?");
  q.bind(1, tlp).bind(2, incident_id);
  if (q.step() != SQLITE_DONE) return Error{errmsg()};
  return sqlite3_changes(db_) > 0;
}

Result<std::vector<std::string>> SqliteStore::incident_tlps(const std::string& incident_id) {
  Stmt q(*cache_, db_,
         "SELECT tlp FROM incidents WHERE id = ?1 AND tlp <> '' UNION "
         "SELECT DISTINCT f.tlp FROM incidents i JOIN incident_articles ia ON ia.incident_seq = i.seq "
         "JOIN articles a ON a.seq = ia.article_seq JOIN feeds f ON f.url = a.feed_url WHERE i.id = ?1 AND f.tlp <> ''");
  q.bind(1, incident_id);
  std::vector<std::string> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(q.text(0));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::vector<std::string>> SqliteStore::stale_dossiers(size_t limit) {
  Stmt q(*cache_, db_,
         "SELECT i.id FROM incidents i LEFT JOIN dossiers d ON d.incident_id = i.id "
         "WHERE d.incident_id IS NULL OR d.incident_version < i.version ORDER BY i.last_seen DESC, i.id LIMIT ?");
  q.bind(1, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(q.text(0));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::vector<std::pair<DossierFacet, int64_t>>> SqliteStore::facet_values(const std::string& kind, size_t limit) {
  Stmt q(*cache_, db_,
         "SELECT value, MAX(label), COUNT(*) FROM dossier_facets WHERE kind = ? GROUP BY value ORDER BY 3 DESC, 1 LIMIT ?");
  q.bind(1, kind).bind(2, static_cast<int64_t>(limit));
  std::vector<std::pair<DossierFacet, int64_t>> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.emplace_back(DossierFacet{kind, q.text(0), q.text(1)}, q.i64(2));
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::vector<SearchHit>> SqliteStore::search(const std::string& words, size_t limit) {
  std::string match = fts_query(words);
  std::vector<SearchHit> out;
  if (match.empty()) return out;
  {
    Stmt q(*cache_, db_,
           "SELECT incident_id, title, snippet(dossiers_fts, 2, char(2), char(3), '...', 24) FROM dossiers_fts "
           "WHERE dossiers_fts MATCH ? ORDER BY rank LIMIT ?");
    q.bind(1, match).bind(2, static_cast<int64_t>(limit));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back(SearchHit{"dossier", q.text(0), q.text(0), q.text(1), q.text(2)});
    if (rc != SQLITE_DONE) return Error{errmsg()};
  }
  {
    Stmt q(*cache_, db_,
           "SELECT a.id, a.title, COALESCE(i.id, ''), snippet(articles_fts, 1, char(2), char(3), '...', 24) FROM articles_fts "
           "JOIN articles a ON a.seq = articles_fts.rowid LEFT JOIN incident_articles ia ON ia.article_seq = a.seq "
           "LEFT JOIN incidents i ON i.seq = ia.incident_seq WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?");
    q.bind(1, match).bind(2, static_cast<int64_t>(limit));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back(SearchHit{"article", q.text(0), q.text(2), q.text(1), q.text(3)});
    if (rc != SQLITE_DONE) return Error{errmsg()};
  }
  return out;
}

Result<std::string> SqliteStore::create_token(const std::string& name, bool can_write, bool restricted) {
  if (name.empty()) return Error{"a token needs a name"};
  auto id = random_hex(6), secret = random_hex(32), salt = random_hex(16);
  if (!id || !secret || !salt) return Error{"no randomness available"};
  Stmt ins(*cache_, db_, "INSERT INTO api_tokens (id, name, salt, hash, can_write, created_at, restricted) VALUES (?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, *id).bind(2, name).bind_blob(3, *salt).bind_blob(4, token_hash(*salt, *secret));
  ins.bind(5, static_cast<int64_t>(can_write)).bind(6, now_iso8601()).bind(7, static_cast<int64_t>(restricted));
  if (ins.step() != SQLITE_DONE) {
    std::string msg = errmsg();
    if (msg.find("UNIQUE") != std::string::npos) return Error{"a token named " + name + " exists; revoke it first"};
    return Error{msg};
  }
  return "dsr_" + *id + "_" + *secret;
}

Result<std::vector<ApiToken>> SqliteStore::list_tokens() {
  Stmt q(*cache_, db_, "SELECT id, name, can_write, created_at, revoked_at, restricted FROM api_tokens ORDER BY created_at, name");
  std::vector<ApiToken> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(ApiToken{q.text(0), q.text(1), q.i64(2) != 0, q.text(3), q.text(4), q.i64(5) != 0});
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<bool> SqliteStore::revoke_token(const std::string& name) {
  Stmt q(*cache_, db_, "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at = ''");
  q.bind(1, now_iso8601()).bind(2, name);
  if (q.step() != SQLITE_DONE) return Error{errmsg()};
  return sqlite3_changes(db_) > 0;
}

Result<std::optional<ApiToken>> SqliteStore::check_token(const std::string& token) {
  // dsr_<id>_<secret>: the id finds the row, the secret is compared by its salted hash.
  if (token.size() < 6 || token.compare(0, 4, "dsr_") != 0) return std::optional<ApiToken>();
  size_t bar = token.find('_', 4);
  if (bar == std::string::npos) return std::optional<ApiToken>();
  Stmt q(*cache_, db_, "SELECT id, name, can_write, created_at, revoked_at, salt, hash, restricted FROM api_tokens WHERE id = ?");
  q.bind(1, token.substr(4, bar - 4));
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<ApiToken>();
  if (rc != SQLITE_ROW) return Error{errmsg()};
  std::string want = q.blob(6), got = token_hash(q.blob(5), token.substr(bar + 1));
  if (want.size() != got.size() || CRYPTO_memcmp(want.data(), got.data(), want.size()) != 0) return std::optional<ApiToken>();
  ApiToken t{q.text(0), q.text(1), q.i64(2) != 0, q.text(3), q.text(4), q.i64(7) != 0};
  if (!t.revoked_at.empty()) return std::optional<ApiToken>();
  return std::optional<ApiToken>(std::move(t));
}

Result<Watchlist> SqliteStore::put_watchlist(const std::string& name, const std::string& filter_json) {
  auto id = random_hex(6);
  if (!id) return Error{"no randomness available"};
  Watchlist w{*id, name, filter_json, now_iso8601()};
  Stmt ins(*cache_, db_, "INSERT INTO watchlists (id, name, filter, created_at) VALUES (?, ?, ?, ?)");
  ins.bind(1, w.id).bind(2, w.name).bind(3, w.filter_json).bind(4, w.created_at);
  if (ins.step() != SQLITE_DONE) return Error{errmsg()};
  return w;
}

Result<std::vector<Watchlist>> SqliteStore::list_watchlists() {
  Stmt q(*cache_, db_, "SELECT id, name, filter, created_at FROM watchlists ORDER BY created_at, id");
  std::vector<Watchlist> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(Watchlist{q.text(0), q.text(1), q.text(2), q.text(3)});
  if (rc != SQLITE_DONE) return Error{errmsg()};
  return out;
}

Result<std::optional<Watchlist>> SqliteStore::get_watchlist(const std::string& id) {
  Stmt q(*cache_, db_, "SELECT id, name, filter, created_at FROM watchlists WHERE id = ?");
  q.bind(1, id);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<Watchlist>(Watchlist{q.text(0), q.text(1), q.text(2), q.text(3)});
  if (rc == SQLITE_DONE) return std::optional<Watchlist>();
  return Error{errmsg()};
}

Result<bool> SqliteStore::remove_watchlist(const std::string& id) {
  Stmt q(*cache_, db_, "DELETE FROM watchlists WHERE id = ?");
  q.bind(1, id);
  if (q.step() != SQLITE_DONE) return Error{errmsg()};
  return sqlite3_changes(db_) > 0;
}

}  // namespace dossier
