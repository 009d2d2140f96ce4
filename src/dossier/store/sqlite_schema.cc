#include <algorithm>
#include <string>

#include "dossier/store/sqlite_internal.h"
#include "dossier/util/time.h"

namespace dossier {

using sqlite::Stmt;
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
    // 9: incidents listed under their specific entities, so that an article months after an
    // incident finds it through an index rather than a scan. Incidents stored before are listed
    // the next time they change (or at `cluster --rebuild`).
    R"sql(
CREATE TABLE IF NOT EXISTS incident_keys (
  key INTEGER NOT NULL,
  last_day INTEGER NOT NULL,
  incident_seq INTEGER NOT NULL,
  PRIMARY KEY (key, last_day, incident_seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS incident_keys_incident ON incident_keys(incident_seq);
)sql",
    // 10: each article's kind of story (extract/kind.h), written with its extraction. Articles of
    // kinds that form no incident (policy, opinion, product news) are not waiting to be clustered.
    R"sql(
ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT '';
)sql",
    // 11: serving. Full-text indexes over articles (kept by triggers) and dossiers (written with
    // them); what each dossier says its incident is about, for filters; API tokens as salted
    // hashes; analysts' watchlists.
    R"sql(
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='articles', content_rowid='seq',
  tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE IF NOT EXISTS dossiers_fts USING fts5(incident_id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS dossier_facets (
  kind TEXT NOT NULL,
  value TEXT NOT NULL COLLATE NOCASE,
  incident_id TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (kind, value, incident_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dossier_facets_incident ON dossier_facets(incident_id);
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  can_write INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS watchlists (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  filter TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql",
    // 12, 13: TLP 2.0 levels set on a feed (what it brings) and on an incident; an export marks an
    // incident with the highest of its own and its articles' feeds' ("" is clear).
    "ALTER TABLE feeds ADD COLUMN tlp TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE incidents ADD COLUMN tlp TEXT NOT NULL DEFAULT ''",
    // 14: the name the headlines are about is not a victim facet unless a source names it harmed.
    "DELETE FROM dossier_facets WHERE kind = 'victim' AND value LIKE '% (the subject of the headlines)'",
    // 15: dossiers now say which actors the sources hold responsible and which indicators they
    // call malicious: every stored dossier is stale (kept, so that the next one lists its changes).
    "UPDATE dossiers SET incident_version = 0",
    // 16: tokens that may read incidents marked TLP:AMBER+STRICT or TLP:RED.
    "ALTER TABLE api_tokens ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0",
};

// Migrations that add a column: skipped when the column is there already (a store an older
// binary rolled back, or one a concurrent process migrated), since SQLite has no ADD COLUMN IF
// NOT EXISTS.
struct AddedColumn {
  int version;
  const char* table;
  const char* column;
};
constexpr AddedColumn kAddedColumns[] = {{10, "articles", "kind"}, {12, "feeds", "tlp"}, {13, "incidents", "tlp"}, {16, "api_tokens", "restricted"}};

}  // namespace

bool SqliteStore::has_column(const char* table, const char* column) {
  Stmt q(*cache_, db_, (std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?").c_str());
  q.bind(1, std::string(column));
  return q.ok() && q.step() == SQLITE_ROW;
}

int SqliteStore::latest_schema_version() { return static_cast<int>(std::size(kMigrations)); }

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
    // Another process opening the store at the same time may have applied it while this one
    // waited for the lock.
    int rc;
    {
      Stmt q(*cache_, db_, "SELECT 1 FROM schema_migrations WHERE version = ?");
      q.bind(1, static_cast<int64_t>(v));
      rc = q.step();
    }
    if (rc == SQLITE_ROW) {
      if (auto c = exec("COMMIT"); !c) return c;
      schema_version_ = v;
      continue;
    }
    if (rc != SQLITE_DONE) {
      std::string msg = errmsg();
      (void)exec("ROLLBACK");
      return Error{"migration " + std::to_string(v) + ": " + msg};
    }
    bool present = std::any_of(std::begin(kAddedColumns), std::end(kAddedColumns),
                               [&](const AddedColumn& c) { return c.version == v && has_column(c.table, c.column); });
    Status st = present ? Status{} : exec(kMigrations[v - 1]);
    if (st.ok()) {
      Stmt ins(*cache_, db_, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)");
      ins.bind(1, static_cast<int64_t>(v)).bind(2, now_iso8601());
      if (ins.step() != SQLITE_DONE) st = Error{errmsg()};
    }
    if (!st.ok()) {
      (void)exec("ROLLBACK");  // the migration's own error is the one worth reporting
      return Error{"migration " + std::to_string(v) + ": " + st.error()};
    }
    if (auto c = exec("COMMIT"); !c) return c;
    schema_version_ = v;
  }
  return {};
}

}  // namespace dossier
