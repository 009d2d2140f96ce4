#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "dossier/synthesize/assemble.h"
#include "dossier/synthesize/claims.h"
#include "dossier/util/fold.h"

namespace dossier::synth {

// Where sources disagree: when the activity began, who is responsible, and counts.
std::vector<Conflict> find_conflicts(const std::vector<Claim>& claims, const Gathered& g) {
  std::vector<Conflict> out;
  // When the activity began: values differing in the year.
  {
    std::map<std::string, Conflict::Value> starts;  // year -> value
    for (const auto& dt : g.dates) {
      if (!(dt.event == "began" || dt.since)) continue;
      std::string year = dt.value.size() >= 4 ? dt.value.substr(0, 4) : "";
      std::string key = year.empty() ? "unresolved:" + dt.text : year;
      auto& v = starts[key];
      if (v.value.empty()) {
        v.value = year.empty() ? "unresolved" : year;
        v.as_written = dt.text;
      } else if (fold_name(v.as_written) != fold_name(dt.text) && v.as_written.find(dt.text) == std::string::npos) {
        v.as_written += "; " + dt.text;
      }
      add_ref(v.refs, dt.ref);
    }
    if (starts.size() > 1) {
      Conflict c;
      c.subject = "When the activity began";
      for (auto& [k, v] : starts) c.values.push_back(v);
      out.push_back(std::move(c));
    }
  }
  // Who is responsible: sources naming different actors, none of which another source names.
  {
    std::map<std::string, std::vector<int>> by_actor;
    for (const auto& [id, seen] : g.attributed)
      for (const auto& [name, ref] : seen) add_ref(by_actor[name], ref);
    if (by_actor.size() > 1) {
      // A conflict only if some source attributes to one actor and another source to a different one.
      std::set<int> all;
      for (const auto& [n, refs] : by_actor) all.insert(refs.begin(), refs.end());
      bool disjoint = false;
      for (auto a = by_actor.begin(); a != by_actor.end(); ++a)
        for (auto b = std::next(a); b != by_actor.end(); ++b) {
          std::vector<int> common;
          std::set_intersection(a->second.begin(), a->second.end(), b->second.begin(), b->second.end(), std::back_inserter(common));
          if (common.empty()) disjoint = true;
        }
      if (disjoint) {
        Conflict c;
        c.subject = "Who is responsible";
        for (const auto& [name, refs] : by_actor) c.values.push_back(Conflict::Value{name, name, refs});
        out.push_back(std::move(c));
      }
    }
  }
  // Counts stated in one claim with different values by different sources.
  for (const auto& c : claims) {
    if (c.refs.size() < 2) continue;
    std::map<std::string, std::map<long long, Conflict::Value>> by_unit;
    for (const auto& ev : c.evidence)
      for (const auto& [n, unit] : counts_in(ev.text)) {
        auto& v = by_unit[unit][n];
        v.value = std::to_string(n);
        if (v.as_written.empty()) v.as_written = clean_sentence(ev.text);
        add_ref(v.refs, ev.ref);
      }
    for (auto& [unit, values] : by_unit) {
      if (values.size() < 2) continue;
      // Only when the sources differ (one source giving two numbers is not a disagreement).
      std::set<int> refs;
      for (const auto& [n, v] : values) refs.insert(v.refs.begin(), v.refs.end());
      if (refs.size() < 2) continue;
      Conflict cf;
      cf.subject = "How many (" + unit + "): " + c.text;
      for (auto& [n, v] : values) cf.values.push_back(v);
      out.push_back(std::move(cf));
    }
  }
  return out;
}

}  // namespace dossier::synth
