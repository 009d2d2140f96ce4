#include "dossier/util/text.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

TEST(Text, CollapseWhitespaceFoldsUnicodeSpaces) {
  EXPECT_EQ(collapse_whitespace("  a\t\tb \xC2\xA0 c\xE2\x80\x89" "d\n"), "a b c d");
  EXPECT_EQ(collapse_whitespace("\xEF\xBB\xBFhello"), "hello");
  EXPECT_EQ(collapse_whitespace(""), "");
}

TEST(Text, SanitizeReplacesInvalidBytes) {
  EXPECT_EQ(sanitize_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(sanitize_utf8("bad \xC3 end"), "bad \xEF\xBF\xBD end");
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                                         // overlong
}

TEST(Text, TruncateWordsCutsOnWordBoundary) {
  EXPECT_EQ(truncate_words("short", 10), "short");
  EXPECT_EQ(truncate_words("the quick brown fox jumps", 12), "the quick...");
}

TEST(Text, EndsSentenceSeesThroughClosingQuotes) {
  EXPECT_TRUE(ends_sentence("He said so."));
  EXPECT_TRUE(ends_sentence("\xE2\x80\x9CIt is done.\xE2\x80\x9D"));
  EXPECT_TRUE(ends_sentence("Really?)"));
  EXPECT_FALSE(ends_sentence("A headline without a stop"));
}

TEST(Text, WordTokensLowercaseAndKeepNonAscii) {
  auto t = word_tokens("NÚKIB's report: 5.6.1!");
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0], "n\xC3\x9Akib");
  EXPECT_EQ(t[1], "s");
  EXPECT_EQ(t[3], "5");
}

TEST(Text, ContainsIcaseFindsEitherCaseAnywhere) {
  EXPECT_TRUE(contains_icase("Since last YEAR", "year"));
  EXPECT_TRUE(contains_icase("year", "YEAR"));
  EXPECT_TRUE(contains_icase("a.b dot c", " dot "));
  EXPECT_TRUE(contains_icase("yyyear", "year"));  // a failed candidate does not skip the next
  EXPECT_TRUE(contains_icase("9-11", "-1"));      // first byte without case
  EXPECT_TRUE(contains_icase("anything", ""));
  EXPECT_FALSE(contains_icase("yea", "year"));
  EXPECT_FALSE(contains_icase("the years", "yearz"));
  EXPECT_FALSE(contains_icase("ye ar", "year"));
  EXPECT_FALSE(contains_icase("", "y"));
}

}  // namespace
}  // namespace dossier
