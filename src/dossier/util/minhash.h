// Near-duplicate detection for syndicated copies and lightly edited reposts.
//
// A MinHash signature (64 values) over word 3-shingles estimates the Jaccard similarity of two
// texts; locality-sensitive hashing splits it into 16 bands of 4 values so that a store finds
// candidate copies with an index look-up instead of a scan. Pairs with Jaccard 0.7 are found with
// probability 0.99, pairs with 0.3 rarely (0.12) become candidates; candidates are then confirmed
// on the estimated similarity (default threshold 0.6).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dossier {

constexpr size_t kMinHashSize = 64;
constexpr size_t kMinHashBands = 16;
constexpr double kDefaultDuplicateThreshold = 0.6;

using MinHash = std::array<uint32_t, kMinHashSize>;

// Nothing for texts too short to judge (fewer than 8 shingles).
std::optional<MinHash> minhash_signature(std::string_view text);
std::array<uint64_t, kMinHashBands> minhash_bands(const MinHash& sig);
double estimate_jaccard(const MinHash& a, const MinHash& b);

std::string minhash_to_blob(const MinHash& sig);
std::optional<MinHash> minhash_from_blob(std::string_view blob);

}  // namespace dossier
