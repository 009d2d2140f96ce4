// People, organizations, victims, attributions, denials and dates, on text written for the test,
// and the acceptance list of the extraction issue on the seed documents (skipped without them).
#include "dossier/extract/events.h"

#include <gtest/gtest.h>

#include "dossier/extract/dates.h"
#include "dossier/extract/extract.h"
#include "dossier/ingest/document.h"
#include "dossier/util/time.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;
using nlohmann::json;

class EventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto kb = KnowledgeBase::load(shipped_kb().string());
    ASSERT_TRUE(kb.ok()) << kb.error();
    kb_ = std::move(kb).value().release();
    auto ex = Extractor::create(*kb_);
    ASSERT_TRUE(ex.ok()) << ex.error();
    ex_ = std::move(ex).value().release();
  }
  static void TearDownTestSuite() {
    delete ex_;
    delete kb_;
  }
  static Extraction run(const std::string& text, const std::string& published = "") {
    Article a;
    a.id = "test";
    a.text = text;
    a.published = published;
    return ex_->extract(a);
  }
  static KnowledgeBase* kb_;
  static Extractor* ex_;
};
KnowledgeBase* EventsTest::kb_ = nullptr;
Extractor* EventsTest::ex_ = nullptr;

TEST_F(EventsTest, PeopleInTheirThreeUsualForms) {
  auto x = run(
      "Dutch Defence Minister Kajsa Ollongren said the breach was serious. Mark Rutte, the NATO Secretary General, "
      "called for calm. Later the ambassador, Tan Dawei, was summoned.");
  ASSERT_EQ(x.events.people.size(), 3u);
  EXPECT_EQ(x.events.people[0].name, "Kajsa Ollongren");
  EXPECT_EQ(x.events.people[0].role, "Dutch Defence Minister");
  EXPECT_EQ(x.events.people[0].organization, "Netherlands");
  EXPECT_EQ(x.events.people[1].name, "Mark Rutte");
  EXPECT_EQ(x.events.people[1].role, "NATO Secretary General");
  EXPECT_EQ(x.events.people[1].organization, "North Atlantic Treaty Organization");
  EXPECT_EQ(x.events.people[2].name, "Tan Dawei");
  EXPECT_EQ(x.events.people[2].role, "ambassador");
}

TEST_F(EventsTest, AttributionAccusedSponsorAndDenialSubject) {
  auto x = run(
      "Germany formally accused the Russian government of sponsoring APT28 after an intrusion at the Bundestag. "
      "Berlin said it had a high degree of certainty about Russia's role. "
      "The Russian embassy in Berlin rejected the accusations as baseless.");
  ASSERT_EQ(x.events.attributions.size(), 1u);
  const auto& a = x.events.attributions[0];
  EXPECT_EQ(a.actors, (std::vector<std::string>{"G0007"}));
  EXPECT_EQ(a.attributors, (std::vector<std::string>{"DE"}));
  EXPECT_EQ(a.sponsor_state, "RU");
  EXPECT_EQ(a.confidence, "high degree of certainty");
  ASSERT_EQ(x.events.denials.size(), 1u);
  EXPECT_EQ(x.events.denials[0].who, "RU");
  EXPECT_EQ(x.events.denials[0].wording, "rejected the accusations as baseless");
  bool embassy = false;
  for (const auto& o : x.events.organizations) embassy |= o.kind == "embassy" && o.country == "RU" && o.located == "DE";
  EXPECT_TRUE(embassy);
}

TEST_F(EventsTest, VictimSystemsAndActivity) {
  auto x = run(
      "Hackers breached the Norwegian foreign ministry last spring. The intruders reached its classified email system "
      "and exfiltrated diplomatic cables.");
  ASSERT_EQ(x.events.victims.size(), 1u);
  EXPECT_EQ(x.events.victims[0].name, "Ministry of Foreign Affairs");
  EXPECT_EQ(x.events.victims[0].country, "NO");
  EXPECT_EQ(x.events.victims[0].systems, (std::vector<std::string>{"classified email system"}));
  EXPECT_EQ(x.events.victims[0].activity, "data theft");
}

TEST_F(EventsTest, DatesAbsoluteRelativeAndTheirEvents) {
  auto x = run(
      "The campaign began in 2021 and was discovered on March 3, 2024. Officials disclosed it on Tuesday. "
      "A new system was installed in July 2024. The group has been active since last year.",
      "2025-05-29T10:00:00Z");  // a Thursday
  std::vector<std::tuple<std::string, std::string, std::string>> got;
  for (const auto& d : x.dates) got.emplace_back(d.value, d.event, d.text);
  std::vector<std::tuple<std::string, std::string, std::string>> want = {
      {"2021", "began", "2021"},
      {"2024-03-03", "discovered", "March 3, 2024"},
      {"2025-05-27", "disclosed", "Tuesday"},
      {"2024-07", "installed", "July 2024"},
      {"2024", "began", "last year"},
  };
  EXPECT_EQ(got, want);
}

// The acceptance list of the extraction issue, on the seed documents.
TEST_F(EventsTest, SeedDocumentsAcceptance) {
  auto seeds = shared_dir() / "seeds";
  if (!std::filesystem::exists(seeds)) GTEST_SKIP() << "../shared/seeds not present";
  std::set<std::string> actors, aliases, agencies, countries, people, dates, sponsors, denials, systems;
  for (const auto& e : std::filesystem::directory_iterator(seeds)) {
    if (e.path().extension() != ".txt") continue;
    FetchInfo info;
    info.source = e.path().string();
    auto doc = parse_document(read_file(e.path()), info);
    ASSERT_TRUE(doc.ok());
    Article& a = doc->article;
    if (a.published.empty()) a.published = "2025-05-28T12:00:00Z";  // the day the seeds report
    json j = extraction_json(ex_->extract(a), a, *kb_);
    for (const auto& x : j["actors"]) {
      actors.insert(x["id"]);
      for (const auto& al : x["aliases_mentioned"]) aliases.insert(al);
    }
    for (const auto& x : j["organizations"]) agencies.insert(x["id"].get<std::string>());
    for (const auto& x : j["countries"]) countries.insert(x["code"]);
    for (const auto& x : j["people"]) people.insert(x["name"].get<std::string>() + " | " + x["role"].get<std::string>());
    for (const auto& x : j["dates"]) dates.insert(x["value"].get<std::string>());
    for (const auto& x : j["attributions"]) {
      sponsors.insert(x["sponsor_state"].get<std::string>());
      for (const auto& s : x["sponsor_agencies"]) sponsors.insert(s["id"].get<std::string>());
    }
    for (const auto& x : j["denials"]) denials.insert(x["who"]);
    for (const auto& x : j["victims"])
      for (const auto& s : x["systems"]) systems.insert(x["name"].get<std::string>() + ": " + s.get<std::string>());
  }
  EXPECT_TRUE(actors.count("G0128"));
  EXPECT_TRUE(aliases.count("APT31"));
  EXPECT_TRUE(aliases.count("Zirconium") || aliases.count("ZIRCONIUM"));
  EXPECT_TRUE(aliases.count("Judgment Panda"));
  for (const char* g : {"cz-bis", "cz-vz", "cz-uzsi", "cz-nukib", "cn-mss", "eu-eu", "nato-nato", "cz-ministry-of-foreign-affairs"})
    EXPECT_TRUE(agencies.count(g)) << g;
  for (const char* c : {"CN", "CZ", "US"}) EXPECT_TRUE(countries.count(c)) << c;
  EXPECT_TRUE(sponsors.count("CN"));
  EXPECT_TRUE(sponsors.count("cn-mss"));
  EXPECT_TRUE(people.count("Jan Lipavský | Czech Foreign Minister"));
  bool kallas = false, feng = false;
  for (const auto& p : people) {
    kallas |= p.rfind("Kaja Kallas | ", 0) == 0;
    feng |= p.rfind("Feng Biao | ", 0) == 0;
  }
  EXPECT_TRUE(kallas);
  EXPECT_TRUE(feng) << "the ambassador, Feng Biao";
  for (const char* d : {"2022", "2024-07", "2025-05-28", "2024"}) EXPECT_TRUE(dates.count(d)) << d;  // 2024: "last year"
  EXPECT_TRUE(denials.count("CN"));
  EXPECT_TRUE(systems.count("Czechia Ministry of Foreign Affairs: unclassified communication network"));
}

}  // namespace
}  // namespace dossier
