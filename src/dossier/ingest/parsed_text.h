// The result of turning one document (page, text file, feed item) into an article's fields.
#pragma once

#include <string>

namespace dossier {

struct ParsedText {
  std::string title;
  std::string author;
  std::string published;  // ISO 8601 UTC or empty
  std::string url;        // canonical URL the document states about itself, if any
  std::string outlet;
  std::string language;   // declared language (normalised), empty if none
  std::string text;       // paragraphs separated by blank lines
};

}  // namespace dossier
