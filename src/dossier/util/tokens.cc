#include "dossier/util/tokens.h"

#include "dossier/util/ascii.h"

namespace dossier {
namespace {

size_t utf8_length(unsigned char lead) { return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1; }

bool is_digit_at(std::string_view s, size_t k) { return k < s.size() && ascii::is_digit(static_cast<unsigned char>(s[k])); }

// "[12]": the length of a citation marker at k, or 0.
size_t citation_marker_at(std::string_view s, size_t k) {
  if (s[k] != '[') return 0;
  size_t j = k + 1;
  while (j < s.size() && ascii::is_digit(static_cast<unsigned char>(s[j]))) ++j;
  return j > k + 1 && j < s.size() && s[j] == ']' ? j + 1 - k : 0;
}

bool curly_apostrophe_at(std::string_view s, size_t k) {
  return k + 2 < s.size() && static_cast<unsigned char>(s[k]) == 0xE2 && static_cast<unsigned char>(s[k + 1]) == 0x80 &&
         static_cast<unsigned char>(s[k + 2]) == 0x99;
}

// Where the word starting at b ends.
size_t word_end(std::string_view s, size_t b, const TokenRules& rules) {
  size_t i = b;
  while (i < s.size()) {
    if (word_char_at(s, i)) {
      i += utf8_length(static_cast<unsigned char>(s[i]));
      continue;
    }
    if (rules.joiners.find(s[i]) != std::string_view::npos && i > b && i + 1 < s.size() && word_char_at(s, i + 1) &&
        (!rules.joiners_between_digits || (is_digit_at(s, i - 1) && is_digit_at(s, i + 1)))) {
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

}  // namespace

bool word_char_at(std::string_view s, size_t k) {
  auto c = static_cast<unsigned char>(s[k]);
  if (c < 0x80) return ascii::is_alnum(c) != 0;
  // U+2000..U+206F (E2 80 xx / E2 81 xx) is punctuation.
  return !(c == 0xE2 && k + 1 < s.size() && (static_cast<unsigned char>(s[k + 1]) == 0x80 || static_cast<unsigned char>(s[k + 1]) == 0x81));
}

std::vector<Token> tokenize(std::string_view s, const TokenRules& rules, size_t base) {
  std::vector<Token> out;
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
      if (rules.punctuation) out.push_back(Token{s.substr(i, n), base + i, base + i + n, false});
      i += n;
      continue;
    }
    size_t b = i;
    i = word_end(s, b, rules);
    std::string_view w = s.substr(b, i - b);
    bool possessive_s = rules.drop_possessive_s && w == "s" &&
                        ((b >= 1 && s[b - 1] == '\'') || (b >= 3 && s.substr(b - 3, 3) == "\xe2\x80\x99"));
    if (!possessive_s) out.push_back(Token{w, base + b, base + i, true});
  }
  return out;
}

}  // namespace dossier
