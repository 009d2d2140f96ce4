#include "dossier/util/text.h"

#include "dossier/util/fold.h"

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

TEST(Text, FindIcaseIsTheFirstMatchAtOrAfterFrom) {
  EXPECT_EQ(find_icase("Indicators of Compromise; indicators OF compromise", "indicators of compromise"), 0u);
  EXPECT_EQ(find_icase("Indicators of Compromise; indicators OF compromise", "indicators of compromise", 1), 26u);
  EXPECT_EQ(find_icase("abc", "", 2), 2u);
  EXPECT_EQ(find_icase("abc", "c", 4), std::string_view::npos);
  // Against the definition, over every needle of a small alphabet in random texts.
  uint64_t x = 42;
  auto rnd = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  const std::string alphabet = "aAbBq -9";
  auto naive = [](std::string_view h, std::string_view n, size_t from) -> size_t {
    for (size_t i = from; i + n.size() <= h.size(); ++i)
      if (iequals(h.substr(i, n.size()), n)) return i;
    return std::string_view::npos;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string h, n;
    for (size_t i = rnd() % 24; i > 0; --i) h += alphabet[rnd() % alphabet.size()];
    for (size_t i = 1 + rnd() % 4; i > 0; --i) n += alphabet[rnd() % alphabet.size()];
    size_t from = rnd() % (h.size() + 2);
    ASSERT_EQ(find_icase(h, n, from), naive(h, n, from)) << "'" << h << "' '" << n << "' from " << from;
  }
}

}  // namespace
}  // namespace dossier

namespace {

// The folded text and, for each folded byte, the input it came from.
void expect_fold(std::string_view in, std::string_view folded) {
  dossier::FoldedText f = dossier::fold_with_offsets(in);
  EXPECT_EQ(f.folded, folded) << in;
  ASSERT_EQ(f.origin.size(), f.folded.size() + 1) << in;
  for (size_t i = 1; i < f.origin.size(); ++i) EXPECT_LE(f.origin[i - 1], f.origin[i]) << in << " at " << i;
  EXPECT_EQ(f.origin.back(), in.size());
}

}  // namespace

TEST(FoldWithOffsets, FoldsLikeNamesAndMapsBack) {
  expect_fold("", " ");
  expect_fold("NÚKIB, Lipavský!", " nukib lipavsky ");
  expect_fold("  China's  ", " china s ");
  dossier::FoldedText f = dossier::fold_with_offsets("Mr. Lipavský said");
  size_t at = f.folded.find("said");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(f.origin[at], std::string_view("Mr. Lipavský said").find("said"));  // past the two-byte ý
  EXPECT_EQ(f.origin[f.folded.find("lipavsky") + 7], std::string_view("Mr. Lipavský said").find("\xc3\xbd"));
}

TEST(FoldWithOffsets, CharactersThatFoldLongerGrowTheBuffers) {
  // U+FB01 (three bytes) folds to two letters; U+FDFA (three bytes) to eighteen bytes in four words.
  std::string ligatures;
  for (int i = 0; i < 50; ++i) ligatures += "\xef\xac\x81";
  dossier::FoldedText f = dossier::fold_with_offsets(ligatures);
  std::string fifty_fi;
  for (int i = 0; i < 50; ++i) fifty_fi += "fi";
  EXPECT_EQ(f.folded, " " + fifty_fi + " ");
  std::string wide;
  for (int i = 0; i < 40; ++i) wide += "\xef\xb7\xba";
  f = dossier::fold_with_offsets(wide);
  EXPECT_GT(f.folded.size(), 3 * wide.size());
  ASSERT_EQ(f.origin.size(), f.folded.size() + 1);
  EXPECT_EQ(f.origin.back(), wide.size());
  for (size_t i = 1; i < f.origin.size(); ++i) ASSERT_LE(f.origin[i - 1], f.origin[i]);
  // Bytes that are not UTF-8 become spaces.
  expect_fold("a\xff\xfe" "b", " a b ");
}
