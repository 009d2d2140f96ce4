#include "dossier/util/fold.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cctype>
#include <cstdlib>
#include <unordered_map>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier {

std::string fold_name(std::string_view s) {
  // ASCII fast path (most names): the same result without Unicode decomposition.
  if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string r;
    r.reserve(s.size());
    bool space = false;
    for (unsigned char c : s) {
      if (ascii::is_alnum(c)) {
        if (space && !r.empty()) r.push_back(' ');
        space = false;
        r.push_back(static_cast<char>(ascii::to_lower(c)));
      } else {
        space = true;
      }
    }
    return r;
  }
  utf8proc_uint8_t* out = nullptr;
  std::string clean = sanitize_utf8(s);
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                                    static_cast<utf8proc_ssize_t>(clean.size()), &out,
                                    static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                                                   UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD));
  std::string folded = n >= 0 ? std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n)) : ascii_lower(clean);
  std::free(out);
  // Runs of anything but letters and digits (by Unicode category: apostrophes, dashes, quotes
  // included) become one space, so that a possessive ("China's") still contains the name ("china s")
  // and "Panda\u2014linked" is two words.
  std::string r;
  r.reserve(folded.size());
  bool space = false;
  size_t i = 0;
  while (i < folded.size()) {
    unsigned char c = folded[i];
    size_t len = 1;
    bool word;
    if (c < 0x80) {
      word = ascii::is_alnum(c) != 0;
    } else {
      utf8proc_int32_t cp = 0;
      utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(folded.data() + i),
                                            static_cast<utf8proc_ssize_t>(folded.size() - i), &cp);
      len = n > 0 ? static_cast<size_t>(n) : 1;
      utf8proc_category_t cat = n > 0 ? utf8proc_category(cp) : UTF8PROC_CATEGORY_CN;
      word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) || (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) ||
             (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
    }
    if (word) {
      if (space && !r.empty()) r.push_back(' ');
      space = false;
      r.append(folded, i, len);
    } else {
      space = true;
    }
    i += len;
  }
  return r;
}

FoldedText fold_with_offsets(std::string_view in) {
  FoldedText f;
  // Written through raw pointers into buffers sized for the ASCII case (one folded byte per input
  // byte, plus the two spaces); a non-ASCII character that folds longer grows them.
  size_t cap = in.size() + 2;
  f.folded.resize(cap);
  f.origin.resize(cap + 1);
  char* out = f.folded.data();
  uint32_t* org = f.origin.data();
  size_t o = 0;
  out[o] = ' ';
  org[o++] = 0;
  bool space = true;
  // Each ASCII byte's folded form: the lower-case letter or digit, or a space.
  static constexpr auto table = [] {
    std::array<char, 128> t{};
    for (int c = 0; c < 128; ++c) t[c] = ascii::is_alnum(c) ? static_cast<char>(ascii::to_lower(c)) : ' ';
    return t;
  }();
  static thread_local std::unordered_map<int32_t, std::string> cache;
  size_t i = 0;
  const size_t n_in = in.size();
  while (i < n_in) {
    unsigned char c = in[i];
    if (c < 0x80) {
      char fc = table[c];
      if (fc != ' ' || !space) {
        space = fc == ' ';
        out[o] = fc;
        org[o++] = static_cast<uint32_t>(i);
      }
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(in.data() + i),
                                          static_cast<utf8proc_ssize_t>(n_in - i), &cp);
    std::string_view folded = " ";
    size_t len = 1;
    if (n > 0) {
      auto it = cache.find(cp);
      if (it == cache.end()) {
        std::string one(in.substr(i, static_cast<size_t>(n)));
        std::string fo = fold_name(one);  // letters survive; punctuation folds to nothing
        it = cache.emplace(cp, fo.empty() ? std::string(" ") : fo).first;
      }
      folded = it->second;
      len = static_cast<size_t>(n);
    }
    // Room for this character's folding, what the rest of the input needs at most, and the final space.
    if (o + folded.size() + (n_in - i) + 2 > cap) {
      cap = std::max(cap * 2, o + folded.size() + (n_in - i) + 2);
      f.folded.resize(cap);
      f.origin.resize(cap + 1);
      out = f.folded.data();
      org = f.origin.data();
    }
    for (char fc : folded) {
      if (fc == ' ' && space) continue;
      space = fc == ' ';
      out[o] = fc;
      org[o++] = static_cast<uint32_t>(i);
    }
    i += len;
  }
  if (!space) {
    out[o] = ' ';
    org[o++] = static_cast<uint32_t>(n_in);
  }
  org[o] = static_cast<uint32_t>(n_in);
  f.folded.resize(o);
  f.origin.resize(o + 1);
  return f;
}

bool is_corporate_suffix(std::string_view w) {
  static constexpr std::string_view kSuffixes[] = {"inc", "incorporated", "corp", "corporation", "ltd", "limited", "plc", "llc",
                                                   "co", "company", "group", "holdings", "international", "ag", "sa", "gmbh",
                                                   "nv", "bv", "ab", "oy", "spa", "networks", "technologies"};
  return std::find(std::begin(kSuffixes), std::end(kSuffixes), w) != std::end(kSuffixes);
}

std::string without_corporate_suffix(std::string folded) {
  for (size_t space = folded.rfind(' '); space != std::string::npos && space > 0; space = folded.rfind(' ')) {
    if (!is_corporate_suffix(std::string_view(folded).substr(space + 1))) break;
    folded.resize(space);
  }
  return folded;
}

}  // namespace dossier
