// Extraction golden files: tests/golden/extract/NAME.json names a corpus article and the actors
// (canonical names), aliases mentioned, software, countries (ISO codes), organizations (ids),
// vulnerabilities, indicators ("type value"), people ("name | role"), dates ("value event"),
// attributions ("actors by attributors sponsor state") and denials (who) that extraction must
// report for it: no more, no less.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "dossier/extract/extract.h"
#include "dossier/ingest/document.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

TEST(ExtractGolden, CorpusArticles) {
  auto kb = KnowledgeBase::load(shipped_kb().string());
  ASSERT_TRUE(kb.ok()) << kb.error();
  auto ex = Extractor::create(**kb);
  ASSERT_TRUE(ex.ok()) << ex.error();
  size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir() / "extract")) {
    json want = json::parse(read_file(entry.path()));
    SCOPED_TRACE(entry.path().filename().string());
    FetchInfo info;
    info.source = want["file"].get<std::string>();
    auto doc = parse_document(read_file(source_dir() / want["file"].get<std::string>()), info);
    ASSERT_TRUE(doc.ok()) << doc.error();
    json got = extraction_json((*ex)->extract(doc->article), doc->article, **kb);
    auto names = [&](const char* key, const char* field) {
      std::set<std::string> s;
      for (const auto& item : got[key]) s.insert(item[field].get<std::string>());
      return s;
    };
    auto want_set = [&](const char* key) {
      auto v = want[key].get<std::vector<std::string>>();
      return std::set<std::string>(v.begin(), v.end());
    };
    EXPECT_EQ(names("actors", "name"), want_set("actors"));
    std::set<std::string> aliases;
    for (const auto& a : got["actors"])
      for (const auto& al : a["aliases_mentioned"]) aliases.insert(al.get<std::string>());
    EXPECT_EQ(aliases, want_set("aliases_mentioned"));
    EXPECT_EQ(names("software", "name"), want_set("software"));
    EXPECT_EQ(names("countries", "code"), want_set("countries"));
    EXPECT_EQ(names("organizations", "id"), want_set("organizations"));
    EXPECT_EQ(names("vulnerabilities", "id"), want_set("vulnerabilities"));
    std::set<std::string> inds;
    for (const auto& i : got["indicators"]) inds.insert(i["type"].get<std::string>() + " " + i["value"].get<std::string>());
    EXPECT_EQ(inds, want_set("indicators"));
    std::set<std::string> people, dates, attributions, denials;
    for (const auto& p : got["people"]) people.insert(p["name"].get<std::string>() + " | " + p["role"].get<std::string>());
    for (const auto& d : got["dates"]) dates.insert(d["value"].get<std::string>() + " " + d["event"].get<std::string>());
    for (const auto& a : got["attributions"]) {
      std::string actors, by;
      for (const auto& x : a["actors"]) actors += (actors.empty() ? "" : ",") + x["id"].get<std::string>();
      for (const auto& x : a["attributors"]) by += (by.empty() ? "" : ",") + x.get<std::string>();
      attributions.insert(actors + " by " + by + " sponsor " + a["sponsor_state"].get<std::string>());
    }
    for (const auto& d : got["denials"]) denials.insert(d["who"].get<std::string>());
    EXPECT_EQ(people, want_set("people"));
    EXPECT_EQ(dates, want_set("dates"));
    EXPECT_EQ(attributions, want_set("attributions"));
    EXPECT_EQ(denials, want_set("denials"));
    // Every piece of evidence is the text it claims to be.
    for (const char* key : {"actors", "countries", "organizations", "vulnerabilities", "indicators", "people", "dates", "victims", "attributions", "denials"})
      for (const auto& item : got[key])
        for (const auto& ev : item["evidence"])
          EXPECT_EQ(doc->article.text.substr(ev["begin"].get<size_t>(), ev["end"].get<size_t>() - ev["begin"].get<size_t>()),
                    ev["text"].get<std::string>());
    ++cases;
  }
  EXPECT_GE(cases, 5u);
}

}  // namespace
}  // namespace dossier
