// Words with their byte offsets: the one tokenizer of the project (people and organisations,
// proper names and dates all read words through it). A word is a run of word characters: ASCII
// letters and digits, and every non-ASCII character except Unicode's general punctuation
// (U+2000..U+206F: quotes, dashes, ellipsis). Rules say which inner punctuation continues a word
// ("U.S.", "AT&T", "Wi-Fi", "2023-24") and whether punctuation marks are tokens of their own.
// Offsets are into the text given, plus `base`; no token is empty, and tokens never overlap.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

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

std::vector<Token> tokenize(std::string_view text, const TokenRules& rules, size_t base = 0);

// Whether the character starting at byte k is a word character (see above).
bool word_char_at(std::string_view text, size_t k);

}  // namespace dossier
