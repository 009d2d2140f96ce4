// The `dossier extract --jsonl` protocol: one JSON object per input line, {"id", "text"} or
// {"id", "html", "url"} with an optional "published", and one JSON result per output line: the
// extraction (extract/extract.h, extraction_json) with the line's "id", or {"id", "error"}.
// Every line gets an answer, whatever it holds; nothing it holds can stop the stream.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dossier/extract/extract.h"

namespace dossier {

struct JsonlAnswer {
  nlohmann::json out;  // null for a blank line (no answer)
  std::string error;   // why the line was refused, for one line on standard error
};

JsonlAnswer extract_jsonl_line(const Extractor& extractor, std::string_view line, size_t line_number);

}  // namespace dossier
