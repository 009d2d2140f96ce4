// Proper names in running text, beyond the knowledge base: the organisations, products and places
// a story is about ("Hewlett Packard Enterprise", "Change Healthcare"), for clustering and the
// dossier. Pure functions over a text, its sentences and its KB entity mentions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dossier/extract/entities.h"
#include "dossier/extract/sentences.h"
#include "dossier/kb/kb.h"

namespace dossier {

// Proper names in running text: capitalised runs ("Hewlett Packard Enterprise", "Change
// Healthcare", "Operation Cronos") outside KB entity mentions, in folded form, each followed by
// its words that are not ordinary English words ("hewlett", "packard"). A single capitalised word
// opening a sentence counts only when it is not an ordinary word ("Ivanti" does, "Investigators"
// does not) or appears capitalised mid-sentence elsewhere.
// Spans in `excluded` (indicators, CVE ids) are never part of a name.
struct ProperName {
  std::string folded;   // "hewlett packard enterprise"
  std::string surface;  // as written: "Hewlett Packard Enterprise"
};
std::vector<ProperName> proper_name_mentions(std::string_view text, const std::vector<Sentence>& sentences,
                                             const std::vector<EntityMention>& mentions, const KnowledgeBase& kb,
                                             const std::vector<std::pair<size_t, size_t>>& excluded = {});
// The folded forms only.
std::vector<std::string> proper_names(std::string_view text, const std::vector<Sentence>& sentences,
                                      const std::vector<EntityMention>& mentions, const KnowledgeBase& kb,
                                      const std::vector<std::pair<size_t, size_t>>& excluded = {});

}  // namespace dossier
