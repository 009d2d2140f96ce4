// The knowledge base: merging on small fixtures the project wrote (tests/fixtures/kb), the format's
// round trip, local overrides, and the acceptance checks on the KB shipped in data/kb.
#include "dossier/kb/kb.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "dossier/extract/warninglists.h"
#include "dossier/kb/build.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

KbSources fixture_sources() {
  KbSources s;
  auto dir = source_dir() / "tests" / "fixtures" / "kb";
  s.dir = dir.string();
  s.iso_3166_path = (dir / "iso_3166-1.json").string();
  s.dictionary_path = (dir / "words.txt").string();
  s.curated_dir = (dir / "curated").string();
  return s;
}

class KbFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> warnings;
    auto kb = build_kb(fixture_sources(), &warnings);
    ASSERT_TRUE(kb.ok()) << kb.error();
    kb_ = std::move(kb).value().release();
  }
  static void TearDownTestSuite() { delete kb_; }
  static const Alias* alias(const Actor& a, const std::string& name) {
    for (const auto& al : a.aliases)
      if (al.name == name) return &al;
    return nullptr;
  }
  static KnowledgeBase* kb_;
};
KnowledgeBase* KbFixture::kb_ = nullptr;

TEST_F(KbFixture, OneActorPerIntrusionSetWithEveryAliasAndItsProvenance) {
  auto found = kb_->find_actors("glasswing");
  ASSERT_EQ(found.size(), 1u);
  const Actor& a = *found[0];
  EXPECT_EQ(a.id, "G9001");
  EXPECT_EQ(a.name, "APT77");  // the APT number ATT&CK gives wins over the ATT&CK name
  EXPECT_EQ(a.attack_name, "GLASSWING");
  ASSERT_NE(alias(a, "GLASSWING"), nullptr);
  EXPECT_EQ(alias(a, "GLASSWING")->sources, kFromAttack | kFromMisp);
  ASSERT_NE(alias(a, "Brass Heron"), nullptr);
  EXPECT_EQ(alias(a, "Brass Heron")->sources, kFromMisp);  // joined through MISP's related link
  ASSERT_NE(alias(a, "Granite Typhoon"), nullptr);
  EXPECT_EQ(alias(a, "Granite Typhoon")->sources, kFromMicrosoft);  // Microsoft cluster linked to the MISP one
  ASSERT_NE(alias(a, "WebWeaver"), nullptr);
  for (const char* name : {"Paper Kite", "paper kite", "TA999", "granite typhoon", "APT77", "G9001"}) {
    auto f = kb_->find_actors(name);
    ASSERT_EQ(f.size(), 1u) << name;
    EXPECT_EQ(f[0]->id, "G9001") << name;
  }
  EXPECT_EQ(a.country, "EX");
  EXPECT_EQ(a.sponsor_state, "EX");
  ASSERT_EQ(a.sponsor_agencies.size(), 1u);  // "(EBS)" in ATT&CK's description
  EXPECT_EQ(kb_->agency(a.sponsor_agencies[0])->name, "Examplian Bureau of Signals");
  EXPECT_EQ(a.techniques, (std::vector<std::string>{"T1114", "T1566.001"}));
  EXPECT_EQ(a.software, (std::vector<std::string>{"S9001"}));
}

TEST_F(KbFixture, ClustersJoinByNameAndOrphansBecomeActors) {
  auto f = kb_->find_actors("Tide Crew");  // MISP cluster "Pebble" joined Harbor Team by a shared name
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->id, "G9002");
  // "Pebble" is an ordinary word, so MISP's name for the group cannot be its display name.
  EXPECT_EQ(f[0]->name, "Harbor Team");
  EXPECT_EQ(f[0]->country, "EX");  // from ATT&CK's prose: "operating out of Examplia"
  auto lone = kb_->find_actors("Lone Wolf Crew");
  ASSERT_EQ(lone.size(), 1u);
  EXPECT_EQ(lone[0]->id.rfind("MISP-", 0), 0u);
  EXPECT_TRUE(lone[0]->attack_id.empty());
  auto silt = kb_->find_actors("Silt Sleet");
  ASSERT_EQ(silt.size(), 1u);
  EXPECT_EQ(silt[0]->id.rfind("MISP-", 0), 0u);
  EXPECT_NE(silt[0]->id, lone[0]->id);
  auto echo = kb_->find_actors("Echo Owl");
  ASSERT_EQ(echo.size(), 1u);
  ASSERT_EQ(echo[0]->sponsor_agencies.size(), 1u);  // named in MISP's description
}

TEST_F(KbFixture, SharedNamesAndOrdinaryWordsAreAmbiguous) {
  auto q = kb_->find_actors("Quartz");  // a synonym of one cluster and the name of another
  ASSERT_EQ(q.size(), 2u);
  for (const Actor* a : q) {
    const Alias* al = alias(*a, "Quartz");
    ASSERT_NE(al, nullptr);
    EXPECT_TRUE(al->ambiguous);
  }
  EXPECT_TRUE(alias(*kb_->find_actors("Harbor Team")[0], "Pebble")->ambiguous);
  EXPECT_FALSE(alias(*kb_->find_actors("Harbor Team")[0], "Harbor Team")->ambiguous);
  auto dust = kb_->find_software("Dust");
  ASSERT_EQ(dust.size(), 1u);
  EXPECT_TRUE(dust[0]->aliases[0].ambiguous);
}

TEST_F(KbFixture, SoftwareMergesAcrossSources) {
  auto k = kb_->find_software("Kite Loader");
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0]->id, "S9001");
  EXPECT_EQ(k[0]->techniques, (std::vector<std::string>{"T1114"}));
  auto lp = kb_->find_software("lock pick");
  ASSERT_EQ(lp.size(), 1u);
  EXPECT_EQ(lp[0]->kind, "ransomware");
}

TEST_F(KbFixture, TechniquesTacticsMitigationsAndRevocation) {
  const Technique* t = kb_->technique("T1566.001");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "Spearphishing Attachment");
  EXPECT_EQ(t->parent, "T1566");
  EXPECT_EQ(t->tactics, (std::vector<std::string>{"TA0001"}));
  EXPECT_EQ(t->mitigations, (std::vector<std::string>{"M1017", "M1047"}));  // the deprecated T-numbered one is not a mitigation
  EXPECT_EQ(kb_->mitigations.size(), 2u);
  // A revoked id resolves to its replacement; revoked and deprecated names are never matched.
  ASSERT_NE(kb_->technique("T1999"), nullptr);
  EXPECT_EQ(kb_->technique("T1999")->id, "T1114");
  EXPECT_TRUE(kb_->find_techniques("Old Mail Technique").empty());
  EXPECT_TRUE(kb_->find_techniques("Retired Technique").empty());
  ASSERT_NE(kb_->technique("T1998"), nullptr);
  EXPECT_TRUE(kb_->technique("T1998")->deprecated);
  EXPECT_EQ(kb_->find_techniques("spearphishing attachment").at(0)->id, "T1566.001");
  EXPECT_EQ(kb_->find_techniques("t1566.001").at(0)->id, "T1566.001");
  // Revoked groups are not actors.
  EXPECT_TRUE(kb_->find_actors("Gone Group").empty());
  ASSERT_EQ(kb_->campaigns.size(), 1u);
  EXPECT_EQ(kb_->campaigns[0].actor, "G9001");
  EXPECT_EQ(kb_->info.attack_version, "99.1");
}

TEST_F(KbFixture, CountriesAgenciesAndSectors) {
  for (const char* n : {"Examplia", "Examplian", "EX", "EXA", "Exampleton", "Examplia, Republic of"})
    ASSERT_EQ(kb_->find_countries(n).size(), 1u) << n;
  EXPECT_EQ(kb_->find_countries("Czech Republic").at(0)->code, "CZ");
  EXPECT_EQ(kb_->find_agencies("NUKIB").at(0)->country, "CZ");
  EXPECT_EQ(kb_->find_agencies("núkib").at(0)->country, "CZ");
  // The MISP agency and the curated one are the same body: merged, both names kept.
  auto ebs = kb_->find_agencies("Bureau of Signals");
  ASSERT_EQ(ebs.size(), 1u);
  EXPECT_EQ(ebs[0]->acronyms, (std::vector<std::string>{"EBS"}));
  // An acronym used by two countries' bodies matches both and is marked ambiguous.
  auto ncsc = kb_->find_agencies("NCSC");
  ASSERT_EQ(ncsc.size(), 2u);
  for (const Agency* g : ncsc) {
    auto it = std::find_if(g->aliases.begin(), g->aliases.end(), [](const Alias& a) { return a.name == "NCSC"; });
    ASSERT_NE(it, g->aliases.end());
    EXPECT_TRUE(it->ambiguous);
  }
  auto s = kb_->find_sectors("Foreign Affairs");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]->parent, "diplomacy");
  EXPECT_EQ(s[0]->cues, (std::vector<std::string>{"foreign ministry", "embassy"}));
}

TEST_F(KbFixture, SaveLoadRoundTripAndLocalOverrides) {
  TempDir dir;
  std::string path = (dir / "kb.bin").string();
  ASSERT_TRUE(kb_->save(path).ok());
  auto back = KnowledgeBase::load(path);
  ASSERT_TRUE(back.ok()) << back.error();
  KnowledgeBase& k = **back;
  EXPECT_EQ(k.actors.size(), kb_->actors.size());
  EXPECT_EQ(k.find_actors("TA999").at(0)->id, "G9001");
  EXPECT_EQ(k.technique("T1999")->id, "T1114");
  EXPECT_EQ(k.find_actors("glasswing").at(0)->aliases.size(), kb_->find_actors("glasswing").at(0)->aliases.size());

  k.apply_local_overrides({{"add", {"G9001", "Copper Moth"}}, {"veto", {"G9001", "Brass Heron"}}});
  EXPECT_EQ(k.find_actors("copper moth").at(0)->id, "G9001");
  EXPECT_TRUE(k.find_actors("Brass Heron").empty());
  const Alias* added = alias(*k.actor("G9001"), "Copper Moth");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->sources, kFromLocal);
}

TEST(Kb, LoadRejectsGarbageCleanly) {
  TempDir dir;
  write_file(dir / "bad.bin", "not a knowledge base at all");
  auto r = KnowledgeBase::load((dir / "bad.bin").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not a dossier knowledge base"), std::string::npos);
  std::string truncated = read_file(shipped_kb()).substr(0, 5000);
  write_file(dir / "cut.bin", truncated);
  EXPECT_FALSE(KnowledgeBase::load((dir / "cut.bin").string()).ok());
  EXPECT_FALSE(KnowledgeBase::load((dir / "missing.bin").string()).ok());
}

TEST(Kb, FoldingIgnoresCaseAccentsAndPunctuation) {
  EXPECT_EQ(fold_name("NÚKIB"), "nukib");
  EXPECT_EQ(fold_name("Lipavský"), "lipavsky");
  EXPECT_EQ(fold_name("People\xE2\x80\x99s Republic of China"), "people s republic of china");
  EXPECT_EQ(fold_name("People's Republic of China"), fold_name("People\xE2\x80\x99s Republic of China"));
  EXPECT_EQ(fold_name("  APT-31 "), "apt 31");
  EXPECT_EQ(fold_name("ÚZSI"), fold_name("UZSI"));
  EXPECT_EQ(fold_name("Panda\xE2\x80\x94linked"), "panda linked");            // em dash separates
  EXPECT_EQ(fold_name("\xE2\x80\x9CGroundless\xE2\x80\x9D"), "groundless");  // curly quotes too
}

// The KB shipped with dossier (data/kb/dossier-kb.bin, built from ATT&CK v19.1 and MISP).
class ShippedKb : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto kb = KnowledgeBase::load(shipped_kb().string());
    ASSERT_TRUE(kb.ok()) << kb.error();
    kb_ = std::move(kb).value().release();
  }
  static void TearDownTestSuite() { delete kb_; }
  static KnowledgeBase* kb_;
};
KnowledgeBase* ShippedKb::kb_ = nullptr;

TEST_F(ShippedKb, Apt31UnderAllItsNames) {
  for (const char* n : {"Zirconium", "Judgment Panda", "violet typhoon", "TA412", "APT31", "BRONZE VINEWOOD", "G0128"}) {
    auto f = kb_->find_actors(n);
    ASSERT_FALSE(f.empty()) << n;
    EXPECT_EQ(f[0]->id, "G0128") << n;
    EXPECT_EQ(f[0]->name, "APT31") << n;
    EXPECT_EQ(f[0]->country, "CN") << n;
  }
}

TEST_F(ShippedKb, EveryAliasOfEveryActiveAttackGroupResolvesToItsGroup) {
  size_t groups = 0, aliases = 0;
  for (const auto& a : kb_->actors) {
    if (a.attack_id.empty()) continue;
    ++groups;
    for (const auto& al : a.aliases) {
      if (!(al.sources & kFromAttack)) continue;
      ++aliases;
      auto f = kb_->find_actors(al.name);
      EXPECT_TRUE(std::find(f.begin(), f.end(), &a) != f.end()) << al.name << " does not resolve to " << a.id;
    }
  }
  EXPECT_GE(groups, 170u);
  EXPECT_GE(aliases, 500u);
}

TEST_F(ShippedKb, AnAttackGroupsOwnNameIsNoOtherGroupsAlias) {
  // MISP lists some ATT&CK names among another cluster's synonyms; the name stays with its group,
  // and no other ATT&CK group answers to it.
  size_t checked = 0;
  for (const auto& a : kb_->actors) {
    if (a.attack_id.empty()) continue;
    auto f = kb_->find_actors(a.attack_name);
    for (const Actor* other : f) {
      if (other == &a) continue;
      // Unless ATT&CK itself gives the other group that name too (a group it has merged).
      bool attack_says_so = std::any_of(other->aliases.begin(), other->aliases.end(), [&](const Alias& al) {
        return (al.sources & kFromAttack) && fold_name(al.name) == fold_name(a.attack_name);
      });
      if (!attack_says_so) EXPECT_TRUE(other->attack_id.empty()) << a.attack_name << " also names " << other->id;
    }
    ++checked;
  }
  EXPECT_GE(checked, 170u);
  auto apt41 = kb_->find_actors("APT41");
  ASSERT_EQ(apt41.size(), 1u);
  EXPECT_EQ(apt41[0]->id, "G0096");
}

TEST_F(ShippedKb, TechniquesAgenciesCountries) {
  const Technique* t = kb_->technique("T1566.001");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "Spearphishing Attachment");
  EXPECT_EQ(t->parent, "T1566");
  EXPECT_EQ(kb_->tactic(t->tactics.at(0))->name, "Initial Access");
  EXPECT_FALSE(t->mitigations.empty());
  EXPECT_EQ(kb_->technique("T1086")->id, "T1059.001");  // revoked PowerShell id
  EXPECT_EQ(kb_->tactics.size(), 15u);
  EXPECT_EQ(kb_->mitigations.size(), 44u);
  for (const char* n : {"NUKIB", "NÚKIB", "Security Information Service", "BIS", "ÚZSI", "UZSI", "Military Intelligence"}) {
    auto f = kb_->find_agencies(n);
    ASSERT_FALSE(f.empty()) << n;
    EXPECT_TRUE(std::any_of(f.begin(), f.end(), [](const Agency* g) { return g->country == "CZ"; })) << n;
  }
  for (const auto& [name, code] : std::vector<std::pair<std::string, std::string>>{
           {"Czechia", "CZ"}, {"Czech Republic", "CZ"}, {"U.S.", "US"}, {"America", "US"}, {"Britain", "GB"},
           {"PRC", "CN"}, {"Beijing", "CN"}, {"Moscow", "RU"}, {"Tehran", "IR"}, {"Pyongyang", "KP"}, {"Chinese", "CN"},
           {"Emirati", "AE"}})
    EXPECT_EQ(kb_->find_countries(name).at(0)->code, code) << name;
  EXPECT_EQ(kb_->find_actors("APT29").at(0)->sponsor_agencies.size(), 1u);
}

}  // namespace
}  // namespace dossier

namespace dossier {
namespace {

Indicator indicator(IndicatorType t, const std::string& v) {
  Indicator i;
  i.type = t;
  i.value = v;
  i.confidence = 0.9;
  return i;
}

TEST_F(KbFixture, WarninglistsFlagListedValues) {
  ASSERT_EQ(kb_->warninglists.size(), 2u);
  WarninglistMatcher w(kb_->warninglists);
  EXPECT_EQ(w.lists_for(indicator(IndicatorType::IPv4, "9.9.9.9")), (std::vector<std::string>{"fixture-resolvers"}));
  EXPECT_EQ(w.lists_for(indicator(IndicatorType::IPv4, "9.9.9.9:53")), (std::vector<std::string>{"fixture-resolvers"}));
  EXPECT_EQ(w.lists_for(indicator(IndicatorType::IPv6, "2620:fe::fe")), (std::vector<std::string>{"fixture-resolvers"}));
  EXPECT_TRUE(w.lists_for(indicator(IndicatorType::IPv4, "9.9.10.1")).empty());
  EXPECT_EQ(w.lists_for(indicator(IndicatorType::Domain, "popular-site.com")), (std::vector<std::string>{"fixture-top-sites"}));
  EXPECT_EQ(w.lists_for(indicator(IndicatorType::Domain, "img.cdn-host.net")), (std::vector<std::string>{"fixture-top-sites"}));
  EXPECT_EQ(w.lists_for(indicator(IndicatorType::Url, "https://www.popular-site.com/login")), (std::vector<std::string>{"fixture-top-sites"}));
  EXPECT_TRUE(w.lists_for(indicator(IndicatorType::Domain, "notpopular-site.com")).empty());
  std::vector<Indicator> v{indicator(IndicatorType::Domain, "popular-site.com"), indicator(IndicatorType::Domain, "evil.example.org")};
  w.apply(v);
  EXPECT_EQ(v[0].flags, (std::vector<std::string>{"warninglist:fixture-top-sites"}));
  EXPECT_LT(v[0].confidence, 0.3);
  EXPECT_TRUE(v[1].flags.empty());
  EXPECT_DOUBLE_EQ(v[1].confidence, 0.9);
}

TEST_F(ShippedKb, WarninglistsFromMisp) {
  WarninglistMatcher w(kb_->warninglists);
  auto has = [&](IndicatorType t, const std::string& v, const std::string& list) {
    auto l = w.lists_for(indicator(t, v));
    return std::find(l.begin(), l.end(), list) != l.end();
  };
  EXPECT_TRUE(has(IndicatorType::IPv4, "8.8.8.8", "public-dns-v4"));
  EXPECT_TRUE(has(IndicatorType::Domain, "google.com", "tranco10k"));
  EXPECT_TRUE(has(IndicatorType::Md5, "d41d8cd98f00b204e9800998ecf8427e", "empty-hashes"));
  EXPECT_TRUE(has(IndicatorType::Url, "https://bit.ly/abc", "url-shortener"));
  EXPECT_TRUE(has(IndicatorType::IPv4, "10.1.2.3", "rfc1918"));
  EXPECT_TRUE(w.lists_for(indicator(IndicatorType::Domain, "update-service-cdn-7731.com")).empty());
}

}  // namespace
}  // namespace dossier
