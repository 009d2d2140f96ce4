// Groups of cue phrases found in one pass: every phrase of every group is a caseless literal in one
// Vectorscan database, and a scan answers which groups have a phrase in the text (a bit each). For
// the many "does this sentence say any of ..." questions extraction and synthesis ask of each
// sentence. The phrase lists that more than one stage asks about live in cue_words.h, once.
#pragma once

#include <cstdint>
#include <mutex>
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
  // The same for each span of `text` in one scan: `span_begins` are sorted byte offsets, span k
  // running from span_begins[k] to the next one (the last to the end); a phrase counts in the span
  // where it ends.
  std::vector<uint32_t> find_in_spans(std::string_view text, const std::vector<size_t>& span_begins) const;

 private:
  std::vector<std::string> phrases_;
  std::vector<uint32_t> group_of_;  // by phrase id
  // Each database is compiled on first use (a set is asked one way or the other).
  mutable VectorscanDb first_;  // one match per phrase is enough for find()
  mutable VectorscanDb every_;  // every match, for find_in_spans()
  mutable std::once_flag first_compiled_, every_compiled_;
};

// A group's phrases from a constant array.
template <size_t N>
std::vector<std::string> cue_group(const char* const (&phrases)[N]) {
  return std::vector<std::string>(std::begin(phrases), std::end(phrases));
}

}  // namespace dossier
