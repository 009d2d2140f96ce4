#include "dossier/util/text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "dossier/util/ascii.h"

namespace dossier {
namespace {

// Length of the UTF-8 white-space sequence at s[i], or 0.
size_t space_len(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;  // NBSP
  if (c == 0xE2 && i + 2 < s.size()) {
    unsigned char c1 = s[i + 1], c2 = s[i + 2];
    if (c1 == 0x80 && ((c2 >= 0x80 && c2 <= 0x8B) || c2 == 0xAF || c2 == 0xA8 || c2 == 0xA9)) return 3;
    if (c1 == 0x81 && c2 == 0x9F) return 3;  // medium mathematical space
  }
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;  // ideographic space
  if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
      static_cast<unsigned char>(s[i + 2]) == 0xBF)
    return 3;  // BOM / zero-width no-break space
  return 0;
}

// Decodes one code point; returns its byte length, or 0 if the sequence is invalid.
size_t utf8_seq(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

}  // namespace

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (size_t i = 0; i < s.size();) {
    size_t n = space_len(s, i);
    if (n) {
      pending = true;
      i += n;
      continue;
    }
    if (pending && !out.empty()) out.push_back(' ');
    pending = false;
    out.push_back(s[i++]);
  }
  return out;
}

std::string trim(std::string_view s) { return std::string(trim_view(s)); }

std::string_view trim_view(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e) {
    size_t n = space_len(s, b);
    if (!n) break;
    b += n;
  }
  while (e > b) {
    unsigned char c = s[e - 1];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') { --e; continue; }
    if (e - b >= 2 && static_cast<unsigned char>(s[e - 2]) == 0xC2 && c == 0xA0) { e -= 2; continue; }
    break;
  }
  return s.substr(b, e - b);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii::to_lower(static_cast<unsigned char>(a[i])) != ascii::to_lower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool is_http_url(std::string_view s) { return starts_with_icase(s, "http://") || starts_with_icase(s, "https://"); }

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

namespace {

// How common a byte is in English prose, lower is rarer: letters by frequency, then digits and
// punctuation (rare), and the space (the most common of all).
int byte_commonness(unsigned char c) {
  static constexpr std::string_view kLetters = "qjzxkvbpygfwmucldrhsnioate";  // rarest first
  c = static_cast<unsigned char>(ascii::to_lower(c));
  if (ascii::is_lower(c)) return 10 + static_cast<int>(kLetters.find(static_cast<char>(c)));
  if (c == ' ') return 100;
  if (ascii::is_digit(c)) return 15;
  return 12;
}

}  // namespace

size_t find_icase(std::string_view haystack, std::string_view needle, size_t from) {
  if (from > haystack.size()) return std::string_view::npos;
  if (needle.empty()) return from;
  if (haystack.size() - from < needle.size()) return std::string_view::npos;
  // Candidates come from memchr on both cases of the needle's rarest byte, in order; each is
  // compared whole, case folded.
  size_t anchor = 0;
  for (size_t i = 1; i < needle.size(); ++i)
    if (byte_commonness(static_cast<unsigned char>(needle[i])) < byte_commonness(static_cast<unsigned char>(needle[anchor]))) anchor = i;
  const char lo = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(needle[anchor])));
  const char up = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(needle[anchor])));
  const char* base = haystack.data();
  // The anchor byte of a match starting at s is at s + anchor, for s in [from, last].
  const size_t last = haystack.size() - needle.size();
  const char* begin = base + from + anchor;
  const char* end = base + last + anchor + 1;
  auto next = [&](const char* p, char c) -> const char* {
    if (p >= end) return end;
    const void* q = std::memchr(p, c, static_cast<size_t>(end - p));
    return q ? static_cast<const char*>(q) : end;
  };
  const char* p_lo = next(begin, lo);
  const char* p_up = lo == up ? end : next(begin, up);
  while (p_lo < end || p_up < end) {
    const char* p = std::min(p_lo, p_up);
    size_t start = static_cast<size_t>(p - base) - anchor;
    if (iequals(haystack.substr(start, needle.size()), needle)) return start;
    if (p == p_lo) p_lo = next(p_lo + 1, lo);
    else p_up = next(p_up + 1, up);
  }
  return std::string_view::npos;
}

bool contains_icase(std::string_view haystack, std::string_view needle) { return find_icase(haystack, needle) != std::string_view::npos; }

std::vector<std::string> split_lines(std::string_view s) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '\n') {
      std::string_view line = s.substr(start, i - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (i < s.size() || !line.empty()) lines.emplace_back(line);
      start = i + 1;
    }
  }
  return lines;
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && ascii::is_space(static_cast<unsigned char>(s[i]))) ++i;
    size_t b = i;
    while (i < s.size() && !ascii::is_space(static_cast<unsigned char>(s[i]))) ++i;
    if (i > b) words.push_back(s.substr(b, i - b));
  }
  return words;
}

size_t count_words(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = ascii::is_space(static_cast<unsigned char>(c));
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}

bool has_at_most_words(std::string_view s, size_t limit) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = ascii::is_space(static_cast<unsigned char>(c));
    if (!sp && !in && ++n > limit) return false;
    in = !sp;
  }
  return true;
}

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    // Eight ASCII bytes at a time (most of any page).
    if (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    size_t n = utf8_seq(s, i);
    if (!n) return false;
    i += n;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_seq(s, i);
    if (n) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string truncate_words(std::string_view s, size_t max_chars) {
  if (utf8_length(s) <= max_chars) return std::string(s);
  size_t chars = 0, cut = 0, last_space = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) { cut = i; break; }
      ++chars;
    }
    if (s[i] == ' ') last_space = i;
  }
  if (!cut) cut = s.size();
  if (last_space > cut / 2) cut = last_space;
  std::string out = trim(s.substr(0, cut));
  while (!out.empty() && (out.back() == ',' || out.back() == ';' || out.back() == ':')) out.pop_back();
  return out + "...";
}

std::vector<std::string> word_tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : s) {
    if (ascii::is_alnum(c) || c >= 0x80) {
      cur.push_back(static_cast<char>(ascii::to_lower(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool ends_sentence(std::string_view s) {
  while (!s.empty()) {
    unsigned char c = s.back();
    if (c == '"' || c == '\'' || c == ')' || c == ']' || c == ' ') { s.remove_suffix(1); continue; }
    // closing curly quotes U+201D / U+2019 (E2 80 9D / E2 80 99)
    if (s.size() >= 3 && static_cast<unsigned char>(s[s.size() - 3]) == 0xE2 &&
        static_cast<unsigned char>(s[s.size() - 2]) == 0x80 &&
        (c == 0x9D || c == 0x99)) { s.remove_suffix(3); continue; }
    break;
  }
  if (s.empty()) return false;
  char c = s.back();
  if (c == '.' || c == '!' || c == '?') return true;
  // horizontal ellipsis U+2026
  return s.size() >= 3 && s.substr(s.size() - 3) == "\xE2\x80\xA6";
}

std::string json_escape_for_log(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out.push_back(c);
  }
  return out;
}

// A line that holds what looks like an indicator of compromise: a defanged value, a run of 32 or
// more hex digits (a hash), or a dotted address. Indicator tables at the end of a report are short
// lines, and they are the report's substance, not page furniture.
bool looks_like_indicator_line(std::string_view line) {
  for (const char* d : {"[.]", "(.)", "{.}", "[dot]", "(dot)", "hxxp", "[:]", "[@]", "[at]"})
    if (contains_icase(line, d)) return true;
  size_t hex = 0, dots = 0, digits = 0;
  for (char c : line) {
    hex = ascii::is_xdigit(static_cast<unsigned char>(c)) ? hex + 1 : 0;
    if (hex >= 32) return true;
    if (ascii::is_digit(static_cast<unsigned char>(c))) ++digits;
    else if (c == '.' && digits > 0) ++dots, digits = 0;
    else if (c == ' ' || c == '\t') dots = 0, digits = 0;
    else digits = 0;
    if (dots >= 3 && digits > 0) return true;  // 203.0.113.7
  }
  return false;
}

std::string escape_markup(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

bool is_linkable_url(std::string_view url) {
  if (!starts_with_icase(url, "http://") && !starts_with_icase(url, "https://")) return false;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == '\'' || c == '\\' || c == '`') return false;
  return true;
}

}  // namespace dossier
