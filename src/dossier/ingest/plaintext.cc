#include "dossier/ingest/plaintext.h"

#include <algorithm>
#include <cctype>
#include <string>
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

// A short line in the lead that carries the publication date ("May 28, 2025", "Published 28 May 2025").
bool is_date_line(std::string_view line, std::string* iso) {
  std::string s = trim(line);
  if (s.empty() || count_words(s) > 12 || ends_sentence(s)) return false;
  auto t = find_date_in_line(s);
  if (!t) return false;
  // Most of the line must be the date and its label, not a headline that mentions a date.
  if (count_words(s) > 7 && !starts_with_icase(s, "published") && !starts_with_icase(s, "updated") &&
      !starts_with_icase(s, "posted") && !starts_with_icase(s, "by "))
    return false;
  if (iso) *iso = format_iso8601(*t);
  return true;
}

bool is_byline(std::string_view line, std::string* author) {
  std::string s = trim(line);
  if (!starts_with_icase(s, "by ") || count_words(s) > 10 || ends_sentence(s)) return false;
  std::string name = trim(s.substr(3));
  size_t cut = name.find_first_of("|,\xE2");  // '|' ',' or an em dash / bullet (UTF-8 lead byte E2)
  if (cut != std::string::npos) name = trim(name.substr(0, cut));
  if (name.empty() || count_words(name) > 5) return false;
  if (author) *author = name;
  return true;
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

struct Line {
  std::string text;
  bool blank = false;
};

// Groups lines into paragraphs. Within a blank-line block, hard-wrapped lines are joined; lines of
// a block that are each complete (list items, headings, sentences) stay separate paragraphs.
std::vector<std::string> to_paragraphs(const std::vector<std::string>& lines) {
  std::vector<std::string> paras;
  std::vector<std::string> block;
  auto flush = [&] {
    if (block.empty()) return;
    // A hard-wrapped block has lines of a consistent width (all but the last near the longest, which
    // is at most ~100 columns). Blocks of one-line paragraphs vary far more, or run longer.
    size_t max_len = 0;
    for (const auto& l : block) max_len = std::max(max_len, utf8_length(l));
    bool wrapped = block.size() >= 2 && max_len >= 40 && max_len <= 100;
    for (size_t k = 0; wrapped && k + 1 < block.size(); ++k)
      if (utf8_length(block[k]) * 10 < max_len * 6) wrapped = false;
    if (wrapped) {
      std::string joined;
      for (const auto& l : block) {
        // Lines that stand alone by nature are never glued to their neighbours.
        if (is_list_item(l) || is_markdown_heading(l) || is_date_line(l, nullptr) || is_byline(l, nullptr)) {
          if (!joined.empty()) paras.push_back(joined);
          joined.clear();
          paras.push_back(l);
          continue;
        }
        if (!joined.empty()) joined.push_back(' ');
        joined += l;
      }
      if (!joined.empty()) paras.push_back(joined);
    } else {
      for (auto& l : block) paras.push_back(l);
    }
    block.clear();
  };
  for (const auto& raw : lines) {
    std::string l = collapse_whitespace(raw);
    if (l.empty()) {
      flush();
      continue;
    }
    block.push_back(std::move(l));
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
      "sponsored", "sponsored content", "skip to content", "skip to main content", "sign in", "log in", "login",
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
  if (s.find("cookie") != std::string::npos && (s.find("accept") != std::string::npos || s.find("consent") != std::string::npos || s.find("we use") != std::string::npos))
    return true;
  static const char* starts[] = {"sign up for", "subscribe to our", "subscribe to the", "follow us on", "share this",
                                 "click here to", "read also:", "read more:", "see also:", "related:", "tags:",
                                 "topics:", "filed under", "image:", "photo:", "image credit", "photo credit",
                                 "(image", "(photo", "getty images", "advertisement"};
  for (const char* st : starts)
    if (s.rfind(st, 0) == 0 && count_words(s) <= 14) return true;
  // Short lines made of navigation words ("Icon Icon News & Analysis Icon").
  size_t words = count_words(s);
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

ParsedText parse_plain_text(std::string_view utf8_text) {
  ParsedText out;
  std::vector<std::string> lines = split_lines(utf8_text);
  FrontMatter fm = parse_front_matter(lines);
  if (fm.present) {
    out = fm.fields;
    lines.erase(lines.begin(), lines.begin() + static_cast<long>(fm.end_line));
  }
  std::vector<std::string> paras = to_paragraphs(lines);
  // A short first line without sentence punctuation, followed by more text, is the headline.
  std::string headline;
  {
    size_t first = 0;
    while (first < paras.size() && is_boilerplate_line(paras[first])) ++first;
    if (first + 1 < paras.size()) {
      const std::string& p = paras[first];
      size_t w = count_words(p);
      if (w >= 2 && w <= 25 && !ends_sentence(p) && !is_generic_heading(p) && !is_markdown_heading(p) &&
          !is_list_item(p) && !is_date_line(p, nullptr) && !is_byline(p, nullptr) && p.back() != ':') {
        headline = p;
        paras.erase(paras.begin() + static_cast<long>(first));
      }
    }
  }

  // Lead: everything before the first prose paragraph. Tail: everything after the last one.
  size_t first_prose = paras.size(), last_prose = 0;
  for (size_t i = 0; i < paras.size(); ++i) {
    if (is_prose_line(paras[i])) {
      if (first_prose == paras.size()) first_prose = i;
      last_prose = i;
    }
  }
  std::vector<std::string> kept;
  std::string lead_title, md_title;
  size_t lead_title_index = std::string::npos;
  for (size_t i = 0; i < paras.size(); ++i) {
    const std::string& p = paras[i];
    bool in_lead = i < first_prose;
    bool in_tail = first_prose < paras.size() && i > last_prose;
    if (is_boilerplate_line(p)) continue;
    if (in_lead || i <= first_prose + 2) {
      std::string iso, author;
      if (is_date_line(p, &iso)) {
        if (out.published.empty()) out.published = iso;
        continue;
      }
      if (is_byline(p, &author)) {
        if (out.author.empty()) out.author = author;
        continue;
      }
    }
    if (i < 8 && md_title.empty() && p.size() > 2 && p[0] == '#' && p[1] == ' ' && !is_generic_heading(p)) {
      md_title = strip_markdown_heading(p);
      continue;  // an H1 near the top is the title, not body text
    }
    if (in_lead) {
      if (lead_title.empty() && !is_generic_heading(p) && !is_markdown_heading(p) && count_words(p) >= 2 &&
          count_words(p) <= 25 && !ends_sentence(p)) {
        lead_title = p;
        lead_title_index = kept.size();
        kept.push_back(p);
        continue;
      }
      // Short lead lines are furniture unless they are section headings that introduce prose.
      bool introduces_prose = i + 1 < paras.size() && is_prose_line(paras[i + 1]);
      if (count_words(p) <= 4 && !((is_section_heading(p) || is_markdown_heading(p)) && introduces_prose)) continue;
    }
    if (in_tail && !is_reference_line(p) && !is_section_heading(p) && !is_markdown_heading(p) && count_words(p) <= 6 &&
        !looks_like_indicator_line(p))
      continue;
    kept.push_back(is_markdown_heading(p) ? strip_markdown_heading(p) : p);
  }

  if (out.title.empty()) {
    if (!md_title.empty()) out.title = md_title;
    else if (!headline.empty()) out.title = headline;
    else if (!lead_title.empty()) out.title = lead_title;
  }
  // The title line is not part of the body.
  if (!lead_title.empty() && out.title == lead_title && lead_title_index < kept.size())
    kept.erase(kept.begin() + static_cast<long>(lead_title_index));
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
