// Extraction measured against labelled articles (`dossier eval extraction`).
//
// In: a gold file in the devset's schema: a JSON object of articles by key, each with `formats.txt`
// (the article's text file, relative to the gold file), and the labels `actors` (the actors held
// responsible), `other_actors_mentioned`, `attributed_country` (a name or a list), `victims`,
// `sectors`, `countries_mentioned`, `cves`, `iocs` (by type, refanged) and `attack_techniques`.
// Out: per field, true and false positives and misses, with precision, recall and F1 (micro-
// averaged over the articles), and each article's misses and false positives by field.
//
// Matching is by meaning, not spelling: actors and countries through the KB (any alias names the
// same entity), victims by their significant words (one name's words all among the other's:
// "Colonial Pipeline" is "Colonial Pipeline Company"), sectors by stem against the KB sector's
// name, parent and aliases, techniques by id (a sub-technique counts for its parent and the
// reverse), indicators by type and refanged value (a domain or address also by the URL or e-mail
// address it is the host of). Values the dossier would not list as indicators (references,
// examples, warning-listed values) are no predictions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dossier/extract/extract.h"
#include "dossier/util/result.h"

namespace dossier {

struct FieldScore {
  size_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0; }
  double recall() const { return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

struct ArticleErrors {
  std::string key, file;
  std::map<std::string, std::vector<std::string>> missed, spurious;  // by field
};

struct ExtractionEval {
  size_t articles = 0;
  std::map<std::string, FieldScore> fields;  // victims, responsible_actors, sponsor_states, actors_named,
                                             // sectors, countries, cves, indicators, techniques
  std::map<std::string, std::map<std::string, FieldScore>> countries_by_language;  // language -> "countries"
  std::vector<ArticleErrors> errors;         // articles with a miss or a false positive
  std::vector<std::string> unreadable;       // "KEY: reason"
};

Result<ExtractionEval> evaluate_extraction(const std::string& gold_path, const Extractor& extractor);

// The same against CASIE's annotations (DIR/annotation/*.json beside DIR/articles/*.txt): the
// victims its events name (organisations with a name: "Equifax", "city of Atlanta"; not "the
// company"), the attackers it names that the KB knows, as the responsible actors, and the CVE ids.
Result<ExtractionEval> evaluate_casie(const std::string& dir, const Extractor& extractor);

}  // namespace dossier
