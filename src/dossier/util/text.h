// UTF-8 text helpers shared by every stage: whitespace folding, case folding of ASCII, splitting,
// and validation. All functions take and return UTF-8; invalid input never crashes them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dossier {

// Collapses every run of Unicode-ish white space (ASCII space, tab, CR, LF, NBSP, thin spaces,
// zero-width space) into one ASCII space and trims both ends.
std::string collapse_whitespace(std::string_view s);

std::string trim(std::string_view s);
std::string_view trim_view(std::string_view s);  // the same, without a copy
std::string ascii_lower(std::string_view s);
bool starts_with_icase(std::string_view s, std::string_view prefix);
bool contains_icase(std::string_view haystack, std::string_view needle);
// The first position at or after `from` where `needle` occurs, ASCII case ignored; npos if none.
size_t find_icase(std::string_view haystack, std::string_view needle, size_t from = 0);
bool iequals(std::string_view a, std::string_view b);
// "http://..." or "https://..." (any case).
bool is_http_url(std::string_view s);

std::vector<std::string> split_lines(std::string_view s);
std::vector<std::string_view> split_words(std::string_view s);  // on ASCII white space
size_t count_words(std::string_view s);
bool has_at_most_words(std::string_view s, size_t limit);  // count_words(s) <= limit, stopping early

// Replaces invalid UTF-8 sequences with U+FFFD. Valid input is returned unchanged.
std::string sanitize_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);
// Number of code points (invalid bytes count one each).
size_t utf8_length(std::string_view s);
// Cuts to at most max_chars code points on a word boundary, appending "..." when cut.
std::string truncate_words(std::string_view s, size_t max_chars);

// Word tokens for hashing and shingling: lower-cased, letters and digits only (ASCII folded;
// non-ASCII bytes kept as part of words).
std::vector<std::string> word_tokens(std::string_view s);

// True when the string ends with sentence-final punctuation (optionally followed by a closing
// quote or bracket).
bool ends_sentence(std::string_view s);
// A line holding what looks like an indicator of compromise: a defanged value, a run of 32 or more
// hex digits (a hash), or a dotted address. Indicator tables are short lines that look like
// headings or page furniture; they are neither.
bool looks_like_indicator_line(std::string_view line);

std::string json_escape_for_log(std::string_view s);

// Text as HTML or XML text or attribute value: & < > " ' become entities.
std::string escape_markup(std::string_view s);
// An http(s) URL that may become a link: nothing in it could end an attribute or hide a scheme
// (white space and control characters, which browsers drop from "java<TAB>script:", quotes,
// angle brackets, backslashes, backticks).
bool is_linkable_url(std::string_view url);

}  // namespace dossier
