#include "dossier/extract/names.h"

#include <absl/container/flat_hash_set.h>
#include <utf8proc.h>

#include <algorithm>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/fold.h"
#include "dossier/util/terms.h"
#include "dossier/util/tokens.h"

namespace dossier {
namespace {

// Words of a sentence: letters, digits and inner & . - (AT&T, U.S., Wi-Fi). An apostrophe ends
// a word, and a possessive "s" after it is dropped.
using Word = Token;
std::vector<Word> words_of(std::string_view s, size_t base) {
  static constexpr TokenRules rules{"&.-", false, false, true, false, false};
  return tokenize(s, rules, base);
}

bool capitalised(std::string_view w) {
  utf8proc_int32_t cp = 0;
  if (utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(w.data()), static_cast<utf8proc_ssize_t>(w.size()), &cp) <= 0)
    return false;
  return utf8proc_isupper(cp);
}

bool calendar_word(const std::string& f) {
  static const std::unordered_set<std::string> words = {
      "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
      "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  return words.count(f) > 0;
}

// Role and generic words that are capitalised in names and titles but name nothing specific.
bool generic_name_word(const std::string& f) {
  static const std::unordered_set<std::string> words = {
      "minister", "president", "ambassador", "secretary", "director", "chief", "officer", "executive", "spokesperson",
      "foreign", "general", "deputy", "prime", "state", "national", "federal", "department", "ministry", "agency",
      "office", "service", "government", "police", "court", "senator", "official", "officials", "mr", "ms", "mrs", "dr",
      "inc", "ltd", "llc", "corp", "co", "group", "company", "the", "of", "and", "for", "in", "on", "at", "a", "an",
      "i", "it", "we", "he", "she", "they", "this", "that", "these", "those", "new", "read", "more", "update", "news",
      "cve", "ceo", "cto", "ciso", "ceo s"};
  return words.count(f) > 0;
}

bool connector(std::string_view w) { return w == "of" || w == "and" || w == "&" || w == "de" || w == "for" || w == "the"; }

}  // namespace

std::vector<std::string> proper_names(std::string_view text, const std::vector<Sentence>& sentences,
                                      const std::vector<EntityMention>& mentions, const KnowledgeBase& kb,
                                      const std::vector<std::pair<size_t, size_t>>& excluded) {
  std::vector<std::string> out;
  for (auto& n : proper_name_mentions(text, sentences, mentions, kb, excluded)) out.push_back(std::move(n.folded));
  return out;
}

std::vector<ProperName> proper_name_mentions(std::string_view text, const std::vector<Sentence>& sentences,
                                             const std::vector<EntityMention>& mentions, const KnowledgeBase& kb,
                                             const std::vector<std::pair<size_t, size_t>>& excluded) {
  struct Run {
    std::vector<std::string> folded;  // one per word
    std::vector<std::string_view> surface;
    bool sentence_initial;
  };
  std::vector<Run> runs;
  std::vector<std::string_view> lower_words;  // words written in lower case (views into the text)
  std::unordered_set<std::string> mid_sentence;  // folded words seen capitalised away from a sentence start
  std::vector<char> mask(text.size() + 1, 0);  // bytes inside KB entity mentions and excluded spans
  auto mark = [&](size_t b, size_t e) { std::fill(mask.begin() + static_cast<long>(std::min(b, text.size())), mask.begin() + static_cast<long>(std::min(e, text.size())), 1); };
  for (const auto& m : mentions)
    if (m.kind != EntityKind::Sector) mark(m.begin, m.end);
  for (const auto& [b, e] : excluded) mark(b, e);
  auto covered = [&](const Word& w) { return std::any_of(mask.begin() + static_cast<long>(w.begin), mask.begin() + static_cast<long>(w.end), [](char c) { return c != 0; }); };
  for (const auto& s : sentences) {
    if (s.heading) continue;
    auto words = words_of(text.substr(s.begin, s.end - s.begin), s.begin);
    // Only white space may separate two words of one name: a comma or a quote ends it.
    auto adjacent = [&](size_t j) {
      for (size_t k = words[j - 1].end; k < words[j].begin; ++k)
        if (!ascii::is_space(static_cast<unsigned char>(text[k]))) return false;
      return true;
    };
    auto digits_follow = [&](size_t j) {
      return j + 1 < words.size() && adjacent(j + 1) && ascii::is_digit(static_cast<unsigned char>(words[j + 1].text[0]));
    };
    // A word that can be part of a name: capitalised, not a KB entity, indicator or date.
    std::vector<char> nameable(words.size());
    for (size_t j = 0; j < words.size(); ++j) {
      if (!words[j].text.empty() && ascii::is_lower(static_cast<unsigned char>(words[j].text[0]))) lower_words.push_back(words[j].text);
      if (!capitalised(words[j].text) || covered(words[j])) continue;
      std::string f = fold_name(words[j].text);
      nameable[j] = !calendar_word(f) && !(digits_follow(j) && kb.is_common_word(f));  // "May 2023", "Version 5"
    }
    size_t i = 0;
    while (i < words.size()) {
      if (!nameable[i]) {
        ++i;
        continue;
      }
      Run r;
      r.sentence_initial = i == 0;
      r.folded.push_back(fold_name(words[i].text));
      r.surface.push_back(words[i].text);
      size_t j = i + 1;
      while (j < words.size() && adjacent(j)) {
        if (nameable[j]) {
          r.folded.push_back(fold_name(words[j].text));
          r.surface.push_back(words[j].text);
          ++j;
          continue;
        }
        // "Bank of America", "Office for Foreign Relations": a connector between two name words.
        if (connector(words[j].text) && j + 1 < words.size() && adjacent(j + 1) && nameable[j + 1]) {
          r.folded.push_back(std::string(words[j].text));
          r.surface.push_back(words[j].text);
          ++j;
          continue;
        }
        break;
      }
      // A leading function word ("The", "In") is not part of the name; what follows it is mid-sentence.
      while (!r.folded.empty() && (is_stop_word(r.folded.front()) || connector(r.folded.front()))) {
        r.folded.erase(r.folded.begin());
        r.surface.erase(r.surface.begin());
        r.sentence_initial = false;
      }
      if (!r.folded.empty() && r.folded.size() <= 6) {
        if (!r.sentence_initial)
          for (const auto& f : r.folded) mid_sentence.insert(f);
        runs.push_back(std::move(r));
      }
      i = j;
    }
  }
  // Which name words the text also writes in lower case: common nouns ("Ransomware" in a headline,
  // "ransomware" below). Only the runs' words are looked for, behind a cheap length and initial test.
  absl::flat_hash_set<std::string_view> candidates, lowercase;
  uint64_t lengths = 0;
  uint32_t initials = 0;
  for (const auto& r : runs)
    for (const auto& f : r.folded)
      if (!f.empty() && f.size() < 64 && ascii::is_lower(static_cast<unsigned char>(f[0]))) {
        candidates.insert(f);
        lengths |= uint64_t{1} << f.size();
        initials |= 1u << (f[0] - 'a');
      }
  for (std::string_view w : lower_words)
    if (w.size() < 64 && (lengths >> w.size() & 1) && (initials >> (w[0] - 'a') & 1) && candidates.contains(w)) lowercase.insert(w);
  std::vector<ProperName> out;
  for (const auto& r : runs) {
    // A single capitalised ordinary word opening a sentence is just that ("Investigators"); so is
    // one the text also writes in lower case ("Ransomware" in a headline, "ransomware" below).
    if (r.sentence_initial && r.folded.size() == 1 && kb.is_common_word(r.folded.front()) && !mid_sentence.count(r.folded.front()))
      continue;
    if (r.folded.size() == 1 && lowercase.count(r.folded.front())) continue;
    if (r.folded.size() >= 2) {
      std::string full, surface;
      for (size_t k = 0; k < r.folded.size(); ++k) {
        full += (full.empty() ? "" : " ") + r.folded[k];
        surface += (surface.empty() ? "" : " ") + std::string(r.surface[k]);
      }
      out.push_back(ProperName{full, surface});
    }
    for (size_t k = 0; k < r.folded.size(); ++k) {
      const auto& f = r.folded[k];
      if (f.size() >= 3 && !generic_name_word(f) && !connector(f) && !is_stop_word(f) && !lowercase.count(f) &&
          (r.folded.size() == 1 || !kb.is_common_word(f)))
        out.push_back(ProperName{f, std::string(r.surface[k])});
    }
  }
  return out;
}

}  // namespace dossier
