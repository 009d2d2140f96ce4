// Entity matching with the shipped KB: aliases, folding, acronyms, ambiguity, agency resolution.
#include "dossier/extract/entities.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

class Entities : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto kb = KnowledgeBase::load(shipped_kb().string());
    ASSERT_TRUE(kb.ok()) << kb.error();
    kb_ = std::move(kb).value().release();
    auto m = EntityMatcher::create(*kb_);
    ASSERT_TRUE(m.ok()) << m.error();
    matcher_ = std::move(m).value().release();
  }
  static void TearDownTestSuite() {
    delete matcher_;
    delete kb_;
  }
  static std::vector<EntityMention> match(std::string_view t) { return matcher_->match(t, split_sentences(t)); }
  static std::vector<std::string> ids(const std::vector<EntityMention>& ms, EntityKind k) {
    std::vector<std::string> out;
    for (const auto& m : ms)
      if (m.kind == k) out.insert(out.end(), m.ids.begin(), m.ids.end());
    return out;
  }
  static KnowledgeBase* kb_;
  static EntityMatcher* matcher_;
};
KnowledgeBase* Entities::kb_ = nullptr;
EntityMatcher* Entities::matcher_ = nullptr;

TEST_F(Entities, ActorAliasesAgenciesAndPlaces) {
  std::string t =
      "Officials in Prague said the group known as Judgment Panda, which Microsoft calls Violet Typhoon, reached the "
      "network. NUKIB and the Security Information Service (BIS) investigated for the Czech government.";
  auto ms = match(t);
  EXPECT_EQ(ids(ms, EntityKind::Actor), (std::vector<std::string>{"G0128", "G0128"}));
  auto agencies = ids(ms, EntityKind::Agency);
  EXPECT_NE(std::find(agencies.begin(), agencies.end(), "cz-nukib"), agencies.end());
  EXPECT_NE(std::find(agencies.begin(), agencies.end(), "cz-bis"), agencies.end());
  EXPECT_EQ(ids(ms, EntityKind::Country), (std::vector<std::string>{"CZ", "CZ"}));
  for (const auto& m : ms) EXPECT_EQ(t.substr(m.begin, m.end - m.begin), m.text);
}

TEST_F(Entities, CountriesInOtherLanguagesAndTheirDeclinedAdjectives) {
  // German, Czech, Polish, Spanish, French: names and adjectives as the sentence declines them.
  const std::pair<const char*, const char*> cases[] = {
      {"Die Angreifer nutzten Server eines russischen Anbieters.", "RU"},
      {"Útok připsaly Spojené státy ruské rozvědce.", "US"},
      {"Útok připsaly Spojené státy ruské rozvědce.", "RU"},
      {"Hakerzy z Korei Północnej zaatakowali bank.", "KP"},
      {"El grupo norcoreano atacó a un banco en Corea del Sur.", "KP"},
      {"Le groupe a visé des entreprises allemandes et la Suède.", "DE"},
      {"Le groupe a visé des entreprises allemandes et la Suède.", "SE"},
      {"Spionageangriffe aus Nordkorea trafen das Vereinigte Königreich.", "GB"}};
  for (const auto& [text, code] : cases) {
    auto found = ids(match(text), EntityKind::Country);
    EXPECT_NE(std::find(found.begin(), found.end(), code), found.end()) << text << " " << code;
  }
}

TEST_F(Entities, CountriesInsideBodiesNamesCurrenciesAndNations) {
  auto countries = [&](const char* text) { return ids(match(text), EntityKind::Country); };
  using V = std::vector<std::string>;
  // A body's name that holds its country's name names the country too, at the country's words.
  EXPECT_EQ(countries("Charges were filed by the US Department of Justice on Tuesday."), V{"US"});
  auto ms = match("The Australian Federal Police opened an inquiry.");
  auto it = std::find_if(ms.begin(), ms.end(), [](const EntityMention& m) { return m.kind == EntityKind::Country; });
  ASSERT_NE(it, ms.end());
  EXPECT_EQ(it->text, "Australian");
  EXPECT_TRUE(std::is_sorted(ms.begin(), ms.end(), [](const EntityMention& a, const EntityMention& b) { return a.begin < b.begin; }));
  // A currency is no country; a nation of the United Kingdom is the United Kingdom.
  EXPECT_EQ(countries("The gang asked for US$2 million in bitcoin."), V{});
  EXPECT_EQ(countries("The depot in Northern Ireland printed the ransom note."), V{"GB"});
  EXPECT_EQ(countries("A hospital trust in New South Wales was hit."), V{});  // a place, not Wales
}

TEST_F(Entities, FoldingKeepsOriginalSpellingAndOffsets) {
  std::string t = "The agency N\xC3\x9AKIB issued a warning.";
  auto ms = match(t);
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].text, "N\xC3\x9AKIB");
  EXPECT_EQ(ms[0].ids.at(0), "cz-nukib");
}

TEST_F(Entities, LowerCaseAgencyNameResolvedByTheCountryInTheSentence) {
  auto ms = match("The group is operated by China's ministry of state security, officials said.");
  auto a = ids(ms, EntityKind::Agency);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(kb_->agency(a[0])->country, "CN");
}

TEST_F(Entities, AmbiguousNamesNeedContext) {
  // Ordinary words and place names that are also malware or actor names.
  EXPECT_TRUE(ids(match("After the storm the dust settled over the city."), EntityKind::Software).empty());
  EXPECT_TRUE(ids(match("The Czech government condemned the attack."), EntityKind::Software).empty());
  // Acronyms must be written as acronyms.
  EXPECT_TRUE(ids(match("He visited the bis office twice."), EntityKind::Agency).empty());
}

}  // namespace
}  // namespace dossier
