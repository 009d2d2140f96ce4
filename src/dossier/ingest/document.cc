#include "dossier/ingest/document.h"

#include "dossier/ingest/encoding.h"
#include "dossier/ingest/html.h"
#include "dossier/ingest/language.h"
#include "dossier/ingest/plaintext.h"
#include "dossier/util/ascii.h"
#include "dossier/ingest/fetch.h"
#include "dossier/util/hash.h"
#include "dossier/util/public_suffix.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

bool ends_with_any(const std::string& s, std::initializer_list<const char*> suffixes) {
  std::string t = trim(s);
  for (const char* suf : suffixes) {
    std::string_view v(suf);
    if (t.size() >= v.size() && t.compare(t.size() - v.size(), v.size(), v) == 0) return true;
  }
  return false;
}


bool utf16_signature(std::string_view b) {
  if (b.size() < 2) return false;
  unsigned char b0 = b[0], b1 = b[1];
  if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) return true;
  if (b.size() >= 4 && ((b[0] == '<' && b[1] == 0) || (b[0] == 0 && b[1] == '<'))) return true;
  return !utf16_without_bom(b).empty();
}

std::string ext_of(std::string_view source) {
  size_t slash = source.find_last_of('/');
  size_t dot = source.find_last_of('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return ascii_lower(source.substr(dot + 1));
}

}  // namespace

std::string normalize_url(std::string_view url_in) {
  std::string url = trim(url_in);
  size_t frag = url.find('#');
  if (frag != std::string::npos) url.resize(frag);
  size_t p = url.find("://");
  if (p == std::string::npos) return url;
  size_t host_end = url.find_first_of("/?", p + 3);
  if (host_end == std::string::npos) host_end = url.size();
  for (size_t i = 0; i < host_end; ++i) url[i] = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(url[i])));
  if (host_end == url.size()) url += "/";
  size_t q = url.find('?');
  if (q == std::string::npos) return url;
  std::string base = url.substr(0, q), kept;
  std::string_view query = std::string_view(url).substr(q + 1);
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view param = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    std::string key = ascii_lower(param.substr(0, param.find('=')));
    bool tracking = key.rfind("utm_", 0) == 0 || key == "fbclid" || key == "gclid" || key == "mc_cid" || key == "mc_eid";
    if (!param.empty() && !tracking) {
      kept += kept.empty() ? "?" : "&";
      kept += param;
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return base + kept;
}

// The registrable domain of an http(s) URL's host ("bbc.co.uk" for https://www.bbc.co.uk/news/x),
// else its host; empty when there is none.
std::string outlet_domain(const std::string& url) {
  std::string origin = url_origin(url);
  size_t scheme = origin.find("://");
  if (scheme == std::string::npos) return {};
  std::string host = origin.substr(scheme + 3);
  if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
  static const Result<PublicSuffixList> psl = PublicSuffixList::load();
  if (psl.ok())
    if (std::string d = psl->registrable_domain(host); !d.empty()) return d;
  if (host.rfind("www.", 0) == 0) host.erase(0, 4);
  return host;
}

void finalize_article(Article& a) {
  if (a.canonical_url.empty()) a.canonical_url = !a.url.empty() ? a.url : (is_http_url(a.fetch.final_url) ? a.fetch.final_url : "");
  if (!a.canonical_url.empty()) a.canonical_url = normalize_url(a.canonical_url);
  if (a.url.empty()) a.url = a.canonical_url;
  // No source named the outlet: the site the article is on stands for it.
  if (trim(a.outlet).empty()) a.outlet = outlet_domain(!a.url.empty() ? a.url : a.canonical_url);
  a.id = hex_id(!a.canonical_url.empty() ? a.canonical_url : a.text);
  if (a.language.empty()) a.language = detect_language(a.text);
}

bool is_summary_only(const FeedItem& item, const Article& a) {
  std::string tail = ascii_lower(a.text.substr(a.text.size() > 40 ? a.text.size() - 40 : 0));
  bool cut_off = ends_with_any(tail, {"...", "\xe2\x80\xa6", "[...]", "[\xe2\x80\xa6]", "read more", "continue reading", "read the full story"});
  if (!trim(item.content).empty()) return cut_off && utf8_length(a.text) < 2000;
  return utf8_length(a.text) < 1500 || cut_off;
}

Article article_from_feed_item(const FeedItem& item, const ParsedFeed& feed, const FetchInfo& fetch) {
  Article a;
  a.url = item.link;
  a.title = item.title;
  a.author = item.author;
  a.published = item.published;
  a.outlet = feed.title;
  a.feed_url = fetch.final_url.empty() ? fetch.source : fetch.final_url;
  a.language = normalize_language_tag(feed.language);
  const std::string& body = !item.content.empty() ? item.content : item.summary;
  // Item bodies are the article itself, not a page: paragraph them, never trim "furniture" from them.
  if (body.find('<') != std::string::npos) {
    a.text = html_fragment_to_text(body);
  } else {
    std::string text;
    for (const auto& line : split_lines(body)) {
      std::string l = collapse_whitespace(line);
      if (l.empty()) continue;
      if (!text.empty()) text += "\n\n";
      text += l;
    }
    a.text = std::move(text);
  }
  a.raw = !item.content.empty() ? item.content : item.summary;
  a.fetch = fetch;
  a.fetch.source = item.link.empty() ? fetch.source : item.link;
  return a;
}

void merge_page_into_item(Article& a, const Article& page) {
  if (utf8_length(page.text) > utf8_length(a.text)) {
    a.text = page.text;
    a.raw = page.raw;
    a.fetch = page.fetch;
  }
  if (a.title.empty()) a.title = page.title;
  if (a.author.empty()) a.author = page.author;
  if (a.published.empty()) a.published = page.published;
  if (!page.outlet.empty()) a.outlet = page.outlet;  // the site's own name beats the feed title
  if (!page.canonical_url.empty()) a.canonical_url = page.canonical_url;
  if (!page.language.empty() && page.language != "und") a.language = page.language;
}

Result<ParsedDocument> parse_document(std::string_view bytes, const FetchInfo& fetch) {
  if (bytes.empty()) return Error{"empty document"};
  if (!utf16_signature(bytes) && looks_binary(bytes)) return Error{"binary content (not text, HTML or a feed)"};
  Decoded dec = decode_to_utf8(bytes, fetch.content_type);
  if (trim(dec.text).empty()) return Error{"empty document"};

  ParsedDocument doc;
  std::string page_url = is_http_url(fetch.final_url) ? fetch.final_url : is_http_url(fetch.source) ? fetch.source : "";
  std::string ct = ascii_lower(fetch.content_type);
  std::string ext = ext_of(fetch.source);
  std::string_view head = std::string_view(dec.text).substr(0, 4096);

  FetchInfo info = fetch;
  info.charset = dec.charset;

  if (looks_like_feed(dec.text)) {
    auto feed = parse_feed(dec.text, page_url);
    if (!feed.ok()) return Error{feed.error()};
    doc.kind = DocumentKind::Feed;
    doc.feed = std::move(feed).value();
    return doc;
  }
  bool html = ct.find("html") != std::string::npos || ext == "html" || ext == "htm" || ext == "xhtml" ||
              (ct.find("text/plain") == std::string::npos && ext != "txt" && ext != "md" && looks_like_html(head));
  if (!html && (ct.find("xml") != std::string::npos || ext == "xml" || ext == "rss" || ext == "atom")) {
    // Claimed to be XML but not a feed we know: let the feed parser name the problem.
    auto feed = parse_feed(dec.text, page_url);
    return Error{feed.ok() ? "not a feed" : feed.error()};
  }
  ParsedText ex = html ? parse_html_article(dec.text, page_url) : parse_plain_text(dec.text);
  if (trim(ex.text).empty()) return Error{html ? "no article text found in the page" : "no article text found"};
  doc.kind = html ? DocumentKind::Html : DocumentKind::Text;
  Article& a = doc.article;
  a.title = ex.title;
  a.author = ex.author;
  a.published = ex.published;
  a.outlet = ex.outlet;
  a.text = std::move(ex.text);
  a.language = normalize_language_tag(ex.language);
  a.canonical_url = ex.url;
  a.url = page_url.empty() ? ex.url : page_url;
  a.raw = std::string(bytes);
  a.fetch = info;
  if (a.fetch.content_type.empty()) a.fetch.content_type = html ? "text/html" : "text/plain";
  finalize_article(a);
  return doc;
}

}  // namespace dossier
