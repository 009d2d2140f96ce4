#include "dossier/util/fold.h"

#include <utf8proc.h>

#include <algorithm>
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
  f.folded.reserve(in.size() + 2);
  f.origin.reserve(in.size() + 2);
  f.folded.push_back(' ');
  f.origin.push_back(0);
  bool space = true;
  auto emit = [&](char c, size_t at) {
    if (c == ' ') {
      if (space) return;
      space = true;
    } else {
      space = false;
    }
    f.folded.push_back(c);
    f.origin.push_back(at);
  };
  static thread_local std::unordered_map<int32_t, std::string> cache;
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = in[i];
    if (c < 0x80) {
      if (ascii::is_alnum(c)) emit(static_cast<char>(ascii::to_lower(c)), i);
      else emit(' ', i);
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(in.data() + i),
                                          static_cast<utf8proc_ssize_t>(in.size() - i), &cp);
    if (n <= 0) {
      emit(' ', i);
      ++i;
      continue;
    }
    auto it = cache.find(cp);
    if (it == cache.end()) {
      std::string one(in.substr(i, static_cast<size_t>(n)));
      std::string folded = fold_name(one);  // letters survive; punctuation folds to nothing
      it = cache.emplace(cp, folded.empty() ? std::string(" ") : folded).first;
    }
    for (char fc : it->second) emit(fc, i);
    i += static_cast<size_t>(n);
  }
  if (!space) {
    f.folded.push_back(' ');
    f.origin.push_back(in.size());
  }
  f.origin.push_back(in.size());
  return f;
}

}  // namespace dossier
