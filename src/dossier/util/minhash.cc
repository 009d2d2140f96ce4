#include "dossier/util/minhash.h"

#include <cstring>
#include <limits>

#include "dossier/util/hash.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

// Folds one shingle's hash into the signature: 64 permutations, each the splitmix64 finaliser of
// the hash plus a seed. The loop vectorises; where the CPU multiplies 64-bit lanes (AVX-512DQ) or
// at least has AVX2, a version compiled for it is chosen when the program loads. Every version
// computes the same values.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void fold_shingle(uint32_t* sig, uint64_t h) {
  for (size_t k = 0; k < kMinHashSize; ++k) {
    uint64_t x = h + 0x9e3779b97f4a7c15ULL * (k + 1);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    uint32_t v = static_cast<uint32_t>(x >> 32);
    sig[k] = v < sig[k] ? v : sig[k];
  }
}

}  // namespace

std::optional<MinHash> minhash_signature(std::string_view text) {
  auto words = word_tokens(text);
  if (words.size() < 10) return std::nullopt;
  MinHash sig;
  sig.fill(std::numeric_limits<uint32_t>::max());
  std::string shingle;
  for (size_t i = 0; i + 3 <= words.size(); ++i) {
    shingle = words[i];
    shingle += ' ';
    shingle += words[i + 1];
    shingle += ' ';
    shingle += words[i + 2];
    fold_shingle(sig.data(), hash64(shingle));
  }
  return sig;
}

std::array<uint64_t, kMinHashBands> minhash_bands(const MinHash& sig) {
  std::array<uint64_t, kMinHashBands> bands{};
  constexpr size_t rows = kMinHashSize / kMinHashBands;
  for (size_t b = 0; b < kMinHashBands; ++b) {
    // Keep band keys within SQLite's signed 64-bit range and distinct per band.
    uint64_t h = hash64(std::string_view(reinterpret_cast<const char*>(&sig[b * rows]), rows * sizeof(uint32_t)), b);
    bands[b] = h >> 1;
  }
  return bands;
}

double estimate_jaccard(const MinHash& a, const MinHash& b) {
  size_t same = 0;
  for (size_t k = 0; k < kMinHashSize; ++k) same += a[k] == b[k];
  return static_cast<double>(same) / kMinHashSize;
}

std::string minhash_to_blob(const MinHash& sig) {
  std::string blob(sizeof(uint32_t) * kMinHashSize, '\0');
  std::memcpy(blob.data(), sig.data(), blob.size());
  return blob;
}

std::optional<MinHash> minhash_from_blob(std::string_view blob) {
  if (blob.size() != sizeof(uint32_t) * kMinHashSize) return std::nullopt;
  MinHash sig;
  std::memcpy(sig.data(), blob.data(), blob.size());
  return sig;
}

}  // namespace dossier
