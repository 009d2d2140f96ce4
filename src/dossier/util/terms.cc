#include "dossier/util/terms.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <libstemmer.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/fold.h"
#include "dossier/util/hash.h"

namespace dossier {
namespace {

// Snowball algorithm names by ISO 639-1 code (the languages libstemmer ships).
const char* snowball_algorithm(std::string_view lang) {
  static const std::pair<const char*, const char*> table[] = {
      {"en", "english"}, {"de", "german"},    {"fr", "french"},     {"es", "spanish"},   {"it", "italian"},
      {"pt", "portuguese"}, {"nl", "dutch"},  {"sv", "swedish"},    {"no", "norwegian"}, {"nb", "norwegian"},
      {"da", "danish"},  {"fi", "finnish"},   {"ru", "russian"},    {"hu", "hungarian"}, {"ro", "romanian"},
      {"tr", "turkish"}, {"el", "greek"},     {"ar", "arabic"},     {"id", "indonesian"}, {"ga", "irish"},
      {"lt", "lithuanian"}, {"ne", "nepali"}, {"sr", "serbian"},    {"ta", "tamil"},     {"hy", "armenian"},
      {"eu", "basque"},  {"ca", "catalan"},   {"yi", "yiddish"}};
  for (const auto& [code, name] : table)
    if (lang == code) return name;
  return "english";
}

// One stemmer per language and thread: a Snowball stemmer keeps state between calls.
class StemmerCache {
 public:
  ~StemmerCache() {
    for (auto& [name, s] : stemmers_)
      if (s) sb_stemmer_delete(s);
  }
  sb_stemmer* get(const char* algorithm) {
    auto it = stemmers_.find(algorithm);
    if (it != stemmers_.end()) return it->second;
    sb_stemmer* s = sb_stemmer_new(algorithm, nullptr);
    stemmers_.emplace(algorithm, s);
    return s;
  }

 private:
  std::unordered_map<std::string, sb_stemmer*> stemmers_;
};

}  // namespace

namespace {

struct Stemmed {
  std::string stem;
  uint64_t key;
};

// Words follow Zipf's law: most are seen again soon, so their stems are remembered (per language
// and thread, bounded).
const Stemmed& stemmed(std::string_view word, std::string_view language) {
  thread_local StemmerCache cache;
  thread_local absl::flat_hash_map<std::string, Stemmed> memo;
  thread_local std::string memo_language;
  if (language != memo_language || memo.size() > 200000) {
    memo.clear();
    memo_language = std::string(language);
  }
  if (auto it = memo.find(absl::string_view(word.data(), word.size())); it != memo.end()) return it->second;
  sb_stemmer* s = cache.get(snowball_algorithm(language));
  std::string stem(word);
  if (s) {
    const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (out) stem.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(sb_stemmer_length(s)));
  }
  uint64_t key = term_key(stem);
  return memo.emplace(std::string(word), Stemmed{std::move(stem), key}).first->second;
}

}  // namespace

std::string stem_word(std::string_view word, std::string_view language) { return stemmed(word, language).stem; }

// Keys only: a compact memo by a 64-bit hash of the word (16 bytes an entry, no strings), which
// stays in cache where the memo of stems would not.
uint64_t stem_key(std::string_view word, std::string_view language) {
  thread_local absl::flat_hash_map<uint64_t, uint64_t> keys;
  thread_local std::string keys_language;
  if (language != keys_language || keys.size() > 400000) {
    keys.clear();
    keys_language = std::string(language);
  }
  const uint64_t h = hash64(word, 0x6b6579);
  if (auto it = keys.find(h); it != keys.end()) return it->second;
  uint64_t key = stemmed(word, language).key;
  keys.emplace(h, key);
  return key;
}

bool is_stop_word(std::string_view w) {
  static const absl::flat_hash_set<absl::string_view> stops = {
      // English function words
      "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
      "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
      "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
      "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
      "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
      "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
      "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
      "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
      "would", "you", "your", "yours", "also", "may", "might", "must", "shall", "since", "still", "yet", "upon", "via",
      "within", "without", "across", "among", "amid", "onto", "per", "whether", "although", "though", "however", "s",
      "t", "don", "didn", "doesn", "isn", "wasn", "weren", "won", "can't", "cannot", "ve", "ll", "re", "d", "m",
      // reporting verbs and news fillers
      "said", "says", "say", "told", "tell", "according", "reported", "reports", "report", "reportedly", "added",
      "stated", "noted", "explained", "wrote", "asked", "claimed", "including", "include", "includes", "included",
      "one", "two", "three", "four", "five", "first", "second", "new", "last", "next", "many", "much", "several",
      "like", "well", "even", "already", "around", "another", "whose", "made", "make", "makes", "us", "mr", "ms",
      "mrs", "dr", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week", "weeks",
      "month", "months", "year", "years", "day", "days", "today", "yesterday", "ago", "early", "late", "later",
      "earlier", "recent", "recently", "according", "statement", "people", "time", "way", "part", "number"};
  if (w.size() > 12) return false;  // longer than any stop word
  return stops.contains(absl::string_view(w.data(), w.size()));
}

namespace {

// Calls `emit(folded word, begin, end)` for every content word of `text`.
template <typename Emit>
void for_each_content_word(std::string_view text, Emit emit) {
  FoldedText f = fold_with_offsets(text);
  const std::string& s = f.folded;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    std::string_view w(s.data() + i, j - i);
    bool digits = std::all_of(w.begin(), w.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); });
    if (w.size() >= 2 && !digits && !is_stop_word(w)) emit(w, f.origin[i], f.origin[j]);
    i = j;
  }
}

}  // namespace

std::vector<Term> content_terms(std::string_view text, std::string_view language) {
  std::vector<Term> out;
  for_each_content_word(text, [&](std::string_view w, size_t b, size_t e) { out.push_back(Term{stemmed(w, language).stem, b, e}); });
  return out;
}

std::vector<uint64_t> content_term_keys(std::string_view text, std::string_view language, size_t limit) {
  std::vector<uint64_t> out;
  for_each_content_word(text, [&](std::string_view w, size_t, size_t) {
    if (out.size() < limit) out.push_back(stem_key(w, language));
  });
  return out;
}

uint64_t term_key(std::string_view s) { return hash64(s, 0x7465726d); }

}  // namespace dossier
