// Claims: the sentences of an incident's sources grouped into statements (see dossier.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dossier/synthesize/dossier.h"

namespace dossier {

struct ClaimOptions {
  double same_claim = 0.42;   // cosine at or above which a sentence states an existing claim
  size_t min_words = 6;       // shorter sentences (captions, fragments) make no claim
  size_t max_words = 90;
};

// `sources[i]` is the article cited as [i + 1]; copies are not passed. Claims come out best first:
// most sources, then most central.
std::vector<Claim> group_claims(const std::vector<const DossierArticle*>& sources, const KnowledgeBase& kb,
                                const ClaimOptions& options = {});

// The wording a product prints for a source sentence: citation markers ("[4]") the source carried
// and leading filler ("However, ", "Meanwhile, ") removed, capitalised; never otherwise changed.
std::string clean_sentence(std::string_view sentence);

// Opens with a word that points back to an earlier sentence ("They", "It", "The company"): a
// product cannot print it on its own without changing what it says.
bool opens_with_reference(std::string_view sentence);

// A line that states an absence of information ("Not detailed.", "None explicitly provided"): no
// claim, no evidence.
bool is_non_statement(std::string_view sentence);

// Hedging that leaves a statement unverified: "reportedly", "allegedly", "could not be confirmed".
bool is_hedged(std::string_view sentence);

// The topic of a statement from its wording: activity, attribution, investigation, response,
// reaction, denial, impact, lesson or background.
std::string statement_topic(std::string_view sentence);

}  // namespace dossier
