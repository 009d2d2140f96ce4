// ASCII character classes as inline functions. Equivalent to <cctype> in the "C" locale (which
// dossier never changes) but without the locale look-up and call per character, and defined for
// any char value, negative ones included (bytes of UTF-8 sequences are never letters here).
#pragma once

namespace dossier::ascii {

constexpr bool is_upper(int c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(int c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_alpha(int c) { return is_upper(c) || is_lower(c); }
constexpr bool is_digit(int c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(int c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr bool is_xdigit(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
constexpr bool is_punct(int c) { return c > ' ' && c < 127 && !is_alnum(c); }
constexpr int to_lower(int c) { return is_upper(c) ? c + ('a' - 'A') : c; }
constexpr int to_upper(int c) { return is_lower(c) ? c - ('a' - 'A') : c; }

}  // namespace dossier::ascii
