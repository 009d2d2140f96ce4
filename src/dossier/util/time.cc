#include "dossier/util/time.h"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

const std::array<const char*, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                             "jul", "aug", "sep", "oct", "nov", "dec"};

int foreign_month(std::string_view w);

int month_from_word(std::string_view w) {
  if (w.size() < 3) return 0;
  if (int m = foreign_month(w)) return m;
  std::string lw = ascii_lower(w);
  while (!lw.empty() && (lw.back() == '.' || lw.back() == ',')) lw.pop_back();
  if (lw.size() < 3) return 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (lw.compare(0, 3, kMonths[i]) == 0) {
      // Accept the abbreviation or any prefix of the full name ("sept", "june").
      static const std::array<const char*, 12> full = {"january", "february", "march",     "april",
                                                       "may",     "june",     "july",      "august",
                                                       "september", "october", "november", "december"};
      std::string_view f = full[i];
      if (lw.size() <= f.size() && f.substr(0, lw.size()) == lw) return static_cast<int>(i) + 1;
      if (lw == "sept") return 9;
    }
  }
  return 0;
}

// Month names of the languages dossier reads news in, written out (nominative and, where the
// language declines them in dates, genitive: "16. dubna 2021", "5 lipca 2023"), lower case.
int foreign_month(std::string_view w) {
  static const std::array<std::array<const char*, 12>, 10> names = {{
      {"janvier", "f\xC3\xA9vrier", "mars", "avril", "mai", "juin", "juillet", "ao\xC3\xBBt", "septembre", "octobre", "novembre", "d\xC3\xA9" "cembre"},
      {"januar", "februar", "m\xC3\xA4rz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember"},
      {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
      {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
      {"janeiro", "fevereiro", "mar\xC3\xA7o", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
      {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
      {"leden", "\xC3\xBAnor", "b\xC5\x99" "ezen", "duben", "kv\xC4\x9Bten", "\xC4\x8D" "erven", "\xC4\x8D" "ervenec", "srpen", "z\xC3\xA1\xC5\x99\xC3\xAD", "\xC5\x99\xC3\xADjen", "listopad", "prosinec"},
      {"ledna", "\xC3\xBAnora", "b\xC5\x99" "ezna", "dubna", "kv\xC4\x9Btna", "\xC4\x8D" "ervna", "\xC4\x8D" "ervence", "srpna", "z\xC3\xA1\xC5\x99\xC3\xAD", "\xC5\x99\xC3\xADjna", "listopadu", "prosince"},
      {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "wrze\xC5\x9Bnia", "pa\xC5\xBA" "dziernika", "listopada", "grudnia"},
      {"janv", "f\xC3\xA9vr", "mars", "avr", "mai", "juin", "juil", "ao\xC3\xBBt", "sept", "oct", "nov", "d\xC3\xA9" "c"},
  }};
  std::string lw = ascii_lower(w);
  while (!lw.empty() && (lw.back() == '.' || lw.back() == ',')) lw.pop_back();
  for (const auto& lang : names)
    for (size_t i = 0; i < lang.size(); ++i)
      if (lw == lang[i]) return static_cast<int>(i) + 1;
  return 0;
}

bool valid_ymd(int y, int m, int d) { return y >= 1970 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }

std::time_t make_utc(int y, int mo, int d, int h, int mi, int s, long offset_seconds) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm) - offset_seconds;
}

// Named zones seen in feeds and bylines. Offsets in seconds east of UTC.
std::optional<long> zone_offset(std::string_view z) {
  std::string u;
  for (char c : z) u.push_back(static_cast<char>(ascii::to_upper(static_cast<unsigned char>(c))));
  struct Z { const char* name; long off; };
  static const Z zones[] = {{"Z", 0},          {"UT", 0},          {"UTC", 0},        {"GMT", 0},
                            {"EST", -5 * 3600}, {"EDT", -4 * 3600}, {"CST", -6 * 3600}, {"CDT", -5 * 3600},
                            {"MST", -7 * 3600}, {"MDT", -6 * 3600}, {"PST", -8 * 3600}, {"PDT", -7 * 3600},
                            {"CET", 3600},      {"CEST", 7200},     {"BST", 3600},      {"EET", 7200},
                            {"EEST", 10800},    {"MSK", 10800},     {"JST", 9 * 3600},  {"IST", 19800}};
  for (const auto& zz : zones)
    if (u == zz.name) return zz.off;
  if ((u.size() == 5 || u.size() == 6) && (u[0] == '+' || u[0] == '-')) {
    std::string digits;
    for (size_t i = 1; i < u.size(); ++i)
      if (ascii::is_digit(static_cast<unsigned char>(u[i]))) digits.push_back(u[i]);
      else if (u[i] != ':') return std::nullopt;
    if (digits.size() != 4) return std::nullopt;
    long hh = std::stol(digits.substr(0, 2)), mm = std::stol(digits.substr(2, 2));
    long off = hh * 3600 + mm * 60;
    return u[0] == '-' ? -off : off;
  }
  return std::nullopt;
}

struct Cursor {
  std::string_view s;
  size_t i = 0;
  void skip_space() { while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i; }
  bool done() const { return i >= s.size(); }
  std::optional<int> number(size_t min_digits, size_t max_digits) {
    size_t b = i;
    while (i < s.size() && ascii::is_digit(static_cast<unsigned char>(s[i])) && i - b < max_digits) ++i;
    if (i - b < min_digits) { i = b; return std::nullopt; }
    return std::atoi(std::string(s.substr(b, i - b)).c_str());
  }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) { ++i; return true; }
    return false;
  }
  std::string_view word() {
    size_t b = i;
    while (i < s.size() && (ascii::is_alpha(static_cast<unsigned char>(s[i])) || static_cast<unsigned char>(s[i]) >= 0x80 || s[i] == '.')) ++i;
    return s.substr(b, i - b);
  }
};

std::optional<std::time_t> parse_iso(std::string_view s) {
  Cursor c{s};
  auto y = c.number(4, 4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto mo = c.number(2, 2);
  if (!mo || !c.eat('-')) return std::nullopt;
  auto d = c.number(2, 2);
  if (!d || !valid_ymd(*y, *mo, *d)) return std::nullopt;
  int h = 0, mi = 0, sec = 0;
  long off = 0;
  if (c.eat('T') || c.eat('t') || c.eat(' ')) {
    auto hh = c.number(2, 2);
    if (!hh || !c.eat(':')) return std::nullopt;
    auto mm = c.number(2, 2);
    if (!mm) return std::nullopt;
    h = *hh;
    mi = *mm;
    if (c.eat(':')) {
      auto ss = c.number(2, 2);
      if (!ss) return std::nullopt;
      sec = *ss;
      if (c.eat('.') || c.eat(',')) c.number(1, 9);
    }
    c.skip_space();
    if (!c.done()) {
      auto z = zone_offset(s.substr(c.i));
      if (!z) return std::nullopt;
      off = *z;
      c.i = s.size();
    }
  }
  c.skip_space();
  if (!c.done()) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return make_utc(*y, *mo, *d, h, mi, sec, off);
}

// Optional "HH:MM[:SS] [am|pm] [ZONE]" tail. Returns false if the tail is not a time (cursor unchanged).
bool parse_time_tail(Cursor& c, int& h, int& mi, int& sec, long& off) {
  size_t save = c.i;
  c.skip_space();
  c.eat(',');
  c.skip_space();
  if (starts_with_icase(c.s.substr(c.i), "at ")) c.i += 3;
  auto hh = c.number(1, 2);
  if (!hh || !c.eat(':')) { c.i = save; return false; }
  auto mm = c.number(2, 2);
  if (!mm) { c.i = save; return false; }
  h = *hh;
  mi = *mm;
  sec = 0;
  if (c.eat(':')) {
    auto ss = c.number(2, 2);
    if (ss) sec = *ss;
  }
  size_t before_ampm = c.i;
  c.skip_space();
  std::string_view w = c.word();
  std::string lw = ascii_lower(w);
  if (lw == "am" || lw == "a.m." || lw == "pm" || lw == "p.m.") {
    if (lw[0] == 'p' && h < 12) h += 12;
    if (lw[0] == 'a' && h == 12) h = 0;
  } else {
    c.i = before_ampm;
  }
  size_t before_zone = c.i;
  c.skip_space();
  size_t zb = c.i;
  while (c.i < c.s.size() && !ascii::is_space(static_cast<unsigned char>(c.s[c.i])) && c.s[c.i] != ',' && c.s[c.i] != '|') ++c.i;
  auto z = zone_offset(c.s.substr(zb, c.i - zb));
  if (z) off = *z;
  else c.i = before_zone;
  return h <= 23 && mi <= 59 && sec <= 60;
}

// RFC 822: "[Wed,] 28 May 2025 10:15[:00] +0200". Also written "28 May 2025" and "May 28, 2025".
std::optional<std::time_t> parse_written(std::string_view s, bool allow_trailing) {
  Cursor c{s};
  c.skip_space();
  // Optional weekday.
  size_t save = c.i;
  std::string_view w = c.word();
  if (w.size() >= 3 && !month_from_word(w)) {
    c.eat(',');
    c.skip_space();
  } else {
    c.i = save;
  }
  int y = 0, mo = 0, d = 0;
  save = c.i;
  if (auto dd = c.number(1, 2)) {  // 28 May 2025, 28. Mai 2025, 28 de mayo de 2025
    c.eat('.');
    c.skip_space();
    auto skip_de = [&] {
      if (starts_with_icase(c.s.substr(c.i), "de ")) c.i += 3;
    };
    skip_de();
    mo = month_from_word(c.word());
    c.eat(',');
    c.skip_space();
    skip_de();
    auto yy = c.number(4, 4);
    if (!mo || !yy) return std::nullopt;
    d = *dd;
    y = *yy;
  } else {
    c.i = save;
    mo = month_from_word(c.word());  // May 28, 2025
    if (!mo) return std::nullopt;
    c.skip_space();
    auto day = c.number(1, 2);
    if (!day) return std::nullopt;
    // ordinal suffix
    if (c.i + 1 < s.size() && ascii::is_alpha(static_cast<unsigned char>(s[c.i]))) {
      std::string suf = ascii_lower(s.substr(c.i, 2));
      if (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") c.i += 2;
    }
    c.eat(',');
    c.skip_space();
    auto yy = c.number(4, 4);
    if (!yy) return std::nullopt;
    d = *day;
    y = *yy;
  }
  if (!valid_ymd(y, mo, d)) return std::nullopt;
  int h = 0, mi = 0, sec = 0;
  long off = 0;
  parse_time_tail(c, h, mi, sec, off);
  c.skip_space();
  if (!c.done() && !allow_trailing) {
    // Trailing text is allowed when it is separated by punctuation (e.g. "| Updated").
    char ch = s[c.i];
    if (ascii::is_alnum(static_cast<unsigned char>(ch))) return std::nullopt;
  }
  return make_utc(y, mo, d, h, mi, sec, off);
}

// Numeric dates written day first: "18.12.2021", "20/10/2022". With a slash, a first number
// above 12 is the day and a second one above 12 the day of a month-first date; when both could be
// either, the day comes first (the form most of the world writes).
std::optional<std::time_t> parse_numeric(std::string_view s, bool allow_trailing) {
  Cursor c{s};
  auto a = c.number(1, 2);
  if (!a) return std::nullopt;
  char sep = c.i < s.size() ? s[c.i] : 0;
  if (sep != '.' && sep != '/') return std::nullopt;
  ++c.i;
  auto b = c.number(1, 2);
  if (!b || !c.eat(sep)) return std::nullopt;
  auto y = c.number(4, 4);
  if (!y) return std::nullopt;
  if (c.i < s.size() && (ascii::is_alnum(static_cast<unsigned char>(s[c.i])) || s[c.i] == sep)) return std::nullopt;
  int d = *a, mo = *b;
  if (sep == '/' && *a <= 12 && *b > 12) std::swap(d, mo);
  if (!valid_ymd(*y, mo, d)) return std::nullopt;
  int h = 0, mi = 0, sec = 0;
  long off = 0;
  parse_time_tail(c, h, mi, sec, off);
  c.skip_space();
  if (!c.done() && !allow_trailing && ascii::is_alnum(static_cast<unsigned char>(s[c.i]))) return std::nullopt;
  return make_utc(*y, mo, d, h, mi, sec, off);
}

}  // namespace

std::optional<std::time_t> parse_datetime(std::string_view in) {
  std::string s = trim(in);
  if (s.empty()) return std::nullopt;
  if (auto t = parse_iso(s)) return t;
  if (auto t = parse_numeric(s, false)) return t;
  return parse_written(s, false);
}

std::optional<std::time_t> find_date_in_line(std::string_view line) {
  if (line.size() > 200) return std::nullopt;
  std::string s = collapse_whitespace(line);
  // Try every word start: the date may follow a label ("Published:", "By X |").
  for (size_t i = 0; i < s.size(); ++i) {
    auto letter = [](unsigned char ch) { return ascii::is_alnum(ch) || ch >= 0x80; };
    if (i > 0 && letter(static_cast<unsigned char>(s[i - 1]))) continue;
    if (!letter(static_cast<unsigned char>(s[i]))) continue;
    std::string_view rest = std::string_view(s).substr(i);
    if (ascii::is_digit(static_cast<unsigned char>(s[i])) && rest.size() >= 10) {
      // ISO date at this position: take the longest ISO-looking token.
      size_t e = 0;
      while (e < rest.size() && !ascii::is_space(static_cast<unsigned char>(rest[e]))) ++e;
      if (auto t = parse_iso(rest.substr(0, e))) return t;
      if (auto t = parse_iso(rest.substr(0, 10))) return t;
    }
    if (ascii::is_digit(static_cast<unsigned char>(s[i])) && (i == 0 || (s[i - 1] != '.' && s[i - 1] != '/')))
      if (auto t = parse_numeric(rest, true)) return t;
    if (auto t = parse_written(rest, true)) return t;
  }
  return std::nullopt;
}

std::string format_iso8601(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string now_iso8601() {
  return format_iso8601(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

std::optional<long> parse_duration_seconds(std::string_view s) {
  std::string t = trim(s);
  if (t.empty()) return std::nullopt;
  size_t i = 0;
  while (i < t.size() && ascii::is_digit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == 0) return std::nullopt;
  long n = std::stol(t.substr(0, i));
  std::string unit = ascii_lower(t.substr(i));
  if (unit.empty() || unit == "s") return n;
  if (unit == "m" || unit == "min") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  return std::nullopt;
}

}  // namespace dossier
