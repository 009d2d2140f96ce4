#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "dossier/store/sqlite_internal.h"
#include "dossier/util/bytes.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

using sqlite::Stmt;
using sqlite::WriteScope;
using sqlite::kIncidentColumns;
using sqlite::actors_column;
using sqlite::read_incident_row;
using sqlite::read_article_row;
using sqlite::kArticleColumns;

namespace {

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

}  // namespace

// ---- Incidents ----

namespace {

}  // namespace

Result<int64_t> SqliteStore::lock_clustering() {
  if (clustering_lock_) return Error{"the clustering lock is already held"};
  auto lock = std::make_unique<WriteScope>(db_);
  if (!lock->ok()) return Error{"cannot take the clustering lock: " + errmsg()};
  Stmt q(*cache_, db_, "SELECT value FROM cluster_meta WHERE key = 'generation'");
  int rc = q.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error{"cannot read the clustering generation: " + errmsg()};
  int64_t generation = rc == SQLITE_ROW ? q.i64(0) : 0;
  clustering_lock_ = std::move(lock);
  return generation;
}

Status SqliteStore::unlock_clustering(bool commit) {
  if (!clustering_lock_) return {};
  auto lock = std::move(clustering_lock_);
  if (!commit) {
    lock->rollback();
    return {};
  }
  if (!lock->commit()) {
    std::string msg = errmsg();
    lock->rollback();
    return Error{"commit: " + msg};
  }
  return {};
}

namespace {
constexpr const char* kBumpGeneration =
    "INSERT INTO cluster_meta (key, value) VALUES ('generation', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1";
}

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
    Stmt unkey(*cache_, db_, "DELETE FROM incident_keys WHERE incident_seq = (SELECT seq FROM incidents WHERE id = ?)");
    Stmt up(*cache_, db_,
            "INSERT INTO incidents (id, title, first_day, last_day, actors, state, created_at, updated_at, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT(id) DO UPDATE SET title = excluded.title, "
            "first_day = excluded.first_day, last_day = excluded.last_day, actors = excluded.actors, state = excluded.state, "
            "updated_at = excluded.updated_at, version = incidents.version + 1");
    Stmt key(*cache_, db_, "INSERT OR IGNORE INTO incident_keys (key, last_day, incident_seq) SELECT ?, ?, seq FROM incidents WHERE id = ?");
    for (const auto& r : c.upserts) {
      up.reset();
      up.bind(1, r.id).bind(2, r.title).bind(3, static_cast<int64_t>(r.first_day)).bind(4, static_cast<int64_t>(r.last_day));
      up.bind(5, actors_column(r.actors)).bind_blob(6, r.state).bind(7, r.created_at.empty() ? now : r.created_at).bind(8, now);
      if (up.step() != SQLITE_DONE) return fail("save incident " + r.id);
      if (!r.keys_changed) continue;
      unkey.reset();
      unkey.bind(1, r.id);
      if (unkey.step() != SQLITE_DONE) return fail("save incident " + r.id);
      for (uint64_t k : r.keys) {
        key.reset();
        key.bind(1, static_cast<int64_t>(k)).bind(2, static_cast<int64_t>(r.last_day)).bind(3, r.id);
        if (key.step() != SQLITE_DONE) return fail("save incident " + r.id);
      }
    }
    // Members of incidents merged into others follow them before those are deleted.
    Stmt move(*cache_, db_,
              "UPDATE incident_articles SET incident_seq = (SELECT seq FROM incidents WHERE id = ?) "
              "WHERE incident_seq = (SELECT seq FROM incidents WHERE id = ?)");
    for (const auto& [from, to] : c.moves) {
      move.reset();
      move.bind(1, to).bind(2, from);
      if (move.step() != SQLITE_DONE) return fail("merge incident " + from);
    }
    Stmt del(*cache_, db_, "DELETE FROM incidents WHERE id = ?");
    for (const auto& id : c.deletes) {
      unkey.reset();
      unkey.bind(1, id);
      del.reset();
      del.bind(1, id);
      if (unkey.step() != SQLITE_DONE || del.step() != SQLITE_DONE) return fail("delete incident " + id);
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
  if (auto st = exec(kBumpGeneration); !st) return fail("save the clustering generation");
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

Result<std::vector<IncidentRecord>> SqliteStore::incidents_with_keys(const std::vector<uint64_t>& keys, size_t per_key) {
  std::vector<int64_t> seqs;
  {
    Stmt q(*cache_, db_, "SELECT incident_seq FROM incident_keys WHERE key = ? ORDER BY last_day DESC LIMIT ?");
    for (uint64_t k : keys) {
      q.reset();
      q.bind(1, static_cast<int64_t>(k)).bind(2, static_cast<int64_t>(per_key));
      int rc;
      while ((rc = q.step()) == SQLITE_ROW) seqs.push_back(q.i64(0));
      if (rc != SQLITE_DONE) return Error{errmsg()};
    }
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::string sql = std::string("SELECT ") + kIncidentColumns + ", state FROM incidents WHERE seq = ?";
  Stmt q(*cache_, db_, sql.c_str());
  std::vector<IncidentRecord> out;
  for (int64_t seq : seqs) {
    q.reset();
    q.bind(1, seq);
    int rc = q.step();
    if (rc == SQLITE_ROW) out.push_back(read_incident_row(q, true));
    else if (rc != SQLITE_DONE) return Error{errmsg()};
  }
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
  Stmt q(*cache_, db_, "SELECT a.id FROM articles a LEFT JOIN incident_articles ia ON ia.article_seq = a.seq WHERE ia.article_seq IS NULL "
                       "AND a.kind NOT IN ('policy', 'opinion', 'product-news') ORDER BY a.seq");
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
  // One snapshot: the counts and the generation they belong to.
  const bool own = sqlite3_get_autocommit(db_) != 0;
  if (own)
    if (auto st = exec("BEGIN"); !st) return Error{st.error()};
  struct EndRead {
    SqliteStore* s;
    bool own;
    ~EndRead() {
      if (own) (void)s->exec("COMMIT");
    }
  } end_read{this, own};
  TermStats t;
  {
    Stmt q(*cache_, db_, "SELECT key, value FROM cluster_meta WHERE key IN ('documents', 'generation')");
    while (q.step() == SQLITE_ROW) (q.text(0) == "documents" ? t.documents : t.generation) = q.i64(1);
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

Status SqliteStore::clear_clustering() {
  WriteScope tx(db_);
  if (!tx.ok()) return Error{errmsg()};
  Status st = exec("DELETE FROM incident_articles; DELETE FROM incident_keys; DELETE FROM incidents; DELETE FROM incident_aliases; DELETE FROM term_df; DELETE FROM term_df_log; DELETE FROM cluster_meta WHERE key <> 'generation';");
  if (st) st = exec(kBumpGeneration);
  if (!st) return st;  // the scope rolls back
  if (!tx.commit()) return Error{errmsg()};
  return {};
}

}  // namespace dossier
