// Dates and times as analysts meet them in news: RFC 822 feed dates, ISO 8601, and the written
// forms of article bylines ("May 28, 2025", "28 May 2025 14:05 CET"). Everything is normalised to UTC
// and printed as ISO 8601 ("2025-05-28T12:05:00Z").
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace dossier {

// Parses one date-time value. Accepts ISO 8601 (date, date-time, offsets, fractions), RFC 822/1123
// with numeric or named zones, and English written dates with optional time and zone.
// Returns nothing for text that is not wholly a date (trailing words are allowed only for the written
// forms, so "May 28, 2025 | News" still parses).
std::optional<std::time_t> parse_datetime(std::string_view s);

// Finds a written or ISO date anywhere in a short line ("Published: 28 May 2025", "By Jo Bloggs |
// May 28, 2025"). Meant for bylines and date lines, not for running text.
std::optional<std::time_t> find_date_in_line(std::string_view line);

std::string format_iso8601(std::time_t t);
std::string now_iso8601();

// Parses durations such as "15m", "2h", "30s", "1d", "90" (seconds).
std::optional<long> parse_duration_seconds(std::string_view s);

}  // namespace dossier
