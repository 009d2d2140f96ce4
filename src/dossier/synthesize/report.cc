#include <algorithm>
#include <map>

#include "dossier/synthesize/assemble.h"
#include "dossier/util/fold.h"

namespace dossier::synth {
namespace {

// ATT&CK Enterprise tactics in kill-chain order.
const char* const kTacticOrder[] = {"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
                                    "TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"};

std::vector<Cited> system_list(const Gathered& g, const std::string& victim) {
  auto it = g.systems.find(victim);
  return it == g.systems.end() ? std::vector<Cited>{} : it->second.top(3);
}

// Discovery, start, disclosure, the affected organisation and its systems, sector, geography,
// vulnerabilities.
void write_details(Dossier::Report& r, const Dossier& d, const Gathered& g, const Sources& sources, const KnowledgeBase& kb) {
  auto date_fact = [&](const char* label, std::initializer_list<const char*> events, bool since_counts, bool during_coverage) {
    Fact f;
    f.label = label;
    Tally t;
    for (const auto& dt : g.dates) {
      bool match = std::any_of(events.begin(), events.end(), [&](const char* e) { return dt.event == e; }) || (since_counts && dt.since);
      if (!match) continue;
      if (during_coverage && !sources.plausible_report_date(dt.value)) continue;
      if (dt.value.empty() && !since_counts) continue;
      std::string v = dt.value.empty() ? "\"" + dt.text + "\" (relative, in an undated source)" : dt.value;
      if (dt.relative && !dt.value.empty()) v += " (\"" + dt.text + "\")";
      t.add(v, dt.ref);
    }
    f.values = t.top(4);
    return f;
  };
  r.details.push_back(date_fact("Discovery", {"discovered"}, false, false));
  r.details.push_back(date_fact("Start of the activity", {"began"}, true, false));
  Fact disclosed = date_fact("Disclosure and attribution", {"attributed", "disclosed"}, false, true);
  if (disclosed.values.empty() && !d.sources.empty()) {
    // The earliest dated report.
    for (const auto& s : d.sources)
      if (!s.published.empty()) {
        disclosed.values.push_back(Cited{"first reported " + s.published.substr(0, 10), {s.ref}});
        break;
      }
  }
  r.details.push_back(disclosed);
  Fact affected{"Affected organisation", g.victims.top(3)};
  // The name the headlines are about, if one is.
  const NameSeen* subject = nullptr;
  for (const auto& [folded, n] : g.names) {
    if (n.headline_refs.empty()) continue;
    if (!subject || n.headline_refs.size() > subject->headline_refs.size() ||
        (n.headline_refs.size() == subject->headline_refs.size() && n.refs.size() > subject->refs.size()))
      subject = &n;
  }
  if (subject && !(subject->headline_refs.size() >= 2 || d.sources.size() == 1)) subject = nullptr;
  if (affected.values.empty()) {
    // No organisation is named as a victim: the name the headlines are about.
    if (subject)
      affected.values.push_back(Cited{subject->surface + std::string(kHeadlineSubjectNote), std::vector<int>(subject->refs.begin(), subject->refs.end())});
  } else {
    // A victim the headlines are about ("MGM" for "MGM Resorts") is cited by every source naming it.
    if (subject) {
      std::string s = " " + fold_name(subject->surface) + " ";
      for (auto& v : affected.values)
        if ((" " + fold_name(v.text) + " ").find(s) != std::string::npos)
          for (int r : subject->refs) add_ref(v.refs, r);
      std::stable_sort(affected.values.begin(), affected.values.end(), [](const Cited& a, const Cited& b) { return a.refs.size() > b.refs.size(); });
    }
    // Victims of this incident are named by many of its sources; one named by a single source
    // beside a victim most sources name is another incident's, mentioned in passing.
    size_t most = affected.values.front().refs.size();
    affected.values.erase(std::remove_if(affected.values.begin(), affected.values.end(),
                                         [&](const Cited& v) { return most >= 3 && v.refs.size() * 2 < most; }),
                          affected.values.end());
  }
  for (auto& v : affected.values) {
    std::string sys;
    for (const auto& c : system_list(g, v.text)) sys += (sys.empty() ? "" : ", ") + c.text;
    if (!sys.empty()) v.text += ": " + sys;
  }
  r.details.push_back(affected);
  r.details.push_back(Fact{"Sector", g.sectors.top(3)});
  // Geography: the victims' countries, else the countries most named other than the actor's.
  Tally geo;
  for (const DossierArticle* src : sources.order)
    for (const auto& v : src->extraction.events.victims)
      if (!v.country.empty()) geo.add(country_name(kb, v.country), sources.ref(*src));
  std::vector<Cited> geography = geo.top(3);
  if (geography.empty())
    for (auto& c : g.geography.top(6))
      if (!g.actor_countries.count(c.text) && geography.size() < 2) geography.push_back(Cited{country_name(kb, c.text), c.refs});
  r.details.push_back(Fact{"Geography", geography});
  r.details.push_back(Fact{"Vulnerabilities", g.vulns.top(8)});
}

// The actors and ransomware named, the sponsor, who attributed, with what confidence, denials.
void write_attribution(Dossier::Report& r, const Gathered& g) {
  for (auto& [id, a] : g.actors) {
    r.actors.push_back(a);
    if (auto it = g.attributed.find(id); it != g.attributed.end())
      for (const auto& [as_written, ref] : it->second) add_ref(r.actors.back().attributed_refs, ref);
  }
  std::stable_sort(r.actors.begin(), r.actors.end(), [](const auto& a, const auto& b) { return a.refs.size() > b.refs.size(); });
  for (auto& [id, rw] : g.ransomware) r.ransomware.push_back(rw);
  std::stable_sort(r.ransomware.begin(), r.ransomware.end(), [](const auto& a, const auto& b) { return a.refs.size() > b.refs.size(); });
  r.attribution.push_back(Fact{"Sponsor named by the sources", g.sponsors.top(3)});
  r.attribution.push_back(Fact{"Attributed by", g.attributors.top(6)});
  {
    // Strongest wording first.
    static const char* strength[] = {"high degree of certainty", "high confidence", "almost certainly", "highly likely", "moderate confidence",
                                     "with confidence", "assessed", "likely", "believed to", "suspected", "low confidence", "linked to",
                                     "possibly", "reportedly", "allegedly"};
    std::vector<Cited> c = g.confidence.top(8);
    auto rank = [&](const Cited& x) {
      for (size_t i = 0; i < std::size(strength); ++i)
        if (x.text == strength[i]) return i;
      return std::size(strength);
    };
    std::stable_sort(c.begin(), c.end(), [&](const Cited& a, const Cited& b) { return rank(a) < rank(b); });
    if (c.size() > 3) c.resize(3);
    r.attribution.push_back(Fact{"Confidence", c});
  }
  r.attribution.push_back(Fact{"Denials", g.denials.top(4)});
}

// Dated events, one line per date and event, cited.
void write_timeline(Dossier::Report& r, const Gathered& g, const Sources& sources) {
  std::map<std::pair<std::string, std::string>, TimelineEvent> events;
  for (const auto& dt : g.dates) {
    if (dt.value.empty() || dt.event.empty()) continue;
    // A disclosure or attribution dated long before anyone reported it is a misread cue.
    if ((dt.event == "disclosed" || dt.event == "attributed") && !sources.plausible_report_date(dt.value)) continue;
    auto& e = events[{dt.value, dt.event}];
    if (e.date.empty()) {
      e.date = dt.value;
      e.event = dt.event;
      e.what.text = dt.sentence;
      e.what.refs = {dt.ref};
    } else if (std::find(e.what.refs.begin(), e.what.refs.end(), dt.ref) == e.what.refs.end()) {
      add_ref(e.also, dt.ref);
    }
  }
  for (auto& [k, e] : events)
    if (!e.what.text.empty()) r.timeline.push_back(std::move(e));
  std::stable_sort(r.timeline.begin(), r.timeline.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
  if (r.timeline.size() > 20) {
    // Keep the events the most sources date, in date order.
    std::vector<TimelineEvent> t = r.timeline;
    std::stable_sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.what.refs.size() + a.also.size() > b.what.refs.size() + b.also.size(); });
    t.resize(20);
    std::stable_sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
    r.timeline = std::move(t);
  }
}

// Techniques by tactic, in kill-chain order; the tactics nothing was reported for.
void write_methodology(Dossier::Report& r, const Gathered& g, const KnowledgeBase& kb) {
  for (const char* tid : kTacticOrder) {
    const Tactic* tac = kb.tactic(tid);
    std::string tname = tac ? tac->name : tid;
    bool any = false;
    for (const auto& [id, f] : g.techniques) {
      const Technique* tech = kb.technique(id);
      if (!tech || std::find(tech->tactics.begin(), tech->tactics.end(), tid) == tech->tactics.end()) continue;
      TechniqueFinding row = f;
      row.tactic_id = tid;
      row.tactic = tname;
      r.methodology.push_back(std::move(row));
      any = true;
    }
    if (!any) r.tactics_not_reported.push_back(tname);
  }
}

// Claims about data, operations, money and reputation.
void write_impact(Dossier::Report& r, const std::vector<Claim>& claims) {
  const std::pair<const char*, std::vector<const char*>> kinds[] = {
      {"Data", {"records", "data", "emails", "e-mails", "files", "stolen", "stole", "exfiltrated", "exfiltration", "exposure of", "leaked",
                "copied", "mailboxes", "documents", "personal information"}},
      {"Operational", {"outage", "offline", "disrupted", "disruption", "unable", "halted", "shut down", "delays", "closed", "diverted",
                       "manually", "paper records"}},
      {"Financial", {"cost", "costs", "$", "\xe2\x82\xac", "ransom", "paid", "insurance", "losses", "fine", "fined"}},
      {"Reputational", {"reputation", "reputational", "trust", "credibility", "bilateral relations", "diplomatic relations", "ties"}}};
  for (const auto& [kind, cues] : kinds) {
    std::vector<Cited> items;
    for (const auto& c : claims) {
      if (items.size() >= 3) break;
      if (c.topic == "background" || c.topic == "lesson") continue;
      if (claim_mentions(c, cues)) items.push_back(cite(c));
    }
    r.impact.emplace_back(kind, std::move(items));
  }
}

}  // namespace

Dossier::Report write_report(const Dossier& d, const ClaimPicker& picker, const Gathered& g, const Sources& sources,
                             const KnowledgeBase& kb) {
  Dossier::Report r;
  r.executive_summary = d.brief.introduction;
  write_details(r, d, g, sources, kb);
  write_attribution(r, g);
  write_timeline(r, g, sources);
  write_methodology(r, g, kb);
  write_impact(r, picker.claims());
  // Indicators by type.
  {
    std::map<std::string, std::vector<IndicatorFinding>> by_type;
    for (const auto& [k, f] : g.iocs) by_type[f.type].push_back(f);
    for (auto& [t, v] : by_type) r.indicators.emplace_back(t, std::move(v));
  }
  for (const Claim* c : picker.best_of({"response"}, 10, {})) r.response.push_back(cite(*c));
  for (const Claim* c : picker.best_of({"reaction"}, 10, {})) r.reactions.push_back(cite(*c));
  for (const Claim* c : picker.best_of({"lesson"}, 4, {})) r.lessons.push_back(cite(*c));
  return r;
}

}  // namespace dossier::synth
