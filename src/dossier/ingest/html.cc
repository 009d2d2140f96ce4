#include "dossier/ingest/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dossier/ingest/language.h"
#include "dossier/ingest/plaintext.h"
#include "dossier/ingest/xml_util.h"
#include "dossier/util/ascii.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace {

using json = nlohmann::json;
using xml::attr;
using xml::name_of;

void silent_error(void*, const char*, ...) {}
void silent_structured_error(void*, xmlErrorPtr) {}

bool is_tag(const xmlNode* n, std::string_view t) { return n->type == XML_ELEMENT_NODE && iequals(name_of(n), t); }

template <size_t N>
bool tag_in(const xmlNode* n, const char* const (&tags)[N]) {
  if (n->type != XML_ELEMENT_NODE) return false;
  for (const char* t : tags)
    if (iequals(name_of(n), t)) return true;
  return false;
}

const char* const kDropTags[] = {"script", "style", "noscript", "iframe", "svg", "form", "button", "nav", "footer",
                                 "aside", "select", "input", "textarea", "template", "canvas", "object", "embed",
                                 "video", "audio", "picture", "map", "dialog", "menu", "figure", "head", "link",
                                 "meta", "img", "label", "math"};
const char* const kBlockTags[] = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
                                  "li", "ul", "ol", "blockquote", "pre", "table", "tr", "td", "th", "dl", "dt",
                                  "dd", "figure", "figcaption", "header", "footer", "nav", "aside", "address",
                                  "hr", "br", "body", "center", "details", "summary", "caption", "tbody", "thead"};
const char* const kHeadingTags[] = {"h1", "h2", "h3", "h4", "h5", "h6"};
const char* const kParagraphTags[] = {"p", "pre", "td", "blockquote", "dd", "li"};

std::vector<std::string> class_tokens(const xmlNode* n) {
  std::vector<std::string> out;
  std::string s = ascii_lower(attr(n, "class") + " " + attr(n, "id"));
  std::string cur;
  for (char c : s) {
    if (ascii::is_alnum(static_cast<unsigned char>(c))) cur.push_back(c);
    else if (!cur.empty()) { out.push_back(cur); cur.clear(); }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool has_token(const std::vector<std::string>& toks, const std::unordered_set<std::string>& set) {
  return std::any_of(toks.begin(), toks.end(), [&](const std::string& t) { return set.count(t) > 0; });
}

const std::unordered_set<std::string>& negative_tokens() {
  static const std::unordered_set<std::string> s = {
      "cookie", "cookies", "consent", "gdpr", "newsletter", "subscribe", "subscription", "comments", "comment",
      "share", "sharing", "social", "related", "recommended", "recommendations", "promo", "advert", "advertisement",
      "ads", "ad", "sponsor", "sponsored", "sidebar", "breadcrumb", "breadcrumbs", "navbar", "nav", "navigation",
      "menu", "footer", "popup", "modal", "paywall", "outbrain", "taboola", "banner", "toolbar", "masthead",
      "widget", "signup", "disqus", "skip", "tags", "byline", "author", "meta", "pagination", "pager", "print",
      "hidden", "overlay", "dropdown", "trending", "popular", "most", "topics", "subnav", "header", "logo"};
  return s;
}

const std::unordered_set<std::string>& positive_tokens() {
  static const std::unordered_set<std::string> s = {"article", "body", "content", "entry", "main", "post", "text",
                                                    "story", "blog", "articlebody", "prose", "richtext"};
  return s;
}

struct Stats {
  size_t text = 0;   // characters of text below
  size_t links = 0;  // characters of text inside <a> below
  size_t commas = 0;
};

class Page {
 public:
  explicit Page(xmlDoc* doc) : doc_(doc) {}
  ~Page() { if (doc_) xmlFreeDoc(doc_); }
  Page(const Page&) = delete;
  Page& operator=(const Page&) = delete;
  xmlNode* root() const { return xmlDocGetRootElement(doc_); }

 private:
  xmlDoc* doc_;
};

// The end of the tag whose name ends at `from` (just past its '>'), or npos. Quotes open a value
// only after '='.
size_t tag_end(std::string_view h, size_t from) {
  bool after_eq = false;
  for (size_t i = from; i < h.size(); ++i) {
    char c = h[i];
    if (c == '>') return i + 1;
    if ((c == '"' || c == '\'') && after_eq) {
      size_t q = h.find(c, i + 1);
      if (q == std::string_view::npos) return q;
      i = q;
      after_eq = false;
      continue;
    }
    if (c == '=') after_eq = true;
    else if (!ascii::is_space(static_cast<unsigned char>(c))) after_eq = false;
  }
  return std::string_view::npos;
}

// The first "</name" (any case) at or after `from`, or npos.
size_t raw_close(std::string_view h, size_t from, std::string_view name) {
  for (size_t i = h.find("</", from); i != std::string_view::npos; i = h.find("</", i + 2))
    if (i + 2 + name.size() <= h.size() && iequals(h.substr(i + 2, name.size()), name)) return i;
  return std::string_view::npos;
}

xmlDoc* parse_html_unbounded(std::string_view html, std::string_view url);

// Elements nested deeper than this are lifted to that depth, in document order: every walk over
// the tree (text, blocks, scoring) may then recurse, and a page of 100,000 nested <div>s keeps its
// text instead of exhausting the stack.
constexpr int kMaxNesting = 160;

void flatten_deep_nesting(xmlNode* root) {
  struct Frame {
    xmlNode* node;
    int depth;
  };
  std::vector<Frame> stack{{root, 0}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    if (depth >= kMaxNesting) {
      // Lift every descendant's children into n, in place of their parent, until none nests.
      for (xmlNode* c = n->children; c;) {
        if (c->type == XML_ELEMENT_NODE && c->children) {
          xmlNode* first = c->children;
          for (xmlNode* g = first; g;) {
            xmlNode* next = g->next;
            xmlUnlinkNode(g);
            xmlAddPrevSibling(c, g);
            g = next;
          }
          // A block's boundary is kept as a line break, so its text does not run into the next.
          xmlNode* br = xmlNewNode(nullptr, reinterpret_cast<const xmlChar*>("br"));
          xmlAddPrevSibling(c, br);
          xmlNode* next = c->next;
          xmlUnlinkNode(c);
          xmlFreeNode(c);
          c = first == nullptr ? next : first;
          continue;
        }
        c = c->next;
      }
      continue;
    }
    for (xmlNode* c = n->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE) stack.push_back({c, depth + 1});
  }
}

xmlDoc* parse_html(std::string_view html, std::string_view url) {
  xmlDoc* doc = parse_html_unbounded(html, url);
  if (doc && xmlDocGetRootElement(doc)) flatten_deep_nesting(xmlDocGetRootElement(doc));
  return doc;
}

xmlDoc* parse_html_unbounded(std::string_view html, std::string_view url) {
  init_xml_library();
  // Script and style bodies are most of a page's bytes and none of its text: the parser never sees them.
  std::string lean = strip_inert_html(html);
  std::string u(url);
  // XML_PARSE_HUGE lifts libxml2's 10,000,000-byte limit on one text node (it would cut a long
  // article's text silently); the document's size is bounded before parsing (--max-size).
  int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE;
  return htmlReadMemory(lean.data(), static_cast<int>(std::min<size_t>(lean.size(), INT32_MAX)),
                        u.empty() ? nullptr : u.c_str(), "UTF-8", opts);
}

// Should this element and everything below it be ignored for article text?
bool is_furniture(const xmlNode* n, bool use_class_hints) {
  if (n->type != XML_ELEMENT_NODE) return false;
  if (tag_in(n, kDropTags)) return true;
  std::string role = ascii_lower(attr(n, "role"));
  if (role == "navigation" || role == "banner" || role == "contentinfo" || role == "complementary" ||
      role == "dialog" || role == "search" || role == "alert")
    return true;
  if (ascii_lower(attr(n, "aria-hidden")) == "true") return true;
  if (xmlHasProp(n, reinterpret_cast<const xmlChar*>("hidden"))) return true;
  std::string style = ascii_lower(attr(n, "style"));
  if (style.find("display:none") != std::string::npos || style.find("display: none") != std::string::npos) return true;
  if (is_tag(n, "header")) {
    // A header that holds the headline is part of the article; a site header is not.
    for (const xmlNode* c = n->children; c; c = c->next)
      if (is_tag(c, "h1")) return false;
    return true;
  }
  if (!use_class_hints) return false;
  if (is_tag(n, "html") || is_tag(n, "body") || is_tag(n, "main") || is_tag(n, "article")) return false;
  auto toks = class_tokens(n);
  return has_token(toks, negative_tokens()) && !has_token(toks, positive_tokens());
}

class MainText {
 public:
  MainText(xmlNode* root, bool use_class_hints) : root_(root), hints_(use_class_hints) {}

  // Collects stats bottom-up, skipping furniture.
  Stats collect(xmlNode* n, bool in_link) {
    Stats s;
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        std::string_view t = c->content ? reinterpret_cast<const char*>(c->content) : "";
        size_t len = 0;
        for (char ch : t)
          if (!ascii::is_space(static_cast<unsigned char>(ch))) ++len;
        s.text += len;
        if (in_link) s.links += len;
        s.commas += static_cast<size_t>(std::count(t.begin(), t.end(), ','));
      } else if (c->type == XML_ELEMENT_NODE) {
        if (is_furniture(c, hints_)) { skip_.insert(c); continue; }
        Stats cs = collect(c, in_link || is_tag(c, "a"));
        s.text += cs.text;
        s.links += cs.links;
        s.commas += cs.commas;
      }
    }
    stats_[n] = s;
    return s;
  }

  double link_density(xmlNode* n) const {
    auto it = stats_.find(n);
    if (it == stats_.end() || it->second.text == 0) return 0;
    return static_cast<double>(it->second.links) / static_cast<double>(it->second.text);
  }

  // Readability-style scoring: paragraphs give points to their ancestors.
  xmlNode* best_container() {
    std::unordered_map<xmlNode*, double> score;
    std::vector<xmlNode*> stack{root_};
    while (!stack.empty()) {
      xmlNode* n = stack.back();
      stack.pop_back();
      for (xmlNode* c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !skip_.count(c)) stack.push_back(c);
      bool paragraph_like = tag_in(n, kParagraphTags);
      if (!paragraph_like && is_tag(n, "div")) {
        paragraph_like = true;  // a div with no block children acts as a paragraph
        for (xmlNode* c = n->children; c; c = c->next)
          if (tag_in(c, kBlockTags) && !is_tag(c, "br")) { paragraph_like = false; break; }
      }
      if (!paragraph_like) continue;
      const Stats& s = stats_[n];
      if (s.text < 25) continue;
      double points = 1.0 + static_cast<double>(s.commas) + std::min(3.0, static_cast<double>(s.text) / 100.0);
      points *= (1.0 - link_density(n));
      xmlNode* anc = n->parent;
      double share = 1.0;
      for (int level = 0; level < 3 && anc && anc->type == XML_ELEMENT_NODE; ++level, anc = anc->parent) {
        if (!score.count(anc)) score[anc] = initial_score(anc);
        score[anc] += points * share;
        share = level == 0 ? 0.5 : share * 0.66;
      }
    }
    xmlNode* best = nullptr;
    double best_score = -1e9;
    for (auto& [node, sc] : score) {
      double final_score = sc * (1.0 - link_density(node));
      if (final_score > best_score) { best_score = final_score; best = node; }
    }
    best_score_ = best_score;
    scores_ = std::move(score);
    return best;
  }

  // The best container plus siblings that read as article text.
  std::vector<xmlNode*> content_roots(xmlNode* best) {
    std::vector<xmlNode*> roots;
    if (!best) return roots;
    xmlNode* parent = best->parent;
    if (!parent || parent->type != XML_ELEMENT_NODE) return {best};
    double threshold = std::max(10.0, best_score_ * 0.2);
    for (xmlNode* s = parent->children; s; s = s->next) {
      if (s->type != XML_ELEMENT_NODE || skip_.count(s)) continue;
      if (s == best) { roots.push_back(s); continue; }
      auto it = scores_.find(s);
      double sc = it == scores_.end() ? 0 : it->second * (1.0 - link_density(s));
      const Stats& st = stats_[s];
      bool para = is_tag(s, "p") && st.text > 80 && link_density(s) < 0.25;
      if (sc >= threshold || para) roots.push_back(s);
    }
    return roots;
  }

  // Emits block-separated text of the subtree.
  void emit(xmlNode* n, std::vector<std::string>& out) {
    std::string buf;
    size_t link_chars = 0;
    bool heading = false;
    emit_rec(n, out, buf, link_chars, heading, false, false);
    flush(out, buf, link_chars, heading, false);
  }

  const std::unordered_set<xmlNode*>& skipped() const { return skip_; }

 private:
  double initial_score(xmlNode* n) {
    double s = 0;
    std::string_view t = name_of(n);
    if (iequals(t, "div")) s += 5;
    else if (iequals(t, "article")) s += 10;
    else if (iequals(t, "pre") || iequals(t, "td") || iequals(t, "blockquote")) s += 3;
    else if (iequals(t, "ol") || iequals(t, "ul") || iequals(t, "dl") || iequals(t, "li") || iequals(t, "form")) s -= 3;
    else if (tag_in(n, kHeadingTags) || iequals(t, "th")) s -= 5;
    auto toks = class_tokens(n);
    if (has_token(toks, positive_tokens())) s += 25;
    if (has_token(toks, negative_tokens())) s -= 25;
    if (attr(n, "itemprop") == "articleBody") s += 30;
    return s;
  }

  void flush(std::vector<std::string>& out, std::string& buf, size_t& link_chars, bool& heading, bool list_item) {
    std::string text = collapse_whitespace(buf);
    buf.clear();
    size_t links = link_chars;
    link_chars = 0;
    bool was_heading = heading;
    heading = false;
    if (text.empty()) return;
    size_t len = 0;
    for (char c : text)
      if (!ascii::is_space(static_cast<unsigned char>(c))) ++len;
    double density = len ? static_cast<double>(links) / static_cast<double>(len) : 0;
    if (density > 0.5 && count_words(text) < 40) return;  // link lists, tag clouds
    if (is_boilerplate_line(text)) return;
    if (list_item && !was_heading) text = "- " + text;
    out.push_back(std::move(text));
  }

  void emit_rec(xmlNode* n, std::vector<std::string>& out, std::string& buf, size_t& link_chars, bool& heading,
                bool in_link, bool in_pre) {
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        const char* t = c->content ? reinterpret_cast<const char*>(c->content) : "";
        buf += t;
        if (in_link)
          for (const char* p = t; *p; ++p)
            if (!ascii::is_space(static_cast<unsigned char>(*p))) ++link_chars;
        continue;
      }
      if (c->type != XML_ELEMENT_NODE || skip_.count(c)) continue;
      if (is_tag(c, "br")) { buf += ' '; continue; }
      bool block = tag_in(c, kBlockTags);
      bool li = is_tag(c, "li");
      if (block) flush(out, buf, link_chars, heading, false);
      if (tag_in(c, kHeadingTags)) heading = true;
      emit_rec(c, out, buf, link_chars, heading, in_link || is_tag(c, "a"), in_pre || is_tag(c, "pre"));
      if (block) flush(out, buf, link_chars, heading, li);
      else if (is_tag(c, "td") || is_tag(c, "th")) buf += ' ';
    }
  }

  xmlNode* root_;
  bool hints_;
  std::unordered_set<xmlNode*> skip_;
  std::unordered_map<xmlNode*, Stats> stats_;
  std::unordered_map<xmlNode*, double> scores_;
  double best_score_ = 0;
};

std::string node_text(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  if (!c) return {};
  std::string s = collapse_whitespace(reinterpret_cast<const char*>(c));
  xmlFree(c);
  return s;
}

struct Meta {
  std::string title_tag, og_title, og_site, og_url, og_locale, og_type, canonical, html_lang, first_h1;
  std::string published, author, description, time_datetime, application_name, content_language;
  std::string ld_headline, ld_published, ld_author, ld_body, ld_publisher, ld_url, ld_language;
  bool ld_seen = false;
};

std::string json_string(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object()) {
    if (j.contains("name") && j["name"].is_string()) return j["name"].get<std::string>();
    if (j.contains("@id") && j["@id"].is_string()) return j["@id"].get<std::string>();
  }
  if (j.is_array() && !j.empty()) {
    std::string all;
    for (const auto& e : j) {
      std::string s = json_string(e);
      if (s.empty()) continue;
      if (!all.empty()) all += ", ";
      all += s;
    }
    return all;
  }
  return {};
}

bool is_article_type(const json& t) {
  static const std::unordered_set<std::string> types = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle",
                                                        "AnalysisNewsArticle", "TechArticle", "Report", "WebPage",
                                                        "OpinionNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting"};
  if (t.is_string()) return types.count(t.get<std::string>()) > 0;
  if (t.is_array())
    for (const auto& e : t)
      if (is_article_type(e)) return true;
  return false;
}

void read_json_ld(const json& j, Meta& m, int depth = 0) {
  if (depth > 6) return;
  if (j.is_array()) {
    for (const auto& e : j) read_json_ld(e, m, depth + 1);
    return;
  }
  if (!j.is_object()) return;
  if (j.contains("@graph")) read_json_ld(j["@graph"], m, depth + 1);
  if (!j.contains("@type") || !is_article_type(j["@type"])) return;
  bool is_webpage = j["@type"].is_string() && j["@type"] == "WebPage";
  // A specific article type wins over a generic WebPage node.
  if (is_webpage && m.ld_seen) return;
  auto get = [&](const char* k) { return j.contains(k) ? json_string(j[k]) : std::string(); };
  auto set = [&](std::string& field, std::string v) { if (!v.empty() && (field.empty() || !is_webpage)) field = std::move(v); };
  set(m.ld_headline, get("headline"));
  if (m.ld_headline.empty()) set(m.ld_headline, get("name"));
  set(m.ld_published, get("datePublished"));
  if (m.ld_published.empty()) set(m.ld_published, get("dateCreated"));
  set(m.ld_author, get("author"));
  set(m.ld_body, get("articleBody"));
  set(m.ld_publisher, get("publisher"));
  set(m.ld_url, get("url"));
  if (m.ld_url.empty() && j.contains("mainEntityOfPage")) set(m.ld_url, json_string(j["mainEntityOfPage"]));
  set(m.ld_language, get("inLanguage"));
  if (!is_webpage) m.ld_seen = true;
}

void read_meta(xmlNode* root, Meta& m) {
  std::vector<xmlNode*> stack{root};
  while (!stack.empty()) {
    xmlNode* n = stack.back();
    stack.pop_back();
    for (xmlNode* c = n->last; c; c = c->prev)
      if (c->type == XML_ELEMENT_NODE) stack.push_back(c);
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string_view t = name_of(n);
    if (iequals(t, "html")) {
      m.html_lang = attr(n, "lang");
      if (m.html_lang.empty()) m.html_lang = attr(n, "xml:lang");
    } else if (iequals(t, "title")) {
      if (m.title_tag.empty()) m.title_tag = node_text(n);
    } else if (iequals(t, "meta")) {
      std::string key = ascii_lower(attr(n, "property"));
      if (key.empty()) key = ascii_lower(attr(n, "name"));
      if (key.empty()) key = ascii_lower(attr(n, "itemprop"));
      std::string http_equiv = ascii_lower(attr(n, "http-equiv"));
      std::string content = collapse_whitespace(attr(n, "content"));
      if (content.empty()) continue;
      auto first = [&](std::string& f) { if (f.empty()) f = content; };
      if (key == "og:title") first(m.og_title);
      else if (key == "og:site_name") first(m.og_site);
      else if (key == "og:url") first(m.og_url);
      else if (key == "og:locale") first(m.og_locale);
      else if (key == "og:type") first(m.og_type);
      else if (key == "article:published_time" || key == "datepublished" || key == "pubdate" ||
               key == "publishdate" || key == "publish-date" || key == "date" || key == "dc.date" ||
               key == "dc.date.issued" || key == "dcterms.created" || key == "dcterms.date" ||
               key == "sailthru.date" || key == "parsely-pub-date" || key == "article.published" ||
               key == "og:article:published_time")
        first(m.published);
      else if (key == "author" || key == "article:author" || key == "dc.creator" || key == "parsely-author" ||
               key == "sailthru.author") {
        if (content.rfind("http", 0) != 0) first(m.author);
      } else if (key == "description" || key == "og:description") first(m.description);
      else if (key == "application-name") first(m.application_name);
      if (http_equiv == "content-language") first(m.content_language);
    } else if (iequals(t, "link")) {
      std::string rel = ascii_lower(attr(n, "rel"));
      if (rel == "canonical" && m.canonical.empty()) m.canonical = trim(attr(n, "href"));
    } else if (iequals(t, "script")) {
      std::string type = ascii_lower(attr(n, "type"));
      if (type.find("ld+json") != std::string::npos) {
        xmlChar* c = xmlNodeGetContent(n);
        if (c) {
          json j = json::parse(reinterpret_cast<const char*>(c), nullptr, false);
          xmlFree(c);
          if (!j.is_discarded()) read_json_ld(j, m);
        }
      }
    } else if (iequals(t, "time")) {
      if (m.time_datetime.empty()) m.time_datetime = attr(n, "datetime");
    } else if (iequals(t, "h1")) {
      if (m.first_h1.empty()) m.first_h1 = node_text(n);
    }
  }
}

std::string resolve_url(const std::string& href, std::string_view base) {
  if (href.empty()) return {};
  if (base.empty()) return href;
  std::string b(base);
  xmlChar* r = xmlBuildURI(reinterpret_cast<const xmlChar*>(href.c_str()), reinterpret_cast<const xmlChar*>(b.c_str()));
  if (!r) return href;
  std::string s(reinterpret_cast<const char*>(r));
  xmlFree(r);
  return s;
}

// "Headline | Outlet" -> "Headline".
std::string clean_title_tag(const std::string& title, const std::string& site) {
  static const char* seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ", " \xC2\xBB ", " \xE2\x80\xA2 "};
  std::vector<std::string> parts{title};
  for (const char* sep : seps) {
    std::vector<std::string> next;
    for (const auto& p : parts) {
      size_t start = 0, pos;
      while ((pos = p.find(sep, start)) != std::string::npos) {
        next.push_back(p.substr(start, pos - start));
        start = pos + std::strlen(sep);
      }
      next.push_back(p.substr(start));
    }
    parts = std::move(next);
  }
  if (parts.size() == 1) return title;
  std::string best;
  for (auto& p : parts) {
    p = trim(p);
    if (!site.empty() && iequals(p, site)) continue;
    if (utf8_length(p) > utf8_length(best)) best = p;
  }
  return best.empty() ? title : best;
}

std::string host_of(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos) return {};
  std::string_view rest = url.substr(p + 3);
  size_t e = rest.find_first_of("/?#:");
  std::string host = ascii_lower(rest.substr(0, e));
  if (host.rfind("www.", 0) == 0) host.erase(0, 4);
  return host;
}

std::string join_paragraphs(const std::vector<std::string>& paras) {
  std::string out;
  for (const auto& p : paras) {
    if (!out.empty()) out += "\n\n";
    out += p;
  }
  return out;
}

// Drops short non-prose paragraphs after the last prose one (author boxes, "Tags", outlet slogans).
void trim_tail(std::vector<std::string>& paras) {
  size_t last = paras.size();
  for (size_t i = 0; i < paras.size(); ++i)
    if (is_prose_line(paras[i])) last = i;
  if (last == paras.size()) return;
  std::vector<std::string> kept(paras.begin(), paras.begin() + static_cast<long>(last) + 1);
  for (size_t i = last + 1; i < paras.size(); ++i)
    if (count_words(paras[i]) > 6 || paras[i].rfind("- ", 0) == 0) kept.push_back(paras[i]);
  paras = std::move(kept);
}

}  // namespace

std::string strip_inert_html(std::string_view h) {
  std::string out;
  out.reserve(h.size() / 2);
  size_t copied = 0;  // h[copied, i) is still to be copied
  size_t i = 0;
  while (i < h.size()) {
    size_t lt = h.find('<', i);
    if (lt == std::string_view::npos) break;
    i = lt;
    if (h.compare(i, 4, "<!--") == 0) {
      size_t end = h.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      out.append(h.substr(copied, i - copied));
      copied = i = end + 3;
      continue;
    }
    size_t j = i + 1;
    if (j < h.size() && h[j] == '/') ++j;
    if (j >= h.size() || !ascii::is_alpha(static_cast<unsigned char>(h[j]))) {
      ++i;
      continue;
    }
    size_t name_begin = j;
    while (j < h.size() && (ascii::is_alnum(static_cast<unsigned char>(h[j])) || h[j] == '-' || h[j] == ':' || h[j] == '_')) ++j;
    std::string_view name = h.substr(name_begin, j - name_begin);
    size_t end = tag_end(h, j);
    if (end == std::string_view::npos) break;
    i = end;
    bool opening = h[lt + 1] != '/';
    bool script = opening && iequals(name, "script"), style = opening && iequals(name, "style");
    if (!script && !style) continue;
    size_t close = raw_close(h, end, name);
    if (close == std::string_view::npos) break;
    bool json_ld = script && contains_icase(h.substr(lt, end - lt), "ld+json");
    if (!json_ld) {
      out.append(h.substr(copied, end - copied));
      copied = close;
    }
    i = close + 2;
  }
  out.append(h.substr(copied));
  return out;
}

void init_xml_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetGenericErrorFunc(nullptr, silent_error);
    xmlSetStructuredErrorFunc(nullptr, silent_structured_error);
  });
}

bool looks_like_html(std::string_view head) {
  std::string h = ascii_lower(head.substr(0, std::min<size_t>(head.size(), 2048)));
  return h.find("<!doctype html") != std::string::npos || h.find("<html") != std::string::npos ||
         h.find("<body") != std::string::npos || h.find("<head") != std::string::npos ||
         (h.find("<p>") != std::string::npos && h.find("</p>") != std::string::npos) ||
         h.find("<div") != std::string::npos;
}

std::string html_fragment_to_text(std::string_view html) {
  std::string wrapped = "<html><body>" + std::string(html) + "</body></html>";
  xmlDoc* doc = parse_html(wrapped, {});
  if (!doc) return {};
  Page page(doc);
  xmlNode* root = page.root();
  if (!root) return {};
  MainText ex(root, false);
  ex.collect(root, false);
  std::vector<std::string> paras;
  ex.emit(root, paras);
  return join_paragraphs(paras);
}

ParsedText parse_html_article(std::string_view html, std::string_view page_url) {
  ParsedText out;
  xmlDoc* doc = parse_html(html, page_url);
  if (!doc) return out;
  Page page(doc);
  xmlNode* root = page.root();
  if (!root) return out;

  Meta m;
  read_meta(root, m);

  std::vector<std::string> paras;
  for (bool hints : {true, false}) {
    MainText ex(root, hints);
    ex.collect(root, false);
    xmlNode* best = ex.best_container();
    paras.clear();
    for (xmlNode* r : ex.content_roots(best)) ex.emit(r, paras);
    size_t chars = 0;
    for (const auto& p : paras) chars += p.size();
    if (chars >= 250) break;  // class hints can hide the article on odd templates; retry without them
  }

  // Title.
  std::string site = m.og_site.empty() ? m.ld_publisher : m.og_site;
  if (!m.og_title.empty()) out.title = clean_title_tag(m.og_title, site);
  else if (!m.ld_headline.empty()) out.title = m.ld_headline;
  else if (!m.first_h1.empty()) out.title = m.first_h1;
  else out.title = clean_title_tag(m.title_tag, site);
  out.title = collapse_whitespace(out.title);

  // Drop the headline and lead furniture repeated in the body.
  if (!paras.empty() && iequals(paras.front(), out.title)) paras.erase(paras.begin());
  if (!m.first_h1.empty())
    paras.erase(std::remove_if(paras.begin(), paras.end(), [&](const std::string& p) { return iequals(p, m.first_h1); }),
                paras.end());
  // Date and byline lines inside the body become metadata.
  std::string body_date;
  for (size_t i = 0; i < paras.size() && i < 4;) {
    const std::string& p = paras[i];
    auto t = (count_words(p) <= 10 && !ends_sentence(p)) ? find_date_in_line(p) : std::nullopt;
    if (t) {
      if (body_date.empty()) body_date = format_iso8601(*t);
      paras.erase(paras.begin() + static_cast<long>(i));
      continue;
    }
    if (starts_with_icase(p, "by ") && count_words(p) <= 8 && !ends_sentence(p)) {
      if (out.author.empty()) out.author = trim(p.substr(3));
      paras.erase(paras.begin() + static_cast<long>(i));
      continue;
    }
    ++i;
  }
  trim_tail(paras);
  out.text = join_paragraphs(paras);

  // JSON-LD articleBody when the markup gave clearly less.
  std::string ld_body = trim(m.ld_body);
  if (utf8_length(ld_body) > 200 && utf8_length(out.text) * 10 < utf8_length(ld_body) * 6) {
    std::vector<std::string> ld_paras;
    for (auto& l : split_lines(ld_body)) {
      std::string c = collapse_whitespace(l);
      if (!c.empty()) ld_paras.push_back(c);
    }
    out.text = join_paragraphs(ld_paras);
  }

  // Published time.
  for (const std::string* cand : {&m.published, &m.ld_published, &m.time_datetime, &body_date}) {
    if (cand->empty()) continue;
    if (auto t = parse_datetime(*cand)) {
      out.published = format_iso8601(*t);
      break;
    }
  }
  if (out.author.empty()) out.author = m.author.empty() ? m.ld_author : m.author;
  out.author = collapse_whitespace(out.author);

  std::string canonical = !m.canonical.empty() ? m.canonical : !m.og_url.empty() ? m.og_url : m.ld_url;
  out.url = resolve_url(canonical, page_url);
  if (out.url.rfind("http", 0) != 0) out.url.clear();

  out.outlet = !m.og_site.empty() ? m.og_site : !m.ld_publisher.empty() ? m.ld_publisher : m.application_name;
  if (out.outlet.empty()) out.outlet = host_of(!out.url.empty() ? out.url : std::string(page_url));
  out.outlet = collapse_whitespace(out.outlet);

  for (const std::string* cand : {&m.html_lang, &m.og_locale, &m.content_language, &m.ld_language}) {
    std::string l = normalize_language_tag(*cand);
    if (!l.empty()) { out.language = l; break; }
  }
  return out;
}

}  // namespace dossier
