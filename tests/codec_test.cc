// The binary codec (util/bytes.h) and stored extractions (extract/codec.h): round trips, and
// truncated, corrupt or out-of-range input refused rather than read.
#include "dossier/extract/codec.h"

#include <gtest/gtest.h>

#include "dossier/util/bytes.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

TEST(Bytes, RoundTripAndTruncation) {
  ByteWriter w;
  w.u8(7);
  w.varint(300);
  w.svarint(-5);
  w.u64(0x0102030405060708ULL);
  w.f32(1.5f);
  w.f64(-2.25);
  w.str("caf\xc3\xa9");
  std::string b = w.take();
  ByteReader r(b);
  EXPECT_EQ(r.u8(), 7);
  EXPECT_EQ(r.varint(), 300u);
  EXPECT_EQ(r.svarint(), -5);
  EXPECT_EQ(r.u64(), 0x0102030405060708ULL);
  EXPECT_EQ(r.f32(), 1.5f);
  EXPECT_EQ(r.f64(), -2.25);
  EXPECT_EQ(r.str(), "caf\xc3\xa9");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(b[4], '\x08');  // fixed-width integers are little-endian on every machine
  for (size_t cut = 0; cut < b.size(); ++cut) {
    ByteReader t(std::string_view(b).substr(0, cut));
    (void)t.u8(), (void)t.varint(), (void)t.svarint(), (void)t.u64(), (void)t.f32(), (void)t.f64(), (void)t.str();
    EXPECT_FALSE(t.ok()) << cut;
  }
  // A count no remaining bytes could hold is refused.
  ByteWriter big;
  big.varint(1u << 30);
  ByteReader c(big.buffer());
  EXPECT_EQ(c.count(4), 0u);
  EXPECT_FALSE(c.ok());
}

Extraction sample() {
  Extraction x;
  x.article_id = "00000000000000aa";
  x.sentences = {{0, 20, 0, false, false}, {21, 60, 1, true, false}};
  Indicator i;
  i.type = IndicatorType::Domain;
  i.value = "evil.example";
  i.defanged = "evil[.]example";
  i.original = "evil[.]example";
  i.begin = 30;
  i.end = 44;
  i.was_defanged = i.malicious = true;
  i.role = "c2";
  i.confidence = 0.85;
  i.flags = {"defanged"};
  x.indicators.push_back(i);
  x.mentions.push_back(EntityMention{EntityKind::Actor, {"G0128"}, "APT31", 2, 7, 0, false});
  x.dates.push_back(DateMention{"2022", "year", "since 2022", 10, 20, 0, "began", false, true});
  x.events.people.push_back(Person{"Jan Lipavsky", "Foreign Minister", "CZ", Span{1, 22, 50}});
  x.events.organizations.push_back(Organization{"Ministry of Foreign Affairs", "CZ", "", "ministry", Span{0, 0, 20}});
  x.events.victims.push_back(Victim{"Ministry of Foreign Affairs", "CZ", {"unclassified network"}, "espionage", Span{0, 0, 20}});
  x.events.attributions.push_back(Attribution{{"CZ"}, {"G0128"}, "CN", {"mss"}, "high degree of certainty", Span{0, 0, 20}});
  x.events.denials.push_back(Denial{"CN", "rejected the accusations", Span{1, 21, 60}});
  x.techniques.push_back(TechniqueMention{"T1566", 0.7, 21, 60, false});
  return x;
}

TEST(ExtractionCodec, RoundTripKeepsEveryField) {
  Extraction x = sample();
  auto y = decode_extraction(encode_extraction(x), 60);
  ASSERT_TRUE(y.ok()) << y.error();
  EXPECT_EQ(y->article_id, x.article_id);
  ASSERT_EQ(y->sentences.size(), 2u);
  EXPECT_TRUE(y->sentences[1].heading);
  ASSERT_EQ(y->indicators.size(), 1u);
  EXPECT_EQ(y->indicators[0].type, IndicatorType::Domain);
  EXPECT_EQ(y->indicators[0].defanged, "evil[.]example");
  EXPECT_EQ(y->indicators[0].confidence, 0.85);
  EXPECT_EQ(y->indicators[0].flags, x.indicators[0].flags);
  EXPECT_EQ(y->mentions[0].ids, x.mentions[0].ids);
  EXPECT_EQ(y->dates[0].event, "began");
  EXPECT_TRUE(y->dates[0].since);
  EXPECT_EQ(y->events.people[0].name, "Jan Lipavsky");
  EXPECT_EQ(y->events.victims[0].systems, x.events.victims[0].systems);
  EXPECT_EQ(y->events.attributions[0].sponsor_agencies, x.events.attributions[0].sponsor_agencies);
  EXPECT_EQ(y->events.attributions[0].confidence, "high degree of certainty");
  EXPECT_EQ(y->events.denials[0].evidence.end, 60u);
  EXPECT_EQ(y->techniques[0].score, 0.7);
  // Encoding is deterministic.
  EXPECT_EQ(encode_extraction(*y), encode_extraction(x));
}

TEST(ExtractionCodec, RefusesTruncatedCorruptAndOutOfRangeInput) {
  std::string bytes = encode_extraction(sample());
  for (size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_FALSE(decode_extraction(std::string_view(bytes).substr(0, cut), 60).ok()) << cut;
  EXPECT_FALSE(decode_extraction(bytes + "x", 60).ok());  // trailing bytes
  std::string other = bytes;
  other[0] = 99;  // another format
  EXPECT_FALSE(decode_extraction(other, 60).ok());
  // Spans beyond the article's text (a stored extraction of another text) are refused.
  EXPECT_FALSE(decode_extraction(bytes, 59).ok());
  // Flipping bytes never crashes and never yields a span beyond the text.
  for (size_t k = 1; k < bytes.size(); ++k) {
    std::string b = bytes;
    b[k] = static_cast<char>(b[k] ^ 0x5a);
    auto y = decode_extraction(b, 60);
    if (y.ok())
      for (const auto& s : y->sentences) EXPECT_LE(s.end, 60u);
  }
}

TEST(ExtractionCodec, VersionNamesRulesAndKnowledgeBase) {
  KnowledgeBase a, b;
  a.fingerprint = "0123";
  b.fingerprint = "4567";
  EXPECT_NE(extractor_version(a), extractor_version(b));
  EXPECT_EQ(extractor_version(a), "r" + std::to_string(kExtractionRules) + "-0123");
  auto shipped = KnowledgeBase::load(shipped_kb().string());
  ASSERT_TRUE(shipped.ok());
  EXPECT_FALSE((*shipped)->fingerprint.empty());
}

}  // namespace
}  // namespace dossier
