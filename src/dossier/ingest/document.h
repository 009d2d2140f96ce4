// One fetched or read document to articles: sniffs the kind (feed, HTML page, plain text, binary),
// decodes it to UTF-8 and runs the matching extractor. Pure functions: no store, no network.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dossier/ingest/feed.h"
#include "dossier/model.h"
#include "dossier/util/result.h"

namespace dossier {

enum class DocumentKind { Feed, Html, Text };

struct ParsedDocument {
  DocumentKind kind = DocumentKind::Text;
  Article article;  // for Html and Text
  ParsedFeed feed;  // for Feed (items not yet turned into articles)
};

// `fetch.source` names the item in messages; `fetch.final_url` (or source, when it is a URL) is the
// page's address. Errors: binary content, empty document, no article text, malformed feed.
Result<ParsedDocument> parse_document(std::string_view bytes, const FetchInfo& fetch);

// Builds the article for one feed item from the item's own content. `page` is the linked page's
// article when it was fetched (its text wins when longer; the item's metadata fills gaps).
Article article_from_feed_item(const FeedItem& item, const ParsedFeed& feed, const FetchInfo& fetch);
void merge_page_into_item(Article& item_article, const Article& page);

// Sets id, canonical URL and language once the fields are known. The id hashes the normalised
// canonical URL, or the text when there is no URL.
void finalize_article(Article& a);

// Lower-cases scheme and host, drops the fragment and tracking parameters (utm_*, fbclid, gclid).
std::string normalize_url(std::string_view url);

// Whether a feed item carries only a teaser, so the linked page should be fetched: it has no full
// content (content:encoded, atom:content) and its summary is short, or its content is cut off
// ("...", "[...]", "Read more").
bool is_summary_only(const FeedItem& item, const Article& item_article);

}  // namespace dossier
