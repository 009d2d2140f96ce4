// Language identification from function words. News text of a paragraph or more is identified
// reliably for the languages listed in language.cc; anything else (or too little text) is "und".
#pragma once

#include <string>
#include <string_view>

namespace dossier {

// ISO 639-1 code of the text's language, or "und".
std::string detect_language(std::string_view text);

// Normalises a declared language tag ("en-US", "en_GB", "cs-CZ") to ISO 639-1 ("en", "cs"), or "".
std::string normalize_language_tag(std::string_view tag);

}  // namespace dossier
