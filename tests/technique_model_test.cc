// The technique model: cleaning ATT&CK text, training on labelled sentences written for the test,
// classification, thresholds and evaluation; and the model shipped in the KB on held-out-style text.
#include "dossier/kb/technique_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <sstream>

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

TEST(TechniqueCues, ParseSlotsAndRejectWordsThatCannotMatch) {
  auto c = parse_technique_cue("T1486", "encrypt/encrypted file/files");
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_EQ(c->slots.size(), 2u);
  EXPECT_EQ(c->slots[0], std::vector<std::string>{"encrypt"});  // both forms stem alike
  EXPECT_EQ(c->slots[1], std::vector<std::string>{"file"});
  EXPECT_FALSE(parse_technique_cue("T1486", "encrypt the files").ok());   // a stop word never matches
  EXPECT_FALSE(parse_technique_cue("T1190", "zero-day exploit").ok());    // two words in one slot
  EXPECT_FALSE(parse_technique_cue("T1190", "  ").ok());
  auto ctx = parse_technique_cue("T1486", "ransomware ransom", TechniqueCue::Kind::context);
  ASSERT_TRUE(ctx.ok());
  ASSERT_EQ(ctx->slots.size(), 1u);  // a context entry is one slot of alternatives
  EXPECT_EQ(ctx->slots[0].size(), 2u);
}

TEST(TechniqueCues, MatchInOrderWithinAGapAndNeverAfterANegation) {
  TechniqueModel m;
  m.cues.push_back(*parse_technique_cue("T1486", "encrypt file/files/server/servers"));
  m.cues.push_back(*parse_technique_cue("T1486", "ransomware", TechniqueCue::Kind::context));
  m.cues.push_back(*parse_technique_cue("T1190", "exploit vulnerability/flaw"));
  m.cues.push_back(*parse_technique_cue("T1190", "known exploited vulnerabilities", TechniqueCue::Kind::unless));
  m.cues.push_back(*parse_technique_cue("T1078", "valid/legitimate +credentials/accounts"));
  m.build_index();
  auto ids = [&](const char* text, const char* document = nullptr) {
    std::optional<CueDocument> doc;
    if (document) doc.emplace(document);
    std::vector<std::string> out;
    for (const auto& [id, score] : m.cue_matches(text, doc ? &*doc : nullptr)) out.push_back(id);
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids("Ransomware encrypted the county's servers."), V{"T1486"});
  EXPECT_EQ(ids("Files were encrypted.", "A ransomware gang claimed it."), V{});  // order: encrypt then file
  EXPECT_EQ(ids("It encrypted the finance team's shared files.", "A ransomware gang claimed it."), V{"T1486"});
  EXPECT_EQ(ids("It encrypted the finance team's shared files.", "The loader is packed."), V{});  // no context
  EXPECT_EQ(ids("It encrypted nearly all of the old finance team's shared files.", "ransomware"), V{});  // gap too wide
  EXPECT_EQ(ids("Nothing suggests they did not encrypt files.", "ransomware"), V{});
  EXPECT_EQ(ids("Spies exploited a flaw in the gateway."), V{"T1190"});
  EXPECT_EQ(ids("The flaw joined the Known Exploited Vulnerabilities list."), V{});
  EXPECT_EQ(ids("If attackers exploited the flaw, they gained access."), V{});
  EXPECT_EQ(ids("Attackers exploited the flaw (T1190) to get in."), V{});  // the id says it
  EXPECT_EQ(ids("They signed in with valid credentials."), V{"T1078"});
  EXPECT_EQ(ids("They altered legitimate files to collect credentials."), V{});  // "+credentials": adjacent only
  EXPECT_FALSE(parse_technique_cue("T1078", "+credentials").ok());
}

// Golden sentences (tests/golden/techniques/cues.tsv) against the shipped KB's cues.
TEST(TechniqueCues, ShippedCuesOnGoldenSentences) {
  auto kb = KnowledgeBase::load(shipped_kb().string());
  ASSERT_TRUE(kb.ok()) << kb.error();
  const TechniqueModel& m = (*kb)->technique_model;
  EXPECT_GE(m.cues.size(), 200u);
  std::istringstream in(read_file(golden_dir() / "techniques" / "cues.tsv"));
  std::string line;
  size_t cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::istringstream row(line);
    for (std::string c; std::getline(row, c, '\t');) cols.push_back(c);
    ASSERT_GE(cols.size(), 2u) << line;
    std::optional<CueDocument> doc;
    if (cols.size() > 2) doc.emplace(cols[2]);
    std::vector<std::string> got;
    for (const auto& [id, score] : m.cue_matches(cols[0], doc ? &*doc : nullptr)) got.push_back(id);
    std::sort(got.begin(), got.end());
    std::string joined;
    for (const auto& id : got) joined += (joined.empty() ? "" : ",") + id;
    EXPECT_EQ(joined.empty() ? "-" : joined, cols[1]) << cols[0];
    ++cases;
  }
  EXPECT_GE(cases, 20u);
}

}  // namespace
}  // namespace dossier
