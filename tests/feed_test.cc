#include "dossier/ingest/feed.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "dossier/ingest/document.h"
#include "dossier/ingest/encoding.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

// Golden files: tests/golden/feeds/NAME.* beside NAME.json: the expected format, title, items (each
// title, link, published, author and the item's text), OPML feed URLs, or an error substring.
TEST(FeedGolden, EveryFeed) {
  size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir() / "feeds")) {
    if (entry.path().extension() == ".json") continue;
    auto expect_path = entry.path();
    expect_path.replace_extension(".json");
    json want = json::parse(read_file(expect_path));
    SCOPED_TRACE(entry.path().filename().string());
    std::string bytes = read_file(entry.path());
    auto start = std::chrono::steady_clock::now();
    auto feed = parse_feed(decode_to_utf8(bytes).text, "");
    auto elapsed = std::chrono::steady_clock::now() - start;
    ++cases;
    if (want.contains("error")) {
      ASSERT_FALSE(feed.ok());
      EXPECT_NE(feed.error().find(want["error"].get<std::string>()), std::string::npos) << feed.error();
      continue;
    }
    ASSERT_TRUE(feed.ok()) << feed.error();
    if (want.contains("warning")) {
      EXPECT_NE(feed->warning.find(want["warning"].get<std::string>()), std::string::npos) << feed->warning;
    } else {
      EXPECT_EQ(feed->warning, "");
    }
    if (want.contains("item_titles")) {
      // The items after a bad one are kept.
      std::vector<std::string> titles;
      for (const auto& it : feed->items)
        if (!it.title.empty() && it.title != "Boom") titles.push_back(it.title);
      EXPECT_EQ(titles, want["item_titles"].get<std::vector<std::string>>());
    }
    if (want.contains("max_field_bytes")) {
      // Entity bombs: parsing finishes and every field stays within the budget.
      size_t limit = want["max_field_bytes"].get<size_t>();
      for (const auto& it : feed->items) {
        EXPECT_LE(it.summary.size(), limit);
        EXPECT_LE(it.content.size(), limit);
      }
      EXPECT_LT(std::chrono::duration<double>(elapsed).count(), 5.0);  // a bound on runaway expansion, not a benchmark
      continue;
    }
    EXPECT_EQ(feed->format, want["format"].get<std::string>());
    EXPECT_EQ(feed->title, want["title"].get<std::string>());
    if (want.contains("feed_urls")) {
      EXPECT_EQ(feed->feed_urls, want["feed_urls"].get<std::vector<std::string>>());
    }
    ASSERT_EQ(feed->items.size(), want["items"].size());
    FetchInfo info;
    info.source = entry.path().string();
    for (size_t i = 0; i < feed->items.size(); ++i) {
      const FeedItem& it = feed->items[i];
      const json& w = want["items"][i];
      EXPECT_EQ(it.title, w["title"].get<std::string>());
      EXPECT_EQ(it.link, w["link"].get<std::string>());
      EXPECT_EQ(it.published, w["published"].get<std::string>());
      EXPECT_EQ(it.author, w["author"].get<std::string>());
      Article a = article_from_feed_item(it, *feed, info);
      EXPECT_EQ(a.text, w["text"].get<std::string>());
    }
  }
  EXPECT_GE(cases, 7u);
}

TEST(Feed, RelativeLinksResolveAgainstFeedUrl) {
  auto feed = parse_feed("<rss><channel><title>T</title><item><title>A</title><link>/a/1</link></item></channel></rss>",
                         "https://news.example/feed.xml");
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].link, "https://news.example/a/1");
}

TEST(Feed, SummaryOnlyItemsAreRecognised) {
  FeedItem full;
  full.content = "<p>Full text.</p>";
  Article a;
  a.text = "Full text.";
  EXPECT_FALSE(is_summary_only(full, a));
  FeedItem teaser;
  teaser.summary = "The first lines of a story...";
  a.text = "The first lines of a story...";
  EXPECT_TRUE(is_summary_only(teaser, a));
}

TEST(Feed, LooksLikeFeedSkipsProlog) {
  EXPECT_TRUE(looks_like_feed("<?xml version=\"1.0\"?>\n<!-- hi -->\n<rss version=\"2.0\">"));
  EXPECT_TRUE(looks_like_feed("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
  EXPECT_TRUE(looks_like_feed("<rdf:RDF xmlns:rdf=\"x\">"));
  EXPECT_FALSE(looks_like_feed("<!DOCTYPE html><html>"));
  // A comment holding markup, a long prolog, a doctype with an internal subset.
  EXPECT_TRUE(looks_like_feed("<?xml version=\"1.0\"?>\n<!-- see <a href=\"x\">the spec</a> -->\n<rss version=\"2.0\">"));
  EXPECT_TRUE(looks_like_feed("<!--" + std::string(10000, 'x') + "-->\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
  EXPECT_TRUE(looks_like_feed("<!DOCTYPE rss [<!ENTITY a \"<b>\">]>\n<rss version=\"2.0\">"));
  EXPECT_FALSE(looks_like_feed("<!-- never closed <rss>"));
}

}  // namespace
}  // namespace dossier
