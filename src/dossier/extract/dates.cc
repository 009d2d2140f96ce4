#include "dossier/extract/dates.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <unordered_map>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"
#include "dossier/util/tokens.h"

namespace dossier {
namespace {

struct Word {
  std::string lower;
  size_t begin, end;
};

// Words, lower-cased; a hyphen between digits continues one ("2023-24").
std::vector<Word> words_of(std::string_view s, size_t base) {
  static constexpr TokenRules rules{"-", true, false, false, false, false};
  std::vector<Word> out;
  for_each_token(s, rules, base, [&](const Token& t) { out.push_back(Word{ascii_lower(t.text), t.begin, t.end}); });
  return out;
}

int month_of(const std::string& w) {
  static const std::unordered_map<std::string_view, int> months = {
      {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6}, {"july", 7}, {"august", 8},
      {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4},
      {"jun", 6}, {"jul", 7}, {"aug", 8}, {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}};
  if (w.size() < 3 || w.size() > 9) return 0;
  auto it = months.find(w);
  return it == months.end() ? 0 : it->second;
}

int number(const std::string& w) {
  if (w.empty() || w.size() > 4) return -1;
  for (char c : w)
    if (!ascii::is_digit(static_cast<unsigned char>(c))) {
      // ordinals: 28th, 1st
      std::string d;
      size_t k = 0;
      while (k < w.size() && ascii::is_digit(static_cast<unsigned char>(w[k]))) d.push_back(w[k++]);
      std::string suf = w.substr(k);
      if (!d.empty() && (suf == "st" || suf == "nd" || suf == "rd" || suf == "th")) return std::stoi(d);
      return -1;
    }
  return std::stoi(w);
}

bool is_year(int n) { return n >= 1990 && n <= 2100; }

std::string fmt(int y, int m = 0, int d = 0) {
  char buf[16];
  if (d) std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  else if (m) std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  else std::snprintf(buf, sizeof buf, "%04d", y);
  return buf;
}

struct Cue {
  const char* word;
  const char* event;
};
const Cue kCues[] = {
    {"began", "began"},          {"begun", "began"},          {"started", "began"},        {"start", "began"},
    {"since", "began"},          {"dating", "began"},         {"active", "began"},         {"first", "began"},
    {"discovered", "discovered"}, {"detected", "discovered"}, {"identified", "discovered"}, {"noticed", "discovered"},
    {"uncovered", "discovered"}, {"found", "discovered"},     {"light", "discovered"},     {"disclosed", "disclosed"},
    {"announced", "disclosed"},  {"revealed", "disclosed"},   {"reported", "disclosed"},   {"confirmed", "disclosed"},
    {"published", "disclosed"},  {"said", "disclosed"},       {"statement", "disclosed"},  {"attributed", "attributed"},
    {"blamed", "attributed"},    {"accused", "attributed"},   {"named", "attributed"},     {"attribution", "attributed"},
    {"installed", "installed"},  {"deployed", "installed"},   {"introduced", "installed"}, {"switched", "installed"},
    {"place", "installed"},      {"sanctioned", "sanctioned"}, {"sanctions", "sanctioned"}, {"indicted", "sanctioned"},
    {"charged", "sanctioned"},   {"arrested", "arrested"},    {"patched", "patched"},      {"fixed", "patched"},
    {"contained", "contained"},  {"evicted", "contained"},    {"summoned", "disclosed"},   {"condemned", "disclosed"},
    {"told", "discovered"},      {"learned", "discovered"},   {"alerted", "discovered"},   {"notified", "discovered"},
};

// The event cue of a word, if it is one.
const char* cue_event(const std::string& w) {
  static const std::unordered_map<std::string_view, const char*> cues = [] {
    std::unordered_map<std::string_view, const char*> m;
    for (const auto& c : kCues) m.emplace(c.word, c.event);
    return m;
  }();
  auto it = cues.find(w);
  return it == cues.end() ? nullptr : it->second;
}

// The event of the nearest cue to word `at`, among the sentence's cue words (index, event).
std::string event_near(const std::vector<std::pair<size_t, const char*>>& cues, size_t at) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& [i, event] : cues) {
    size_t d = i > at ? i - at : at - i;
    // Cues before the date bind a little tighter than cues after it.
    if (i < at) d = d * 2 / 3;
    if (d < best_d) {
      best_d = d;
      best = event;
    }
  }
  return best;
}

// Whether a sentence can hold a date: a digit, or a word of the relative forms.
bool may_hold_date(std::string_view s) {
  // One pass: a digit, or one of the words "year", "month", "week", "day" in any case.
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (ascii::is_digit(c)) return true;
    switch (c | 0x20) {
      case 'y': if (iequals(s.substr(i, 4), "year")) return true; break;
      case 'm': if (iequals(s.substr(i, 5), "month")) return true; break;
      case 'w': if (iequals(s.substr(i, 4), "week")) return true; break;
      case 'd': if (iequals(s.substr(i, 3), "day")) return true; break;
      default: break;
    }
  }
  return false;
}

}  // namespace

std::vector<DateMention> find_dates(std::string_view text, const std::vector<Sentence>& sentences,
                                    std::optional<std::time_t> published) {
  std::vector<DateMention> out;
  std::tm pub{};
  if (published) gmtime_r(&*published, &pub);
  for (size_t si = 0; si < sentences.size(); ++si) {
    const Sentence& s = sentences[si];
    if (!may_hold_date(text.substr(s.begin, s.end - s.begin))) continue;
    auto ws = words_of(text.substr(s.begin, s.end - s.begin), s.begin);
    std::vector<std::pair<size_t, const char*>> cues;
    for (size_t i = 0; i < ws.size(); ++i)
      if (const char* e = cue_event(ws[i].lower)) cues.emplace_back(i, e);
    std::vector<bool> used(ws.size(), false);
    auto add = [&](size_t from, size_t to, std::string value, const char* gran, bool relative) {
      DateMention d;
      d.value = std::move(value);
      d.granularity = gran;
      d.begin = ws[from].begin;
      d.end = ws[to].end;
      d.text = std::string(text.substr(d.begin, d.end - d.begin));
      d.sentence = si;
      d.relative = relative;
      std::string prev = from > 0 ? ws[from - 1].lower : "";
      std::string prev2 = from > 1 ? ws[from - 2].lower : "";
      d.since = prev == "since" || prev2 == "since" || (prev == "to" && prev2 == "back") || prev == "from";
      d.event = d.since ? "began" : event_near(cues, from);
      for (size_t k = from; k <= to; ++k) used[k] = true;
      out.push_back(std::move(d));
    };
    for (size_t i = 0; i < ws.size(); ++i) {
      if (used[i]) continue;
      const std::string& w = ws[i].lower;
      // ISO date.
      if (w.size() == 10 && w[4] == '-' && w[7] == '-') {
        int y = std::atoi(w.c_str()), m = std::atoi(w.c_str() + 5), d = std::atoi(w.c_str() + 8);
        if (is_year(y) && m >= 1 && m <= 12 && d >= 1 && d <= 31) add(i, i, fmt(y, m, d), "day", false);
        continue;
      }
      int m = month_of(w);
      if (m && w == "may" && !(i + 1 < ws.size() && (number(ws[i + 1].lower) > 0))) m = 0;  // the verb "may"
      if (m) {
        // Month Day, Year | Month Year
        if (i + 2 < ws.size() && number(ws[i + 1].lower) >= 1 && number(ws[i + 1].lower) <= 31 && is_year(number(ws[i + 2].lower))) {
          add(i, i + 2, fmt(number(ws[i + 2].lower), m, number(ws[i + 1].lower)), "day", false);
          continue;
        }
        if (i + 1 < ws.size() && is_year(number(ws[i + 1].lower))) {
          add(i, i + 1, fmt(number(ws[i + 1].lower), m), "month", false);
          continue;
        }
        continue;
      }
      int n = number(w);
      // Day Month Year
      if (n >= 1 && n <= 31 && i + 2 < ws.size() && month_of(ws[i + 1].lower) && is_year(number(ws[i + 2].lower))) {
        add(i, i + 2, fmt(number(ws[i + 2].lower), month_of(ws[i + 1].lower), n), "day", false);
        continue;
      }
      // A year on its own, after a preposition that makes it a time ("in 2022", "since 2022").
      if (is_year(n) && w.size() == 4 && i > 0) {
        static const char* preps[] = {"in", "since", "from", "until", "by", "during", "of", "early", "late", "mid", "throughout", "before", "after", "to"};
        bool prep = false;
        for (const char* p : preps) prep |= ws[i - 1].lower == p;
        if (prep) add(i, i, fmt(n), "year", false);
        continue;
      }
      // Relative forms.
      auto rel = [&](size_t to, std::string value, const char* gran) { add(i, to, published ? std::move(value) : std::string(), gran, true); };
      if ((w == "last" || w == "this" || w == "next") && i + 1 < ws.size()) {
        const std::string& u = ws[i + 1].lower;
        int dy = w == "last" ? -1 : w == "next" ? 1 : 0;
        if (u == "year") { rel(i + 1, fmt(pub.tm_year + 1900 + dy), "year"); continue; }
        if (u == "month") {
          int mm = pub.tm_mon + dy, yy = pub.tm_year + 1900;
          if (mm < 0) { mm += 12; --yy; }
          if (mm > 11) { mm -= 12; ++yy; }
          rel(i + 1, fmt(yy, mm + 1), "month");
          continue;
        }
        if (u == "week") {
          std::time_t t = published ? *published + dy * 7 * 86400 : 0;
          std::tm x{};
          gmtime_r(&t, &x);
          rel(i + 1, fmt(x.tm_year + 1900, x.tm_mon + 1, x.tm_mday), "week");
          continue;
        }
      }
      if (w == "yesterday" || w == "today") {
        std::time_t t = published ? *published - (w == "yesterday" ? 86400 : 0) : 0;
        std::tm x{};
        gmtime_r(&t, &x);
        rel(i, fmt(x.tm_year + 1900, x.tm_mon + 1, x.tm_mday), "day");
        continue;
      }
      static const char* days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
      for (int d = 0; d < 7; ++d)
        if (w == days[d] && i > 0 && (ws[i - 1].lower == "on" || ws[i - 1].lower == "last")) {
          int back = (pub.tm_wday - d + 7) % 7;
          if (ws[i - 1].lower == "last" && back == 0) back = 7;
          std::time_t t = published ? *published - back * 86400 : 0;
          std::tm x{};
          gmtime_r(&t, &x);
          rel(i, fmt(x.tm_year + 1900, x.tm_mon + 1, x.tm_mday), "day");
          break;
        }
    }
  }
  return out;
}

}  // namespace dossier
