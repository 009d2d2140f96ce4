// Who is held responsible for the incident an article reports, and the state behind them.
//
// The actors and ransomware brands an article names are weighed by how it names them: in a
// sentence that attributes ("attributed to", "behind", "claimed responsibility", "tracked as"), in
// a sentence about the attack, or only in passing; a sentence about an earlier incident ("weeks
// after DarkSide's attack on ...", "the successor of GandCrab") counts for nothing. The responsible
// actors are the best evidenced. The sponsor states come from the attributions' wording
// ("Chinese state-sponsored", "Kremlin-backed") and from the KB's sponsor or origin of a
// responsible actor when the article names that country.
#pragma once

#include <string_view>
#include <vector>

#include "dossier/extract/entities.h"
#include "dossier/extract/events.h"
#include "dossier/extract/sentences.h"
#include "dossier/kb/kb.h"

namespace dossier {

// Sets events.responsible (actor or software ids, best evidenced first) and events.sponsor_states
// (ISO codes).
void find_responsibility(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<EntityMention>& mentions,
                         const KnowledgeBase& kb, Events& events);

}  // namespace dossier
