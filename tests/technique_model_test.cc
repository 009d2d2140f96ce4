// The technique model: cleaning ATT&CK text, training on labelled sentences written for the test,
// classification, thresholds and evaluation; and the model shipped in the KB on held-out-style text.
#include "dossier/kb/technique_model.h"

#include <gtest/gtest.h>

#include "dossier/kb/kb.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

TEST(TechniqueModel, CleansAttackMarkup) {
  std::string d =
      "[APT31](https://attack.mitre.org/groups/G0128) has used [PowerShell](https://attack.mitre.org/techniques/T1059/001) "
      "scripts.(Citation: Some Vendor 2021)";
  EXPECT_EQ(clean_attack_text(d), "has used PowerShell scripts.");
}

TEST(TechniqueModel, LearnsFromLabelledTextAndAbstainsOnOtherText) {
  std::vector<LabelledText> ex;
  auto add = [&](const char* t, const char* id, bool held = false) { ex.push_back(LabelledText{t, {id}, held}); };
  add("sent spearphishing emails with malicious attachments to targets", "T1566.001");
  add("delivered malicious Word attachments in spearphishing emails", "T1566.001");
  add("spearphishing emails carried malicious attachment documents", "T1566.001");
  add("emails with a malicious attachment were sent to employees", "T1566.001", true);
  add("exfiltrated stolen data over the command and control channel", "T1041");
  add("stolen files were exfiltrated over its command and control channel", "T1041");
  add("data was exfiltrated using the existing command and control channel", "T1041");
  add("exfiltrated collected archives over the C2 channel", "T1041", true);
  add("dumped credentials from LSASS memory with Mimikatz", "T1003.001");
  add("used Mimikatz to dump credentials from LSASS process memory", "T1003.001");
  add("accessed LSASS memory to dump credential material", "T1003.001");
  add("read credentials from the memory of the LSASS process", "T1003.001", true);
  TechniqueModel m = train_technique_model(ex);
  EXPECT_EQ(m.labels.size(), 3u);
  EXPECT_EQ(m.train_examples, 9u);
  EXPECT_EQ(m.heldout_examples, 3u);
  auto got = m.classify("The spies sent spearphishing emails with malicious attachments to diplomats.");
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].first, "T1566.001");
  got = m.classify("Attackers dumped credentials from LSASS memory.");
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].first, "T1003.001");
  EXPECT_TRUE(m.classify("The minister summoned the ambassador on Wednesday.").empty());
  TechniqueEval ev = evaluate_techniques(m, {ex[3], ex[7], ex[11]});
  EXPECT_EQ(ev.examples, 3u);
  EXPECT_GE(ev.recall, 2.0 / 3.0);
}

TEST(TechniqueModel, ShippedModelRecognisesDescribedBehaviour) {
  auto kb = KnowledgeBase::load(shipped_kb().string());
  ASSERT_TRUE(kb.ok()) << kb.error();
  const TechniqueModel& m = (*kb)->technique_model;
  EXPECT_GE(m.labels.size(), 600u);
  EXPECT_GE(m.heldout_examples, 1000u);
  EXPECT_GE(m.heldout_precision, 0.5f);  // measured at build time on held-back procedure examples
  EXPECT_GE(m.heldout_recall, 0.5f);
  struct Case {
    const char* text;
    const char* technique;  // the technique or its parent must be among the top two
  };
  const Case cases[] = {
      {"The intruders began with a password spray against a legacy test account.", "T1110"},
      {"The group used residential proxy networks to hide where its traffic came from.", "T1090"},
      {"The attackers deployed web shells on the exposed servers.", "T1505"},
  };
  for (const auto& c : cases) {
    auto got = m.classify(c.text, 2);
    bool hit = std::any_of(got.begin(), got.end(), [&](const auto& p) { return p.first.rfind(c.technique, 0) == 0; });
    EXPECT_TRUE(hit) << c.text;
  }
  EXPECT_TRUE(m.classify("The European Union expressed its solidarity with Czechia.", 2).empty());
}

}  // namespace
}  // namespace dossier
