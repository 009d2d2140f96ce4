// Internal to indicator extraction (indicators.cc): one candidate value checked and normalised by
// its type, and the helpers the checks and the scanner share.
#pragma once

#include <string>
#include <string_view>

#include "dossier/extract/indicators.h"
#include "dossier/util/public_suffix.h"

namespace dossier::indicator_values {

// Checks the candidate `ind` (type, span and `original` set) whose refanged text is `v`: false
// when it is no indicator of its type (a file name taken for a domain, a version number taken for
// an address, a bad checksum, ...); otherwise normalises `v` and adds flags to `ind`.
bool check_value(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList& psl);

// Shrinks a span past trailing punctuation that belongs to the sentence, keeping balanced brackets.
void trim_trailing(std::string_view text, size_t begin, size_t& end);

// The sentence-ish window around a span, lower-cased, for role cues.
std::string window(std::string_view text, size_t begin, size_t end);

void replace_all_icase(std::string& s, std::string_view from, std::string_view to);

}  // namespace dossier::indicator_values
