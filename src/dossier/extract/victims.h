// Victims beyond the government bodies of the KB: the companies, hospitals, cities, universities
// and other organisations an article says were harmed or targeted.
//
// An organisation is a capitalised run of words in running text ("Colonial Pipeline", "British
// Library", "3CX", "Royal Mail"), not a known actor, malware, country or person, with a leading
// "The" dropped. It is a victim when a sentence ties it to a harm:
//   - "<Org> was breached / hit / attacked / compromised / targeted / disrupted";
//   - "an attack / breach / intrusion / cyber incident on, at, against, affecting <Org>";
//   - "hackers / the gang / <actor> breached / hit / targeted <Org>";
//   - "<Org>'s networks / systems / customers / data" in a sentence that speaks of the attack;
//   - "<Org> disclosed / confirmed / suffered / detected a breach", "<Org> says a cyberattack ...".
// Roles are kept apart: security firms and agencies that investigate or attribute, and sources
// that report, are not victims; a victim named only in a background sentence ("weeks after the
// attack on X") and nowhere else is a past incident, not this one.
#pragma once

#include <string_view>
#include <vector>

#include "dossier/extract/entities.h"
#include "dossier/extract/events.h"
#include "dossier/extract/indicators.h"
#include "dossier/extract/sentences.h"
#include "dossier/kb/kb.h"
#include "dossier/model.h"

namespace dossier {

// Adds the organisations the text presents as victims to `events.victims` (after any found by
// pattern), each with the sentence that says so. The article's title counts as a mention (not as
// evidence); its outlet and the spans of indicators (CVE ids, file names) are never victims.
void find_organization_victims(const Article& article, const std::vector<Sentence>& sentences,
                               const std::vector<EntityMention>& mentions, const std::vector<Indicator>& indicators,
                               const KnowledgeBase& kb, Events& events);

// The victims' sectors (`Victim::sectors`, `Events::victim_sectors`): the words of a victim's
// name that tell a sector (the KB's sector name words: "Pipeline", "Library", "Bank") and the
// sector phrases the text writes as a title of the name or right after it, in an appositive or a
// relative clause ("the health insurer Medibank", "Kaseya, which sells IT management software").
// Sector phrases elsewhere (the firm that investigated, the agency that responded) are not used.
void find_victim_sectors(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<EntityMention>& mentions,
                         const KnowledgeBase& kb, Events& events);

// The short form a story may also call an organisation by: its name without a corporate suffix
// ("Colonial Pipeline" for "Colonial Pipeline Company"), or its first word when that word is no
// ordinary one ("Medibank" for "Medibank Private", "Barracuda" stays "Barracuda Networks"); empty
// when there is none.
std::string_view victim_short_name(std::string_view name, const KnowledgeBase& kb);

}  // namespace dossier
