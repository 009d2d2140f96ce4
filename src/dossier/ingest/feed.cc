#include "dossier/ingest/feed.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "dossier/ingest/html.h"
#include "dossier/ingest/xml_util.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace {

constexpr size_t kFieldBudget = 64 * 1024;
constexpr int kEntityDepth = 4;

using xml::attr;
constexpr auto local = xml::name_of;

std::string ns_href(const xmlNode* n) {
  return n->ns && n->ns->href ? reinterpret_cast<const char*>(n->ns->href) : "";
}

// Expands "&name;" references in an internal entity's replacement text, within the budget.
void expand_entity_text(xmlDoc* doc, std::string_view text, int depth, std::string& out) {
  for (size_t i = 0; i < text.size() && out.size() < kFieldBudget; ++i) {
    if (text[i] == '&') {
      size_t semi = text.find(';', i);
      if (semi != std::string_view::npos && semi - i < 64) {
        std::string name(text.substr(i + 1, semi - i - 1));
        if (!name.empty() && name[0] != '#') {
          xmlEntity* ent = xmlGetDocEntity(doc, reinterpret_cast<const xmlChar*>(name.c_str()));
          if (ent && ent->etype == XML_INTERNAL_GENERAL_ENTITY && ent->content && depth < kEntityDepth) {
            expand_entity_text(doc, reinterpret_cast<const char*>(ent->content), depth + 1, out);
          } else if (ent && ent->etype == XML_INTERNAL_PREDEFINED_ENTITY && ent->content) {
            out += reinterpret_cast<const char*>(ent->content);
          }
          i = semi;
          continue;
        }
      }
    }
    out.push_back(text[i]);
  }
  if (out.size() > kFieldBudget) out.resize(kFieldBudget);
}

// Text content of an element, with bounded entity expansion and no external entities.
void text_rec(xmlDoc* doc, const xmlNode* n, int depth, std::string& out) {
  for (const xmlNode* c = n->children; c && out.size() < kFieldBudget; c = c->next) {
    switch (c->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        if (c->content) out += reinterpret_cast<const char*>(c->content);
        break;
      case XML_ENTITY_REF_NODE: {
        xmlEntity* ent = xmlGetDocEntity(doc, c->name);
        if (ent && (ent->etype == XML_INTERNAL_GENERAL_ENTITY || ent->etype == XML_INTERNAL_PREDEFINED_ENTITY) &&
            ent->content && depth < kEntityDepth)
          expand_entity_text(doc, reinterpret_cast<const char*>(ent->content), depth + 1, out);
        break;
      }
      case XML_ELEMENT_NODE:
        text_rec(doc, c, depth, out);
        break;
      default:
        break;
    }
  }
  if (out.size() > kFieldBudget) out.resize(kFieldBudget);
}

std::string text_of(xmlDoc* doc, const xmlNode* n) {
  std::string out;
  text_rec(doc, n, 0, out);
  return out;
}

// Serialises the children of an Atom xhtml content element as markup.
std::string inner_xml(xmlDoc* doc, xmlNode* n) {
  std::unique_ptr<xmlBuffer, void (*)(xmlBuffer*)> buf(xmlBufferCreate(), xmlBufferFree);
  if (!buf) return {};
  for (xmlNode* c = n->children; c; c = c->next) {
    xmlNodeDump(buf.get(), doc, c, 0, 0);
    if (static_cast<size_t>(xmlBufferLength(buf.get())) > 8 * kFieldBudget) break;
  }
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())), static_cast<size_t>(xmlBufferLength(buf.get())));
}

std::string resolve(const std::string& href, const std::string& base) {
  std::string h = trim(href);
  if (h.empty() || base.empty()) return h;
  xmlChar* r = xmlBuildURI(reinterpret_cast<const xmlChar*>(h.c_str()), reinterpret_cast<const xmlChar*>(base.c_str()));
  if (!r) return h;
  std::string s(reinterpret_cast<const char*>(r));
  xmlFree(r);
  return s;
}

std::string iso_or_empty(const std::string& s) {
  auto t = parse_datetime(s);
  return t ? format_iso8601(*t) : std::string();
}

bool is_content_encoded(const xmlNode* n) {
  return local(n) == "encoded" && ns_href(n).find("purl.org/rss/1.0/modules/content") != std::string::npos;
}

FeedItem parse_rss_item(xmlDoc* doc, xmlNode* item, const std::string& base) {
  FeedItem it;
  for (xmlNode* c = item->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view n = local(c);
    if (n == "title") it.title = collapse_whitespace(html_fragment_to_text(text_of(doc, c)));
    else if (n == "link" && it.link.empty()) it.link = resolve(text_of(doc, c), base);
    else if (n == "guid") {
      it.guid = trim(text_of(doc, c));
      std::string perm = ascii_lower(attr(c, "isPermaLink"));
      if (it.link.empty() && perm != "false" && it.guid.rfind("http", 0) == 0) it.link = it.guid;
    } else if (n == "pubDate" || (n == "date" && it.published.empty()) || n == "published" || (n == "updated" && it.published.empty())) {
      std::string iso = iso_or_empty(text_of(doc, c));
      if (!iso.empty()) it.published = iso;
    } else if (n == "description") it.summary = text_of(doc, c);
    else if (is_content_encoded(c)) it.content = text_of(doc, c);
    else if ((n == "creator" || n == "author") && it.author.empty()) it.author = collapse_whitespace(text_of(doc, c));
    else if (n == "category" || n == "subject") {
      std::string cat = collapse_whitespace(text_of(doc, c));
      if (!cat.empty()) it.categories.push_back(cat);
    }
  }
  return it;
}

std::string atom_link(xmlNode* parent, const std::string& base) {
  std::string fallback;
  for (xmlNode* c = parent->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || local(c) != "link") continue;
    std::string rel = attr(c, "rel");
    std::string href = attr(c, "href");
    if (rel.empty() || rel == "alternate") return resolve(href, base);
    if (fallback.empty() && rel != "self" && rel != "enclosure" && rel != "replies") fallback = resolve(href, base);
  }
  return fallback;
}

std::string atom_text(xmlDoc* doc, xmlNode* c) {
  std::string type = ascii_lower(attr(c, "type"));
  if (type == "xhtml") return inner_xml(doc, c);
  return text_of(doc, c);
}

FeedItem parse_atom_entry(xmlDoc* doc, xmlNode* entry, const std::string& base) {
  FeedItem it;
  std::string updated;
  for (xmlNode* c = entry->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view n = local(c);
    if (n == "title") it.title = collapse_whitespace(html_fragment_to_text(atom_text(doc, c)));
    else if (n == "id") it.guid = trim(text_of(doc, c));
    else if (n == "published") it.published = iso_or_empty(text_of(doc, c));
    else if (n == "updated") updated = iso_or_empty(text_of(doc, c));
    else if (n == "summary") it.summary = atom_text(doc, c);
    else if (n == "content") {
      if (attr(c, "src").empty()) it.content = atom_text(doc, c);
    } else if (n == "author" && it.author.empty()) {
      for (xmlNode* a = c->children; a; a = a->next)
        if (a->type == XML_ELEMENT_NODE && local(a) == "name") it.author = collapse_whitespace(text_of(doc, a));
    } else if (n == "category") {
      std::string term = attr(c, "label");
      if (term.empty()) term = attr(c, "term");
      if (!term.empty()) it.categories.push_back(term);
    }
  }
  if (it.published.empty()) it.published = updated;
  it.link = atom_link(entry, base);
  if (it.link.empty() && it.guid.rfind("http", 0) == 0) it.link = it.guid;
  return it;
}

void collect_opml(xmlNode* n, const std::string& base, std::vector<std::string>& urls) {
  for (xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (local(c) == "outline") {
      std::string u = attr(c, "xmlUrl");
      if (!u.empty()) urls.push_back(resolve(u, base));
    }
    collect_opml(c, base, urls);
  }
}

struct CtxtDeleter {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

}  // namespace

bool looks_like_feed(std::string_view text) {
  // Read past the prolog as XML defines it: the declaration and processing instructions (to "?>"),
  // comments (to "-->", whatever "<" they hold) and the doctype (to its ">", past an internal
  // subset in brackets), however long it runs, up to a bound.
  constexpr size_t kMaxProlog = 1u << 20;
  std::string_view h = text.substr(0, std::min(text.size(), kMaxProlog));
  size_t p = 0;
  while (true) {
    p = h.find('<', p);
    if (p == std::string_view::npos || p + 1 >= h.size()) return false;
    std::string_view rest = h.substr(p);
    size_t end;
    if (rest.rfind("<!--", 0) == 0) end = h.find("-->", p + 4), end = end == std::string_view::npos ? end : end + 3;
    else if (rest.rfind("<?", 0) == 0) end = h.find("?>", p + 2), end = end == std::string_view::npos ? end : end + 2;
    else if (rest.rfind("<!", 0) == 0) {
      // <!DOCTYPE name [ internal subset ]>: the subset may hold ">" of its own declarations.
      size_t bracket = h.find_first_of("[>", p + 2);
      if (bracket != std::string_view::npos && h[bracket] == '[') bracket = h.find(']', bracket);
      end = bracket == std::string_view::npos ? bracket : h.find('>', bracket);
      if (end != std::string_view::npos) ++end;
    } else {
      break;
    }
    if (end == std::string_view::npos) return false;
    p = end;
  }
  size_t e = h.find_first_of(" \t\r\n>/", p + 1);
  std::string_view name = h.substr(p + 1, e == std::string_view::npos ? std::string_view::npos : e - p - 1);
  size_t colon = name.find(':');
  if (colon != std::string_view::npos) name = name.substr(colon + 1);
  return name == "rss" || name == "RDF" || name == "feed" || name == "opml";
}

namespace {

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

// The document without its DOCTYPE declaration (internal subset included); "" when it has none.
// Quoted strings and comments inside the subset may hold '>' and ']'.
std::string without_doctype(std::string_view xml) {
  size_t start = xml.find("<!DOCTYPE");
  if (start == std::string_view::npos || start > (1u << 20)) return "";
  bool subset = false;
  char quote = 0;
  for (size_t i = start + 9; i < xml.size(); ++i) {
    char c = xml[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (subset && xml.compare(i, 4, "<!--") == 0) {
      size_t end = xml.find("-->", i + 4);
      if (end == std::string_view::npos) return "";
      i = end + 2;
    } else if (c == '[' && !subset) {
      subset = true;
    } else if (c == ']' && subset) {
      subset = false;
    } else if (c == '>' && !subset) {
      // Its lines stay, empty, so that later errors name the lines of the original.
      std::string out(xml.substr(0, start));
      out.append(static_cast<size_t>(std::count(xml.begin() + start, xml.begin() + i, '\n')), '\n');
      out += xml.substr(i + 1);
      return out;
    }
  }
  return "";
}

struct XmlParse {
  std::unique_ptr<xmlParserCtxt, CtxtDeleter> ctxt;
  std::unique_ptr<xmlDoc, DocDeleter> doc;
  std::string error;  // the last error, with its line
  int code = 0;
};

XmlParse parse_xml(std::string_view utf8, const std::string& base) {
  XmlParse p;
  p.ctxt.reset(xmlNewParserCtxt());
  if (!p.ctxt) return p;
  // No XML_PARSE_NOENT (it would substitute external entities) and no DTD loading: entities stay
  // references and are expanded by text_of() within its budget.
  int opts = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  p.doc.reset(xmlCtxtReadMemory(p.ctxt.get(), utf8.data(), static_cast<int>(std::min<size_t>(utf8.size(), INT32_MAX)),
                                base.empty() ? nullptr : base.c_str(), "UTF-8", opts));
  p.code = p.ctxt->lastError.code;
  if (p.code != XML_ERR_OK && p.ctxt->lastError.message) {
    p.error = collapse_whitespace(p.ctxt->lastError.message);
    if (p.ctxt->lastError.line > 0) p.error += " at line " + std::to_string(p.ctxt->lastError.line);
  }
  return p;
}

// Entities the document declares that dossier never loads: external ones, parameter ones and an
// external DTD. Named for the one warning a feed gets.
std::string unloaded_declarations(xmlDoc* doc) {
  std::vector<std::string> names;
  bool external_dtd = doc->extSubset != nullptr;
  if (xmlDtd* dtd = doc->intSubset) {
    if (dtd->SystemID || dtd->ExternalID) external_dtd = true;
    for (xmlNode* n = dtd->children; n; n = n->next) {
      if (n->type != XML_ENTITY_DECL) continue;
      auto* e = reinterpret_cast<xmlEntity*>(n);
      bool external = e->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY || e->etype == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY ||
                      e->etype == XML_EXTERNAL_PARAMETER_ENTITY;
      bool parameter = e->etype == XML_INTERNAL_PARAMETER_ENTITY || e->etype == XML_EXTERNAL_PARAMETER_ENTITY;
      if ((external || parameter) && e->name && names.size() < 5)
        names.push_back(std::string(parameter ? "%" : "") + reinterpret_cast<const char*>(e->name));
    }
  }
  std::string out;
  if (external_dtd) out = "an external DTD";
  if (!names.empty()) {
    if (!out.empty()) out += " and ";
    out += "external or parameter entities (" + join(names, ", ") + ")";
  }
  return out;
}

bool entity_error(int code) {
  return code == XML_ERR_ENTITY_LOOP || code == XML_ERR_ENTITY_BOUNDARY || code == XML_ERR_ENTITY_PE_INTERNAL ||
         code == XML_ERR_ENTITY_IS_EXTERNAL || code == XML_ERR_ENTITY_IS_PARAMETER;
}

}  // namespace

Result<ParsedFeed> parse_feed(std::string_view utf8, std::string_view url) {
  init_xml_library();
  std::string base(url);
  XmlParse parsed = parse_xml(utf8, base);
  if (!parsed.ctxt) return Error{"out of memory"};
  std::vector<std::string> notes;
  // An entity that loops or grows past libxml2's bounds stops the parser where it is referenced,
  // and the items after it would be lost: the document is read again without its DOCTYPE, its
  // entity references left out.
  if (entity_error(parsed.code)) {
    std::string stripped = without_doctype(utf8);
    if (!stripped.empty()) {
      XmlParse again = parse_xml(stripped, base);
      if (again.doc && xmlDocGetRootElement(again.doc.get())) {
        notes.push_back("entity declarations ignored (" + parsed.error + ")");
        parsed = std::move(again);
      }
    }
  }
  xmlParserCtxt* ctxt = parsed.ctxt.get();
  std::unique_ptr<xmlDoc, DocDeleter> doc = std::move(parsed.doc);
  std::string xml_error = parsed.error;
  if (!doc) return Error{"malformed XML: " + (xml_error.empty() ? std::string("no document") : xml_error)};
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return Error{"malformed XML: no root element" + (xml_error.empty() ? "" : " (" + xml_error + ")")};
  if (std::string unloaded = unloaded_declarations(doc.get()); !unloaded.empty())
    notes.push_back("declares " + unloaded + ", never loaded");

  ParsedFeed feed;
  std::string_view rn = local(root);
  if (rn == "rss") {
    feed.format = "rss2";
    for (xmlNode* ch = root->children; ch; ch = ch->next) {
      if (ch->type != XML_ELEMENT_NODE || local(ch) != "channel") continue;
      for (xmlNode* c = ch->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        std::string_view n = local(c);
        if (n == "title" && feed.title.empty()) feed.title = collapse_whitespace(text_of(doc.get(), c));
        else if (n == "link" && feed.link.empty() && c->ns == nullptr) feed.link = trim(text_of(doc.get(), c));
        else if (n == "language") feed.language = trim(text_of(doc.get(), c));
        else if (n == "item") feed.items.push_back(parse_rss_item(doc.get(), c, base.empty() ? feed.link : base));
      }
    }
  } else if (rn == "RDF") {
    feed.format = "rss1";
    for (xmlNode* c = root->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (local(c) == "channel") {
        for (xmlNode* cc = c->children; cc; cc = cc->next) {
          if (cc->type != XML_ELEMENT_NODE) continue;
          if (local(cc) == "title") feed.title = collapse_whitespace(text_of(doc.get(), cc));
          else if (local(cc) == "link") feed.link = trim(text_of(doc.get(), cc));
          else if (local(cc) == "language") feed.language = trim(text_of(doc.get(), cc));
        }
      } else if (local(c) == "item") {
        feed.items.push_back(parse_rss_item(doc.get(), c, base.empty() ? feed.link : base));
      }
    }
  } else if (rn == "feed") {
    feed.format = "atom";
    feed.link = atom_link(root, base);
    std::string lang = attr(root, "lang");
    feed.language = lang;
    for (xmlNode* c = root->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (local(c) == "title") feed.title = collapse_whitespace(text_of(doc.get(), c));
      else if (local(c) == "entry") feed.items.push_back(parse_atom_entry(doc.get(), c, base.empty() ? feed.link : base));
    }
  } else if (rn == "opml") {
    feed.format = "opml";
    for (xmlNode* c = root->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (local(c) == "head") {
        for (xmlNode* h = c->children; h; h = h->next)
          if (h->type == XML_ELEMENT_NODE && local(h) == "title") feed.title = collapse_whitespace(text_of(doc.get(), h));
      } else if (local(c) == "body") {
        collect_opml(c, base, feed.feed_urls);
      }
    }
  } else {
    return Error{"not a feed (root element <" + std::string(rn) + ">)"};
  }
  if (!ctxt->wellFormed) {
    if (feed.items.empty() && feed.feed_urls.empty())
      return Error{"malformed " + feed.format + " feed: " + (xml_error.empty() ? "not well-formed" : xml_error)};
    // With the declarations gone, their references are undefined: that is no news.
    if (parsed.code != XML_ERR_UNDECLARED_ENTITY || notes.empty()) notes.push_back("recovered from XML errors: " + xml_error);
  }
  feed.warning = join(notes, "; ");
  return feed;
}

}  // namespace dossier
