#include <algorithm>
#include <set>

#include "dossier/synthesize/assemble.h"
#include "dossier/synthesize/claims.h"
#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier::synth {

// Introduction (what happened, by whom, since when), description by topic, and the assessment:
// what several sources confirm, what one source alone states, what is hedged, denied or disputed.
Dossier::Brief write_brief(const ClaimPicker& picker, const Gathered& g, const std::vector<Conflict>& conflicts) {
  const auto& claims = picker.claims();
  std::set<std::string> used;
  Dossier::Brief brief;
  {
    std::vector<const Claim*> introduced;  // in the introduction
    auto take = [&](const Claim* c) {
      if (!c || used.count(c->id)) return;
      if (std::any_of(introduced.begin(), introduced.end(), [&](const Claim* x) { return picker.overlap(*x, *c) > 0.45; })) return;
      used.insert(c->id);
      introduced.push_back(c);
      brief.introduction.push_back(cite(*c));
    };
    auto first = [&](const std::vector<std::string>& topics) {
      auto v = picker.best_of(topics, 1, used);
      return v.empty() ? nullptr : v.front();
    };
    // What happened, to whom, by whom: the most informative statement first.
    const Claim* lead = nullptr;
    for (const auto& c : claims)
      if (!c.hedged && ends_sentence(c.text) && !opens_with_reference(c.text) && (!lead || picker.informative(c) > picker.informative(*lead))) lead = &c;
    take(lead);
    take(first({"attribution"}));
    // When it began, if a claim says so.
    std::unordered_set<std::string> began;  // sentences dating the start of the activity
    for (const auto& dt : g.dates)
      if (dt.event == "began" || dt.since) began.insert(dt.sentence);
    for (const auto& c : claims) {
      if (began.empty()) break;
      if (used.count(c.id) || c.hedged) continue;
      bool when = std::any_of(c.evidence.begin(), c.evidence.end(), [&](const Claim::Evidence& e) { return began.count(clean_sentence(e.text)) > 0; });
      if (when) {
        take(&c);
        break;
      }
    }
    if (brief.introduction.empty() && !claims.empty()) take(&claims.front());
    const std::pair<const char*, std::vector<std::string>> sections[] = {
        {"The activity and its attribution", {"activity", "attribution", "impact"}},
        {"The investigation", {"investigation"}},
        {"The response", {"response"}},
        {"Reactions", {"reaction"}},
        {"Denials", {"denial"}}};
    for (const auto& [heading, topics] : sections) {
      std::vector<Cited> items;
      for (const Claim* c : picker.best_of(topics, 6, used, true)) {
        used.insert(c->id);
        items.push_back(cite(*c));
      }
      if (!items.empty()) brief.description.emplace_back(heading, std::move(items));
    }
    // The assessment states no sentence the brief has stated above: it adds what the description
    // left out, in one of its three groups, and counts what above was corroborated.
    auto unverified = [](const Claim& c) { return c.hedged || c.topic == "denial"; };
    for (const auto& c : claims) {
      if (used.count(c.id) || unverified(c)) {
        if (used.count(c.id) && c.refs.size() >= 2 && !unverified(c)) ++brief.confirmed_above;
        if (used.count(c.id) && unverified(c)) ++brief.unverified_above;
        if (used.count(c.id) && c.refs.size() == 1 && !unverified(c)) ++brief.single_above;
        continue;
      }
      bool specific = std::any_of(c.text.begin(), c.text.end(), [](char ch) { return ascii::is_digit(static_cast<unsigned char>(ch)); });
      if (c.refs.size() >= 2 && c.topic != "background" && brief.confirmed.size() < 5) {
        brief.confirmed.push_back(cite(c));
        used.insert(c.id);
      } else if (c.refs.size() == 1 && specific && c.topic != "background" && brief.single_source.size() < 5) {
        brief.single_source.push_back(cite(c));
        used.insert(c.id);
      }
    }
    for (const auto& c : claims)
      if (unverified(c) && !used.count(c.id) && brief.unverified.size() < 5) {
        brief.unverified.push_back(cite(c));
        used.insert(c.id);
      }
    for (const auto& cf : conflicts) {
      Cited line;
      line.refs_in_text = true;
      line.text = "Sources differ on " + lower_first(cf.subject) + ":";
      for (size_t i = 0; i < cf.values.size(); ++i) {
        const auto& v = cf.values[i];
        line.text += (i ? "; " : " ") + conflict_value(v) + " " + markers_text(v.refs);
        line.refs = merge_refs(line.refs, v.refs);
      }
      line.text += ".";
      brief.unverified.push_back(std::move(line));
    }
  }
  return brief;
}

}  // namespace dossier::synth
