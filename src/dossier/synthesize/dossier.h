// The synthesize stage: an incident's articles to its dossier, in which every statement is
// traceable to the source sentences that make it.
//
// Claims. The sentences of the incident's independent sources (a near-duplicate copy counts with
// its original) are grouped into claims: one statement made in different words by different
// outlets. Two sentences state the same claim when their stemmed words and named entities agree
// (cosine of weights that favour what is rare within the incident). A claim's sources are its
// corroboration. Its wording is one of its sentences, the most complete and specific, trimmed of
// leading filler ("However, ") and of citation markers the source carried, never reworded.
//
// Products. Key points (the most central, best-corroborated claims), a brief (introduction,
// description by topic, assessment, references) and an incident report (the sections analysts
// expect, each field citing its sources or saying "Not reported in the sources") are assembled
// from claims and from what extraction found (actors, attributions, dates, victims, techniques,
// indicators). Every sentence of every product carries the citation numbers of the sources that
// state it; nothing is written that no source says, except section labels, field names and the
// recommendations, which cite the knowledge base (ATT&CK ids) instead.
//
// Conflicts. Where sources disagree (when the activity began, a count, who is responsible), the
// dossier shows each value with its sources instead of picking one.
//
// Recommendations rest on ATT&CK: mitigations of the techniques seen in the incident and of those
// the attributed actor is known to use (`uses`), with their ids; generic advice appears only where
// nothing specific applies, and is marked as such.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/extract/extract.h"
#include "dossier/kb/kb.h"
#include "dossier/model.h"
#include "dossier/store/store.h"

namespace dossier {

// One article of the incident, with its extraction.
struct DossierArticle {
  Article article;  // text included
  Extraction extraction;
};

struct DossierInput {
  IncidentRecord incident;
  std::vector<DossierArticle> articles;
};

// A numbered reference: an independent source and the near-duplicate copies that repeat it.
struct DossierSource {
  int ref = 0;
  std::string article_id, url, outlet, title, published;
  std::vector<std::string> copies;  // URLs (or ids) of copies, which add no corroboration
};

// A sentence of a product, with the citation numbers of the sources that state it.
struct Cited {
  std::string text;
  std::vector<int> refs;
  bool refs_in_text = false;  // the text already places the markers (a line listing values and their sources)
};

struct Claim {
  std::string id;     // stable: a hash of its wording
  std::string text;   // the representative wording
  std::vector<int> refs;
  struct Evidence {
    int ref = 0;
    std::string article_id;
    size_t sentence = 0;
    size_t begin = 0, end = 0;  // byte span in that article's text
    std::string text;
  };
  std::vector<Evidence> evidence;
  std::string topic;  // activity, attribution, investigation, response, reaction, denial, impact, lesson, background
  double centrality = 0;
  bool hedged = false;  // "reportedly", "allegedly", "could not be confirmed"
};

// A field of the report: its values, each with its sources (several values when sources differ);
// none means "Not reported in the sources".
struct Fact {
  std::string label;
  std::vector<Cited> values;
};

// Appended to the "Affected organisation" value when no source names a victim and the value is
// only the name the headlines are about (which may be a product or a bystander).
inline constexpr std::string_view kHeadlineSubjectNote = " (the subject of the headlines)";

struct Conflict {
  std::string subject;  // "Start of the activity", "Responsibility", "Number of ... (claim)"
  struct Value {
    std::string value;       // normalised ("2022", "8")
    std::string as_written;  // "last year", "at least eight"
    std::vector<int> refs;
  };
  std::vector<Value> values;
};

// A conflicting value as a reader should see it: the value, and how the source wrote it when that
// differs ("2024 (\"last year\")"); an unresolved relative date says so.
std::string conflict_value(const Conflict::Value& v);

struct TimelineEvent {
  std::string date;   // ISO 8601 at its precision
  std::string event;  // began, discovered, attributed, ...
  Cited what;              // one source's sentence, citing that source
  std::vector<int> also;   // other sources that date the same event
};

struct ActorAttribution {
  std::string id, name, attack_id;
  std::vector<std::string> aliases;  // names the sources used, other than the canonical one
  std::vector<int> refs;
  std::vector<int> attributed_refs;  // the sources that hold it responsible (not only name it)
};

struct TechniqueFinding {
  std::string tactic_id, tactic;
  std::string technique_id, technique;
  bool named = false;  // written as an id; otherwise recognised from the described behaviour
  Cited evidence;          // one source's sentence, citing that source
  std::vector<int> also;   // other sources in which it was found
};

struct IndicatorFinding {
  std::string type, value, defanged, role;
  std::vector<int> refs;
  bool malicious = false;  // a source states it is malicious
};

struct Recommendation {
  std::string mitigation_id, mitigation;  // empty for generic advice
  std::vector<std::string> techniques;    // technique ids it addresses
  std::string basis;                      // why it applies, with ATT&CK ids
  std::vector<int> refs;                  // sources, when the basis is something they state
  bool generic = false;
};

struct DossierChanges {
  std::string since;           // when the previous version was generated
  int64_t previous_version = 0;
  std::vector<std::string> new_sources;  // "[n] Outlet: Title"
  std::vector<Cited> new_claims;
  std::vector<std::string> changed;      // facts whose value changed ("Actor: ... -> ...")
};

struct Dossier {
  std::string incident_id, title, first_seen, last_seen;
  int64_t incident_version = 0;
  std::string generated_at;
  std::vector<DossierSource> sources;
  std::vector<Claim> claims;
  std::vector<Cited> key_points;
  struct Brief {
    std::vector<Cited> introduction;
    std::vector<std::pair<std::string, std::vector<Cited>>> description;  // topic heading -> sentences
    std::vector<Cited> confirmed, single_source, unverified;  // none of them a statement made above
    size_t confirmed_above = 0;   // statements of the introduction and description made by several sources
    size_t unverified_above = 0;  // ... hedged or denials
    size_t single_above = 0;      // ... made by one source only
  } brief;
  struct Report {
    std::vector<Cited> executive_summary;
    std::vector<Fact> details;  // discovery, start, disclosure, affected organisation, sector, geography
    std::vector<ActorAttribution> actors;
    std::vector<ActorAttribution> ransomware;  // ransomware families named (their operators are the actor in crime)
    std::vector<Fact> attribution;  // sponsor, attributing bodies, confidence, denials
    std::vector<TimelineEvent> timeline;
    std::vector<TechniqueFinding> methodology;
    std::vector<std::string> tactics_not_reported;  // tactic names with nothing in the sources
    std::vector<std::pair<std::string, std::vector<Cited>>> impact;  // data, operational, financial, reputational
    std::vector<std::pair<std::string, std::vector<IndicatorFinding>>> indicators;  // by type
    std::vector<Cited> response, reactions, lessons;
  } report;
  std::vector<Conflict> conflicts;
  std::vector<Recommendation> recommendations;
  DossierChanges changes;  // empty `since` when there is no earlier version
};

// Builds the dossier of one incident. The KB names actors, techniques and mitigations.
Dossier build_dossier(const DossierInput& input, const KnowledgeBase& kb);

// The documented JSON form (README, "Dossier JSON"; docs/dossier.schema.json).
nlohmann::json dossier_json(const Dossier& d);
// dossier_json(d).dump(), byte for byte, written without building the claims' tree (most of a
// dossier's size): the form the store keeps.
std::string dossier_json_text(const Dossier& d);

// Fills `d.changes` against the JSON of the previous version (from dossier_json).
void compare_with_previous(Dossier& d, const nlohmann::json& previous, const std::string& previous_generated_at);

enum class DossierProduct { Full, Report, Brief, KeyPoints };
std::string render_markdown(const Dossier& d, DossierProduct what);
// A standalone HTML page (styles inline, no scripts, no external resources).
std::string render_html(const Dossier& d, DossierProduct what);
// One page for several dossiers, one after the other.
std::string render_html(const std::vector<Dossier>& all, DossierProduct what);

}  // namespace dossier
