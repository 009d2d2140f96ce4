#include "dossier/ingest/plaintext.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace dossier {
namespace {

// Golden files: tests/golden/plaintext/NAME.txt (copied pages, bylines and datelines in their
// common forms) beside NAME.json with the metadata and text that must come out.
TEST(PlainTextGolden, EveryCase) {
  size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::golden_dir() / "plaintext")) {
    if (entry.path().extension() != ".txt") continue;
    auto expect_path = entry.path();
    expect_path.replace_extension(".json");
    nlohmann::json want = nlohmann::json::parse(testing::read_file(expect_path));
    SCOPED_TRACE(entry.path().filename().string());
    ParsedText ex = parse_plain_text(testing::read_file(entry.path()));
    EXPECT_EQ(ex.title, want.value("title", ""));
    EXPECT_EQ(ex.author, want.value("author", ""));
    EXPECT_EQ(ex.outlet, want.value("outlet", ""));
    EXPECT_EQ(ex.url, want.value("url", ""));
    EXPECT_EQ(ex.published, want.value("published", ""));
    EXPECT_EQ(ex.text, want.value("text", ""));
    ++cases;
  }
  EXPECT_GE(cases, 6u);
}

TEST(PlainText, FrontMatterGivesMetadata) {
  ParsedText ex = parse_plain_text(
      "---\ntitle: \"Bank trojan returns\"\noutlet: Example Wire\nurl: https://wire.example/a\nauthor: Sam Lee\n"
      "date: 2024-02-03T10:00:00Z\n---\n\nA banking trojan thought dormant has resurfaced in a new spam campaign.\n");
  EXPECT_EQ(ex.title, "Bank trojan returns");
  EXPECT_EQ(ex.outlet, "Example Wire");
  EXPECT_EQ(ex.url, "https://wire.example/a");
  EXPECT_EQ(ex.author, "Sam Lee");
  EXPECT_EQ(ex.published, "2024-02-03T10:00:00Z");
  EXPECT_EQ(ex.text, "A banking trojan thought dormant has resurfaced in a new spam campaign.");
}

TEST(PlainText, HardWrappedParagraphsAreRejoined) {
  ParsedText ex = parse_plain_text(
      "Headline here\n\nThe first paragraph was wrapped at a fixed width by the tool that\n"
      "saved it, and it continues on a second line that also runs long.\nIt ends on a third one.\n\n"
      "A second paragraph stands alone on one line and ends with a period.\n");
  EXPECT_EQ(ex.title, "Headline here");
  EXPECT_EQ(ex.text,
            "The first paragraph was wrapped at a fixed width by the tool that saved it, and it continues on a second "
            "line that also runs long. It ends on a third one.\n\nA second paragraph stands alone on one line and ends "
            "with a period.");
}

TEST(PlainText, PageFurnitureAroundTheArticleIsRemoved) {
  ParsedText ex = parse_plain_text(
      "Skip to content\nMenu\nHospital network recovers from attack\nIcon\nIcon Analysis Icon\nBy Ana Ruiz\n"
      "March 3, 2024\nMain Image\n"
      "The hospital said its emergency department is accepting ambulances again after a week of diversions.\n"
      "Surgery schedules will return to normal next week, according to a statement from its director.\n"
      "Share this article\nNewsletter\nCity Health Newsroom\n");
  EXPECT_EQ(ex.title, "Hospital network recovers from attack");
  EXPECT_EQ(ex.author, "Ana Ruiz");
  EXPECT_EQ(ex.published, "2024-03-03T00:00:00Z");
  EXPECT_EQ(ex.text,
            "The hospital said its emergency department is accepting ambulances again after a week of diversions.\n\n"
            "Surgery schedules will return to normal next week, according to a statement from its director.");
}

TEST(PlainText, SectionHeadingsAndBulletsAreKept) {
  ParsedText ex = parse_plain_text(
      "Key Points\n- The regulator fined the company for failing to patch a known flaw.\n"
      "- The company said it would appeal the decision in court.\n"
      "The regulator announced the fine on Monday after an investigation that lasted two years.\n");
  EXPECT_EQ(ex.title, "The regulator fined the company for failing to patch a known flaw.");
  EXPECT_EQ(ex.text.rfind("Key Points\n\n- The regulator fined", 0), 0u);
}

TEST(PlainText, MarkdownH1IsTheTitle) {
  ParsedText ex = parse_plain_text(
      "Report\n# Breach at a logistics firm\n## Summary\nThe firm disclosed unauthorised access to its shipment "
      "tracking database on Friday.\n");
  EXPECT_EQ(ex.title, "Breach at a logistics firm");
  EXPECT_EQ(ex.text, "Summary\n\nThe firm disclosed unauthorised access to its shipment tracking database on Friday.");
}

TEST(PlainText, ProseIsNeverDropped) {
  // Every prose line survives, even short final sentences and ones that mention "cookies".
  std::string in =
      "The malware steals browser cookies and session tokens from infected machines.\n"
      "It was first seen in March.\n";
  ParsedText ex = parse_plain_text(in);
  EXPECT_NE(ex.text.find("steals browser cookies"), std::string::npos);
  EXPECT_NE(ex.text.find("It was first seen in March."), std::string::npos);
}

TEST(PlainText, BoilerplateLineClassifier) {
  for (const char* s : {"Share this article", "Advertisement", "Icon Icon News & Analysis Icon", "\xC2\xA9 2024 Example",
                        "Skip to main content", "Sign up for our newsletter"})
    EXPECT_TRUE(is_boilerplate_line(s)) << s;
  for (const char* s : {"The ministry said the attack began in 2022.", "Attribution", "NATO condemned the attack."})
    EXPECT_FALSE(is_boilerplate_line(s)) << s;
}

}  // namespace
}  // namespace dossier

namespace dossier {
namespace {

// Look-alikes of furniture that are content: a headline opening with "By the", and an advisory's
// "Recommended" section of bullets that do not end like sentences.
TEST(PlainText, HeadlinesAndSectionsThatLookLikeFurnitureAreKept) {
  ParsedText ex = parse_plain_text(
      "By the numbers: ransomware payments in the first quarter\n\n"
      "Payments to ransomware groups fell in the first quarter, according to figures from two negotiators.\n\n"
      "Recommended\n\n- Patch the file gateway to version 9.1\n- Rotate service account passwords\n\n"
      "The negotiators said fewer victims paid at all, and those who did paid less.\n");
  EXPECT_EQ(ex.title, "By the numbers: ransomware payments in the first quarter");
  EXPECT_EQ(ex.author, "");
  EXPECT_NE(ex.text.find("- Patch the file gateway to version 9.1"), std::string::npos) << ex.text;
  EXPECT_NE(ex.text.find("- Rotate service account passwords"), std::string::npos) << ex.text;
}

}  // namespace
}  // namespace dossier
