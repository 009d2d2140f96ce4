// Sentences with byte offsets. Paragraphs are the blank-line-separated blocks of an article's
// text; a heading or a list item is a sentence of its own. Sentence ends are ., ! or ? (and …)
// followed by optional closing quotes or brackets, white space, and an upper-case letter, a digit
// or an opening quote, except after abbreviations (Dr., Jan., No., e.g.), initials (J. Smith) and
// country abbreviations (U.S., U.K.) unless a new sentence evidently starts there.
#pragma once

#include <string_view>
#include <vector>

namespace dossier {

struct Sentence {
  size_t begin = 0, end = 0;  // byte offsets into the text
  size_t paragraph = 0;
  bool heading = false;    // a short line without final punctuation
  bool list_item = false;  // "- item"
};

std::vector<Sentence> split_sentences(std::string_view text);

// Index of the sentence that contains byte offset `pos` (the last one starting at or before it).
size_t sentence_index(const std::vector<Sentence>& sentences, size_t pos);

}  // namespace dossier
