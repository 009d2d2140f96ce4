// What incident clustering sees of an article: its time, the specific entities it names, and its
// content terms.
//
// Specific entities are the evidence that two articles report the same incident: the threat actor,
// the victim organisation, CVEs, malware and tools, indicators the text asserts, and the proper
// names of the story (companies, products, operations, people) found as capitalised runs in
// running text. Government bodies and countries are kept too, with low weight: they recur across
// unrelated incidents. Content terms are Snowball-stemmed words of the headline (weighted three
// times) and of the body (util/terms.h).
//
// A profile is a pure function of the article and its extraction, so profiles can be computed in
// parallel with extraction; the clusterer (clusterer.h) weights them against what it has seen.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dossier/extract/extract.h"
#include "dossier/extract/names.h"
#include "dossier/model.h"

namespace dossier {

// Days since 1970-01-01 (UTC); kNoDay when unknown.
inline constexpr int32_t kNoDay = INT32_MIN;
int32_t day_number(const std::string& iso8601);  // kNoDay if not a date
std::string day_string(int32_t day);              // "2025-05-28"

enum class KeyKind : uint8_t { Actor, Victim, Organization, Name, Cve, Indicator, Software, Agency, Country };
std::string_view key_kind_name(KeyKind k);
// How much sharing a key of this kind says about two articles reporting one incident.
float key_kind_weight(KeyKind k);

struct ProfileKey {
  std::string key;       // "actor:G0128", "victim:cz:ministry of foreign affairs", "cve:CVE-2024-3094", "name:change healthcare"
  KeyKind kind;
  float strength = 1;    // mentions (sublinear) and headline presence
  bool in_title = false;
  bool brand = false;    // software that is a ransomware brand: the actor of its attacks
  bool headline_victim = false;  // a victim the headline names (by its full or short name)
};

struct ArticleProfile {
  std::string article_id;
  std::string duplicate_of;
  std::string title;
  std::string outlet;
  int32_t day = kNoDay;     // publication day; kNoDay when the article is undated
  int32_t anchor_day = 0;   // the day an undated article is looked up around: its latest written date, else ingest day
  std::vector<ProfileKey> keys;                    // sorted by key, unique
  std::vector<std::pair<uint64_t, float>> terms;   // term_key(stem) -> weighted term frequency; sorted by key
  std::vector<uint64_t> title_terms;               // term keys of the headline, sorted, unique
  std::vector<std::string> actors;                 // actor ids named (unambiguously)
  std::string language;
  bool forms_incidents = true;  // false for kinds of story that report no incident (extract/kind.h)
  bool disclosure = false;      // a vulnerability or patch disclosure

  bool dated() const { return day != kNoDay; }
  int32_t when() const { return dated() ? day : anchor_day; }
};

ArticleProfile profile_article(const Article& article, const Extraction& extraction, const KnowledgeBase& kb);

}  // namespace dossier
