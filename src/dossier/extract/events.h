// People, organizations found by pattern, victims, attributions and denials: the statements an
// analyst reads an article for. Each works sentence by sentence over the entity mentions
// (entities.h), so every item points at the sentence that says it.
//
// People: "<title> <Name>" (Foreign Minister Jan Lipavský, EU Foreign Policy Chief Kaja Kallas),
// "<Name>, the <role>," (Kaja Kallas, the EU's top diplomat) and "the <role>, <Name>" (the
// ambassador, Feng Biao); the organization is the country or body named in the title or role.
// Organizations: ministries, embassies, parliaments and the like, bound to the country written
// next to them ("Czech Ministry of Foreign Affairs", "the Chinese embassy in Prague", "its
// foreign ministry" after a country). Victims: organizations in sentences that say they were
// targeted, with the systems named there ("unclassified communication network").
// Attribution: who attributed the activity (bodies and countries that are subjects of the
// sentence), to which actor, the sponsor state and agency, and the confidence wording.
// Denials: who rejected the accusation, and how.
#pragma once

#include <string>
#include <vector>

#include "dossier/extract/entities.h"
#include "dossier/extract/sentences.h"
#include "dossier/kb/kb.h"

namespace dossier {

struct Span {
  size_t sentence = 0;
  size_t begin = 0, end = 0;
};

struct Person {
  std::string name;
  std::string role;
  std::string organization;  // a country or body named with the role
  Span evidence;
};

struct Organization {
  std::string name;     // "Ministry of Foreign Affairs"
  std::string country;  // ISO code of the country it belongs to
  std::string located;  // ISO code of where it is, if different ("embassy in Prague")
  std::string kind;     // ministry, embassy, parliament, government, ...
  Span evidence;
};

struct Victim {
  std::string name;     // organization or sector
  std::string country;
  std::vector<std::string> systems;  // "unclassified communication network"
  std::string activity;              // espionage, ransomware, data theft, ddos, supply chain, wiper
  Span evidence;
  std::vector<std::string> sectors;  // KB sector ids: what its name and the text's words for it say
};

struct Attribution {
  std::vector<std::string> attributors;  // agency ids or country codes
  std::vector<std::string> actors;       // actor ids
  std::string sponsor_state;             // ISO code
  std::vector<std::string> sponsor_agencies;  // agency ids
  std::string confidence;                // the wording: "high degree of certainty", "suspected"
  Span evidence;
};

struct Denial {
  std::string who;   // country code or agency id
  std::string wording;  // "rejected the accusations as groundless"
  Span evidence;
};

struct Events {
  std::vector<std::string> responsible;     // actor or ransomware ids held responsible, best evidenced first (responsibility.h)
  std::vector<std::string> sponsor_states;  // ISO codes of the states behind them
  std::vector<Person> people;
  std::vector<Organization> organizations;
  std::vector<Victim> victims;
  std::vector<std::string> victim_sectors;  // the victims' sectors (KB ids), first victim first
  std::vector<Attribution> attributions;
  std::vector<Denial> denials;
};

Events find_events(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<EntityMention>& mentions,
                   const KnowledgeBase& kb);

}  // namespace dossier
