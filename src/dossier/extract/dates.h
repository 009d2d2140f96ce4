// Dates in running text, each bound to the event its sentence reports.
//
// Absolute forms: "May 28, 2025", "28 May 2025", "2025-05-28", "July 2024", "in 2022", "since
// 2022". Relative forms are resolved against the article's publication time: "last year", "this
// year", "last month", "yesterday", "today", "on Wednesday" (the latest such day on or before
// publication), "last week". Without a publication time, relative forms are reported unresolved.
// The event is the nearest cue in the sentence: began, discovered, disclosed, attributed,
// installed, sanctioned, arrested, patched, contained.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/extract/sentences.h"

namespace dossier {

struct DateMention {
  std::string value;        // ISO 8601 at its precision: "2025-05-28", "2024-07", "2022"; empty if unresolved
  std::string granularity;  // day, week, month, year
  std::string text;         // as written
  size_t begin = 0, end = 0;
  size_t sentence = 0;
  std::string event;        // began, discovered, disclosed, ... or empty
  bool relative = false;
  bool since = false;       // "since 2022", "dating back to": the start of an ongoing activity
};

std::vector<DateMention> find_dates(std::string_view text, const std::vector<Sentence>& sentences,
                                    std::optional<std::time_t> published);

}  // namespace dossier
