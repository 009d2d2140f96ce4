// dossier serve end to end over HTTP: every route, status codes, pagination, errors, tokens,
// corrections, watchlists and their Atom feeds, feeds and OPML, search, hostile article text, and
// every JSON response checked against the OpenAPI document the server publishes.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "dossier/pipeline/pipeline.h"
#include "dossier/serve/server.h"
#include "dossier/store/sqlite_store.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;
namespace fs = std::filesystem;

// A small JSON Schema check covering what the OpenAPI document uses: $ref, allOf, type (one or
// several), required, properties, items, enum. Returns "" or where the response departs.
std::string check_schema(const json& doc, const json& schema, const json& v, const std::string& at) {
  if (schema.contains("$ref")) {
    std::string name = schema["$ref"].get<std::string>().substr(std::string("#/components/schemas/").size());
    return check_schema(doc, doc["components"]["schemas"][name], v, at);
  }
  if (schema.contains("allOf")) {
    for (const auto& s : schema["allOf"])
      if (auto e = check_schema(doc, s, v, at); !e.empty()) return e;
    return "";
  }
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_array()) types = schema["type"].get<std::vector<std::string>>();
    else types.push_back(schema["type"]);
    bool ok = false;
    for (const auto& t : types)
      ok |= (t == "object" && v.is_object()) || (t == "array" && v.is_array()) || (t == "string" && v.is_string()) ||
            (t == "integer" && v.is_number_integer()) || (t == "number" && v.is_number()) || (t == "boolean" && v.is_boolean()) ||
            (t == "null" && v.is_null());
    if (!ok) return at + ": expected " + schema["type"].dump() + ", got " + v.dump().substr(0, 80);
  }
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end())
    return at + ": " + v.dump() + " is not one of " + schema["enum"].dump();
  if (v.is_object()) {
    for (const auto& r : schema.value("required", json::array()))
      if (!v.contains(r.get<std::string>())) return at + ": missing " + r.get<std::string>();
    if (schema.contains("properties"))
      for (const auto& [k, s] : schema["properties"].items())
        if (v.contains(k))
          if (auto e = check_schema(doc, s, v[k], at + "." + k); !e.empty()) return e;
  }
  if (v.is_array() && schema.contains("items"))
    for (size_t i = 0; i < v.size(); ++i)
      if (auto e = check_schema(doc, schema["items"], v[i], at + "[" + std::to_string(i) + "]"); !e.empty()) return e;
  return "";
}

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!shared_extraction().extractor) return;
    dir_ = new TempDir();
    db_ = (dir_->path() / "store.db").string();
    // The sample corpus, and an article written to attack the UI.
    write_file(dir_->path() / "hostile.txt",
               "---\ntitle: \"Ransomware at <script>alert('title')</script> Widgets Ltd\"\noutlet: \"<img src=x onerror=alert(1)>\"\n"
               "url: javascript:alert(document.cookie)\ndate: 2024-03-04T10:00:00Z\n---\n\n"
               "Hackers deployed ransomware at Widgets Ltd <script>alert('body')</script> and left a note "
               "<img src=x onerror=alert(2)> with a link [click](javascript:alert(3)) for the victims.\n\n"
               "Widgets Ltd said the ransomware attack encrypted its file servers on Monday.\n");
    {
      auto store = SqliteStore::open(db_);
      ASSERT_TRUE(store.ok()) << store.error();
      PipelineOptions opts;
      opts.fetch_linked_pages = false;
      opts.extractor = shared_extraction().extractor.get();
      opts.refresh_dossiers = true;
      auto p = Pipeline::open(**store, opts, {});
      ASSERT_TRUE(p.ok()) << p.error();
      (*p)->ingest((source_dir() / "examples" / "corpus").string());
      (*p)->ingest((dir_->path() / "hostile.txt").string());
      (*p)->finish();
      auto r = (*store)->create_token("reader", false);
      auto w = (*store)->create_token("writer", true);
      ASSERT_TRUE(r.ok() && w.ok());
      read_token_ = new std::string(*r);
      write_token_ = new std::string(*w);
    }
    ServeOptions o;
    o.store_path = db_;
    o.port = 0;
    o.refresh_dossiers = false;
    auto s = Server::create(o, *shared_extraction().extractor);
    ASSERT_TRUE(s.ok()) << s.error();
    server_ = s->release();
    auto port = server_->bind();
    ASSERT_TRUE(port.ok()) << port.error();
    port_ = *port;
    thread_ = new std::thread([] { (void)server_->run(); });
  }
  static void TearDownTestSuite() {
    if (server_) server_->stop();
    if (thread_) thread_->join();
    delete thread_;
    delete server_;
    delete dir_;
    delete read_token_;
    delete write_token_;
    server_ = nullptr;
    thread_ = nullptr;
  }
  void SetUp() override {
    if (!server_) GTEST_SKIP() << "the shipped knowledge base could not be loaded";
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  // GET, expecting JSON; checks the body against the OpenAPI response schema of the route.
  json get_json(const std::string& path, int want_status, const std::string& route = {}, const std::string& token = {}) {
    auto c = client();
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto r = c.Get(path.c_str(), headers);
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, want_status) << path << ": " << r->body.substr(0, 300);
    EXPECT_NE(r->get_header_value("Content-Type").find("application/json"), std::string::npos) << path;
    json j = json::parse(r->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << path;
    if (!route.empty()) expect_matches(route, "get", want_status, j);
    return j;
  }
  void expect_matches(const std::string& route, const std::string& method, int status, const json& body) {
    static json doc = [this] {
      auto r = client().Get("/api/v1/openapi.json");
      return r ? json::parse(r->body, nullptr, false) : json();
    }();
    ASSERT_TRUE(doc.is_object());
    ASSERT_TRUE(doc["paths"].contains(route)) << route;
    const json& op = doc["paths"][route][method];
    std::string code = std::to_string(status);
    ASSERT_TRUE(op["responses"].contains(code)) << route << " " << method << " has no documented " << code;
    const json& resp = op["responses"][code];
    if (!resp.contains("content")) return;
    std::string e = check_schema(doc, resp["content"]["application/json"]["schema"], body, route);
    EXPECT_EQ(e, "") << body.dump().substr(0, 400);
  }

  static TempDir* dir_;
  static std::string db_;
  static Server* server_;
  static std::thread* thread_;
  static int port_;
  static std::string* read_token_;
  static std::string* write_token_;
};

TempDir* ServeTest::dir_ = nullptr;
std::string ServeTest::db_;
Server* ServeTest::server_ = nullptr;
std::thread* ServeTest::thread_ = nullptr;
int ServeTest::port_ = 0;
std::string* ServeTest::read_token_ = nullptr;
std::string* ServeTest::write_token_ = nullptr;

TEST_F(ServeTest, IncidentsPageListsIncidentsWithSecurityHeaders) {
  auto r = client().Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  std::string csp = r->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(r->body.find("<table class=\"incidents\">"), std::string::npos);
  EXPECT_NE(r->body.find("Prague names APT31"), std::string::npos);
  EXPECT_EQ(r->body.find("<script>alert"), std::string::npos);
  EXPECT_NE(r->body.find("id=\"chart\""), std::string::npos);
  // No inline script at all: every <script> has a src under /static/.
  for (size_t p = r->body.find("<script"); p != std::string::npos; p = r->body.find("<script", p + 1))
    EXPECT_EQ(r->body.compare(p, 20, "<script src=\"/static"), 0) << r->body.substr(p, 60);
}

TEST_F(ServeTest, FilterByAnyAliasOfAnActor) {
  // APT31 under another vendor's name.
  json by_alias = get_json("/api/v1/incidents?actor=ZIRCONIUM", 200, "/api/v1/incidents");
  json by_name = get_json("/api/v1/incidents?actor=APT31", 200, "/api/v1/incidents");
  ASSERT_FALSE(by_name["items"].empty());
  EXPECT_EQ(by_alias["items"], by_name["items"]);
  for (const auto& i : by_name["items"]) {
    bool has = false;
    for (const auto& a : i["actors"]) has |= a["id"] == "G0128";
    EXPECT_TRUE(has) << i["title"];
  }
  auto r = client().Get("/?actor=Zirconium");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("Prague names APT31"), std::string::npos);
  EXPECT_EQ(r->body.find("MOVEit"), std::string::npos);
}

TEST_F(ServeTest, PaginationWalksEveryIncidentOnce) {
  json all = get_json("/api/v1/incidents?limit=500", 200, "/api/v1/incidents");
  std::set<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    json page = get_json("/api/v1/incidents?limit=4" + (next.empty() ? "" : "&after=" + httplib::detail::encode_query_param(next)), 200,
                         "/api/v1/incidents");
    for (const auto& i : page["items"]) EXPECT_TRUE(seen.insert(i["id"].get<std::string>()).second) << i["id"];
    next = page["next"].is_string() ? page["next"].get<std::string>() : "";
    ASSERT_LT(++pages, 100);
  } while (!next.empty());
  EXPECT_EQ(seen.size(), all["items"].size());
  EXPECT_GE(seen.size(), 15u);
  // Articles page the same way, newest first, each once, the last page without a cursor.
  json every = get_json("/api/v1/articles?limit=500", 200, "/api/v1/articles");
  ASSERT_GT(every["items"].size(), 20u);
  EXPECT_TRUE(every["next"].is_null());
  std::vector<std::string> walked;
  next.clear();
  pages = 0;
  do {
    json page = get_json("/api/v1/articles?limit=7" + (next.empty() ? "" : "&after=" + next), 200, "/api/v1/articles");
    EXPECT_LE(page["items"].size(), 7u);
    for (const auto& a : page["items"]) walked.push_back(a["id"]);
    next = page["next"].is_string() ? page["next"].get<std::string>() : "";
    ASSERT_LT(++pages, 100);
  } while (!next.empty());
  ASSERT_EQ(walked.size(), every["items"].size());
  for (size_t i = 0; i < walked.size(); ++i) EXPECT_EQ(walked[i], every["items"][i]["id"]) << i;
  // The hostile article was ingested last: it comes first.
  EXPECT_NE(every["items"][0]["title"].get<std::string>().find("Widgets Ltd"), std::string::npos);
  get_json("/api/v1/articles?after=ffffffffffffffff", 400, "/api/v1/articles");
  get_json("/api/v1/articles?after=x'--", 400, "/api/v1/articles");
}

TEST_F(ServeTest, FacetIndexesAndPages) {
  // The API lists each facet's values with their incident counts; the pages agree with it.
  json victims = get_json("/api/v1/facets/victim", 200, "/api/v1/facets/{kind}");
  ASSERT_FALSE(victims["items"].empty());
  json countries = get_json("/api/v1/facets/country", 200, "/api/v1/facets/{kind}");
  ASSERT_FALSE(countries["items"].empty());
  json sectors = get_json("/api/v1/facets/sector", 200, "/api/v1/facets/{kind}");
  ASSERT_FALSE(sectors["items"].empty());
  get_json("/api/v1/facets/colour", 404, "/api/v1/facets/{kind}");
  get_json("/api/v1/facets/victim?limit=0", 400, "/api/v1/facets/{kind}");
  auto c = client();
  for (const auto& [path, list] : {std::pair<std::string, json>{"/victims", victims}, {"/countries", countries}, {"/sectors", sectors}}) {
    auto index = c.Get(path.c_str());
    ASSERT_TRUE(index && index->status == 200) << path;
    const json& top = list["items"][0];
    std::string value = top["value"];
    std::string label = top["label"];
    std::string escaped;
    for (char ch : label) escaped += ch == '&' ? std::string("&amp;") : ch == '<' ? std::string("&lt;") : ch == '>' ? std::string("&gt;") : std::string(1, ch);
    EXPECT_NE(index->body.find(">" + escaped + "</a>"), std::string::npos) << path << " " << label;
    auto page = c.Get((path + "/" + httplib::detail::encode_query_param(value)).c_str());
    ASSERT_TRUE(page && page->status == 200) << path << " " << value;
    // As many incident rows as the facet's count, and the chart over them.
    size_t rows = 0;
    for (size_t p = page->body.find("<tr><td><a href=\"/incidents/"); p != std::string::npos;
         p = page->body.find("<tr><td><a href=\"/incidents/", p + 1))
      ++rows;
    EXPECT_EQ(rows, top["incidents"].get<size_t>()) << path << " " << value;
    EXPECT_NE(page->body.find("id=\"chart\""), std::string::npos);
    auto none = c.Get((path + "/No%20Such%20Value%20Anywhere").c_str());
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 404) << path;
  }
  // The Czech ministry of the seed incident is a victim with its own page naming APT31.
  bool ministry = false;
  for (const auto& v : victims["items"]) {
    std::string label = v["label"];
    if (label.find("Ministry of Foreign Affairs") == std::string::npos) continue;
    ministry = true;
    auto page = c.Get(("/victims/" + httplib::detail::encode_query_param(v["value"].get<std::string>())).c_str());
    ASSERT_TRUE(page && page->status == 200);
    EXPECT_NE(page->body.find("APT31"), std::string::npos);
  }
  EXPECT_TRUE(ministry);
}

TEST_F(ServeTest, ChartSplitsByActorSectorOrCountry) {
  auto c = client();
  auto by_actor = c.Get("/");
  auto by_country = c.Get("/?by=country");
  ASSERT_TRUE(by_actor && by_country);
  EXPECT_NE(by_actor->body.find("by the most frequent actors"), std::string::npos);
  EXPECT_NE(by_country->body.find("by the most frequent countries"), std::string::npos);
  // The country chart names the most frequent country as a series.
  json countries = get_json("/api/v1/facets/country", 200, "/api/v1/facets/{kind}");
  ASSERT_FALSE(countries["items"].empty());
  std::string top = countries["items"][0]["label"];
  size_t chart = by_country->body.find("class=\"chart-table\"");
  ASSERT_NE(chart, std::string::npos);
  EXPECT_NE(by_country->body.find("<th>" + top + "</th>", chart), std::string::npos) << top;
  // The switch links keep the filter and drop the page cursor.
  auto filtered = c.Get("/?country=CZ&by=sector");
  ASSERT_TRUE(filtered && filtered->status == 200);
  EXPECT_NE(filtered->body.find("by the most frequent sectors"), std::string::npos);
  EXPECT_NE(filtered->body.find("href=\"/?country=CZ&amp;by=actor\""), std::string::npos);
}

TEST_F(ServeTest, ErrorsAreJsonWithTheRightStatus) {
  get_json("/api/v1/incidents?limit=0", 400, "/api/v1/incidents");
  get_json("/api/v1/incidents?from=yesterday", 400, "/api/v1/incidents");
  get_json("/api/v1/incidents/ffffffffffffffff", 404, "/api/v1/incidents/{id}");
  get_json("/api/v1/articles/ffffffffffffffff", 404, "/api/v1/articles/{id}");
  get_json("/api/v1/actors/NoSuchGroupAnywhere", 404, "/api/v1/actors/{id}");
  get_json("/api/v1/search", 400, "/api/v1/search");
  json missing = get_json("/api/v1/nothing-here", 404);
  EXPECT_EQ(missing["error"]["status"], 404);
  auto r = client().Get("/incidents/ffffffffffffffff");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
}

TEST_F(ServeTest, IncidentPageAndApiCarryCitationsAndEvidence) {
  json list = get_json("/api/v1/incidents?actor=APT31", 200, "/api/v1/incidents");
  ASSERT_FALSE(list["items"].empty());
  std::string id = list["items"][0]["id"];
  json inc = get_json("/api/v1/incidents/" + id, 200, "/api/v1/incidents/{id}");
  EXPECT_FALSE(inc["dossier"]["key_points"].empty());
  EXPECT_FALSE(inc["members"].empty());
  auto r = client().Get(("/incidents/" + id).c_str());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  for (const char* part : {"Key points", "Incident report", "Where the sources disagree", "Why these articles are together", "class=\"cite\"",
                           "id=\"src-1\"", "Techniques (ATT&amp;CK)", "Merge incident", "Split the selected"})
    EXPECT_NE(r->body.find(part), std::string::npos) << part;
  // Why the articles are together: the entities they share, APT31 among them.
  EXPECT_NE(r->body.find("<span class=\"badge\">actor</span> APT31"), std::string::npos);
  // A marker names its claim and source; the server gives that source's sentence for it.
  size_t at = r->body.find("data-claim=\"");
  ASSERT_NE(at, std::string::npos);
  std::string claim = r->body.substr(at + 12, r->body.find('"', at + 12) - at - 12);
  size_t ref_at = r->body.rfind("data-ref=\"", at);
  std::string ref = r->body.substr(ref_at + 10, r->body.find('"', ref_at + 10) - ref_at - 10);
  auto cite = client().Get(("/incidents/" + id + "/cite?claim=" + claim + "&ref=" + ref).c_str());
  ASSERT_TRUE(cite);
  EXPECT_EQ(cite->status, 200);
  EXPECT_NE(cite->body.find("<blockquote class=\"evidence\"><p>"), std::string::npos) << cite->body;
  EXPECT_NE(cite->body.find("[" + ref + "]"), std::string::npos);
  auto no_source = client().Get(("/incidents/" + id + "/cite?claim=" + claim + "&ref=99").c_str());
  ASSERT_TRUE(no_source);
  EXPECT_EQ(no_source->status, 404);
  json article = get_json("/api/v1/articles/" + inc["members"][0]["article"]["id"].get<std::string>(), 200, "/api/v1/articles/{id}");
  EXPECT_EQ(article["incident_id"], id);
  json actor = get_json("/api/v1/actors/ZIRCONIUM", 200, "/api/v1/actors/{id}");
  EXPECT_EQ(actor["id"], "G0128");
  EXPECT_FALSE(actor["incidents"].empty());
  auto page = client().Get("/actors/G0128");
  ASSERT_TRUE(page && page->status == 200);
  EXPECT_NE(page->body.find("ATT&amp;CK records it"), std::string::npos);
}

TEST_F(ServeTest, SearchHighlightsHits) {
  json hits = get_json("/api/v1/search?q=LockBit", 200, "/api/v1/search");
  ASSERT_FALSE(hits["items"].empty());
  std::set<std::string> kinds;
  for (const auto& h : hits["items"]) kinds.insert(h["kind"]);
  EXPECT_TRUE(kinds.count("article"));
  auto r = client().Get("/search?q=LockBit");
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_NE(r->body.find("<mark>"), std::string::npos);
  // FTS syntax in the query is text, not an operator.
  get_json("/api/v1/search?q=%22%29%28NEAR%2A", 200, "/api/v1/search");
}

TEST_F(ServeTest, WritesNeedAWriteToken) {
  auto c = client();
  std::string body = R"({"name": "APT31 watch", "filter": {"actor": "Zirconium"}})";
  auto none = c.Post("/api/v1/watchlists", body, "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  expect_matches("/api/v1/watchlists", "post", 401, json::parse(none->body));
  auto read_only = c.Post("/api/v1/watchlists", {{"Authorization", "Bearer " + *read_token_}}, body, "application/json");
  ASSERT_TRUE(read_only);
  EXPECT_EQ(read_only->status, 403);
  // The write token with its last digit changed (to another digit, whatever it was).
  std::string altered = *write_token_;
  altered.back() = altered.back() == '0' ? '1' : '0';
  auto forged = c.Post("/api/v1/watchlists", {{"Authorization", "Bearer " + altered}}, body, "application/json");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  auto bad = c.Post("/api/v1/watchlists", {{"Authorization", "Bearer " + *write_token_}}, "not json", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto cross = c.Post("/api/v1/watchlists", {{"Authorization", "Bearer " + *write_token_}, {"Origin", "https://evil.example"}}, body,
                      "application/json");
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
}

TEST_F(ServeTest, WatchlistWithItsAtomFeed) {
  auto c = client();
  httplib::Headers auth{{"Authorization", "Bearer " + *write_token_}};
  auto made = c.Post("/api/v1/watchlists", auth, R"({"name": "APT31 watch", "filter": {"actor": "Zirconium"}})", "application/json");
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  json w = json::parse(made->body);
  expect_matches("/api/v1/watchlists", "post", 201, w);
  std::string id = w["id"];
  json got = get_json("/api/v1/watchlists/" + id, 200, "/api/v1/watchlists/{id}");
  ASSERT_FALSE(got["incidents"].empty());
  get_json("/api/v1/watchlists", 200, "/api/v1/watchlists");
  auto atom = c.Get(("/watchlists/" + id + "/atom").c_str());
  ASSERT_TRUE(atom && atom->status == 200);
  EXPECT_NE(atom->get_header_value("Content-Type").find("application/atom+xml"), std::string::npos);
  EXPECT_NE(atom->body.find("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), std::string::npos);
  EXPECT_NE(atom->body.find("Prague names APT31"), std::string::npos);
  size_t entries = 0;
  for (size_t p = atom->body.find("<entry>"); p != std::string::npos; p = atom->body.find("<entry>", p + 1)) ++entries;
  EXPECT_EQ(entries, got["incidents"].size());
  auto del = c.Delete(("/api/v1/watchlists/" + id).c_str(), auth);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  get_json("/api/v1/watchlists/" + id, 404, "/api/v1/watchlists/{id}");
}

TEST_F(ServeTest, FeedsAddListExportRemove) {
  auto c = client();
  httplib::Headers auth{{"Authorization", "Bearer " + *write_token_}};
  auto bad = c.Post("/api/v1/feeds", auth, R"({"url": "file:///etc/passwd"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto made = c.Post("/api/v1/feeds", auth, R"({"url": "https://feeds.example/security.xml", "title": "Security"})", "application/json");
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  json feed = json::parse(made->body);
  expect_matches("/api/v1/feeds", "post", 201, feed);
  json list = get_json("/api/v1/feeds", 200, "/api/v1/feeds");
  EXPECT_FALSE(list["items"].empty());
  auto opml = c.Get("/feeds.opml");
  ASSERT_TRUE(opml && opml->status == 200);
  EXPECT_NE(opml->body.find("xmlUrl=\"https://feeds.example/security.xml\""), std::string::npos);
  auto del = c.Delete(("/api/v1/feeds/" + std::to_string(feed["id"].get<int64_t>())).c_str(), auth);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  // An OPML list in: its http(s) feeds registered, other schemes ignored; what is not OPML refused.
  auto imported = c.Post("/api/v1/feeds/import", auth,
                         "<opml version=\"2.0\"><body><outline xmlUrl=\"https://one.example/rss\"/><outline xmlUrl=\"https://two.example/atom\"/>"
                         "<outline xmlUrl=\"file:///etc/passwd\"/></body></opml>",
                         "text/x-opml");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;
  json count = json::parse(imported->body);
  expect_matches("/api/v1/feeds/import", "post", 200, count);
  EXPECT_EQ(count["imported"], 2);
  auto not_opml = c.Post("/api/v1/feeds/import", auth, "<rss><channel><title>x</title></channel></rss>", "text/x-opml");
  ASSERT_TRUE(not_opml);
  EXPECT_EQ(not_opml->status, 400);
  json after = get_json("/api/v1/feeds", 200, "/api/v1/feeds");
  std::set<std::string> urls;
  for (const auto& f : after["items"]) urls.insert(f["url"]);
  EXPECT_TRUE(urls.count("https://one.example/rss") && urls.count("https://two.example/atom"));
  EXPECT_FALSE(urls.count("file:///etc/passwd"));
}

TEST_F(ServeTest, CorrectionsMergeAndSplit) {
  auto c = client();
  httplib::Headers auth{{"Authorization", "Bearer " + *write_token_}};
  json all = get_json("/api/v1/incidents?limit=500", 200, "/api/v1/incidents");
  ASSERT_GE(all["items"].size(), 3u);
  std::string a = all["items"][all["items"].size() - 1]["id"], b = all["items"][all["items"].size() - 2]["id"];
  json before_a = get_json("/api/v1/incidents/" + a, 200, "/api/v1/incidents/{id}");
  json before_b = get_json("/api/v1/incidents/" + b, 200, "/api/v1/incidents/{id}");
  auto merged = c.Post("/api/v1/corrections", auth, json{{"op", "merge"}, {"into", a}, {"from", b}}.dump(), "application/json");
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->status, 200) << merged->body;
  expect_matches("/api/v1/corrections", "post", 200, json::parse(merged->body));
  json after = get_json("/api/v1/incidents/" + a, 200, "/api/v1/incidents/{id}");
  EXPECT_EQ(after["members"].size(), before_a["members"].size() + before_b["members"].size());
  // The merged id resolves to the survivor; splitting B's articles out again restores two incidents.
  std::vector<std::string> b_articles;
  for (const auto& m : before_b["members"]) b_articles.push_back(m["article"]["id"]);
  auto split = c.Post("/api/v1/corrections", auth, json{{"op", "split"}, {"incident", a}, {"articles", b_articles}}.dump(), "application/json");
  ASSERT_TRUE(split);
  ASSERT_EQ(split->status, 200) << split->body;
  json again = get_json("/api/v1/incidents/" + a, 200, "/api/v1/incidents/{id}");
  EXPECT_EQ(again["members"].size(), before_a["members"].size());
  auto unknown = c.Post("/api/v1/corrections", auth, R"({"op": "merge", "into": "ffffffffffffffff", "from": "eeeeeeeeeeeeeeee"})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto bad_op = c.Post("/api/v1/corrections", auth, R"({"op": "explode"})", "application/json");
  ASSERT_TRUE(bad_op);
  EXPECT_EQ(bad_op->status, 400);
}

TEST_F(ServeTest, HostileArticleTextIsInert) {
  json hits = get_json("/api/v1/search?q=Widgets", 200, "/api/v1/search");
  ASSERT_FALSE(hits["items"].empty());
  std::string article_id, incident_id;
  for (const auto& h : hits["items"])
    if (h["kind"] == "article") {
      article_id = h["id"];
      incident_id = h["incident_id"].is_string() ? h["incident_id"].get<std::string>() : "";
    }
  ASSERT_FALSE(article_id.empty());
  for (const std::string& path : {"/articles/" + article_id, "/incidents/" + incident_id, std::string("/search?q=Widgets"), std::string("/")}) {
    if (path == "/incidents/") continue;
    auto r = client().Get(path.c_str());
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->body.find("<script>alert"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("<img src=x"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("href=\"javascript:"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("href=\"javascript"), std::string::npos) << path;
  }
  auto r = client().Get(("/articles/" + article_id).c_str());
  EXPECT_NE(r->body.find("&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;"), std::string::npos);
}

TEST_F(ServeTest, ExportsAndTheirTlp) {
  json list = get_json("/api/v1/incidents?actor=APT31&limit=1", 200, "/api/v1/incidents");
  ASSERT_EQ(list["items"].size(), 1u);
  std::string id = list["items"][0]["id"];
  auto c = client();
  auto stix = c.Get(("/api/v1/incidents/" + id + "/stix").c_str());
  ASSERT_TRUE(stix && stix->status == 200);
  EXPECT_EQ(stix->get_header_value("Content-Type"), "application/stix+json;version=2.1");
  json bundle = json::parse(stix->body);
  EXPECT_EQ(bundle["type"], "bundle");
  bool intrusion_set = false;
  for (const auto& o : bundle["objects"]) intrusion_set |= o["type"] == "intrusion-set" && o["name"] == "APT31";
  EXPECT_TRUE(intrusion_set);
  json misp = get_json("/api/v1/incidents/" + id + "/misp", 200, "/api/v1/incidents/{id}/misp");
  EXPECT_EQ(misp["Event"]["info"], list["items"][0]["title"]);
  get_json("/api/v1/incidents/" + id + "/navigator", 200, "/api/v1/incidents/{id}/navigator");
  get_json("/api/v1/incidents/ffffffffffffffff/misp", 404, "/api/v1/incidents/{id}/misp");
  get_json("/api/v1/actors/Zirconium/navigator", 200, "/api/v1/actors/{id}/navigator");
  get_json("/api/v1/actors/NoSuchGroupAnywhere/navigator", 404, "/api/v1/actors/{id}/navigator");
  // TLP:RED: only a token allowed restricted reads gets it.
  std::string restricted;
  {
    auto store = SqliteStore::open(db_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(*(*store)->set_incident_tlp(id, "red"));
    auto t = (*store)->create_token("restricted-reader", false, true);
    ASSERT_TRUE(t.ok());
    restricted = *t;
  }
  get_json("/api/v1/incidents/" + id + "/misp", 401, "/api/v1/incidents/{id}/misp");
  get_json("/api/v1/incidents/" + id + "/misp", 403, "/api/v1/incidents/{id}/misp", *read_token_);
  json red = get_json("/api/v1/incidents/" + id + "/misp", 200, "/api/v1/incidents/{id}/misp", restricted);
  bool tagged = false;
  for (const auto& t : red["Event"]["Tag"]) tagged |= t["name"] == "tlp:red";
  EXPECT_TRUE(tagged);
  {
    auto store = SqliteStore::open(db_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(*(*store)->set_incident_tlp(id, ""));
  }
  get_json("/api/v1/incidents/" + id + "/misp", 200, "/api/v1/incidents/{id}/misp");
}

TEST_F(ServeTest, CompressesWithGzipNeverBrotli) {
  // A browser accepts gzip, deflate and br: the answer is gzip (brotli at the library's setting
  // costs tens of milliseconds per answer).
  auto c = client();
  c.set_decompress(false);
  auto r = c.Get("/", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip");
  // The incident page and the API's incident are kept compressed: the same bytes, gzip once.
  json list = get_json("/api/v1/incidents?limit=1", 200, "/api/v1/incidents");
  std::string id = list["items"][0]["id"];
  for (const std::string& path : {"/incidents/" + id, "/api/v1/incidents/" + id}) {
    auto plain = client().Get(path.c_str());
    auto z1 = c.Get(path.c_str(), {{"Accept-Encoding", "gzip, deflate, br"}});
    auto z2 = c.Get(path.c_str(), {{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(plain && z1 && z2);
    EXPECT_EQ(plain->get_header_value("Content-Encoding"), "");
    EXPECT_EQ(z1->get_header_value("Content-Encoding"), "gzip") << path;
    EXPECT_EQ(z1->body, z2->body) << path;  // compressed once, kept
    auto unzipped = client().Get(path.c_str(), {{"Accept-Encoding", "gzip"}});  // the client inflates it
    ASSERT_TRUE(unzipped);
    EXPECT_EQ(unzipped->body, plain->body) << path;
    EXPECT_LT(z1->body.size(), plain->body.size());
  }
  // A client cannot ask for it by the server's own mark.
  auto marked = c.Get(("/incidents/" + id).c_str(), {{"X-Dossier-Gzip", "1"}});
  ASSERT_TRUE(marked);
  EXPECT_EQ(marked->get_header_value("Content-Encoding"), "");
  auto br = c.Get("/", {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(br && br->status == 200);
  EXPECT_EQ(br->get_header_value("Content-Encoding"), "");
  EXPECT_NE(br->body.find("<table class=\"incidents\">"), std::string::npos);
}

TEST_F(ServeTest, StaticFilesAndOpenApi) {
  auto c = client();
  auto js = c.Get("/static/app.js");
  ASSERT_TRUE(js && js->status == 200);
  EXPECT_NE(js->get_header_value("Content-Type").find("text/javascript"), std::string::npos);
  EXPECT_NE(js->body.find("openCitation"), std::string::npos);
  auto none = c.Get("/static/nothing.js");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  json doc = get_json("/api/v1/openapi.json", 200);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  // Every route the tests exercise is documented, with a schema for each JSON answer.
  for (const char* route : {"/api/v1/incidents", "/api/v1/incidents/{id}", "/api/v1/articles", "/api/v1/articles/{id}", "/api/v1/actors/{id}",
                            "/api/v1/facets/{kind}", "/api/v1/search", "/api/v1/incidents/{id}/stix",
                            "/api/v1/incidents/{id}/misp", "/api/v1/incidents/{id}/navigator", "/api/v1/actors/{id}/navigator", "/api/v1/watchlists", "/api/v1/watchlists/{id}", "/api/v1/feeds", "/api/v1/feeds/{id}",
                            "/api/v1/corrections"})
    EXPECT_TRUE(doc["paths"].contains(route)) << route;
}

TEST_F(ServeTest, ReadsCanRequireAToken) {
  ServeOptions o;
  o.store_path = db_;
  o.port = 0;
  o.reads_need_token = true;
  o.refresh_dossiers = false;
  auto s = Server::create(o, *shared_extraction().extractor);
  ASSERT_TRUE(s.ok());
  auto port = (*s)->bind();
  ASSERT_TRUE(port.ok());
  std::thread t([&] { (void)(*s)->run(); });
  httplib::Client c("127.0.0.1", *port);
  auto closed = c.Get("/api/v1/incidents");
  auto open = c.Get("/api/v1/incidents", {{"Authorization", "Bearer " + *read_token_}});
  auto page = c.Get("/");
  (*s)->stop();
  t.join();
  ASSERT_TRUE(closed && open && page);
  EXPECT_EQ(closed->status, 401);
  EXPECT_EQ(open->status, 200);
  EXPECT_EQ(page->status, 401);
}

}  // namespace
}  // namespace dossier
