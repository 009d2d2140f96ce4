#include "dossier/ingest/plaintext.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace {


std::string strip_list_marker(std::string_view line) {
  std::string s = trim(line);
  if (s.size() > 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') return trim(s.substr(2));
  if (s.compare(0, 3, "\xE2\x80\xA2") == 0) return trim(s.substr(3));  // bullet
  return s;
}

bool is_list_item(std::string_view line) {
  std::string s = trim(line);
  if (s.size() > 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') return true;
  if (s.compare(0, 3, "\xE2\x80\xA2") == 0) return true;
  size_t i = 0;
  while (i < s.size() && ascii::is_digit(static_cast<unsigned char>(s[i]))) ++i;
  return i > 0 && i < 4 && i + 1 < s.size() && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

bool is_markdown_heading(std::string_view line) {
  std::string s = trim(line);
  size_t i = 0;
  while (i < s.size() && s[i] == '#') ++i;
  return i >= 1 && i <= 6 && i < s.size() && s[i] == ' ';
}

std::string strip_markdown_heading(std::string_view line) {
  std::string s = trim(line);
  size_t i = 0;
  while (i < s.size() && s[i] == '#') ++i;
  return trim(s.substr(i));
}

bool is_reference_line(std::string_view line) {
  std::string s = trim(line);
  if (s.size() < 4 || s[0] != '[') return false;
  size_t i = 1;
  while (i < s.size() && ascii::is_digit(static_cast<unsigned char>(s[i]))) ++i;
  return i > 1 && i < s.size() && s[i] == ']';
}

// The parts of a header-like line, split at '|', '·', '•', dashes between spaces, tabs and wide
// gaps: "By Jo Bloggs | The Daily Packet | 12 April 2023", "11 Nov 2022 · 6 min read".
std::vector<std::string> line_parts(std::string_view raw) {
  std::vector<std::string> parts;
  std::string cur;
  auto flush = [&] {
    std::string t = trim(cur);
    if (!t.empty()) parts.push_back(collapse_whitespace(t));
    cur.clear();
  };
  for (size_t i = 0; i < raw.size();) {
    std::string_view rest = raw.substr(i);
    size_t sep = 0;
    if (rest[0] == '|' || rest[0] == '\t') sep = 1;
    else if (rest.size() >= 2 && rest[0] == ' ' && rest[1] == ' ') sep = 2;
    else if (rest.rfind("\xC2\xB7", 0) == 0) sep = 2;                                          // middle dot
    else if (rest.rfind("\xE2\x80\xA2", 0) == 0) sep = 3;                                      // bullet
    else if (rest.rfind(" \xE2\x80\x94 ", 0) == 0 || rest.rfind(" \xE2\x80\x93 ", 0) == 0) sep = 5;  // spaced dashes
    if (sep) {
      flush();
      i += sep;
    } else {
      cur.push_back(rest[0]);
      ++i;
    }
  }
  flush();
  return parts;
}

bool is_reading_furniture(std::string_view part) {
  std::string s = ascii_lower(part);
  auto words = split_words(s);
  if (words.empty() || words.size() > 4) return false;
  bool number = !words[0].empty() && ascii::is_digit(static_cast<unsigned char>(words[0][0]));
  if (!number) return s == "read time" || s == "min read";
  static const char* units[] = {"min", "mins", "minute", "minutes", "comments", "comment", "views", "shares", "replies"};
  for (const char* u : units)
    if (words.size() >= 2 && words[1] == u) return true;
  return false;
}

// The length of a byline's "By " in the languages dossier reads ("Par", "Von", "Por", "Di",
// "Door", "Autor:"), or 0.
size_t by_prefix(std::string_view part) {
  static const char* prefixes[] = {"by ", "par ", "von ", "por ", "di ", "door ", "autor: ", "autor ", "auteur : ", "auteur: ", "written by "};
  for (const char* p : prefixes)
    if (starts_with_icase(part, p)) return std::string_view(p).size();
  return 0;
}

struct HeaderLine {
  std::string author, outlet, published, url;
};

// A line that could be a person's name standing alone in a byline block ("Priya Raman").
bool looks_like_person_name(std::string_view line) {
  auto words = split_words(line);
  if (words.size() < 2 || words.size() > 4) return false;
  static const char* outlet_words[] = {"news", "daily", "weekly", "wire", "post", "times", "journal", "review", "desk",
                                       "digest", "bulletin", "media", "tech", "security", "cyber", "report", "herald",
                                       "tribune", "gazette", "magazine", "online", "today", "insider", "ledger", "intel",
                                       "research", "labs", "advisory", "team", "staff", "editors", "newsroom"};
  for (auto w : words) {
    std::string lw = ascii_lower(w);
    for (const char* o : outlet_words)
      if (lw == o) return false;
    unsigned char c = static_cast<unsigned char>(w[0]);
    if (!(ascii::is_upper(c) || c >= 0x80)) return false;
    for (unsigned char x : w)
      if (ascii::is_digit(x) || x == ':' || x == '&' || x == '|') return false;
    if (w.size() > 1 && ascii::is_upper(static_cast<unsigned char>(w[1])) && w.size() > 2) return false;  // acronyms
  }
  return true;
}

// A byline or dateline of a copied page or a plain-text article, its parts in any order: "By NAME",
// a date (optionally "Published:"/"Updated:"), a URL, reading furniture ("6 min read", "312
// comments") and at most one short name (the outlet). It must hold an author or a date.
bool parse_header_line(std::string_view line, HeaderLine* out) {
  std::string s = trim(line);
  if (s.empty() || count_words(s) > 16) return false;
  HeaderLine h;
  size_t unknown = 0;
  for (const std::string& part : line_parts(s)) {
    size_t words = count_words(part);
    size_t by = by_prefix(part);
    if (by) {
      std::string name = trim(part.substr(by));
      size_t cut = name.find(',');
      if (cut != std::string::npos) {
        // "By NAME, Saturday 24 September 2022, 09:12 BST"
        if (auto t = find_date_in_line(name.substr(cut + 1)); t && h.published.empty()) h.published = format_iso8601(*t);
        name = trim(name.substr(0, cut));
      }
      // A name starts with a capital ("By the numbers: ..." is a headline).
      if (name.empty() || count_words(name) > 5 || ends_sentence(name) || !h.author.empty() ||
          ascii::is_lower(static_cast<unsigned char>(name[0])))
        return false;
      h.author = name;
      continue;
    }
    if (starts_with_icase(part, "http://") || starts_with_icase(part, "https://") || starts_with_icase(part, "www.")) {
      if (words != 1) return false;
      if (h.url.empty()) h.url = part;
      continue;
    }
    if (is_reading_furniture(part)) continue;
    bool labelled = starts_with_icase(part, "published") || starts_with_icase(part, "updated") ||
                    starts_with_icase(part, "posted") || starts_with_icase(part, "date:");
    if (words <= (labelled ? 9u : 6u)) {
      if (auto t = find_date_in_line(part)) {
        if (h.published.empty()) h.published = format_iso8601(*t);
        continue;
      }
    }
    if (labelled && words <= 4) continue;  // "Updated 14:20 GMT"
    if (words > 6 || ends_sentence(part) || ++unknown > 1) return false;
    h.outlet = part;
  }
  if (h.author.empty() && h.published.empty()) return false;
  // Without a "By", a lone name beside the date is the author when it reads as a person's name.
  if (h.author.empty() && !h.outlet.empty() && looks_like_person_name(h.outlet)) h.author = std::exchange(h.outlet, {});
  if (out) *out = std::move(h);
  return true;
}

bool is_all_caps(std::string_view s) {
  bool upper = false;
  for (unsigned char c : s) {
    if (ascii::is_lower(c)) return false;
    upper |= ascii::is_upper(c);
  }
  return upper;
}

struct FrontMatter {
  bool present = false;
  size_t end_line = 0;  // first line after the closing ---
  ParsedText fields;
};

FrontMatter parse_front_matter(const std::vector<std::string>& lines) {
  FrontMatter fm;
  if (lines.empty() || trim(lines[0]) != "---") return fm;
  for (size_t i = 1; i < lines.size() && i < 40; ++i) {
    std::string l = trim(lines[i]);
    if (l == "---" || l == "...") {
      fm.present = true;
      fm.end_line = i + 1;
      return fm;
    }
    size_t colon = l.find(':');
    if (colon == std::string::npos) return FrontMatter{};
    std::string key = ascii_lower(trim(l.substr(0, colon)));
    std::string value = trim(l.substr(colon + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    auto& f = fm.fields;
    if (key == "title" || key == "headline") f.title = value;
    else if (key == "url" || key == "link" || key == "source_url" || key == "canonical") f.url = value;
    else if (key == "outlet" || key == "source" || key == "publication" || key == "site" || key == "publisher") f.outlet = value;
    else if (key == "author" || key == "by") f.author = value;
    else if (key == "date" || key == "published" || key == "published_at" || key == "pubdate") {
      if (auto t = parse_datetime(value)) f.published = format_iso8601(*t);
    } else if (key == "language" || key == "lang") f.language = value;
  }
  return FrontMatter{};
}

// A paragraph; `raw` keeps a one-line paragraph's original spacing (wide gaps separate the items
// of navigation and share bars).
struct Para {
  std::string text, raw;
};

// Groups lines into paragraphs. Within a blank-line block, hard-wrapped lines are joined; lines of
// a block that are each complete (list items, headings, sentences) stay separate paragraphs.
std::vector<Para> to_paragraphs(const std::vector<std::string>& lines) {
  std::vector<Para> paras;
  std::vector<std::pair<std::string, std::string>> block;  // collapsed, raw
  auto flush = [&] {
    if (block.empty()) return;
    // A hard-wrapped block has lines of a consistent width (all but the last near the longest, which
    // is at most ~100 columns). Blocks of one-line paragraphs vary far more, or run longer.
    size_t max_len = 0;
    for (const auto& l : block) max_len = std::max(max_len, utf8_length(l.first));
    bool wrapped = block.size() >= 2 && max_len >= 40 && max_len <= 100;
    for (size_t k = 0; wrapped && k + 1 < block.size(); ++k)
      if (utf8_length(block[k].first) * 10 < max_len * 6) wrapped = false;
    if (wrapped) {
      std::string joined;
      for (const auto& [l, raw] : block) {
        // Lines that stand alone by nature are never glued to their neighbours.
        if (is_list_item(l) || is_markdown_heading(l) || parse_header_line(raw, nullptr)) {
          if (!joined.empty()) paras.push_back({joined, joined});
          joined.clear();
          paras.push_back({l, raw});
          continue;
        }
        if (!joined.empty()) joined.push_back(' ');
        joined += l;
      }
      if (!joined.empty()) paras.push_back({joined, joined});
    } else {
      for (auto& [l, raw] : block) paras.push_back({std::move(l), std::move(raw)});
    }
    block.clear();
  };
  for (const auto& raw : lines) {
    std::string l = collapse_whitespace(raw);
    if (l.empty()) {
      flush();
      continue;
    }
    block.emplace_back(std::move(l), trim(raw));
  }
  flush();
  return paras;
}

std::string first_sentence(std::string_view para) {
  std::string s = strip_list_marker(para);
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' && i > 20) {
      // Not after a single capital letter (initials) or a common abbreviation.
      size_t wb = s.rfind(' ', i);
      std::string word = s.substr(wb == std::string::npos ? 0 : wb + 1, i - (wb == std::string::npos ? 0 : wb + 1));
      static const char* abbr[] = {"U.S", "Mr", "Mrs", "Ms", "Dr", "St", "No", "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "Inc", "Ltd", "Corp", "vs", "e.g", "i.e", "U.K", "U.N"};
      bool is_abbr = word.size() == 1;
      for (const char* a : abbr) is_abbr |= word == a;
      if (!is_abbr) return s.substr(0, i + 1);
    }
  }
  return s;
}

}  // namespace

bool is_boilerplate_line(std::string_view line) {
  std::string s = ascii_lower(collapse_whitespace(line));
  if (s.empty()) return true;
  // Lone symbols, bullets and separators.
  bool has_alnum = std::any_of(s.begin(), s.end(), [](unsigned char c) { return ascii::is_alnum(c) || c >= 0x80; });
  if (!has_alnum) return true;
  static const char* exact[] = {
      "icon", "menu", "search", "share", "share this", "share this article", "share this story", "share on facebook",
      "share on twitter", "share on linkedin", "tweet", "print", "email", "e-mail", "advertisement", "advertising",
      "sponsored", "sponsored content", "share on", "skip to content", "skip to main content", "sign in", "log in", "login",
      "sign up", "register", "subscribe", "subscribe now", "read more", "read next", "related", "related articles",
      "related posts", "related stories", "related content", "more stories", "more from", "you may also like",
      "most popular", "most read", "trending", "trending now", "newsletter", "back to top", "comments",
      "leave a comment", "leave a reply", "image", "main image", "news main image", "photo", "video", "listen",
      "close", "accept", "accept all", "reject all", "cookie settings", "follow us", "previous article",
      "next article", "previous", "next", "home", "loading...", "load more", "show more", "copy link", "copied",
      "facebook", "twitter", "linkedin", "whatsapp", "reddit", "telegram", "x", "rss", "toggle navigation"};
  for (const char* e : exact)
    if (s == e) return true;
  if (s.rfind("\xc2\xa9", 0) == 0 || s.rfind("copyright ", 0) == 0 || s.find("all rights reserved") != std::string::npos)
    return true;
  size_t words = count_words(s);
  auto has = [&](const char* x) { return s.find(x) != std::string::npos; };
  // Cookie notices speak to the reader about "our" use of cookies.
  if (has("cookie") && words <= 60 &&
      (has("accept") || has("consent") || has("we use") || has("use cookies") || has("use of cookies") ||
       has("[ok]") || has("cookie settings") || has("cookie policy") || (has("privacy") && (has("we ") || has("our ")))))
    return true;
  if (words <= 60 && (has("privacy choices") || has("[accept") || has("[reject") || has("[got it]") ||
                      (has("our partners") && (has("store") || has("access information")))))
    return true;
  // Newsletter boxes and comment counters.
  if (words <= 40 && (has("[subscribe]") || has("[sign up]") || has("[email address]") || has("enter your email") ||
                      has("in your inbox") || has("unsubscribe at any time") || has("sign up for our")))
    return true;
  if (s == "view all comments" || s == "show comments" || s == "load comments" || s == "join the conversation" ||
      s == "sign in to join the conversation" || s == "log in to comment" || s == "about the author")
    return true;
  if (words == 2 && ascii::is_digit(static_cast<unsigned char>(s[0])) && (has(" comments") || has(" comment")))
    return true;
  static const char* starts[] = {"share on:", "share on ", "sign up for", "subscribe to our", "subscribe to the", "follow us on", "share this",
                                 "click here to", "read also:", "read more:", "more on this story", "see also:", "related:", "tags:",
                                 "topics:", "filed under", "image:", "photo:", "image credit", "photo credit",
                                 "(image", "(photo", "getty images", "advertisement"};
  for (const char* st : starts)
    if (s.rfind(st, 0) == 0 && count_words(s) <= 14) return true;
  // Short lines made of navigation words ("Icon Icon News & Analysis Icon").
  if (words <= 6 && !ends_sentence(s) && !looks_like_indicator_line(s)) {
    static const char* nav[] = {"icon", "icons", "image", "newsroom", "menu", "login", "logo", "thumbnail", "placeholder"};
    for (auto w : split_words(s))
      for (const char* n : nav)
        if (w == n) return true;  // whole words: "ICONIC Stealer" is no icon
  }
  return false;
}

bool is_prose_line(std::string_view line) {
  std::string s = strip_list_marker(line);
  size_t w = count_words(s);
  return w >= 10 || (w >= 5 && ends_sentence(s));
}

namespace {

std::string heading_key(std::string_view line) {
  std::string s = ascii_lower(strip_markdown_heading(line));
  while (!s.empty() && (s.back() == ':' || s.back() == '.')) s.pop_back();
  return s;
}

// Headings that structure a document and introduce its prose.
bool is_section_heading(std::string_view line) {
  static const char* section[] = {"key points", "key takeaways", "takeaways", "highlights", "introduction", "summary",
                                  "executive summary", "overview", "abstract", "description", "background",
                                  "conclusion", "conclusions", "references", "sources", "at a glance", "in brief",
                                  "tl;dr", "details", "what happened", "timeline", "recommendations", "mitigations",
                                  "indicators of compromise", "iocs"};
  std::string s = heading_key(line);
  for (const char* g : section)
    if (s == g) return true;
  return false;
}

}  // namespace

bool is_generic_heading(std::string_view line) {
  if (is_section_heading(line)) return true;
  static const char* labels[] = {"full report", "full story", "analysis summary", "analysis", "report", "news",
                                 "breaking news", "update", "updates", "news & analysis", "news and analysis",
                                 "exclusive", "opinion", "feature", "latest"};
  std::string s = heading_key(line);
  for (const char* g : labels)
    if (s == g) return true;
  return false;
}

namespace {

bool mentions_technical_token(std::string_view s) {
  for (size_t i = 0; i + 4 < s.size(); ++i) {
    if ((s[i] == 'T' || s[i] == 't') && ascii::is_digit(static_cast<unsigned char>(s[i + 1])) &&
        ascii::is_digit(static_cast<unsigned char>(s[i + 4])))
      return true;
  }
  return s.find("CVE-") != std::string_view::npos || looks_like_indicator_line(s);
}

// A navigation, share or footer bar: three or more short items ("News | Breaches | Podcast",
// "Markets   Energy   Tech", "Pty Ltd · Contact · Privacy · Terms"). Tables and lines that
// name techniques, CVEs or indicators are content.
bool is_item_bar(const Para& p) {
  if (p.raw.empty() || p.raw[0] == '|' || ends_sentence(p.text) || mentions_technical_token(p.text)) return false;
  std::vector<std::string> parts = line_parts(p.raw);
  if (parts.size() < 3) return false;
  size_t short_parts = 0;
  for (const auto& part : parts) {
    size_t w = count_words(part);
    if (w > 8) return false;
    if (w <= 3) ++short_parts;
  }
  return short_parts * 3 >= parts.size() * 2;
}

// Headings after which a copied page lists other stories, not the article.
bool is_link_list_heading(std::string_view line) {
  static const char* headings[] = {"related", "related articles", "related posts", "related stories", "related content",
                                   "related news", "read more", "read next", "more stories", "more news",
                                   "you may also like", "you might also like", "recommended for you",
                                   "most popular", "most read", "trending", "latest news",
                                   "more from this author", "editor's picks", "top stories"};
  std::string s = heading_key(line);
  for (const char* h : headings)
    if (s == h) return true;
  return false;
}

// Marks the paragraphs of a copied page that are furniture: bars, notices and boxes anywhere, the
// author's bio after "About the author", and the headlines listed under "Related" and its kin.
std::vector<bool> furniture(const std::vector<Para>& paras) {
  std::vector<bool> out(paras.size(), false);
  for (size_t i = 0; i < paras.size(); ++i) {
    const Para& p = paras[i];
    if (parse_header_line(p.raw, nullptr)) continue;
    if (is_boilerplate_line(p.text) || is_item_bar(p)) out[i] = true;
    std::string key = heading_key(p.text);
    if (key == "about the author" || key == "about the authors" || starts_with_icase(p.text, "about the author ")) {
      out[i] = true;
      // The bio is the next paragraph when the heading stands alone.
      if (key.size() <= 17 && i + 1 < paras.size() && count_words(paras[i + 1].text) <= 70) out[++i] = true;
      continue;
    }
    if (is_link_list_heading(p.text)) {
      out[i] = true;
      for (size_t j = i + 1; j < paras.size() && j <= i + 12; ++j) {
        const std::string& q = paras[j].text;
        if (ends_sentence(q) && is_prose_line(q)) break;
        out[j] = true;
        i = j;
      }
    }
  }
  return out;
}

bool can_be_title(std::string_view p) {
  size_t w = count_words(p);
  return w >= 2 && w <= 25 && !ends_sentence(p) && !is_generic_heading(p) && !is_markdown_heading(p) &&
         !is_list_item(p) && !parse_header_line(p, nullptr) && p.back() != ':';
}

}  // namespace

ParsedText parse_plain_text(std::string_view utf8_text) {
  ParsedText out;
  std::vector<std::string> lines = split_lines(utf8_text);
  FrontMatter fm = parse_front_matter(lines);
  if (fm.present) {
    out = fm.fields;
    lines.erase(lines.begin(), lines.begin() + static_cast<long>(fm.end_line));
  }
  std::vector<Para> paras;
  {
    std::vector<Para> all = to_paragraphs(lines);
    std::vector<bool> skip = furniture(all);
    for (size_t i = 0; i < all.size(); ++i)
      if (!skip[i]) paras.push_back(std::move(all[i]));
  }

  // Lead: everything before the first prose paragraph. Tail: everything after the last one. The
  // first sentence-like paragraph ends the search for the title (a long headline without a full
  // stop reads as prose, but is still the title).
  size_t first_prose = paras.size(), last_prose = 0, first_sentence_para = paras.size();
  for (size_t i = 0; i < paras.size(); ++i) {
    if (is_prose_line(paras[i].text)) {
      if (first_prose == paras.size()) first_prose = i;
      last_prose = i;
      if (first_sentence_para == paras.size() && ends_sentence(paras[i].text)) first_sentence_para = i;
    }
  }

  // The header block: the first byline or dateline above the body, and a lone name just above it.
  size_t header = paras.size(), title_index = paras.size(), author_index = paras.size();
  for (size_t i = 0; i < paras.size() && i <= first_sentence_para + 2 && i < 40; ++i) {
    HeaderLine h;
    if (!parse_header_line(paras[i].raw, &h)) continue;
    if (header == paras.size()) header = i;
    if (out.author.empty() && !h.author.empty()) out.author = h.author;
    if (out.published.empty() && !h.published.empty()) out.published = h.published;
    if (out.outlet.empty() && !h.outlet.empty()) out.outlet = h.outlet;
    if (out.url.empty() && !h.url.empty()) out.url = h.url;
    if (out.author.empty() && i > 0 && i - 1 != header && looks_like_person_name(paras[i - 1].text) &&
        i >= 2 && can_be_title(paras[i - 2].text)) {
      out.author = paras[i - 1].text;
      author_index = i - 1;
    }
  }
  // The headline: the last title-like line above the header block (kickers and mastheads in capitals
  // come first on copied pages); without a header block, the first title-like line. A Markdown H1
  // near the top wins over both.
  size_t md_index = paras.size();
  for (size_t i = 0; i < paras.size() && i < 8; ++i)
    if (paras[i].text.size() > 2 && paras[i].text[0] == '#' && paras[i].text[1] == ' ' && !is_generic_heading(paras[i].text)) {
      md_index = i;
      break;
    }
  {
    size_t limit = std::min(first_sentence_para, header);
    size_t first_any = paras.size(), first_mixed = paras.size(), last_mixed = paras.size();
    for (size_t i = 0; i < limit; ++i) {
      if (i == author_index || !can_be_title(paras[i].text)) continue;
      if (first_any == paras.size()) first_any = i;
      if (!is_all_caps(paras[i].text)) {
        if (first_mixed == paras.size()) first_mixed = i;
        last_mixed = i;
      }
    }
    if (header < paras.size() && last_mixed < paras.size()) title_index = last_mixed;
    else if (first_mixed < paras.size()) title_index = first_mixed;
    else title_index = first_any;
    // A single line followed by nothing is text, not a title.
    if (title_index + 1 >= paras.size() && title_index != paras.size()) title_index = paras.size();
    // With a title from front matter or an H1, a title-like line is body text unless it opens the
    // document or repeats that title.
    bool titled = !out.title.empty() || md_index < paras.size();
    if (titled && title_index < paras.size() && title_index != 0 && paras[title_index].text != out.title)
      title_index = paras.size();
  }

  std::vector<std::string> kept;
  for (size_t i = 0; i < paras.size(); ++i) {
    const std::string& p = paras[i].text;
    bool in_lead = i < first_prose;
    bool in_tail = first_prose < paras.size() && i > last_prose;
    if (i == md_index) continue;  // an H1 near the top is the title, not body text
    if (i == title_index || i == author_index) continue;
    if (!out.author.empty() && starts_with_icase(p, "about " + out.author) && count_words(p) <= 60) continue;  // the author's bio
    if ((in_lead || i <= first_sentence_para + 2) && parse_header_line(paras[i].raw, nullptr)) continue;
    if (in_lead) {
      // Short lead lines are furniture (mastheads, kickers) unless they are section headings that
      // introduce prose.
      bool introduces_prose = i + 1 < paras.size() && is_prose_line(paras[i + 1].text);
      if (count_words(p) <= 4 && !((is_section_heading(p) || is_markdown_heading(p)) && introduces_prose)) continue;
    }
    if (in_tail && !is_reference_line(p) && !is_section_heading(p) && !is_markdown_heading(p) && count_words(p) <= 6 &&
        !looks_like_indicator_line(p))
      continue;
    kept.push_back(is_markdown_heading(p) ? strip_markdown_heading(p) : p);
  }

  if (out.title.empty()) {
    if (md_index < paras.size()) out.title = strip_markdown_heading(paras[md_index].text);
    else if (title_index < paras.size()) out.title = paras[title_index].text;
  }
  if (out.title.empty()) {
    for (const auto& p : kept)
      if (is_prose_line(p)) {
        out.title = truncate_words(first_sentence(p), 160);
        break;
      }
  }
  std::string text;
  for (const auto& p : kept) {
    if (!text.empty()) text += "\n\n";
    text += p;
  }
  out.text = std::move(text);
  out.title = collapse_whitespace(out.title);
  return out;
}

}  // namespace dossier
