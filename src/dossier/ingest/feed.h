// Syndication feeds: RSS 2.0 (with content:encoded), RSS 1.0 / RDF, Atom 1.0, and OPML subscription
// lists.
//
// Parsing uses libxml2 in recover mode with the network disabled. External entities and DTDs are
// never loaded; internal entities declared in a DOCTYPE are expanded by this module with a hard
// budget (depth 4, 64 KiB per field), so a "billion laughs" feed costs microseconds and yields
// truncated text, not memory exhaustion. A document that is not XML, or whose root is not a feed,
// is an error naming the reason; a feed with recoverable errors still yields the items it has.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dossier/util/result.h"

namespace dossier {

struct FeedItem {
  std::string title;
  std::string link;       // absolute when the feed gives a base
  std::string guid;
  std::string published;  // ISO 8601 UTC or empty
  std::string author;
  std::string summary;    // HTML or text as found (description, summary)
  std::string content;    // full HTML content (content:encoded, atom:content) when present
  std::vector<std::string> categories;
};

struct ParsedFeed {
  std::string format;  // "rss2", "rss1", "atom", "opml"
  std::string title;
  std::string link;
  std::string language;
  std::vector<FeedItem> items;
  std::vector<std::string> feed_urls;  // OPML only
  std::string warning;                 // recoverable XML errors, if any
};

// `utf8` must already be UTF-8 (the XML declaration's encoding is ignored). `url` is the feed's
// own address, used to resolve relative links; may be empty.
Result<ParsedFeed> parse_feed(std::string_view utf8, std::string_view url = {});

// True when the document's root element is rss, RDF, feed or opml: the prolog before it
// (declaration, comments holding "<", processing instructions, a doctype with an internal subset)
// is read as XML defines it, up to 1 MiB.
bool looks_like_feed(std::string_view text);

}  // namespace dossier
