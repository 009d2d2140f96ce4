// HTML pages to articles.
//
// parse_html_article() parses the page with libxml2's HTML parser (error-tolerant; never loads
// anything from the network), reads metadata (<title>, og:*, article:*, JSON-LD NewsArticle,
// <link rel=canonical>, <html lang>, <time>), and finds the main text by scoring blocks: paragraph
// text length and commas raise a container's score, link density and class/id hints such as
// "sidebar", "share" or "cookie" lower it. Navigation, forms, scripts, cookie banners, share
// widgets, newsletter boxes, related-link lists, comments and footers are removed. JSON-LD
// articleBody is used when the page's markup yields clearly less text than it.
//
// Guarantees: output is UTF-8 text made of the page's own words; paragraphs and headings are kept,
// one per blank-line-separated block; list items start with "- ". Pages with no article text give
// an empty `text` (the caller reports it), never an error.
#pragma once

#include <string>
#include <string_view>

#include "dossier/ingest/parsed_text.h"

namespace dossier {

// `html` must be UTF-8 (see decode_to_utf8). `page_url` resolves relative canonical links; may be empty.
ParsedText parse_html_article(std::string_view html, std::string_view page_url = {});

// Text of an HTML fragment (a feed item's content:encoded), blocks kept as paragraphs, with the
// same furniture removal but no main-content scoring.
std::string html_fragment_to_text(std::string_view html);

// The page without what can never be article text and is most of its bytes: the bodies of
// <script> (JSON-LD kept) and <style> elements, and comments. The elements themselves stay, so the
// parsed tree has the same shape. Tags are read as libxml2 reads them (quoted attribute values may
// hold '<' and '>'; a raw element ends at the first "</name", any case). Anything unterminated is
// left for the parser as it is.
std::string strip_inert_html(std::string_view html);

// True when the bytes look like an HTML document or fragment.
bool looks_like_html(std::string_view head);

// Calls xmlInitParser() and silences libxml2's error printing. Safe to call more than once; call it
// from the main thread before any parsing threads start.
void init_xml_library();

}  // namespace dossier
