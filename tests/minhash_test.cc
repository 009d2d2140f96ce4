#include "dossier/util/minhash.h"

#include <gtest/gtest.h>

#include "dossier/util/hash.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

const char* kOriginal =
    "The Czech government on Wednesday publicly identified APT31, a hacking group tied to China's Ministry of State "
    "Security, as responsible for a campaign against the Ministry of Foreign Affairs. Officials said the activity "
    "dates back to 2022 and that the affected network is part of critical infrastructure. It is the first time the "
    "country has attributed a cyber operation to a foreign state by name.";

TEST(NearDup, LightlyEditedRepostIsSimilar) {
  std::string repost = std::string("This article first appeared elsewhere and is republished with permission. ") + kOriginal;
  auto a = minhash_signature(kOriginal);
  auto b = minhash_signature(repost);
  ASSERT_TRUE(a && b);
  EXPECT_GE(estimate_jaccard(*a, *b), kDefaultDuplicateThreshold);
  // Identical texts give identical signatures and band keys.
  auto c = minhash_signature(kOriginal);
  EXPECT_EQ(estimate_jaccard(*a, *c), 1.0);
  EXPECT_EQ(minhash_bands(*a), minhash_bands(*c));
}

TEST(NearDup, DifferentArticlesOnTheSameStoryAreNot) {
  const char* other =
      "Prague summoned the Chinese ambassador after naming APT31 as the group behind an intrusion at its foreign "
      "ministry. The embassy rejected the claims, and NATO and the European Union expressed support for the Czech "
      "government in separate statements issued later the same day.";
  auto a = minhash_signature(kOriginal);
  auto b = minhash_signature(other);
  ASSERT_TRUE(a && b);
  EXPECT_LT(estimate_jaccard(*a, *b), 0.3);
}

// The signature by its definition (word 3-shingles, XXH3, 64 splitmix64 permutations, minimum),
// computed plainly: the vectorised versions chosen at load time must give the same values, or
// signatures stored earlier would stop matching new ones.
TEST(NearDup, SignatureIsTheDefinition) {
  const std::string text =
      "Investigators said the intruders reached the payroll system through a contractor's VPN account, "
      "then copied records of staff in three regions before the breach was detected on Friday night.";
  auto sig = minhash_signature(text);
  ASSERT_TRUE(sig);
  auto words = word_tokens(text);
  MinHash want;
  want.fill(UINT32_MAX);
  for (size_t i = 0; i + 3 <= words.size(); ++i) {
    uint64_t h = hash64(words[i] + " " + words[i + 1] + " " + words[i + 2]);
    for (size_t k = 0; k < kMinHashSize; ++k) {
      uint64_t x = h + 0x9e3779b97f4a7c15ULL * (k + 1);
      x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
      x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
      x ^= x >> 31;
      want[k] = std::min(want[k], static_cast<uint32_t>(x >> 32));
    }
  }
  EXPECT_EQ(*sig, want);
}

TEST(NearDup, ShortTextsHaveNoSignature) { EXPECT_FALSE(minhash_signature("Too short to judge.")); }

TEST(NearDup, BlobRoundTrip) {
  auto a = minhash_signature(kOriginal);
  ASSERT_TRUE(a);
  auto back = minhash_from_blob(minhash_to_blob(*a));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *a);
  EXPECT_FALSE(minhash_from_blob("short"));
}

}  // namespace
}  // namespace dossier
