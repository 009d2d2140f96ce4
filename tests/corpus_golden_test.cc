// Every article of the sample corpus (examples/corpus) must come out of extraction exactly as it was
// written: tests/golden/corpus/KEY.json holds the source paragraphs and metadata the corpus renderer
// put into the page, feed or text file, independently of dossier's own code.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "dossier/ingest/document.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

std::vector<Article> articles_of(const std::filesystem::path& file) {
  FetchInfo info;
  info.source = file.string();
  auto doc = parse_document(read_file(file), info);
  EXPECT_TRUE(doc.ok()) << file << ": " << (doc.ok() ? "" : doc.error());
  if (!doc.ok()) return {};
  if (doc->kind != DocumentKind::Feed) return {doc->article};
  std::vector<Article> out;
  for (const auto& item : doc->feed.items) {
    Article a = article_from_feed_item(item, doc->feed, info);
    finalize_article(a);
    out.push_back(a);
  }
  return out;
}

TEST(CorpusGolden, EveryArticleExtractsAsWritten) {
  std::map<std::string, std::vector<Article>> parsed;
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir() / "corpus")) {
    json want = json::parse(read_file(entry.path()));
    std::string file = want["file"];
    SCOPED_TRACE(entry.path().filename().string());
    if (!parsed.count(file)) parsed[file] = articles_of(source_dir() / file);
    const Article* got = nullptr;
    for (const auto& a : parsed[file])
      if (!want.contains("item_url") || a.url == want["item_url"].get<std::string>()) got = &a;
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->title, want["title"].get<std::string>());
    EXPECT_EQ(got->outlet, want["outlet"].get<std::string>());
    EXPECT_EQ(got->published, want["published"].get<std::string>());
    EXPECT_EQ(got->author, want["author"].get<std::string>());
    EXPECT_EQ(got->canonical_url, want["url"].get<std::string>());
    EXPECT_EQ(got->text, want["text"].get<std::string>());
    EXPECT_EQ(got->language, "en");
    ++checked;
  }
  EXPECT_GE(checked, 30u);
}

}  // namespace
}  // namespace dossier
