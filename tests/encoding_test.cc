#include "dossier/ingest/encoding.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dossier/ingest/document.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

// Golden files: tests/golden/encoding/NAME.{html,txt} beside NAME.json with the charset the bytes
// must be decoded from and the article title/text that must come out.
TEST(EncodingGolden, EveryCase) {
  size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir() / "encoding")) {
    if (entry.path().extension() == ".json") continue;
    auto expect_path = entry.path();
    expect_path.replace_extension(".json");
    json want = json::parse(read_file(expect_path));
    std::string bytes = read_file(entry.path());
    SCOPED_TRACE(entry.path().filename().string());
    Decoded d = decode_to_utf8(bytes, want.value("content_type", ""));
    EXPECT_EQ(d.charset, want["charset"].get<std::string>());
    FetchInfo info;
    info.source = entry.path().string();
    info.content_type = want.value("content_type", "");
    auto doc = parse_document(bytes, info);
    ASSERT_TRUE(doc.ok()) << doc.error();
    if (want.contains("title")) {
      EXPECT_EQ(doc->article.title, want["title"].get<std::string>());
    }
    EXPECT_EQ(doc->article.text, want["text"].get<std::string>());
    EXPECT_EQ(doc->article.fetch.charset, want["charset"].get<std::string>());
    ++cases;
  }
  EXPECT_GE(cases, 5u);
}

TEST(Encoding, HttpHeaderWinsOverMeta) {
  std::string page = "<meta charset=\"iso-8859-2\"><p>caf\xE9</p>";
  Decoded d = decode_to_utf8(page, "text/html; charset=windows-1252");
  EXPECT_EQ(d.charset, "windows-1252");
  EXPECT_EQ(d.how, "http");
  EXPECT_NE(d.text.find("caf\xC3\xA9"), std::string::npos);
}

TEST(Encoding, BomWinsOverEverything) {
  std::string page = "\xEF\xBB\xBF<meta charset=\"iso-8859-2\"><p>\xC5\x99</p>";
  Decoded d = decode_to_utf8(page, "text/html; charset=windows-1252");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.how, "bom");
  EXPECT_EQ(d.text.rfind("<meta", 0), 0u);  // BOM removed
}

TEST(Encoding, UnknownDeclaredCharsetIsIgnored) {
  Decoded d = decode_to_utf8("<meta charset=\"x-klingon\"><p>plain ascii</p>", "");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.how, "utf8-valid");
}

TEST(Encoding, Latin1LabelDecodesAsWindows1252) {
  Decoded d = decode_to_utf8("\x93quoted\x94", "text/plain; charset=ISO-8859-1");
  EXPECT_EQ(d.charset, "windows-1252");
  EXPECT_EQ(d.text, "\xE2\x80\x9Cquoted\xE2\x80\x9D");
}

// UTF-16 without a byte-order mark is text, recognised from where its NUL bytes fall.
TEST(Encoding, Utf16WithoutBomIsDecoded) {
  std::string text = "Grenzschutz meldet Angriff auf Flughafen-Server in Köln. Die Täter sind unbekannt.";
  std::string u16le, u16be;
  for (char32_t c : std::u32string(U"Grenzschutz meldet Angriff auf Flughafen-Server in K\u00f6ln. Die T\u00e4ter sind unbekannt.")) {
    u16le.push_back(static_cast<char>(c & 0xFF));
    u16le.push_back(static_cast<char>(c >> 8));
    u16be.push_back(static_cast<char>(c >> 8));
    u16be.push_back(static_cast<char>(c & 0xFF));
  }
  EXPECT_EQ(utf16_without_bom(u16le), "utf-16le");
  EXPECT_EQ(utf16_without_bom(u16be), "utf-16be");
  EXPECT_EQ(decode_to_utf8(u16le).text, text);
  EXPECT_EQ(decode_to_utf8(u16be).text, text);
  FetchInfo info;
  info.source = "letter.txt";
  auto doc = parse_document(u16le, info);
  ASSERT_TRUE(doc.ok()) << doc.error();
  // Binary data is still binary, and ASCII is not UTF-16.
  EXPECT_EQ(utf16_without_bom(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10", 20)), "");
  EXPECT_EQ(utf16_without_bom("Plain ASCII text of a page"), "");
}

TEST(Encoding, BinaryDetection) {
  EXPECT_TRUE(looks_binary(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)));
  EXPECT_TRUE(looks_binary(std::string("MZ\x90\0\x03\0\0\0", 8)));
  EXPECT_FALSE(looks_binary("Plain text with a tab\tand a newline\n"));
}

}  // namespace
}  // namespace dossier
