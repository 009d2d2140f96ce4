// What kind of story an article is: an incident (intrusion, breach, ransomware, espionage, DDoS,
// fraud), a vulnerability or patch disclosure, an advisory, law enforcement or sanctions, policy,
// opinion or how-to, product or company news, or none of these recognisably.
//
// In: the article (its headline and text) and what extraction found in it (victims, responsible
// actors, CVEs, indicators). Out: the kind, and the cue that decided it. The headline and the lead
// decide: each kind has cue phrases (caseless, matched on word boundaries) scored higher in the
// headline than in the lead, and the extraction adds evidence of an incident (a victim, an actor
// held responsible) or of a disclosure (CVE ids).
//
// Incidents, disclosures, advisories and law enforcement form incidents (an arrest or a sanction
// is a follow-up of the incident it concerns); policy, opinion and product news stay browsable
// articles outside any incident, and only when nothing in the article reports an incident: a
// story whose kind is not recognised ("other") still clusters, since a story no cue describes may
// well report one.
#pragma once

#include <string>
#include <string_view>

#include "dossier/model.h"

namespace dossier {

struct Extraction;

enum class ArticleKind : uint8_t { Other, Incident, Vulnerability, Advisory, LawEnforcement, Policy, Opinion, ProductNews };

std::string_view article_kind_name(ArticleKind k);  // "incident", "vulnerability", "advisory", "law-enforcement", ...
ArticleKind article_kind_from_name(std::string_view name);  // Other for an unknown name
// Whether articles of this kind belong in incidents.
bool forms_incidents(ArticleKind k);

struct KindDecision {
  ArticleKind kind = ArticleKind::Other;
  std::string cue;  // the phrase (or evidence) that decided it, for explanations
};

KindDecision classify_article(const Article& article, const Extraction& extraction);

}  // namespace dossier
