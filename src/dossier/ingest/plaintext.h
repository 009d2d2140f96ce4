// Plain-text articles: text files, pasted copies of web pages, feed items without markup.
//
// The text is split into paragraphs (blank-line blocks; hard-wrapped lines are re-joined), page
// furniture that survives copy-and-paste (icon labels, "Share", "Newsroom" mastheads, image
// captions such as "Main Image") is removed from the lead and tail of the document, a byline and
// a date line near the top become author and published time, and a title is chosen: YAML front
// matter, a Markdown H1, a short first line, or else the first sentence.
//
// Guarantees: every sentence of the output appears in the input (only whole lines are dropped and
// white space is normalised); prose paragraphs are never dropped.
#pragma once

#include <string_view>

#include "dossier/ingest/parsed_text.h"

namespace dossier {

ParsedText parse_plain_text(std::string_view utf8_text);

// True for a line that is page furniture rather than article content ("Share this article",
// "Advertisement", "Icon", "Skip to content", "© 2025 ...").
bool is_boilerplate_line(std::string_view line);

// A line that reads as running prose: a sentence or a list item with enough words.
bool is_prose_line(std::string_view line);

// A generic section label ("Key Points", "Introduction", "Full Report") that makes a poor title.
bool is_generic_heading(std::string_view line);

}  // namespace dossier
