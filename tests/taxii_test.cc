// The TAXII 2.1 server as real clients use it: the request sequence of the OASIS taxii2-client
// (discovery, API root, collections, collection, objects paged with limit and next, rejecting any
// answer whose Content-Type lacks application/taxii+json and version=2.1), OpenCTI's ingestion
// (objects directly, the next poll's added_after taken from X-TAXII-Date-Added-Last) and MISP's
// import (pages of 100): every object arrives exactly once. Also the manifest, an object and its
// versions, filters, errors, 406, and incidents marked TLP:RED hidden from ordinary tokens.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "dossier/export/export.h"
#include "dossier/pipeline/pipeline.h"
#include "dossier/serve/server.h"
#include "dossier/store/sqlite_store.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;
namespace fs = std::filesystem;

constexpr const char* kAccept = "application/taxii+json;version=2.1";

class TaxiiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared_extraction().extractor) GTEST_SKIP() << "the shipped knowledge base could not be loaded";
    db_ = (dir_.path() / "store.db").string();
    ingest({(source_dir() / "examples" / "corpus").string()});
    ServeOptions o;
    o.store_path = db_;
    o.port = 0;
    o.refresh_dossiers = false;
    auto s = Server::create(o, *shared_extraction().extractor);
    ASSERT_TRUE(s.ok()) << s.error();
    server_ = std::move(*s);
    auto port = server_->bind();
    ASSERT_TRUE(port.ok()) << port.error();
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  void ingest(const std::vector<std::string>& targets) {
    auto store = SqliteStore::open(db_);
    ASSERT_TRUE(store.ok()) << store.error();
    PipelineOptions opts;
    opts.fetch_linked_pages = false;
    opts.extractor = shared_extraction().extractor.get();
    auto p = Pipeline::open(**store, opts, {});
    ASSERT_TRUE(p.ok()) << p.error();
    for (const auto& t : targets) (*p)->ingest(t);
    (*p)->finish();
  }

  // A GET as taxii2-client makes it: Accept TAXII 2.1, the answer's Content-Type must name
  // application/taxii+json first and carry every token of the Accept header.
  json get(const std::string& path, httplib::Headers* headers_out = nullptr, const std::string& token = {}, int want = 200) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    httplib::Headers h{{"Accept", kAccept}};
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    auto r = c.Get(path.c_str(), h);
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, want) << path << ": " << r->body.substr(0, 300);
    std::string ct = r->get_header_value("Content-Type");
    std::string compact;
    for (char ch : ct)
      if (ch != ' ') compact += ch;
    EXPECT_EQ(compact.rfind("application/taxii+json", 0), 0u) << path << ": " << ct;
    EXPECT_NE(compact.find("version=2.1"), std::string::npos) << path << ": " << ct;
    if (headers_out) *headers_out = r->headers;
    json j = json::parse(r->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << path;
    return j;
  }
  std::string all_collection() {
    json root = get("/taxii2/");
    std::string api_root = root["api_roots"][0];
    json cols = get(api_root + "collections/");
    for (const auto& c : cols["collections"])
      if (c["title"] == "All incidents") return api_root + "collections/" + c["id"].get<std::string>() + "/";
    ADD_FAILURE() << "no All incidents collection";
    return "";
  }
  // Pages through objects/ with limit and next (taxii2-client's as_pages); returns id|version keys.
  std::vector<std::string> page_through(const std::string& collection, int limit, const std::string& extra = "", const std::string& token = "") {
    std::vector<std::string> keys;
    std::string next;
    for (int pages = 0; pages < 1000; ++pages) {
      json env = get(collection + "objects/?limit=" + std::to_string(limit) + extra + (next.empty() ? "" : "&next=" + httplib::detail::encode_query_param(next)),
                     nullptr, token);
      for (const auto& o : env.value("objects", json::array())) keys.push_back(key(o));
      if (!env.value("more", false)) {
        EXPECT_FALSE(env.contains("next"));
        break;
      }
      EXPECT_TRUE(env.contains("next")) << "more without next";
      if (!env.contains("next")) break;
      EXPECT_LE(env["objects"].size(), static_cast<size_t>(limit));
      next = env["next"];
    }
    return keys;
  }
  static std::string key(const json& o) { return o["id"].get<std::string>() + "|" + o.value("modified", o.value("created", "")); }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(TaxiiTest, Taxii2ClientSequenceReceivesEveryObjectOnce) {
  // Discovery, API root, collections, the collection.
  json discovery = get("/taxii2/");
  ASSERT_EQ(discovery["api_roots"].size(), 1u);
  EXPECT_EQ(discovery["default"], discovery["api_roots"][0]);
  json root = get(discovery["api_roots"][0].get<std::string>());
  EXPECT_EQ(root["versions"][0], kAccept);
  EXPECT_GT(root["max_content_length"].get<int>(), 0);
  std::string coll = all_collection();
  ASSERT_FALSE(coll.empty());
  json info = get(coll);
  EXPECT_NE(coll.find(info["id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(info["can_read"], true);
  EXPECT_EQ(info["can_write"], false);
  EXPECT_EQ(info["media_types"][0], "application/stix+json;version=2.1");

  // All at once, then in pages of 7: the same objects, each once.
  json whole = get(coll + "objects/?limit=1000");
  EXPECT_EQ(whole["more"], false);
  std::vector<std::string> all;
  for (const auto& o : whole["objects"]) all.push_back(key(o));
  std::set<std::string> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), all.size());
  ASSERT_GT(all.size(), 100u);
  std::vector<std::string> paged = page_through(coll, 7);
  EXPECT_EQ(paged, all);
  // Every incident's report is there.
  size_t reports = 0;
  for (const auto& o : whole["objects"]) reports += o["type"] == "report";
  auto store = SqliteStore::open(db_);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(reports, (*store)->list_incidents({})->size());

  // MISP's TAXII import: pages of 100.
  EXPECT_EQ(page_through(coll, 100), all);

  // The manifest lists the same objects with their versions.
  json manifest = get(coll + "manifest/?limit=1000");
  ASSERT_EQ(manifest["objects"].size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& m = manifest["objects"][i];
    const auto& o = whole["objects"][i];
    EXPECT_EQ(m["id"], o["id"]);
    EXPECT_EQ(m["version"], o.value("modified", o.value("created", m["date_added"].get<std::string>())));
    EXPECT_EQ(m["media_type"], "application/stix+json;version=2.1");
    EXPECT_FALSE(m["date_added"].get<std::string>().empty());
  }
}

TEST_F(TaxiiTest, OpenCtiPollingWithAddedAfter) {
  std::string coll = all_collection();
  ASSERT_FALSE(coll.empty());
  // First poll: everything, page by page; the last date added is kept for the next poll.
  httplib::Headers h;
  json first = get(coll + "objects/?limit=1000", &h);
  size_t total = first["objects"].size();
  std::string last;
  for (const auto& [k, v] : h)
    if (k == "X-TAXII-Date-Added-Last") last = v;
  ASSERT_FALSE(last.empty());
  std::string first_added;
  for (const auto& [k, v] : h)
    if (k == "X-TAXII-Date-Added-First") first_added = v;
  EXPECT_LE(first_added, last);
  // Nothing new: the next poll gets nothing.
  json none = get(coll + "objects/?added_after=" + last);
  EXPECT_FALSE(none.contains("objects"));
  EXPECT_EQ(none["more"], false);
  // A new incident (a second later, so that it is added after): the next poll gets its objects,
  // each once, and none of those already received unless a new version of them.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  fs::path fixtures = source_dir() / "tests" / "fixtures" / "export";
  ingest({(fixtures / "nordvik-1.txt").string(), (fixtures / "nordvik-2.txt").string()});
  std::set<std::string> before;
  for (const auto& o : first["objects"]) before.insert(key(o));
  json second = get(coll + "objects/?limit=1000&added_after=" + last, &h);
  ASSERT_TRUE(second.contains("objects"));
  bool report = false;
  std::set<std::string> got;
  for (const auto& o : second["objects"]) {
    EXPECT_TRUE(got.insert(key(o)).second) << o["id"];
    EXPECT_FALSE(before.count(key(o))) << o["id"] << " was already received";
    report |= o["type"] == "report" && o["name"] == "Sandworm wiper hits Norwegian utility Nordvik Energi";
  }
  EXPECT_TRUE(report);
  json all_now = get(coll + "objects/?limit=1000");
  EXPECT_EQ(all_now["objects"].size(), total + got.size());
}

TEST_F(TaxiiTest, FiltersObjectsVersionsAndErrors) {
  std::string coll = all_collection();
  ASSERT_FALSE(coll.empty());
  json sets = get(coll + "objects/?match[type]=intrusion-set,threat-actor");
  ASSERT_TRUE(sets.contains("objects"));
  for (const auto& o : sets["objects"]) EXPECT_TRUE(o["type"] == "intrusion-set" || o["type"] == "threat-actor");
  std::string id = sets["objects"][0]["id"];
  json one = get(coll + "objects/" + id + "/");
  ASSERT_EQ(one["objects"].size(), 1u);
  EXPECT_EQ(one["objects"][0]["id"], id);
  json by_id = get(coll + "objects/?match[id]=" + id);
  EXPECT_EQ(by_id["objects"], one["objects"]);
  json versions = get(coll + "objects/" + id + "/versions/");
  ASSERT_EQ(versions["versions"].size(), 1u);
  EXPECT_EQ(versions["versions"][0], one["objects"][0]["modified"]);
  json at = get(coll + "objects/?match[version]=" + versions["versions"][0].get<std::string>() + "&match[id]=" + id);
  EXPECT_EQ(at["objects"].size(), 1u);
  json never = get(coll + "objects/?match[spec_version]=2.0");
  EXPECT_FALSE(never.contains("objects"));

  json missing = get(coll + "objects/intrusion-set--00000000-0000-4000-8000-000000000000/", nullptr, "", 404);
  EXPECT_EQ(missing["http_status"], "404");
  EXPECT_FALSE(missing["title"].get<std::string>().empty());
  get("/taxii2/dossier/collections/00000000-0000-4000-8000-000000000000/", nullptr, "", 404);
  get(coll + "objects/?added_after=yesterday", nullptr, "", 400);
  get(coll + "objects/?next=garbage", nullptr, "", 400);
  get("/taxii2/nothing/", nullptr, "", 404);
  // A client that does not accept TAXII 2.1 gets 406.
  httplib::Client c("127.0.0.1", port_);
  auto r = c.Get("/taxii2/", {{"Accept", "application/taxii+json;version=2.0"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 406);
  r = c.Get("/taxii2/", {{"Accept", "text/html"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 406);
}

TEST_F(TaxiiTest, RedIncidentsOnlyForRestrictedTokensAndWatchlistCollections) {
  std::string coll = all_collection();
  ASSERT_FALSE(coll.empty());
  auto store = SqliteStore::open(db_);
  ASSERT_TRUE(store.ok());
  IncidentFilter f;
  f.actors.push_back("G0128");  // APT31
  auto apt31 = (*store)->find_incidents(f);
  ASSERT_TRUE(apt31.ok() && !apt31->empty());
  std::string id = apt31->front().id;
  auto report_of = [&](const json& env) {
    for (const auto& o : env.value("objects", json::array()))
      if (o["type"] == "report" && o["name"] == apt31->front().title) return true;
    return false;
  };
  EXPECT_TRUE(report_of(get(coll + "objects/?limit=1000")));
  ASSERT_TRUE(*(*store)->set_incident_tlp(id, "red"));
  auto plain = (*store)->create_token("plain", false);
  auto restricted = (*store)->create_token("restricted", false, true);
  ASSERT_TRUE(plain.ok() && restricted.ok());
  EXPECT_FALSE(report_of(get(coll + "objects/?limit=1000")));
  EXPECT_FALSE(report_of(get(coll + "objects/?limit=1000", nullptr, *plain)));
  json red = get(coll + "objects/?limit=1000", nullptr, *restricted);
  EXPECT_TRUE(report_of(red));
  for (const auto& o : red["objects"])
    if (o["type"] == "report" && o["name"] == apt31->front().title)
      EXPECT_EQ(o["object_marking_refs"][0], "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");

  // A watchlist is a collection of the incidents it matches.
  auto w = (*store)->put_watchlist("Salt Typhoon", json{{"actor", "Salt Typhoon"}}.dump());
  ASSERT_TRUE(w.ok());
  json cols = get("/taxii2/dossier/collections/");
  std::string wcoll;
  for (const auto& c : cols["collections"])
    if (c["title"] == "Watchlist: Salt Typhoon") wcoll = "/taxii2/dossier/collections/" + c["id"].get<std::string>() + "/";
  ASSERT_FALSE(wcoll.empty());
  json objs = get(wcoll + "objects/?limit=1000");
  std::set<std::string> reports, want;
  for (const auto& o : objs["objects"])
    if (o["type"] == "report") reports.insert(o["name"]);
  IncidentFilter salt;
  for (const Actor* a : shared_extraction().kb->find_actors("Salt Typhoon")) salt.actors.push_back(a->id);
  for (const auto& r : *(*store)->find_incidents(salt)) want.insert(r.title);
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(reports, want);
}

}  // namespace
}  // namespace dossier
