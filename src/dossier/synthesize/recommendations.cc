#include <algorithm>
#include <map>

#include "dossier/synthesize/assemble.h"

namespace dossier::synth {

// Mitigations of the techniques seen in this incident, then of those ATT&CK records the named
// actors as using, then patching the vulnerabilities the sources name; generic advice, marked as
// such, only when nothing specific applies.
std::vector<Recommendation> recommend(const Dossier::Report& report, const Gathered& g, const KnowledgeBase& kb) {
  std::map<std::string, Recommendation> recs;  // by mitigation id
  // Techniques seen in this incident.
  for (const auto& [id, f] : g.techniques) {
    const Technique* tech = kb.technique(id);
    if (!tech) continue;
    for (const auto& mid : tech->mitigations) {
      const Mitigation* m = kb.mitigation(mid);
      if (!m) continue;
      auto& rec = recs[mid];
      rec.mitigation_id = mid;
      rec.mitigation = m->name;
      if (std::find(rec.techniques.begin(), rec.techniques.end(), id) == rec.techniques.end()) rec.techniques.push_back(id);
      rec.refs = merge_refs(merge_refs(rec.refs, f.evidence.refs), f.also);
    }
  }
  for (auto& [mid, rec] : recs) {
    std::string list;
    for (const auto& t : rec.techniques) list += (list.empty() ? "" : ", ") + t;
    rec.basis = "addresses " + list + ", seen in this incident";
  }
  std::vector<Recommendation> out;
  for (auto& [mid, rec] : recs) out.push_back(rec);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.techniques.size() > b.techniques.size(); });
  if (out.size() > 8) out.resize(8);
  // Techniques the attributed actors are known to use.
  for (const auto& a : report.actors) {
    const Actor* act = a.id.empty() ? nullptr : kb.actor(a.id);
    if (!act || act->techniques.empty()) continue;
    std::map<std::string, std::vector<std::string>> cover;  // mitigation -> actor techniques it addresses
    for (const auto& tid : act->techniques)
      if (const Technique* t = kb.technique(tid))
        for (const auto& mid : t->mitigations) cover[mid].push_back(t->id);
    std::vector<std::pair<std::string, std::vector<std::string>>> ranked(cover.begin(), cover.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.second.size() > y.second.size(); });
    size_t added = 0;
    for (const auto& [mid, techs] : ranked) {
      if (added >= 6) break;
      const Mitigation* m = kb.mitigation(mid);
      if (!m) continue;
      Recommendation rec;
      rec.mitigation_id = mid;
      rec.mitigation = m->name;
      rec.techniques = techs;
      rec.refs = a.refs;
      std::string list;
      for (size_t i = 0; i < techs.size() && i < 10; ++i) list += (list.empty() ? "" : ", ") + techs[i];
      if (techs.size() > 10) list += ", ...";
      rec.basis = "mitigates " + std::to_string(techs.size()) + " of the " + std::to_string(act->techniques.size()) +
                  " techniques ATT&CK records " + act->name + (act->attack_id.empty() ? "" : " (" + act->attack_id + ")") +
                  " as using: " + list;
      out.push_back(std::move(rec));
      ++added;
    }
  }
  // Vulnerabilities the sources name.
  std::vector<Cited> cves = g.vulns.top(8);
  if (!cves.empty() && kb.mitigation("M1051")) {
    Recommendation rec;
    rec.mitigation_id = "M1051";
    rec.mitigation = kb.mitigation("M1051")->name;
    std::string list;
    for (const auto& c : cves) {
      list += (list.empty() ? "" : ", ") + c.text;
      rec.refs = merge_refs(rec.refs, c.refs);
    }
    rec.techniques = {"T1190"};
    rec.basis = "apply the fixes for " + list + ", which the sources name (ATT&CK T1190, Exploit Public-Facing Application)";
    out.push_back(std::move(rec));
  }
  if (out.empty()) {
    Recommendation rec;
    rec.generic = true;
    rec.basis = "No technique, actor or vulnerability is identified in the sources; review the mitigations for ATT&CK's Initial Access "
                "tactic (TA0001) and the logs of the affected systems";
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace dossier::synth
