#include "dossier/ingest/html.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dossier/ingest/document.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

// Golden files: tests/golden/html/NAME.html beside NAME.json. The JSON lists the fields that must
// come out exactly (title, outlet, author, published, url, language, text), an optional page_url the
// page is treated as fetched from, or {"error": "..."} for pages that must be rejected.
TEST(HtmlGolden, EveryPage) {
  size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir() / "html")) {
    if (entry.path().extension() != ".html") continue;
    auto expect_path = entry.path();
    expect_path.replace_extension(".json");
    json want = json::parse(read_file(expect_path));
    SCOPED_TRACE(entry.path().filename().string());
    FetchInfo info;
    info.source = want.value("page_url", entry.path().string());
    info.final_url = want.value("page_url", "");
    auto doc = parse_document(read_file(entry.path()), info);
    if (want.contains("error")) {
      ASSERT_FALSE(doc.ok());
      EXPECT_EQ(doc.error(), want["error"].get<std::string>());
      ++cases;
      continue;
    }
    ASSERT_TRUE(doc.ok()) << doc.error();
    const Article& a = doc->article;
    const std::pair<const char*, const std::string*> fields[] = {
        {"title", &a.title},         {"outlet", &a.outlet}, {"author", &a.author}, {"published", &a.published},
        {"url", &a.canonical_url},   {"language", &a.language}, {"text", &a.text}};
    for (const auto& [name, value] : fields)
      if (want.contains(name)) {
        EXPECT_EQ(*value, want[name].get<std::string>()) << name;
      }
    ++cases;
  }
  EXPECT_GE(cases, 5u);
}

TEST(Html, FragmentKeepsBlocksAndDropsScripts) {
  std::string t = html_fragment_to_text("<p>One <b>bold</b> line.</p><script>alert(1)</script><div>Two</div>");
  EXPECT_EQ(t, "One bold line.\n\nTwo");
}

TEST(Html, RemovesCookieBannersAndShareWidgets) {
  std::string page =
      "<html><body><div class='cookie-notice'><p>We use cookies so that this site works, and to measure how it is used by visitors.</p></div>"
      "<div class='content'><p>The attackers used a stolen VPN password to enter the network, the company said in a statement on Monday.</p>"
      "<div class='share-tools'><a href='#'>Share</a></div>"
      "<p>It has since reset every credential and added hardware keys for administrators, a spokesperson said.</p></div></body></html>";
  ParsedText ex = parse_html_article(page);
  EXPECT_EQ(ex.text,
            "The attackers used a stolen VPN password to enter the network, the company said in a statement on Monday.\n\n"
            "It has since reset every credential and added hardware keys for administrators, a spokesperson said.");
}

TEST(Html, EmptyAndGarbageInputDoNotCrash) {
  EXPECT_EQ(parse_html_article("").text, "");
  EXPECT_EQ(parse_html_article("<<<>>><html<body").text, "");
  // Deep markup keeps its text, however deep: past a depth the tree is flattened, in order.
  auto nested = [](int depth) {
    std::string page;
    for (int i = 0; i < depth; ++i) page += "<div><span>level</span>";
    return page + "<p>Deeply nested text survives when the markup is deep, and so does the paragraph after it.</p>"
                  "<p>A second paragraph follows the first one in the same deep block of the page.</p>";
  };
  for (int depth : {200, 5000, 100000}) {
    std::string text = parse_html_article(nested(depth)).text;
    size_t first = text.find("Deeply nested"), second = text.find("A second paragraph");
    EXPECT_NE(first, std::string::npos) << depth;
    EXPECT_NE(second, std::string::npos) << depth;
    EXPECT_LT(first, second) << depth;
  }
}

// A text node past libxml2's 10,000,000-byte limit is read whole, not cut.
TEST(Html, TextLongerThanTheParsersNodeLimitIsKept) {
  std::string sentence = "The operator restored its booking systems after the outage. ";
  std::string body;
  while (body.size() < 10'500'000) body += sentence;
  body += "Final sentence of the long page.";
  std::string text = parse_html_article("<html><body><article><p>" + body + "</p></article></body></html>").text;
  EXPECT_GT(text.size(), 10'400'000u);
  EXPECT_NE(text.find("Final sentence of the long page."), std::string::npos);
}

TEST(Html, StripInertHtmlDropsScriptAndStyleBodiesAndComments) {
  EXPECT_EQ(strip_inert_html("<p>a</p><script>var x = '<p>no</p>';</script><p>b</p>"), "<p>a</p><script></script><p>b</p>");
  EXPECT_EQ(strip_inert_html("<STYLE type=\"text/css\">p { color: red }</Style>x"), "<STYLE type=\"text/css\"></Style>x");
  EXPECT_EQ(strip_inert_html("a<!-- <script> -->b"), "ab");
  // JSON-LD is metadata: kept.
  const std::string ld = "<script type=\"application/ld+json\">{\"headline\": \"H\"}</script>";
  EXPECT_EQ(strip_inert_html(ld), ld);
  // A quoted attribute value may hold markup; it is not a tag.
  const std::string quoted = "<a title=\"<script>\" href='x>y'>link</a><p>after</p>";
  EXPECT_EQ(strip_inert_html(quoted), quoted);
  // Unterminated constructs are left for the parser.
  EXPECT_EQ(strip_inert_html("<p>x</p><script>never closed"), "<p>x</p><script>never closed");
  EXPECT_EQ(strip_inert_html("<p>x</p><!-- never closed"), "<p>x</p><!-- never closed");
  EXPECT_EQ(strip_inert_html("< p>1 < 2</p>"), "< p>1 < 2</p>");
}

TEST(Html, ArticleTextIsTheSameWithoutScriptBodies) {
  std::string page =
      "<html><head><script>window.state = {\"body\": \"<p>Not article text at all, only a script's data.</p>\"};</script>"
      "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \"datePublished\": \"2024-05-02T08:00:00Z\"}</script>"
      "<style>.x { content: '<p>'; }</style></head><body><!-- <p>commented out paragraph of text that is long enough</p> -->"
      "<article><p>The agency confirmed that the intrusion began in March and that the attackers reached the mail servers.</p>"
      "<p>Investigators found a web shell on an unpatched gateway, according to the statement released on Thursday.</p></article>"
      "</body></html>";
  ParsedText ex = parse_html_article(page);
  EXPECT_EQ(ex.text,
            "The agency confirmed that the intrusion began in March and that the attackers reached the mail servers.\n\n"
            "Investigators found a web shell on an unpatched gateway, according to the statement released on Thursday.");
  EXPECT_EQ(ex.published, "2024-05-02T08:00:00Z");
}

}  // namespace
}  // namespace dossier
