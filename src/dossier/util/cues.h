// Groups of cue phrases found in one pass: every phrase of every group is a caseless literal in one
// Vectorscan database, and a scan answers which groups have a phrase in the text (a bit each). For
// the many "does this sentence say any of ..." questions the synthesize stage asks of each sentence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/util/vectorscan.h"

namespace dossier {

class CueSet {
 public:
  // At most 32 groups; phrases match anywhere (substrings), ASCII case ignored.
  explicit CueSet(const std::vector<std::vector<std::string>>& groups);
  // Bit i is set when group i has a phrase in `text`.
  uint32_t find(std::string_view text) const;

 private:
  VectorscanDb db_;
  std::vector<uint32_t> group_of_;  // by phrase id
};

}  // namespace dossier
