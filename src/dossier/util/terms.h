// Content terms of a text for similarity: case- and accent-folded words, stop words removed,
// Snowball-stemmed (Debian's libstemmer), so that "attackers", "attacked" and "attack" are one
// term. Used by the technique model (kb/technique_model.h) and by incident clustering.
//
// Stemmers are per thread (a Snowball stemmer is not thread-safe) and per language; an unknown
// language falls back to English. Invalid UTF-8 never crashes the tokenizer.
#pragma once

#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dossier {

// The Snowball stem of one lower-case word, for an ISO 639-1 language code ("en", "de", "und").
std::string stem_word(std::string_view word, std::string_view language = "en");

// True for English function words and the reporting verbs and fillers of news prose ("said",
// "according", "also"), which carry no information about what happened.
bool is_stop_word(std::string_view folded_word);

struct Term {
  std::string stem;
  size_t begin = 0, end = 0;  // byte span of the word in the input
};

// Folded, stemmed content words of `text` in order: words of letters and digits (an apostrophe or
// hyphen inside a word splits it), lower-cased and stripped of accents, without stop words, pure
// numbers or one-letter words.
std::vector<Term> content_terms(std::string_view text, std::string_view language = "en");

// The same words as term keys (term_key of each stem), at most `limit` of them.
std::vector<uint64_t> content_term_keys(std::string_view text, std::string_view language = "en", size_t limit = SIZE_MAX);

// 64-bit key of a term or of any feature string (hash of the text).
uint64_t term_key(std::string_view s);

// term_key(stem_word(word, language)), remembered like the stem.
uint64_t stem_key(std::string_view word, std::string_view language = "en");

// The key of a pair of terms (a bigram feature), from the terms' keys.
inline uint64_t pair_key(uint64_t first, uint64_t second) {
  uint64_t x = first * 0x9E3779B97F4A7C15ULL ^ ((second << 31) | (second >> 33));
  x ^= x >> 29;
  return x * 0xBF58476D1CE4E5B9ULL;
}

}  // namespace dossier
