// An Extraction as bytes, for the store: what extraction found in an article is computed once, at
// ingest, and read back by every later stage (clustering corrections, the dossier) instead of
// being computed again.
//
// The encoding is the shared binary codec (util/bytes.h), prefixed by a format number. Decoding
// checks every length against the input and every span against the article's text size, so a
// truncated, corrupt or foreign blob yields an error, never a crash or an out-of-range span.
//
// A stored extraction is valid only for the extractor that made it: `extractor_version` names the
// extraction rules (kExtractionRules, raised whenever they change what they find) and the
// knowledge base they ran with (its fingerprint). A reader compares versions and extracts again
// when they differ.
#pragma once

#include <string>
#include <string_view>

#include "dossier/extract/extract.h"
#include "dossier/util/result.h"

namespace dossier {

// Raised whenever a change to extraction changes what it finds.
constexpr int kExtractionRules = 8;  // 2: asserted special-range values; 3: organisations as victims; 4: responsibility; 5: defang styles; 6: article kinds, victims and states in more wordings; 7: victims' sectors; 8: technique cues, names inside longer names, software called ransomware

// "r<rules>-<kb fingerprint>".
std::string extractor_version(const KnowledgeBase& kb);

std::string encode_extraction(const Extraction& x);
// `text_size`: the byte length of the article's text, which every span must lie within.
Result<Extraction> decode_extraction(std::string_view bytes, size_t text_size);

}  // namespace dossier
