// Internal to the synthesize stage: the parts build_dossier() (dossier.cc) assembles a dossier from,
// each a function over plain types, in the order they run:
//   sources.cc          number the independent sources, list copies with their original
//   gather.cc           what extraction found, gathered across sources with their references
//   claims.cc           sentences grouped into claims (claims.h)
//   select.cc           choosing among claims (topics, one per speaker, no repetition); key points
//   conflicts.cc        where sources disagree
//   brief.cc            introduction, description by topic, assessment
//   report.cc           the incident report's sections
//   recommendations.cc  ATT&CK mitigations for this incident and its actors
//   json.cc             the documented JSON, and what changed since the previous version
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dossier/synthesize/dossier.h"

namespace dossier::synth {

// A technique recognised from described behaviour enters the report only at this score or above
// (the extractor lists weaker candidates too); a technique named by its id always does.
constexpr double kDescribedTechniqueScore = kTrustedTechniqueScore;

void add_ref(std::vector<int>& refs, int r);
std::vector<int> merge_refs(std::vector<int> a, const std::vector<int>& b);
std::string country_name(const KnowledgeBase& kb, const std::string& code);
// An agency's name, else a country's, else the id itself.
std::string body_name(const KnowledgeBase& kb, const std::string& id);
Cited cite(const Claim& c);
// "[1][3]"
std::string markers_text(const std::vector<int>& refs);
// "The EU" stays; "Sources" -> "sources".
std::string lower_first(std::string s);
// Who a statement is about: its first run of capitalised words, past a leading function word
// ("The European Union expressed ..." -> "european union").
std::string statement_subject(const std::string& text);
// Counts in a sentence: (number, the stem of the noun it counts): "eight carriers", "1,700 devices".
std::vector<std::pair<long long, std::string>> counts_in(const std::string& sentence);
// Whether a claim's wording contains one of the cues as whole words.
bool claim_mentions(const Claim& c, const std::vector<const char*>& cues);

// Values with their sources, most cited first; ties keep first appearance.
class Tally {
 public:
  void add(const std::string& value, int ref);
  std::vector<Cited> top(size_t n) const;
  bool empty() const { return values_.empty(); }

 private:
  std::vector<Cited> values_;
  std::unordered_map<std::string, size_t> index_;
};

// The independent sources in citation order (a near-duplicate copy cites its original).
struct Sources {
  std::vector<const DossierArticle*> order;  // order[i] is cited as [i + 1]
  std::unordered_map<std::string, int> ref_of;  // article id -> citation number
  std::string first_published;                  // earliest dated report
  int ref(const DossierArticle& a) const { return ref_of.at(a.article.id); }
  // A date can be when something was disclosed only if it is near the coverage: not more than 60
  // days before the first dated report.
  bool plausible_report_date(const std::string& value) const;
};
// Numbers the sources (publication order, undated last) into d.sources.
Sources number_sources(const DossierInput& in, Dossier& d);

struct DateSeen {
  std::string value, event, text, sentence;
  bool since = false, relative = false;
  int ref = 0;
};

struct NameSeen {
  std::string surface;
  std::set<int> refs, headline_refs;
};

// What extraction found in the sources, with the references of the sources that say it.
struct Gathered {
  std::vector<DateSeen> dates;
  Tally victims, sectors, geography, sponsors, attributors, confidence, denials, vulns;
  std::map<std::string, Tally> systems;  // victim -> systems named
  std::map<std::string, ActorAttribution> actors;
  std::map<std::string, ActorAttribution> ransomware;  // ransomware families named, by software id
  std::map<std::string, NameSeen> names;               // proper names, by folded form
  std::map<std::pair<std::string, std::string>, IndicatorFinding> iocs;
  std::map<std::string, TechniqueFinding> techniques;  // by technique id
  std::map<std::string, std::vector<int>> technique_refs;
  std::map<std::string, std::vector<std::pair<std::string, int>>> attributed;  // actor id -> (as written, ref)
  std::set<std::string> actor_countries;
};
Gathered gather(const Sources& sources, const KnowledgeBase& kb);

// Chooses among the claims for the products.
class ClaimPicker {
 public:
  ClaimPicker(const std::vector<Claim>& claims, const Gathered& gathered);
  // The best claims of some topics: first one per party speaking, then the rest, best first.
  std::vector<const Claim*> best_of(const std::vector<std::string>& topics, size_t n, const std::set<std::string>& skip,
                                    bool allow_hedged = false) const;
  // Share of the smaller claim's content stems that the other has: products never repeat one
  // statement in other words.
  double overlap(const Claim& a, const Claim& b) const;
  // How much a claim says about what happened: it names the actor, the victim, the activity.
  double informative(const Claim& c) const;
  const std::vector<Claim>& claims() const { return claims_; }

 private:
  const std::unordered_set<uint64_t>& stems_of(const Claim& c) const;
  const std::vector<Claim>& claims_;
  std::vector<std::string> actor_names_, victim_words_;
  mutable std::unordered_map<const Claim*, std::unordered_set<uint64_t>> stems_;  // computed when first compared
};

std::vector<Cited> choose_key_points(const ClaimPicker& picker);
std::vector<Conflict> find_conflicts(const std::vector<Claim>& claims, const Gathered& g);
Dossier::Brief write_brief(const ClaimPicker& picker, const Gathered& g, const std::vector<Conflict>& conflicts);
Dossier::Report write_report(const Dossier& d, const ClaimPicker& picker, const Gathered& g, const Sources& sources,
                             const KnowledgeBase& kb);
std::vector<Recommendation> recommend(const Dossier::Report& report, const Gathered& g, const KnowledgeBase& kb);

}  // namespace dossier::synth
