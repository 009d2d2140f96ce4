// Words with their byte offsets: the one tokenizer of the project (people and organisations,
// proper names and dates all read words through it). A word is a run of word characters: ASCII
// letters and digits, and every non-ASCII character except Unicode's general punctuation
// (U+2000..U+206F: quotes, dashes, ellipsis). Rules say which inner punctuation continues a word
// ("U.S.", "AT&T", "Wi-Fi", "2023-24") and whether punctuation marks are tokens of their own.
// Offsets are into the text given, plus `base`; no token is empty, and tokens never overlap.
//
// for_each_token() hands each token to a callback (callers build their own word types without an
// intermediate vector: the tokenizer runs on every sentence of every article); tokenize()
// collects them.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "dossier/util/ascii.h"

namespace dossier {

struct Token {
  std::string_view text;
  size_t begin = 0, end = 0;  // byte offsets (plus base)
  bool word = true;           // false for a punctuation mark
};

struct TokenRules {
  std::string_view joiners;            // inner characters that continue a word when a word character follows
  bool joiners_between_digits = false;  // ... only between two digits ("2023-24")
  bool curly_apostrophe_joins = false;  // U+2019 followed by a letter continues a word ("EU’s")
  bool drop_possessive_s = false;       // "China's", "China’s": the lone "s" after the apostrophe is no word
  bool punctuation = false;             // every other non-space character is a token of its own
  bool skip_citation_markers = false;   // "[4]" is no token
};

// Whether the character starting at byte k is a word character (see above).
inline bool word_char_at(std::string_view s, size_t k) {
  auto c = static_cast<unsigned char>(s[k]);
  if (c < 0x80) return ascii::is_alnum(c) != 0;
  // U+2000..U+206F (E2 80 xx / E2 81 xx) is punctuation.
  return !(c == 0xE2 && k + 1 < s.size() && (static_cast<unsigned char>(s[k + 1]) == 0x80 || static_cast<unsigned char>(s[k + 1]) == 0x81));
}

namespace tokens_detail {

inline size_t utf8_length(unsigned char lead) { return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1; }

inline bool digit_at(std::string_view s, size_t k) { return k < s.size() && ascii::is_digit(static_cast<unsigned char>(s[k])); }

// "[12]": the length of a citation marker at k, or 0.
inline size_t citation_marker_at(std::string_view s, size_t k) {
  if (s[k] != '[') return 0;
  size_t j = k + 1;
  while (j < s.size() && ascii::is_digit(static_cast<unsigned char>(s[j]))) ++j;
  return j > k + 1 && j < s.size() && s[j] == ']' ? j + 1 - k : 0;
}

inline bool curly_apostrophe_at(std::string_view s, size_t k) {
  return k + 2 < s.size() && static_cast<unsigned char>(s[k]) == 0xE2 && static_cast<unsigned char>(s[k + 1]) == 0x80 &&
         static_cast<unsigned char>(s[k + 2]) == 0x99;
}

// Where the word starting at b ends.
inline size_t word_end(std::string_view s, size_t b, const TokenRules& rules) {
  size_t i = b;
  while (i < s.size()) {
    if (word_char_at(s, i)) {
      i += utf8_length(static_cast<unsigned char>(s[i]));
      continue;
    }
    if (s[i] != ' ' && !rules.joiners.empty() && rules.joiners.find(s[i]) != std::string_view::npos && i > b && i + 1 < s.size() &&
        word_char_at(s, i + 1) && (!rules.joiners_between_digits || (digit_at(s, i - 1) && digit_at(s, i + 1)))) {
      ++i;
      continue;
    }
    if (rules.curly_apostrophe_joins && curly_apostrophe_at(s, i) && i + 3 < s.size() &&
        ascii::is_alpha(static_cast<unsigned char>(s[i + 3]))) {
      i += 3;
      continue;
    }
    break;
  }
  return i < s.size() ? i : s.size();
}

}  // namespace tokens_detail

// Calls f(const Token&) for each token, in order.
template <typename F>
void for_each_token(std::string_view s, const TokenRules& rules, size_t base, F&& f) {
  using namespace tokens_detail;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (ascii::is_space(c)) {
      ++i;
      continue;
    }
    if (rules.skip_citation_markers)
      if (size_t n = citation_marker_at(s, i)) {
        i += n;
        continue;
      }
    if (!word_char_at(s, i)) {
      size_t n = c == 0xE2 && i + 2 < s.size() ? 3 : 1;
      if (rules.punctuation) f(Token{s.substr(i, n), base + i, base + i + n, false});
      i += n;
      continue;
    }
    size_t b = i;
    i = word_end(s, b, rules);
    std::string_view w = s.substr(b, i - b);
    bool possessive_s = rules.drop_possessive_s && w == "s" &&
                        ((b >= 1 && s[b - 1] == '\'') || (b >= 3 && s.substr(b - 3, 3) == "\xe2\x80\x99"));
    if (!possessive_s) f(Token{w, base + b, base + i, true});
  }
}

inline std::vector<Token> tokenize(std::string_view text, const TokenRules& rules, size_t base = 0) {
  std::vector<Token> out;
  for_each_token(text, rules, base, [&](const Token& t) { out.push_back(t); });
  return out;
}

}  // namespace dossier
