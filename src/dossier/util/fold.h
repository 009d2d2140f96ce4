// Case- and accent-folding for matching names and words regardless of how they are written
// (NÚKIB = nukib, Lipavský = lipavsky, "China's" contains "china").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dossier {

// Case- and accent-folded form used for matching: NFKD, marks stripped, case-folded, runs of
// anything that is not a letter or digit become one space, trimmed.
std::string fold_name(std::string_view s);

// Whether a folded word is a corporate suffix or a generic last word of a company's name ("inc",
// "plc", "gmbh", "group", "holdings", "international", "networks"): "MGM Resorts International"
// and "MGM Resorts" name one company.
bool is_corporate_suffix(std::string_view folded_word);
// A folded name without its trailing corporate suffixes (never emptied).
std::string without_corporate_suffix(std::string folded);

// Case/accent-folded copy of `text` with, for every folded byte, the original byte offset where
// its code point starts (one extra entry maps the end). Folding is the same as fold_name(), with
// a space added at both ends.
struct FoldedText {
  std::string folded;
  std::vector<uint32_t> origin;  // texts are far below 4 GiB (ingest caps them)
};
FoldedText fold_with_offsets(std::string_view text);

}  // namespace dossier
