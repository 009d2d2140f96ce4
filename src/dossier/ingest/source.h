// Sources to documents and documents to articles: what the ingest stage hands to the pipeline.
//
// In: a target the user named (a file, a directory, "-" for standard input, an http(s) URL of a
// page, feed or OPML list). Out: documents (bytes and how they arrived), and for each document
// the ordered steps it yields (`DocumentEntry`): finished articles, feed items that still need
// their linked page, an OPML list's feed URLs, warnings and failures. Nothing here touches a store
// or runs extraction: the pipeline (pipeline/pipeline.h) decides what is new, and stores it.
//
// Bad input yields a value, never an exception: an unreadable, missing, oversized or binary file,
// an unreachable host, a malformed feed each come back as an error naming the item and the reason
// in one line. Every size limit is the caller's `max_bytes`, for files, standard input and HTTP
// bodies alike.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/ingest/document.h"
#include "dossier/ingest/fetch.h"
#include "dossier/model.h"
#include "dossier/util/result.h"

namespace dossier {

// One read or fetched document.
struct Document {
  std::string bytes;
  FetchInfo info;
};

// Reads a local file whole ("-": standard input). Errors: missing, unreadable, larger than
// `max_bytes` ("file too large (25.0 MiB > 20.0 MiB limit)"), short read.
Result<Document> read_local_document(const std::string& path, size_t max_bytes);

// Reads a file or "-" locally, or fetches an http(s) URL: the one document a target names.
Result<Document> read_document(const std::string& target, const FetchOptions& fetch);

// The documents a directory walk picks up, sorted (the same walk gives the same store): files with
// a document extension, hidden files and folders and repository furniture skipped. A walk error
// is reported through `error` and the files found so far are returned.
std::vector<std::filesystem::path> list_documents(const std::filesystem::path& dir, std::string* error);

// File extensions a directory walk picks up.
bool is_document_extension(const std::filesystem::path& path);
// README, LICENSE, CHANGELOG and the like: skipped by directory walks (named explicitly, they are read).
bool is_repository_furniture(const std::filesystem::path& path);

// How an HTTP response arrived, for the parsers and the store.
FetchInfo fetch_info_from(const std::string& source, const FetchResponse& response);

// One step of what a document yields, in document order.
struct DocumentEntry {
  enum Kind { Ready, NeedsPage, Failure, Warning, FeedList } kind = Ready;
  Article article;                     // Ready: finished (id set); NeedsPage: the item before its page
  std::string link;                    // NeedsPage: the page to fetch
  std::string item, message;           // Failure, Warning: the item named and the reason; NeedsPage: its label
  std::vector<std::string> feed_urls;  // FeedList: the feeds an OPML list names
  bool counts_as_item = false;         // a feed item (for Feed::items_seen)
};

// What a document yields: its kind and, for a feed, its format ("rss", "atom", "rdf", "opml") and
// title, with the steps in document order.
struct DocumentEntries {
  bool parsed = false;  // false: `entries` is one Failure
  DocumentKind kind = DocumentKind::Text;
  std::string feed_format, feed_title;
  std::vector<DocumentEntry> entries;
};

// Parses a document into its steps: a page or a text is one Ready article; a feed gives one step
// per item (NeedsPage for a summary-only item with an http(s) link when `fetch_linked_pages`); an
// OPML list gives a FeedList. A document that cannot be parsed is one Failure.
DocumentEntries document_entries(std::string_view bytes, const FetchInfo& info, bool fetch_linked_pages);

// Completes a NeedsPage step with its linked page. A page that cannot be had leaves the item's
// summary, with a warning in `warning`; an item left with no text is an error.
Result<Article> complete_feed_item(DocumentEntry entry, Fetcher& fetcher, std::string* warning);

// The articles of one document, without a store (for `parse`, `extract` and tests): a page or
// text gives one, a feed one per item (summaries as they are, no page fetched).
struct DocumentArticles {
  bool is_feed = false;
  std::vector<Article> articles;
};
Result<DocumentArticles> document_articles(std::string_view bytes, const FetchInfo& info);

// The feed URLs of a local OPML file. Errors: unreadable, not an OPML list.
Result<std::vector<std::string>> read_opml_file(const std::string& path, size_t max_bytes);

// Feed scheduling.
// Next poll time after a poll: `interval_s` after a success; after n consecutive failures the
// interval doubles n times (capped at 64x and one day), so a dead feed is not hammered.
std::string next_due_after(const Feed& feed, long interval_s);
// Whether a feed is due at `now` (ISO 8601): never polled, or its next due time has passed.
bool feed_is_due(const Feed& feed, const std::string& now);
// Seconds until the soonest feed is due, between 1 and `interval_s` (interval_s when none is
// scheduled).
long seconds_until_next_due(const std::vector<Feed>& feeds, long interval_s, std::time_t now);

}  // namespace dossier
