#include "dossier/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <unordered_map>

#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

Article make_article(const std::string& id, const std::string& text, const std::string& published = "") {
  Article a;
  a.id = id;
  a.url = "https://example.org/" + id;
  a.canonical_url = a.url;
  a.title = "Title " + id;
  a.text = text;
  a.published = published;
  a.raw = "<html>" + text + "</html>";
  a.fetch.source = a.url;
  return a;
}

// Runs SQL on a closed store file directly, as an older dossier (or a damaged file) would leave it.
void rewrite_store(const std::string& path, const char* sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql, nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

const char* kText =
    "Investigators said the intruders used a stolen password to reach the mail server and stayed for months before "
    "anyone noticed the unusual traffic leaving the network at night.";

TEST(Store, PutIsIdempotentAndRoundTripsEverything) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok()) << s.error();
  Article a = make_article("aaaa000000000001", kText, "2024-01-02T03:04:05Z");
  a.fetch.charset = "windows-1252";
  auto sig = minhash_signature(a.text);
  auto r1 = (*s)->put_article(a, sig);
  ASSERT_TRUE(r1.ok()) << r1.error();
  EXPECT_EQ(*r1, PutOutcome::Inserted);
  auto r2 = (*s)->put_article(a, sig);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(*r2, PutOutcome::AlreadyStored);
  EXPECT_EQ(*(*s)->count_articles(), 1u);

  auto got = (*s)->get_article("aaaa", true);
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ((*got)->text, a.text);
  EXPECT_EQ((*got)->raw, a.raw);  // zstd round trip
  EXPECT_EQ((*got)->published, a.published);
  EXPECT_EQ((*got)->fetch.charset, "windows-1252");
  EXPECT_FALSE((*got)->ingested_at.empty());
}

TEST(Store, PrefixLookupRejectsAmbiguityAndShortPrefixes) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->put_article(make_article("abcd000000000001", "one"), std::nullopt).ok());
  ASSERT_TRUE((*s)->put_article(make_article("abcd000000000002", "two"), std::nullopt).ok());
  EXPECT_FALSE((*s)->get_article("abcd", false).ok());
  EXPECT_FALSE((*s)->get_article("ab", false).ok());
  auto one = (*s)->get_article("abcd000000000001", false);
  ASSERT_TRUE(one.ok() && *one);
  EXPECT_EQ((*one)->text, "one");
  auto none = (*s)->get_article("ffff", false);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

// An incident's counters follow its members: a copy whose original is a member is no independent
// source, outlets count once, dates come from the dated members (ingest times when none is dated),
// and moving an article out recounts both incidents.
TEST(Store, IncidentCountersFollowMembers) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok()) << s.error();
  auto put = [&](const std::string& id, const std::string& outlet, const std::string& published, const std::string& copy_of) {
    Article a = make_article(id, kText + id, published);
    a.outlet = outlet;
    a.duplicate_of = copy_of;
    ASSERT_TRUE((*s)->put_article(a, std::nullopt).ok());
  };
  put("c000000000000001", "wire.example", "2024-03-05T10:00:00Z", "");
  put("c000000000000002", "daily.example", "2024-03-04T08:00:00Z", "");
  put("c000000000000003", "mirror.example", "2024-03-06T09:00:00Z", "c000000000000001");  // a copy of 1
  put("c000000000000004", "wire.example", "", "");                                        // undated
  put("c000000000000006", "solo.example", "", "");
  put("c000000000000005", "", "", "c000000000000006");  // a copy of an article of another incident
  auto incident = [](const std::string& id) {
    IncidentRecord r;
    r.id = id;
    r.first_day = r.last_day = 19787;
    return r;
  };
  ClusterCommit c;
  c.upserts = {incident("inc-a"), incident("inc-b")};
  for (const char* a : {"c000000000000001", "c000000000000002", "c000000000000003", "c000000000000004", "c000000000000005"})
    c.memberships.push_back(IncidentMembership{a, "inc-a", 0.5, false});
  c.memberships.push_back(IncidentMembership{"c000000000000006", "inc-b", 0, false});
  ASSERT_TRUE((*s)->commit_clustering(c).ok());
  auto get = [&](const std::string& id) {
    auto r = (*s)->get_incident(id, false);
    EXPECT_TRUE(r.ok() && *r);
    return r.ok() && *r ? **r : IncidentRecord{};
  };
  IncidentRecord a = get("inc-a");
  EXPECT_EQ(a.articles, 5);
  EXPECT_EQ(a.sources, 4);  // 3 copies 1, which is a member; 5 copies an article of inc-b
  EXPECT_EQ(a.outlets, 3);  // wire, daily, mirror
  EXPECT_EQ(a.first_seen, "2024-03-04T08:00:00Z");
  EXPECT_EQ(a.last_seen, "2024-03-06T09:00:00Z");
  IncidentRecord b = get("inc-b");
  EXPECT_EQ(b.articles, 1);
  EXPECT_EQ(b.first_seen, b.last_seen);
  auto ingested = (*s)->article_header("c000000000000006");
  ASSERT_TRUE(ingested.ok() && *ingested);
  EXPECT_EQ(b.first_seen, (*ingested)->ingested_at);  // no dated member: when it was ingested

  // The original moves to inc-b: its copy becomes an independent source of inc-a.
  ClusterCommit move;
  move.upserts = {incident("inc-a"), incident("inc-b")};
  move.memberships.push_back(IncidentMembership{"c000000000000001", "inc-b", 1, true});
  ASSERT_TRUE((*s)->commit_clustering(move).ok());
  a = get("inc-a");
  b = get("inc-b");
  EXPECT_EQ(a.articles, 4);
  EXPECT_EQ(a.sources, 4);
  EXPECT_EQ(a.outlets, 3);  // wire still has an undated member here
  EXPECT_EQ(a.last_seen, "2024-03-06T09:00:00Z");
  EXPECT_EQ(b.articles, 2);
  EXPECT_EQ(b.sources, 2);
  EXPECT_EQ(b.first_seen, "2024-03-05T10:00:00Z");  // dated members only, once one is dated
  EXPECT_EQ(b.last_seen, "2024-03-05T10:00:00Z");
}

// A store left at schema 4 (memberships in a rowid table keyed by hashed ids, no counters index)
// keeps its incidents and memberships through migrations 5 and 6, and counting works on the
// rebuilt tables. A membership of an incident no longer stored is not carried over.
TEST(Store, Schema4MembershipsSurviveMigrations) {
  TempDir dir;
  std::string path = (dir / "db.sqlite").string();
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->put_article(make_article("d000000000000001", kText, "2024-05-01T00:00:00Z"), std::nullopt).ok());
    ASSERT_TRUE((*s)->put_article(make_article("d000000000000002", kText + std::string("!"), "2024-05-02T00:00:00Z"), std::nullopt).ok());
    ASSERT_TRUE((*s)->put_article(make_article("d000000000000003", kText + std::string("?"), "2024-05-02T00:00:00Z"), std::nullopt).ok());
  }
  rewrite_store(path,
                "DROP INDEX articles_counted; DROP TABLE incident_articles; DROP TABLE incidents; DROP TABLE term_df_log; "
                "CREATE TABLE incidents (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL DEFAULT '', "
                "last_seen TEXT NOT NULL DEFAULT '', first_day INTEGER NOT NULL, last_day INTEGER NOT NULL, "
                "articles INTEGER NOT NULL DEFAULT 0, sources INTEGER NOT NULL DEFAULT 0, outlets INTEGER NOT NULL DEFAULT 0, "
                "actors TEXT NOT NULL DEFAULT '', state BLOB, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
                "version INTEGER NOT NULL DEFAULT 1); "
                "CREATE INDEX incidents_window ON incidents(last_day, first_day); "
                "CREATE INDEX incidents_last_seen ON incidents(last_seen); "
                "INSERT INTO incidents (id, title, first_day, last_day, created_at, updated_at, version) "
                "VALUES ('inc-x', 'Old title', 19844, 19845, '2024-05-03T00:00:00Z', '2024-05-03T00:00:00Z', 3); "
                "CREATE TABLE incident_articles (article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, "
                "incident_id TEXT NOT NULL, score REAL NOT NULL DEFAULT 0, pinned INTEGER NOT NULL DEFAULT 0, joined_at TEXT NOT NULL); "
                "CREATE INDEX incident_articles_incident ON incident_articles(incident_id); "
                "INSERT INTO incident_articles VALUES ('d000000000000001', 'inc-x', 0.5, 0, '2024-05-03T00:00:00Z'), "
                "('d000000000000002', 'inc-x', 0.7, 1, '2024-05-03T00:00:00Z'), "
                "('d000000000000003', 'inc-gone', 0.9, 0, '2024-05-03T00:00:00Z'); "
                "DELETE FROM schema_migrations WHERE version >= 5;");
  auto s = SqliteStore::open(path);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ((*s)->schema_version(), SqliteStore::latest_schema_version());
  auto m = (*s)->membership("d000000000000002");
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->incident_id, "inc-x");
  EXPECT_TRUE((*m)->pinned);
  EXPECT_DOUBLE_EQ((*m)->score, 0.7);
  auto kept = (*s)->get_incident("inc-x", false);
  ASSERT_TRUE(kept.ok() && *kept);
  EXPECT_EQ((*kept)->title, "Old title");
  EXPECT_EQ((*kept)->version, 3);
  auto gone = (*s)->membership("d000000000000003");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);
  auto unclustered = (*s)->unclustered_articles();
  ASSERT_TRUE(unclustered.ok());
  EXPECT_EQ(*unclustered, std::vector<std::string>{"d000000000000003"});
  ClusterCommit c;
  IncidentRecord r;
  r.id = "inc-x";
  c.upserts.push_back(r);
  ASSERT_TRUE((*s)->commit_clustering(c).ok());
  auto in = (*s)->get_incident("inc-x", false);
  ASSERT_TRUE(in.ok() && *in);
  EXPECT_EQ((*in)->articles, 2);
  EXPECT_EQ((*in)->first_seen, "2024-05-01T00:00:00Z");
  auto members = (*s)->incident_members("inc-x");
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->size(), 2u);
}

// A membership names a stored article and a stored incident; otherwise the whole commit fails
// and nothing of it is kept.
TEST(Store, MembershipOfUnknownArticleOrIncidentFails) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->put_article(make_article("e000000000000001", kText, "2024-05-01T00:00:00Z"), std::nullopt).ok());
  ClusterCommit c;
  IncidentRecord r;
  r.id = "inc-y";
  c.upserts.push_back(r);
  c.memberships.push_back(IncidentMembership{"e000000000000001", "inc-nowhere", 0.5, false});
  auto st = (*s)->commit_clustering(c);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().find("e000000000000001"), std::string::npos) << st.error();
  auto none = (*s)->get_incident("inc-y", false);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);  // rolled back with the failing membership
  c.memberships = {IncidentMembership{"e0000000000000ff", "inc-y", 0.5, false}};
  EXPECT_FALSE((*s)->commit_clustering(c).ok());
  c.memberships = {IncidentMembership{"e000000000000001", "inc-y", 0.5, false}};
  ASSERT_TRUE((*s)->commit_clustering(c).ok());
  auto in = (*s)->get_incident("inc-y", false);
  ASSERT_TRUE(in.ok() && *in);
  EXPECT_EQ((*in)->articles, 1);
}

// Runs a one-value query on a closed store file.
int64_t query_store(const std::string& path, const char* sql) {
  sqlite3* h = nullptr;
  int64_t v = -1;
  if (sqlite3_open(path.c_str(), &h) == SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(h, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
  }
  sqlite3_close(h);
  return v;
}

// Document frequencies are logged per commit and folded into the table once the log holds as
// many entries as the table has terms: the counts read back are the same before and after the
// fold, and across a reopen.
TEST(Store, TermStatsThroughTheLogAndItsFold) {
  TempDir dir;
  std::string path = (dir / "db.sqlite").string();
  std::unordered_map<uint64_t, int64_t> expect;
  auto check = [&](SqliteStore& s) {
    auto t = s.term_stats();
    ASSERT_TRUE(t.ok()) << t.error();
    EXPECT_EQ(t->df.size(), expect.size());
    for (const auto& [k, v] : expect) {
      auto it = t->df.find(k);
      ASSERT_NE(it, t->df.end()) << k;
      EXPECT_EQ(it->second, v) << k;
    }
  };
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok());
    ClusterCommit c;
    c.df_deltas = {{1, 3}, {0xffffffffffffffffull, 200}, {42, 1}};
    c.documents_delta = 3;
    ASSERT_TRUE((*s)->commit_clustering(c).ok());
    c.df_deltas = {{1, 2}, {42, -1}, {7, 1}};  // 42 back to nothing
    c.documents_delta = 2;
    ASSERT_TRUE((*s)->commit_clustering(c).ok());
    expect = {{1, 5}, {0xffffffffffffffffull, 200}, {7, 1}};
    check(**s);
    EXPECT_EQ((*s)->term_stats()->documents, 5);
  }
  EXPECT_EQ(query_store(path, "SELECT COUNT(*) FROM term_df_log"), 2);
  EXPECT_EQ(query_store(path, "SELECT COUNT(*) FROM term_df"), 0);
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok());
    check(**s);
    // Enough entries for a fold: the log empties into the table.
    ClusterCommit c;
    for (uint64_t k = 1000; k < 1000 + 70000; ++k) {
      c.df_deltas.emplace_back(k * 0x9e3779b97f4a7c15ull, static_cast<int64_t>(k % 5 + 1));
      expect[k * 0x9e3779b97f4a7c15ull] = static_cast<int64_t>(k % 5 + 1);
    }
    c.df_deltas.emplace_back(1, 1);
    expect[1] = 6;
    std::sort(c.df_deltas.begin(), c.df_deltas.end());
    ASSERT_TRUE((*s)->commit_clustering(c).ok());
    check(**s);
  }
  EXPECT_EQ(query_store(path, "SELECT COUNT(*) FROM term_df_log"), 0);
  EXPECT_EQ(query_store(path, "SELECT COUNT(*) FROM term_df"), static_cast<int64_t>(expect.size()));
  EXPECT_EQ(query_store(path, "SELECT value FROM cluster_meta WHERE key = 'terms'"), static_cast<int64_t>(expect.size()));
  auto s = SqliteStore::open(path);
  ASSERT_TRUE(s.ok());
  check(**s);
  // The next commits log again, below the table's size.
  ClusterCommit c;
  c.df_deltas = {{7, 2}};
  ASSERT_TRUE((*s)->commit_clustering(c).ok());
  expect[7] = 3;
  check(**s);
  // A second fold (the log outgrows the table's 70,003 terms), in which a term goes back to no
  // document: it leaves the table.
  c.df_deltas.clear();
  for (uint64_t k = 1000; k < 1000 + 70100; ++k) {
    c.df_deltas.emplace_back(k * 0x9e3779b97f4a7c15ull, 1);
    ++expect[k * 0x9e3779b97f4a7c15ull];
  }
  c.df_deltas.emplace_back(1, -6);
  expect.erase(1);
  std::sort(c.df_deltas.begin(), c.df_deltas.end());
  ASSERT_TRUE((*s)->commit_clustering(c).ok());
  check(**s);
  EXPECT_EQ(query_store(path, "SELECT COUNT(*) FROM term_df_log"), 0);
  EXPECT_EQ(query_store(path, "SELECT COUNT(*) FROM term_df WHERE term = 1"), 0);
}

TEST(Store, MigrationsRunOnceAndDataSurvivesReopen) {
  TempDir dir;
  std::string path = (dir / "db.sqlite").string();
  const int latest = SqliteStore::latest_schema_version();
  ASSERT_GE(latest, 2);
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->schema_version(), latest);
    ASSERT_TRUE((*s)->put_article(make_article("0000000000000001", kText), std::nullopt).ok());
  }
  // Roll the file back to schema 1, as an older dossier left it: reopening upgrades it in place.
  rewrite_store(path,
                "DROP TABLE extractions; DROP TABLE incidents; DROP TABLE incident_articles; DROP TABLE incident_aliases; "
                "DROP TABLE term_df; DROP TABLE cluster_meta; DROP TABLE cluster_corrections; DROP INDEX articles_duplicate_of; "
                "DROP TABLE dossiers; DROP INDEX articles_counted; DROP TABLE term_df_log; "
                "DELETE FROM schema_migrations WHERE version >= 2;");
  auto s = SqliteStore::open(path);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ((*s)->schema_version(), latest);
  EXPECT_EQ(*(*s)->count_articles(), 1u);
  ASSERT_TRUE((*s)->put_extraction("0000000000000001", StoredExtraction{"r1-test", std::string("\x01\x00bytes", 7), ""}).ok());
  auto x = (*s)->get_extraction("0000000000000001");
  ASSERT_TRUE(x.ok() && *x);
  EXPECT_EQ((*x)->version, "r1-test");
  EXPECT_EQ((*x)->data, std::string("\x01\x00bytes", 7));
  // Schema 3: incidents.
  auto none = (*s)->list_incidents({});
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_TRUE(none->empty());
  auto unclustered = (*s)->unclustered_articles();
  ASSERT_TRUE(unclustered.ok());
  EXPECT_EQ(unclustered->size(), 1u);
}

TEST(Store, NewerSchemaIsRefused) {
  TempDir dir;
  std::string path = (dir / "db.sqlite").string();
  { ASSERT_TRUE(SqliteStore::open(path).ok()); }
  rewrite_store(path, "INSERT INTO schema_migrations VALUES (999, 'future')");
  auto s = SqliteStore::open(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("newer than this binary"), std::string::npos) << s.error();
}

TEST(Store, OpenFailsCleanlyOnGarbageFile) {
  TempDir dir;
  write_file(dir / "not-a-db", std::string(8192, 'x'));
  auto s = SqliteStore::open((dir / "not-a-db").string());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.error().find("not-a-db"), std::string::npos);
}

TEST(Store, NearDuplicateLookupAndRelinking) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok());
  Article later = make_article("1111111111111111", kText, "2024-02-01T00:00:00Z");
  auto sig = minhash_signature(later.text);
  ASSERT_TRUE((*s)->put_article(later, sig).ok());
  Article copy = make_article("2222222222222222", std::string("Republished. ") + kText, "2024-02-02T00:00:00Z");
  auto csig = minhash_signature(copy.text);
  auto m = (*s)->find_near_duplicate(*csig, kDefaultDuplicateThreshold);
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->id, later.id);
  copy.duplicate_of = later.id;
  copy.duplicate_similarity = (*m)->similarity;
  ASSERT_TRUE((*s)->put_article(copy, csig).ok());

  // An earlier original arrives: both stored articles become its copies.
  Article original = make_article("3333333333333333", std::string(kText) + " Updated.", "2024-01-15T00:00:00Z");
  ASSERT_TRUE((*s)->put_article(original, minhash_signature(original.text)).ok());
  ASSERT_TRUE((*s)->relink_duplicates(later.id, original.id, 0.9).ok());
  auto l = (*s)->article_header(later.id);
  auto c = (*s)->article_header(copy.id);
  auto o = (*s)->article_header(original.id);
  EXPECT_EQ((*l)->duplicate_of, original.id);
  EXPECT_EQ((*c)->duplicate_of, original.id);
  EXPECT_EQ((*o)->duplicate_of, "");

  ArticleQuery q;
  q.include_duplicates = false;
  auto list = (*s)->list_articles(q);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, original.id);
}

TEST(Store, ManyCopiesOfOneTextAllFindTheOriginal) {
  // More copies than a look-up reads per band or compares: each still finds the original.
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok());
  Article original = make_article("aaaa000000000000", kText, "2024-01-01T00:00:00Z");
  ASSERT_TRUE((*s)->put_article(original, minhash_signature(original.text)).ok());
  for (int i = 1; i <= 150; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "aaaa%012d", i);
    Article copy = make_article(id, std::string(kText) + " Item " + std::to_string(i) + ".", "2024-01-02T00:00:00Z");
    auto sig = minhash_signature(copy.text);
    auto m = (*s)->find_near_duplicate(*sig, kDefaultDuplicateThreshold);
    ASSERT_TRUE(m.ok() && *m) << i;
    EXPECT_EQ((*m)->id, original.id) << i;
    copy.duplicate_of = (*m)->id;
    copy.duplicate_similarity = (*m)->similarity;
    ASSERT_TRUE((*s)->put_article(copy, sig).ok());
  }
}

TEST(Store, ListSinceUsesPublishedElseIngested) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->put_article(make_article("a000000000000001", "old", "2020-01-01T00:00:00Z"), std::nullopt).ok());
  ASSERT_TRUE((*s)->put_article(make_article("a000000000000002", "new", "2024-06-01T00:00:00Z"), std::nullopt).ok());
  ASSERT_TRUE((*s)->put_article(make_article("a000000000000003", "undated"), std::nullopt).ok());
  ArticleQuery q;
  q.since = "2024-01-01T00:00:00Z";
  auto list = (*s)->list_articles(q);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);  // the new one, and the undated one ingested just now
  EXPECT_EQ((*list)[0].id, "a000000000000002");
}

TEST(Store, FeedsLifecycle) {
  TempDir dir;
  auto s = SqliteStore::open((dir / "db.sqlite").string());
  ASSERT_TRUE(s.ok());
  auto f = (*s)->add_feed("https://a.example/feed", "A");
  ASSERT_TRUE(f.ok());
  auto again = (*s)->add_feed("https://a.example/feed", "");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, f->id);
  Feed upd = *f;
  upd.consecutive_failures = 3;
  upd.last_error = "HTTP 503";
  upd.etag = "\"v1\"";
  ASSERT_TRUE((*s)->update_feed(upd).ok());
  auto list = (*s)->list_feeds();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].consecutive_failures, 3);
  EXPECT_EQ((*list)[0].last_error, "HTTP 503");
  EXPECT_EQ((*list)[0].etag, "\"v1\"");
  EXPECT_TRUE(*(*s)->remove_feed(std::to_string(f->id)));
  EXPECT_FALSE(*(*s)->remove_feed("https://a.example/feed"));
}

}  // namespace
}  // namespace dossier
