// The one tokenizer (util/tokens.h) under each set of rules its callers use.
#include "dossier/util/tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dossier {
namespace {

std::vector<std::string> words(std::string_view s, const TokenRules& r) {
  std::vector<std::string> out;
  for (const auto& t : tokenize(s, r)) out.emplace_back(t.text);
  return out;
}

TEST(Tokens, WordCharactersAndGeneralPunctuation) {
  TokenRules plain;
  // Non-ASCII letters are word characters; curly quotes and dashes (U+2000..U+206F) are not.
  EXPECT_EQ(words("Lipavsk\xc3\xbd \xe2\x80\x9cquoted\xe2\x80\x9d 2023\xe2\x80\x93""24", plain),
            (std::vector<std::string>{"Lipavsk\xc3\xbd", "quoted", "2023", "24"}));
  EXPECT_TRUE(words("  ,;!? ", plain).empty());
}

TEST(Tokens, JoinersContinueAWordOnlyBeforeAWordCharacter) {
  TokenRules names{"&.-"};
  EXPECT_EQ(words("AT&T and U.S. officials on Wi-Fi - end.", names),
            (std::vector<std::string>{"AT&T", "and", "U.S", "officials", "on", "Wi-Fi", "end"}));
  TokenRules dates{"-", true};
  EXPECT_EQ(words("2023-24 and mid-May", dates), (std::vector<std::string>{"2023-24", "and", "mid", "May"}));
}

TEST(Tokens, PossessivesAndApostrophes) {
  TokenRules drop{"&.-", false, false, true};
  EXPECT_EQ(words("China's and China\xe2\x80\x99s ministry", drop),
            (std::vector<std::string>{"China", "and", "China", "ministry"}));
  TokenRules keep{"-'.", false, true};
  EXPECT_EQ(words("the EU\xe2\x80\x99s envoy and O'Brien", keep),
            (std::vector<std::string>{"the", "EU\xe2\x80\x99s", "envoy", "and", "O'Brien"}));
}

TEST(Tokens, PunctuationTokensAndCitationMarkers) {
  TokenRules r{"-'.", false, true, false, true, true};
  auto t = tokenize("the ambassador [1] [3], Feng Biao.", r, 100);
  std::vector<std::string> got;
  for (const auto& x : t) got.emplace_back(x.text);
  EXPECT_EQ(got, (std::vector<std::string>{"the", "ambassador", ",", "Feng", "Biao", "."}));
  EXPECT_EQ(t[2].begin, 100u + 22);  // offsets carry the base
  EXPECT_FALSE(t[2].word);
  EXPECT_TRUE(t[3].word);
  // A bracket that is no marker is punctuation like any other.
  auto u = tokenize("[x]", r);
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[0].text, "[");
}

TEST(Tokens, OffsetsCoverTheirTextAndNeverOverlap) {
  std::string s = "Ivanti's EPMM (CVE-2023-35078) hit 12 ministries\xe2\x80\xa6 in Norway.";
  for (const TokenRules& r : {TokenRules{}, TokenRules{"&.-"}, TokenRules{"-'.", false, true, false, true, true}}) {
    size_t last = 0;
    for (const auto& t : tokenize(s, r)) {
      ASSERT_LT(t.begin, t.end);
      ASSERT_GE(t.begin, last);
      EXPECT_EQ(std::string_view(s).substr(t.begin, t.end - t.begin), t.text);
      last = t.end;
    }
  }
}

}  // namespace
}  // namespace dossier
