// Knowledge-base entities in text: threat actors, software, countries (names, adjectives,
// metonyms), government cyber bodies and sector cues, found by one literal automaton (Vectorscan)
// over every KB name.
//
// Matching runs on case- and accent-folded text (NÚKIB matches NUKIB, Lipavský matches Lipavsky)
// with word boundaries, and reports the original spelling and byte offsets. The longest name wins
// where names overlap ("Security Information Service" over "Information Service"). Short
// upper-case acronyms (BIS, VZ, MSS) must appear in upper case. A name the KB marks ambiguous (an
// ordinary word, or one shared by several entities) counts only with supporting context: a threat
// cue in its sentence (group, hackers, malware, attributed, ...), a capitalised spelling, or an
// unambiguous mention of the same entity elsewhere in the text. Place names that contain a country's
// name ("North America", "New Jersey", "Latin America") win the longest match and are discarded.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/extract/sentences.h"
#include "dossier/kb/kb.h"
#include "dossier/util/fold.h"
#include "dossier/util/result.h"

namespace dossier {

enum class EntityKind { Actor, Software, Country, Agency, Sector, Blocker };
std::string_view entity_kind_name(EntityKind k);

struct EntityMention {
  EntityKind kind;
  std::vector<std::string> ids;  // KB ids; several when the name is shared and context cannot decide
  std::string text;              // as written
  size_t begin = 0, end = 0;     // byte offsets in the text
  size_t sentence = 0;
  bool ambiguous = false;        // the KB marks this name ambiguous (context accepted it)
  bool called_ransomware = false;  // software the text calls ransomware ("Khonsari ransomware")
};

// Whether a software mention names a ransomware brand (an actor as well as software): one the KB
// knows as ransomware, or one the text calls so.
bool names_ransomware(const EntityMention& m, const KnowledgeBase& kb);

// The actor an actor mention names: a name several actors share counts when exactly one of them
// is an ATT&CK group; otherwise none.
const Actor* named_actor(const EntityMention& m, const KnowledgeBase& kb);

class EntityMatcher {
 public:
  // Compiles the automaton over the KB's names. The KB must outlive the matcher.
  static Result<std::unique_ptr<EntityMatcher>> create(const KnowledgeBase& kb);
  ~EntityMatcher();
  EntityMatcher(const EntityMatcher&) = delete;
  EntityMatcher& operator=(const EntityMatcher&) = delete;

  std::vector<EntityMention> match(std::string_view text, const std::vector<Sentence>& sentences) const;
  size_t names() const { return targets_.size(); }

 private:
  EntityMatcher() = default;
  struct Target {
    EntityKind kind;
    std::string id;
    bool ambiguous;
    bool place_name = false;  // the same name is a country or a government body
    bool upper_only = false;  // a short acronym (BIS, MSS): counts only when written without lower case
  };
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::vector<Target>> targets_;  // by literal id
  std::vector<size_t> lengths_;               // folded literal length by id, padding included
  const KnowledgeBase* kb_ = nullptr;
};

}  // namespace dossier
