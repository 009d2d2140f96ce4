#include "dossier/extract/sentences.h"

#include <gtest/gtest.h>

#include <string>

namespace dossier {
namespace {

std::vector<std::string> texts(std::string_view t) {
  std::vector<std::string> out;
  for (const auto& s : split_sentences(t)) out.emplace_back(t.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(Sentences, AbbreviationsInitialsAndCountries) {
  auto s = texts(
      "Dr. Jane R. Smith of the U.S. Embassy spoke on Jan. 5. The group, tracked as No. 7, was sanctioned by the U.S. "
      "It denied this. Sales rose 5.5 percent in the U.K. market.");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0], "Dr. Jane R. Smith of the U.S. Embassy spoke on Jan. 5.");
  EXPECT_EQ(s[1], "The group, tracked as No. 7, was sanctioned by the U.S.");
  EXPECT_EQ(s[2], "It denied this.");
  EXPECT_EQ(s[3], "Sales rose 5.5 percent in the U.K. market.");
}

TEST(Sentences, QuotesHeadingsAndLists) {
  std::string t =
      "Fallout and reactions\n\n"
      "\xE2\x80\x9CWe will respond,\xE2\x80\x9D the minister said. \xE2\x80\x9CThis is serious.\xE2\x80\x9D He left.\n\n"
      "- First point here.\n- Second point here.";
  auto all = split_sentences(t);
  auto s = texts(t);
  ASSERT_EQ(s.size(), 6u);
  EXPECT_TRUE(all[0].heading);
  EXPECT_EQ(s[0], "Fallout and reactions");
  EXPECT_EQ(s[1], "\xE2\x80\x9CWe will respond,\xE2\x80\x9D the minister said.");
  EXPECT_EQ(s[2], "\xE2\x80\x9CThis is serious.\xE2\x80\x9D");
  EXPECT_EQ(s[3], "He left.");
  EXPECT_TRUE(all[4].list_item);
  EXPECT_EQ(s[5], "- Second point here.");
  EXPECT_EQ(all[1].paragraph, 1u);
  EXPECT_EQ(all[4].paragraph, 2u);
}

TEST(Sentences, DomainsAndNumbersDoNotSplit) {
  auto s = texts("The site example.com served version 2.1 of the tool. It was removed.");
  ASSERT_EQ(s.size(), 2u);
}

}  // namespace
}  // namespace dossier
