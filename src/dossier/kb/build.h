// Compiles the knowledge base from its sources (see kb.h for what it holds).
//
// Sources, all optional except ATT&CK:
//   DIR/attack/enterprise-attack.json       MITRE ATT&CK Enterprise, STIX 2.1 bundle
//   DIR/misp-galaxy/{mitre-intrusion-set,threat-actor,microsoft-activity-group,malpedia,
//                    ransomware,tool,intelligence-agencies,country}.json
//   iso_3166_path                            Debian iso-codes' iso_3166-1.json (and its translations of
//                                            country names, from the gettext catalogues under locale_dir)
//   dictionary_path                          a word list (/usr/share/dict/words): ordinary words
//                                            used as names are marked ambiguous
//   curated_dir                              data/curated: countries.tsv, agencies.tsv, sectors.tsv
//
// Merging: one actor per active ATT&CK intrusion set; MISP threat-actor clusters join it through
// their `related` links to the intrusion set or by a name they share with it, Microsoft
// activity-group clusters through their links to either or by name; clusters that join nothing
// become actors of their own. Every alias records which sources state it. The display name is
// the most recognised one: an APT number if any source gives one, else MISP's name, else ATT&CK's.
#pragma once

#include <string>
#include <vector>

#include "dossier/kb/kb.h"

namespace dossier {

struct KbSources {
  std::string dir;
  std::string iso_3166_path = "/usr/share/iso-codes/json/iso_3166-1.json";
  std::string dictionary_path = "/usr/share/dict/american-english";
  // iso-codes' gettext catalogues (LOCALE/LANG/LC_MESSAGES/iso_3166-1.mo): country names in the
  // languages of the news dossier reads, as aliases.
  std::string locale_dir = "/usr/share/locale";
  std::vector<std::string> country_languages = {"de", "fr", "es", "it", "nl", "pt", "cs", "pl", "ru", "uk"};
  std::string curated_dir;
};

// Warnings (a missing optional source) go to `warnings` when given; the held-out procedure
// examples of the technique model to `heldout` (for `dossier eval techniques`).
Result<std::unique_ptr<KnowledgeBase>> build_kb(const KbSources& sources, std::vector<std::string>* warnings = nullptr,
                                                std::vector<LabelledText>* heldout = nullptr);

// The project's curated tables (data/curated), next to the shipped KB.
std::string default_curated_dir();

}  // namespace dossier
