#include "dossier/extract/sentences.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

bool is_abbreviation(std::string_view word) {
  static const char* abbr[] = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "corp", "co", "no",
                               "nos", "vs", "etc", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                               "sept", "oct", "nov", "dec", "gen", "col", "lt", "sgt", "rep", "sen", "gov", "pres", "mt",
                               "fig", "approx", "est", "dept", "univ", "ave", "capt", "cmdr", "adm", "rev", "hon", "art",
                               "ch", "sec", "vol", "op", "cf", "al"};
  if (word.empty() || word.size() > 6) return false;
  char buf[6];
  for (size_t i = 0; i < word.size(); ++i) buf[i] = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(word[i])));
  std::string_view w(buf, word.size());
  return std::any_of(std::begin(abbr), std::end(abbr), [&](const char* a) { return w == a; });
}

// "U.S", "U.K", "U.N", "E.U": dotted capitals, which may or may not end a sentence.
bool is_dotted_capitals(std::string_view word) {
  if (word.size() < 3) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (i % 2 == 0 && !ascii::is_upper(static_cast<unsigned char>(word[i]))) return false;
    if (i % 2 == 1 && word[i] != '.') return false;
  }
  return true;
}

bool starts_new_sentence(std::string_view next_word) {
  static const char* starters[] = {"The", "It", "In", "This", "A", "An", "He", "She", "They", "We", "But", "However",
                                   "Its", "Their", "That", "These", "Those", "On", "At", "According", "Officials",
                                   "Meanwhile", "Separately", "Earlier", "Later", "After", "Before", "When", "While"};
  return std::any_of(std::begin(starters), std::end(starters), [&](const char* s) { return next_word == s; });
}

size_t skip_utf8_quote_or_bracket(std::string_view t, size_t i) {
  if (i < t.size() && (t[i] == '"' || t[i] == '\'' || t[i] == ')' || t[i] == ']')) return i + 1;
  if (i + 2 < t.size() && static_cast<unsigned char>(t[i]) == 0xE2 && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(t[i + 2]) == 0x9D || static_cast<unsigned char>(t[i + 2]) == 0x99))
    return i + 3;
  return i;
}

bool opens_sentence(std::string_view t, size_t i) {
  if (i >= t.size()) return false;
  unsigned char c = t[i];
  if (ascii::is_upper(c) || ascii::is_digit(c) || c == '"' || c == '\'' || c == '(' || c == '[') return true;
  if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(t[i + 2]) == 0x9C || static_cast<unsigned char>(t[i + 2]) == 0x98))
    return true;  // opening curly quotes
  return c >= 0xC3 && c <= 0xC5;  // upper-case Latin letters with diacritics start with these bytes (approximate)
}

void split_paragraph(std::string_view text, size_t pb, size_t pe, size_t para, std::vector<Sentence>& out) {
  std::string_view p = text.substr(pb, pe - pb);
  std::string_view trimmed = trim_view(p);
  if (trimmed.empty()) return;
  bool list = trimmed.substr(0, 2) == "- ";
  bool heading = !list && has_at_most_words(trimmed, 12) && !ends_sentence(trimmed) && trimmed.back() != ':' && trimmed.back() != ',';
  if (heading) {
    out.push_back(Sentence{pb + p.find_first_not_of(" \t"), pe, para, true, false});
    return;
  }
  size_t start = pb;
  while (start < pe && ascii::is_space(static_cast<unsigned char>(text[start]))) ++start;
  for (size_t i = start; i < pe; ++i) {
    char c = text[i];
    bool stop = c == '.' || c == '!' || c == '?';
    size_t after = i + 1;
    if (!stop && static_cast<unsigned char>(c) == 0xE2 && i + 2 < pe && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0xA6) {  // an ellipsis
      stop = true;
      after = i + 3;
    }
    if (!stop) continue;
    size_t j = after;
    for (int k = 0; k < 2; ++k) j = skip_utf8_quote_or_bracket(text, j);
    if (j >= pe || !ascii::is_space(static_cast<unsigned char>(text[j]))) continue;
    size_t next = j;
    while (next < pe && ascii::is_space(static_cast<unsigned char>(text[next]))) ++next;
    if (next >= pe || !opens_sentence(text, next)) continue;
    if (c == '.') {
      size_t wb = i;
      while (wb > start && !ascii::is_space(static_cast<unsigned char>(text[wb - 1])) && text[wb - 1] != '(') --wb;
      std::string_view word = text.substr(wb, i - wb);
      size_t ne = next;
      while (ne < pe && ascii::is_alpha(static_cast<unsigned char>(text[ne]))) ++ne;
      std::string_view next_word = text.substr(next, ne - next);
      if (word.size() == 1 && ascii::is_upper(static_cast<unsigned char>(word[0]))) continue;  // an initial
      if (is_abbreviation(word)) continue;
      if (is_dotted_capitals(word) && !starts_new_sentence(next_word)) continue;
    }
    out.push_back(Sentence{start, j, para, false, list && out.empty()});
    start = next;
    i = next - 1;
  }
  size_t end = pe;
  while (end > start && ascii::is_space(static_cast<unsigned char>(text[end - 1]))) --end;
  if (end > start) out.push_back(Sentence{start, end, para, false, list});
}

}  // namespace

size_t sentence_index(const std::vector<Sentence>& sentences, size_t pos) {
  auto it = std::upper_bound(sentences.begin(), sentences.end(), pos, [](size_t p, const Sentence& s) { return p < s.begin; });
  return it == sentences.begin() ? 0 : static_cast<size_t>(it - sentences.begin() - 1);
}

std::vector<Sentence> split_sentences(std::string_view text) {
  std::vector<Sentence> out;
  size_t para = 0, pos = 0;
  while (pos < text.size()) {
    size_t brk = text.find("\n\n", pos);
    size_t pe = brk == std::string_view::npos ? text.size() : brk;
    size_t before = out.size();
    // A paragraph may hold several lines (bullets, headings kept on their own line).
    size_t lb = pos;
    while (lb < pe) {
      size_t nl = text.find('\n', lb);
      size_t le = nl == std::string_view::npos || nl > pe ? pe : nl;
      split_paragraph(text, lb, le, para, out);
      lb = le + 1;
    }
    for (size_t k = before; k < out.size(); ++k) {
      std::string_view s = text.substr(out[k].begin, out[k].end - out[k].begin);
      out[k].list_item = s.rfind("- ", 0) == 0;
    }
    if (out.size() > before) ++para;
    pos = pe + 2;
  }
  return out;
}

}  // namespace dossier
