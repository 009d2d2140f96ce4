#include "dossier/synthesize/dossier.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "dossier/cluster/profile.h"
#include "dossier/synthesize/claims.h"
#include "dossier/util/ascii.h"
#include "dossier/util/fold.h"
#include "dossier/util/helper.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace {

using json = nlohmann::json;

// A technique recognised from described behaviour enters the report only at this score or above
// (the extractor lists weaker candidates too); a technique named by its id always does.
constexpr double kDescribedTechniqueScore = 0.40;

// ATT&CK Enterprise tactics in kill-chain order.
const char* const kTacticOrder[] = {"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
                                    "TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"};

void add_ref(std::vector<int>& refs, int r) {
  if (std::find(refs.begin(), refs.end(), r) == refs.end()) {
    refs.push_back(r);
    std::sort(refs.begin(), refs.end());
  }
}

std::vector<int> merge_refs(std::vector<int> a, const std::vector<int>& b) {
  for (int r : b) add_ref(a, r);
  return a;
}

std::string country_name(const KnowledgeBase& kb, const std::string& code) {
  if (const Country* c = kb.country(code)) return c->name;
  return code;
}

std::string body_name(const KnowledgeBase& kb, const std::string& id) {
  if (const Agency* g = kb.agency(id)) return g->name;
  if (const Country* c = kb.country(id)) return c->name;
  return id;
}

// Values with their sources, most cited first; ties keep first appearance.
class Tally {
 public:
  void add(const std::string& value, int ref) {
    auto [it, fresh] = index_.emplace(value, values_.size());
    if (fresh) values_.push_back(Cited{value, {}});
    add_ref(values_[it->second].refs, ref);
  }
  std::vector<Cited> top(size_t n) const {
    std::vector<Cited> v = values_;
    std::stable_sort(v.begin(), v.end(), [](const Cited& a, const Cited& b) { return a.refs.size() > b.refs.size(); });
    if (v.size() > n) v.resize(n);
    return v;
  }
  bool empty() const { return values_.empty(); }

 private:
  std::vector<Cited> values_;
  std::unordered_map<std::string, size_t> index_;
};

// Words as small numbers ("eight" -> 8), for comparing counts.
std::optional<long long> number_value(const std::string& word) {
  static const std::map<std::string, long long> words = {
      {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"seven", 7}, {"eight", 8}, {"nine", 9},
      {"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"dozen", 12}, {"fifteen", 15}, {"twenty", 20}, {"hundred", 100}};
  std::string w = ascii_lower(word);
  if (auto it = words.find(w); it != words.end()) return it->second;
  std::string digits;
  for (char c : w) {
    if (ascii::is_digit(static_cast<unsigned char>(c))) digits += c;
    else if (c != ',') return std::nullopt;
  }
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  return std::stoll(digits);
}

// Counts in a sentence: (number, the stem of the noun it counts) - "eight carriers", "1,700
// devices", "$22 million" (unit "million").
std::vector<std::pair<long long, std::string>> counts_in(const std::string& sentence) {
  std::vector<std::pair<long long, std::string>> out;
  auto words = split_words(sentence);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    std::string w(words[i]);
    while (!w.empty() && !ascii::is_alnum(static_cast<unsigned char>(w.front()))) w.erase(w.begin());
    while (!w.empty() && !ascii::is_alnum(static_cast<unsigned char>(w.back()))) w.pop_back();
    auto n = number_value(w);
    if (!n || (*n >= 1900 && *n <= 2100 && w.size() == 4)) continue;  // years are dates, not counts
    // The counted noun: the next word that is not an adjective-like modifier.
    for (size_t j = i + 1; j < words.size() && j <= i + 3; ++j) {
      std::string u = ascii_lower(std::string(words[j]));
      while (!u.empty() && !ascii::is_alpha(static_cast<unsigned char>(u.back()))) u.pop_back();
      if (u.empty() || is_stop_word(u) || u == "us" || u == "more" || u == "than") continue;
      out.emplace_back(*n, stem_word(u));
      break;
    }
  }
  return out;
}

// Whether a claim's wording contains one of the cues as whole words.
bool claim_mentions(const Claim& c, const std::vector<const char*>& cues) {
  std::string l = " " + ascii_lower(c.text) + " ";
  for (const char* q : cues) {
    size_t pos = 0, n = std::strlen(q);
    while ((pos = l.find(q, pos)) != std::string::npos) {
      bool left = !ascii::is_alnum(static_cast<unsigned char>(l[pos - 1])) || !ascii::is_alnum(static_cast<unsigned char>(q[0]));
      bool right = pos + n >= l.size() || !ascii::is_alnum(static_cast<unsigned char>(l[pos + n])) || !ascii::is_alnum(static_cast<unsigned char>(q[n - 1]));
      if (left && right) return true;
      pos += 1;
    }
  }
  return false;
}

Cited cite(const Claim& c) { return Cited{c.text, c.refs, false}; }

// Who a statement is about: its first run of capitalised words, past a leading function word
// ("The European Union expressed ..." -> "european union"). Used to let every reacting or
// responding party be heard before any is heard twice.
std::string statement_subject(const std::string& text) {
  std::string subject;
  for (auto w : split_words(text)) {
    std::string word(w);
    while (!word.empty() && !ascii::is_alnum(static_cast<unsigned char>(word.back()))) word.pop_back();
    bool cap = !word.empty() && ascii::is_upper(static_cast<unsigned char>(word[0]));
    if (subject.empty() && (!cap || is_stop_word(ascii_lower(word)))) {
      if (!cap && !is_stop_word(ascii_lower(word))) break;
      continue;
    }
    if (!cap) break;
    subject += (subject.empty() ? "" : " ") + ascii_lower(word);
    if (w.back() == ',') break;
  }
  return subject;
}

std::string markers_text(const std::vector<int>& refs) {
  std::string s;
  for (int r : refs) s += "[" + std::to_string(r) + "]";
  return s;
}

std::string lower_first(std::string s) {
  if (!s.empty() && ascii::is_upper(static_cast<unsigned char>(s[0])) && !(s.size() > 1 && ascii::is_upper(static_cast<unsigned char>(s[1]))))
    s[0] = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::string conflict_value(const Conflict::Value& v) {
  if (v.value == "unresolved") return "\"" + v.as_written + "\" (relative, in an undated source)";
  if (!v.as_written.empty() && v.as_written != v.value && v.as_written.size() <= 40) return v.value + " (\"" + v.as_written + "\")";
  return v.value;
}

namespace {

}  // namespace

Dossier build_dossier(const DossierInput& in, const KnowledgeBase& kb) {
  Dossier d;
  d.incident_id = in.incident.id;
  d.title = in.incident.title;
  d.first_seen = in.incident.first_seen;
  d.last_seen = in.incident.last_seen;
  d.incident_version = in.incident.version;
  d.generated_at = now_iso8601();

  // ---- Sources: independent articles numbered by publication; copies listed with their original ----
  std::vector<const DossierArticle*> order;
  std::unordered_map<std::string, const DossierArticle*> by_id;
  for (const auto& a : in.articles) by_id[a.article.id] = &a;
  for (const auto& a : in.articles)
    if (a.article.duplicate_of.empty() || !by_id.count(a.article.duplicate_of)) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const DossierArticle* a, const DossierArticle* b) {
    const std::string& pa = a->article.published;
    const std::string& pb = b->article.published;
    if (pa.empty() != pb.empty()) return !pa.empty();
    return pa < pb;
  });
  std::unordered_map<std::string, int> ref_of;
  for (size_t i = 0; i < order.size(); ++i) {
    const Article& a = order[i]->article;
    DossierSource s;
    s.ref = static_cast<int>(i + 1);
    s.article_id = a.id;
    s.url = a.url.empty() ? a.canonical_url : a.url;
    s.outlet = a.outlet;
    s.title = a.title;
    s.published = a.published;
    ref_of[a.id] = s.ref;
    d.sources.push_back(std::move(s));
  }
  for (const auto& a : in.articles)
    if (!ref_of.count(a.article.id) && ref_of.count(a.article.duplicate_of))
      d.sources[static_cast<size_t>(ref_of[a.article.duplicate_of] - 1)].copies.push_back(a.article.url.empty() ? a.article.id : a.article.url);

  // A date can be when something was disclosed only if it is near the coverage: not more than 60
  // days before the first dated report.
  std::string first_published;
  for (const auto& s : d.sources)
    if (!s.published.empty() && (first_published.empty() || s.published < first_published)) first_published = s.published;
  auto plausible_report_date = [&](const std::string& value) {
    if (first_published.empty() || value.empty()) return true;
    auto t = parse_datetime(value.size() == 4 ? value + "-12-31" : value.size() == 7 ? value + "-28" : value);
    auto f = parse_datetime(first_published);
    return !t || !f || *t >= *f - 60 * 86400;
  };

  // ---- Claims ----
  // Grouped on the helper thread while this one gathers the extractions (which does not read
  // them); waited for before the first use of d.claims, at the key points.
  Handoff claims_done([&] { d.claims = group_claims(order, kb); });
  // The best claims of some topics: first one per party speaking, then the rest, best first.
  auto best_of = [&](const std::vector<std::string>& topics, size_t n, const std::set<std::string>& skip, bool allow_hedged = false) {
    std::vector<const Claim*> pool, out;
    for (const auto& c : d.claims) {
      if (skip.count(c.id) || (c.hedged && !allow_hedged) || opens_with_reference(c.text)) continue;
      if (std::find(topics.begin(), topics.end(), c.topic) != topics.end()) pool.push_back(&c);
    }
    std::set<std::string> heard;
    for (const Claim* c : pool) {
      if (out.size() >= n) break;
      std::string who = statement_subject(c->text);
      if (!who.empty() && !heard.insert(who).second) continue;
      out.push_back(c);
    }
    for (const Claim* c : pool) {
      if (out.size() >= n) break;
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
    // In the order of the ranking.
    std::stable_sort(out.begin(), out.end(), [&](const Claim* a, const Claim* b) {
      return std::find(pool.begin(), pool.end(), a) < std::find(pool.begin(), pool.end(), b);
    });
    return out;
  };

  // Stems of each claim, to keep products from repeating one statement in other words.
  // Computed when first compared: few claims ever are.
  std::unordered_map<const Claim*, std::unordered_set<uint64_t>> stems;
  auto stems_of = [&](const Claim& c) -> const std::unordered_set<uint64_t>& {
    auto it = stems.find(&c);
    if (it == stems.end()) {
      auto keys = content_term_keys(c.text);
      it = stems.emplace(&c, std::unordered_set<uint64_t>(keys.begin(), keys.end())).first;
    }
    return it->second;
  };
  auto overlap = [&](const Claim& a, const Claim& b) {
    const auto& x = stems_of(a);
    const auto& y = stems_of(b);
    if (x.empty() || y.empty()) return 0.0;
    size_t common = 0;
    for (uint64_t k : x) common += y.count(k);
    return static_cast<double>(common) / static_cast<double>(std::min(x.size(), y.size()));
  };

  // ---- Extraction, gathered across sources ----
  struct DateSeen {
    std::string value, event, text, sentence;
    bool since = false, relative = false;
    int ref = 0;
  };
  std::vector<DateSeen> dates;
  Tally victims, sectors, geography, sponsors, attributors, confidence, denials, vulns;
  std::map<std::string, Tally> systems;  // victim -> systems named
  std::map<std::string, ActorAttribution> actors;
  std::map<std::string, ActorAttribution> ransomware;  // ransomware families named, by software id
  struct NameSeen {
    std::string surface;
    std::set<int> refs, headline_refs;
  };
  std::map<std::string, NameSeen> names;  // proper names, by folded form
  std::map<std::pair<std::string, std::string>, IndicatorFinding> iocs;
  std::map<std::string, TechniqueFinding> techniques;  // by technique id
  std::map<std::string, std::vector<int>> technique_refs;
  std::map<std::string, std::vector<std::pair<std::string, int>>> attributed;  // actor id -> (as written, ref)
  std::set<std::string> actor_countries;
  for (const DossierArticle* src : order) {
    int ref = ref_of[src->article.id];
    const auto& x = src->extraction;
    const std::string& text = src->article.text;
    auto sentence_text = [&](size_t si) {
      return si < x.sentences.size() ? clean_sentence(std::string_view(text).substr(x.sentences[si].begin, x.sentences[si].end - x.sentences[si].begin))
                                     : std::string();
    };
    for (const auto& dm : x.dates)
      if (!dm.value.empty() || dm.relative)
        dates.push_back(DateSeen{dm.value, dm.event, dm.text, sentence_text(dm.sentence), dm.since, dm.relative, ref});
    for (const auto& m : x.mentions) {
      if (m.kind == EntityKind::Actor) {
        // A name several actors share counts when exactly one of them is an ATT&CK group.
        const Actor* a = nullptr;
        for (const auto& id : m.ids) {
          const Actor* c = kb.actor(id);
          if (!c || (m.ids.size() > 1 && c->attack_id.empty())) continue;
          if (a) {
            a = nullptr;
            break;
          }
          a = c;
        }
        if (!a) continue;
        auto& act = actors[a->id];
        act.id = a->id;
        act.name = a->name;
        act.attack_id = a->attack_id;
        add_ref(act.refs, ref);
        const std::string written = fold_name(m.text);
        if (written != fold_name(a->name) &&
            std::none_of(act.aliases.begin(), act.aliases.end(), [&](const std::string& s) { return fold_name(s) == written; }))
          act.aliases.push_back(m.text);
        if (!a->country.empty()) actor_countries.insert(a->country);
        if (!a->sponsor_state.empty()) actor_countries.insert(a->sponsor_state);
      } else if (m.kind == EntityKind::Software && m.ids.size() == 1) {
        const Software* s = kb.software_by_id(m.ids.front());
        if (s && s->kind == "ransomware") {
          auto& r = ransomware[s->id];
          r.id = s->id;
          r.name = s->name;
          r.attack_id = s->attack_id;
          add_ref(r.refs, ref);
          const std::string written = fold_name(m.text);
          if (written != fold_name(s->name) &&
              std::none_of(r.aliases.begin(), r.aliases.end(), [&](const std::string& x) { return fold_name(x) == written; }))
            r.aliases.push_back(m.text);
        }
      } else if (m.kind == EntityKind::Sector && !m.ids.empty()) {
        // The victim's sector: named where the sentence is about the attack or its damage.
        std::string topic = statement_topic(sentence_text(m.sentence));
        if (topic != "activity" && topic != "impact" && topic != "attribution") continue;
        for (const auto& sec : kb.sectors)
          if (sec.id == m.ids.front()) sectors.add(sec.name, ref);
      } else if (m.kind == EntityKind::Country && m.ids.size() == 1) {
        geography.add(m.ids.front(), ref);
      }
    }
    {
      std::string title = " " + fold_name(src->article.title) + " ";
      for (const auto& n : proper_name_mentions(text, x.sentences, x.mentions, kb)) {
        auto& seen = names[n.folded];
        if (seen.surface.empty()) seen.surface = n.surface;
        seen.refs.insert(ref);
        if (title.find(" " + n.folded + " ") != std::string::npos) seen.headline_refs.insert(ref);
      }
    }
    for (const auto& v : x.events.victims) {
      std::string name = v.name + (v.country.empty() ? "" : " (" + country_name(kb, v.country) + ")");
      victims.add(name, ref);
      for (const auto& sys : v.systems) systems[name].add(sys, ref);
    }
    for (const auto& a : x.events.attributions) {
      if (!a.sponsor_state.empty()) {
        std::string s = country_name(kb, a.sponsor_state);
        for (const auto& g : a.sponsor_agencies) s += ", " + body_name(kb, g);
        sponsors.add(s, ref);
      }
      for (const auto& by : a.attributors) attributors.add(body_name(kb, by), ref);
      if (!a.confidence.empty()) confidence.add(a.confidence, ref);
      for (const auto& id : a.actors)
        if (const Actor* act = kb.actor(id)) attributed[act->id].emplace_back(act->name, ref);
    }
    for (const auto& den : x.events.denials) {
      size_t si = den.evidence.sentence;
      if (si < x.sentences.size() && x.sentences[si].heading) continue;  // a headline-style heading is no statement
      denials.add(sentence_text(si), ref);
    }
    for (const auto& i : x.indicators) {
      if (i.type == IndicatorType::Cve) {
        vulns.add(i.value, ref);
        continue;
      }
      if (i.type == IndicatorType::AttackId) continue;
      bool listed = std::any_of(i.flags.begin(), i.flags.end(), [](const std::string& f) { return f.rfind("warninglist:", 0) == 0; });
      if (listed || i.role == "reference" || i.role == "example" || !(i.malicious || i.confidence >= 0.6)) continue;
      auto& f = iocs[{std::string(indicator_type_name(i.type)), i.value}];
      f.type = indicator_type_name(i.type);
      f.value = i.value;
      f.defanged = i.defanged;
      if (f.role.empty()) f.role = i.role;
      add_ref(f.refs, ref);
    }
    for (const auto& t : x.techniques) {
      const Technique* tech = kb.technique(t.id);
      if (!tech) continue;
      if (!t.named) {
        size_t si = sentence_index(x.sentences, t.begin);
        std::string st = si < x.sentences.size() ? std::string(std::string_view(text).substr(x.sentences[si].begin, x.sentences[si].end - x.sentences[si].begin)) : "";
        std::string lower = ascii_lower(st);
        bool negated = lower.find("not ") != std::string::npos || lower.find(" no ") != std::string::npos || lower.find("unknown") != std::string::npos;
        if (t.score < kDescribedTechniqueScore || negated || is_non_statement(st) || count_words(clean_sentence(st)) < 6 ||
            (si < x.sentences.size() && x.sentences[si].heading))
          continue;
      }
      add_ref(technique_refs[tech->id], ref);
      auto it = techniques.find(tech->id);
      if (it == techniques.end() || (t.named && !it->second.named)) {
        TechniqueFinding f;
        f.technique_id = tech->id;
        f.technique = tech->name;
        f.named = t.named;
        f.evidence.text = sentence_text(sentence_index(x.sentences, t.begin));
        f.evidence.refs = {ref};
        techniques[tech->id] = f;
      }
    }
  }
  for (auto& [id, f] : techniques)
    for (int r : technique_refs[id])
      if (std::find(f.evidence.refs.begin(), f.evidence.refs.end(), r) == f.evidence.refs.end()) f.also.push_back(r);

  // How much a claim says about what happened: it names the actor, the victim, the activity.
  std::vector<std::string> actor_names, victim_words;
  for (const auto& [id, a] : actors) {
    actor_names.push_back(fold_name(a.name));
    for (const auto& al : a.aliases) actor_names.push_back(fold_name(al));
  }
  for (const auto& v : victims.top(2))
    for (auto w : split_words(fold_name(v.text.substr(0, v.text.find(" (")))))
      if (!is_stop_word(w) && w.size() > 3) victim_words.emplace_back(w);
  auto informative = [&](const Claim& c) {
    std::string f = " " + fold_name(c.text) + " ";
    double score = 0;
    if (std::any_of(actor_names.begin(), actor_names.end(), [&](const std::string& n) { return !n.empty() && f.find(" " + n + " ") != std::string::npos; }))
      score += 1;
    size_t vw = 0;
    for (const auto& w : victim_words) vw += f.find(" " + w + " ") != std::string::npos;
    if (vw >= std::min<size_t>(2, victim_words.size()) && vw > 0) score += 1;
    if (c.topic == "activity" || c.topic == "attribution") score += 1;
    return score + 0.3 * static_cast<double>(c.refs.size()) + c.centrality;
  };

  // ---- Key points: what happened first, then the most central, best-corroborated claims ----
  claims_done.wait();
  {
    std::vector<const Claim*> ranked;
    for (const auto& c : d.claims)
      if (!c.hedged && c.topic != "background" && c.topic != "lesson" && ends_sentence(c.text) && !opens_with_reference(c.text))
        ranked.push_back(&c);
    std::stable_sort(ranked.begin(), ranked.end(), [](const Claim* a, const Claim* b) {
      double sa = static_cast<double>(a->refs.size()) + 2 * a->centrality, sb = static_cast<double>(b->refs.size()) + 2 * b->centrality;
      return sa > sb;
    });
    std::vector<const Claim*> chosen;
    const Claim* lead = nullptr;
    for (const Claim* c : ranked)
      if (!lead || informative(*c) > informative(*lead)) lead = c;
    if (lead) chosen.push_back(lead);
    for (const Claim* c : ranked) {
      if (chosen.size() >= 6) break;
      if (std::any_of(chosen.begin(), chosen.end(), [&](const Claim* x) { return x == c || overlap(*x, *c) > 0.5; })) continue;
      if (chosen.size() >= 3 && c->refs.size() < 2) continue;  // beyond three, corroborated statements only
      chosen.push_back(c);
    }
    // Fewer than three: any other statement that stands on its own.
    for (const auto& c : d.claims) {
      if (chosen.size() >= 3) break;
      if (c.hedged || opens_with_reference(c.text) || std::find(chosen.begin(), chosen.end(), &c) != chosen.end()) continue;
      if (std::any_of(chosen.begin(), chosen.end(), [&](const Claim* x) { return overlap(*x, c) > 0.5; })) continue;
      chosen.push_back(&c);
    }
    for (const Claim* c : chosen) d.key_points.push_back(cite(*c));
  }

  // ---- Conflicts ----
  // When the activity began: values differing in the year.
  {
    std::map<std::string, Conflict::Value> starts;  // year -> value
    for (const auto& dt : dates) {
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
      d.conflicts.push_back(std::move(c));
    }
  }
  // Who is responsible: sources naming different actors, none of which another source names.
  {
    std::map<std::string, std::vector<int>> by_actor;
    for (const auto& [id, seen] : attributed)
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
        d.conflicts.push_back(std::move(c));
      }
    }
  }
  // Counts stated in one claim with different values by different sources.
  for (const auto& c : d.claims) {
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
      d.conflicts.push_back(std::move(cf));
    }
  }

  // ---- Brief ----
  std::set<std::string> used;
  {
    std::vector<const Claim*> introduced;  // in the introduction
    auto take = [&](const Claim* c) {
      if (!c || used.count(c->id)) return;
      if (std::any_of(introduced.begin(), introduced.end(), [&](const Claim* x) { return overlap(*x, *c) > 0.45; })) return;
      used.insert(c->id);
      introduced.push_back(c);
      d.brief.introduction.push_back(cite(*c));
    };
    auto first = [&](const std::vector<std::string>& topics) {
      auto v = best_of(topics, 1, used);
      return v.empty() ? nullptr : v.front();
    };
    // What happened, to whom, by whom: the most informative statement first.
    const Claim* lead = nullptr;
    for (const auto& c : d.claims)
      if (!c.hedged && ends_sentence(c.text) && !opens_with_reference(c.text) && (!lead || informative(c) > informative(*lead))) lead = &c;
    take(lead);
    take(first({"attribution"}));
    // When it began, if a claim says so.
    std::unordered_set<std::string> began;  // sentences dating the start of the activity
    for (const auto& dt : dates)
      if (dt.event == "began" || dt.since) began.insert(dt.sentence);
    for (const auto& c : d.claims) {
      if (began.empty()) break;
      if (used.count(c.id) || c.hedged) continue;
      bool when = std::any_of(c.evidence.begin(), c.evidence.end(), [&](const Claim::Evidence& e) { return began.count(clean_sentence(e.text)) > 0; });
      if (when) {
        take(&c);
        break;
      }
    }
    if (d.brief.introduction.empty() && !d.claims.empty()) take(&d.claims.front());
    const std::pair<const char*, std::vector<std::string>> sections[] = {
        {"The activity and its attribution", {"activity", "attribution", "impact"}},
        {"The investigation", {"investigation"}},
        {"The response", {"response"}},
        {"Reactions", {"reaction"}},
        {"Denials", {"denial"}}};
    for (const auto& [heading, topics] : sections) {
      std::vector<Cited> items;
      for (const Claim* c : best_of(topics, 6, used, true)) {
        used.insert(c->id);
        items.push_back(cite(*c));
      }
      if (!items.empty()) d.brief.description.emplace_back(heading, std::move(items));
    }
    for (const auto& c : d.claims) {
      if (c.refs.size() >= 2 && !c.hedged && c.topic != "background" && d.brief.confirmed.size() < 5) d.brief.confirmed.push_back(cite(c));
    }
    for (const auto& c : d.claims) {
      bool specific = std::any_of(c.text.begin(), c.text.end(), [](char ch) { return ascii::is_digit(static_cast<unsigned char>(ch)); });
      if (c.refs.size() == 1 && !c.hedged && specific && c.topic != "background" && d.brief.single_source.size() < 5)
        d.brief.single_source.push_back(cite(c));
    }
    for (const auto& c : d.claims)
      if ((c.hedged || c.topic == "denial") && d.brief.unverified.size() < 5) d.brief.unverified.push_back(cite(c));
    for (const auto& cf : d.conflicts) {
      Cited line;
      line.refs_in_text = true;
      line.text = "Sources differ on " + lower_first(cf.subject) + ":";
      for (size_t i = 0; i < cf.values.size(); ++i) {
        const auto& v = cf.values[i];
        line.text += (i ? "; " : " ") + conflict_value(v) + " " + markers_text(v.refs);
        line.refs = merge_refs(line.refs, v.refs);
      }
      line.text += ".";
      d.brief.unverified.push_back(std::move(line));
    }
  }

  // ---- Report ----
  auto& r = d.report;
  r.executive_summary = d.brief.introduction;
  {
    auto date_fact = [&](const char* label, std::initializer_list<const char*> events, bool since_counts, bool during_coverage) {
      Fact f;
      f.label = label;
      Tally t;
      for (const auto& dt : dates) {
        bool match = std::any_of(events.begin(), events.end(), [&](const char* e) { return dt.event == e; }) || (since_counts && dt.since);
        if (!match) continue;
        if (during_coverage && !plausible_report_date(dt.value)) continue;
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
    Fact affected{"Affected organisation", victims.top(3)};
    if (affected.values.empty()) {
      // No organisation is named as a victim: the name the headlines are about, if one is.
      const NameSeen* best = nullptr;
      for (const auto& [folded, n] : names) {
        if (n.headline_refs.empty()) continue;
        if (!best || n.headline_refs.size() > best->headline_refs.size() ||
            (n.headline_refs.size() == best->headline_refs.size() && n.refs.size() > best->refs.size()))
          best = &n;
      }
      if (best && (best->headline_refs.size() >= 2 || d.sources.size() == 1))
        affected.values.push_back(Cited{best->surface + " (the subject of the headlines)", std::vector<int>(best->refs.begin(), best->refs.end())});
    }
    for (auto& v : affected.values) {
      std::string sys;
      for (const auto& c : systems[v.text].top(3)) sys += (sys.empty() ? "" : ", ") + c.text;
      if (!sys.empty()) v.text += ": " + sys;
    }
    r.details.push_back(affected);
    r.details.push_back(Fact{"Sector", sectors.top(3)});
    // Geography: the victims' countries, else the countries most named other than the actor's.
    Tally geo;
    for (const DossierArticle* src : order)
      for (const auto& v : src->extraction.events.victims)
        if (!v.country.empty()) geo.add(country_name(kb, v.country), ref_of[src->article.id]);
    std::vector<Cited> g = geo.top(3);
    if (g.empty())
      for (auto& c : geography.top(6))
        if (!actor_countries.count(c.text) && g.size() < 2) g.push_back(Cited{country_name(kb, c.text), c.refs});
    r.details.push_back(Fact{"Geography", g});
    r.details.push_back(Fact{"Vulnerabilities", vulns.top(8)});
  }
  // Attribution.
  for (auto& [id, a] : actors) r.actors.push_back(a);
  std::stable_sort(r.actors.begin(), r.actors.end(), [](const auto& a, const auto& b) { return a.refs.size() > b.refs.size(); });
  for (auto& [id, rw] : ransomware) r.ransomware.push_back(rw);
  std::stable_sort(r.ransomware.begin(), r.ransomware.end(), [](const auto& a, const auto& b) { return a.refs.size() > b.refs.size(); });
  r.attribution.push_back(Fact{"Sponsor named by the sources", sponsors.top(3)});
  r.attribution.push_back(Fact{"Attributed by", attributors.top(6)});
  {
    // Strongest wording first.
    static const char* strength[] = {"high degree of certainty", "high confidence", "almost certainly", "highly likely", "moderate confidence",
                                     "with confidence", "assessed", "likely", "believed to", "suspected", "low confidence", "linked to",
                                     "possibly", "reportedly", "allegedly"};
    std::vector<Cited> c = confidence.top(8);
    auto rank = [&](const Cited& x) {
      for (size_t i = 0; i < std::size(strength); ++i)
        if (x.text == strength[i]) return i;
      return std::size(strength);
    };
    std::stable_sort(c.begin(), c.end(), [&](const Cited& a, const Cited& b) { return rank(a) < rank(b); });
    if (c.size() > 3) c.resize(3);
    r.attribution.push_back(Fact{"Confidence", c});
  }
  r.attribution.push_back(Fact{"Denials", denials.top(4)});
  // Timeline: dated events, one line per date and event, cited.
  {
    std::map<std::pair<std::string, std::string>, TimelineEvent> events;
    for (const auto& dt : dates) {
      if (dt.value.empty() || dt.event.empty()) continue;
      // A disclosure or attribution dated long before anyone reported it is a misread cue.
      if ((dt.event == "disclosed" || dt.event == "attributed") && !plausible_report_date(dt.value)) continue;
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
  // Methodology by tactic.
  for (const char* tid : kTacticOrder) {
    const Tactic* tac = kb.tactic(tid);
    std::string tname = tac ? tac->name : tid;
    bool any = false;
    for (const auto& [id, f] : techniques) {
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
  // Impact by kind.
  {
    const std::pair<const char*, std::vector<const char*>> kinds[] = {
        {"Data", {"records", "data", "emails", "e-mails", "files", "stolen", "stole", "exfiltrated", "exfiltration", "exposure of", "leaked",
                  "copied", "mailboxes", "documents", "personal information"}},
        {"Operational", {"outage", "offline", "disrupted", "disruption", "unable", "halted", "shut down", "delays", "closed", "diverted",
                         "manually", "paper records"}},
        {"Financial", {"cost", "costs", "$", "\xe2\x82\xac", "ransom", "paid", "insurance", "losses", "fine", "fined"}},
        {"Reputational", {"reputation", "reputational", "trust", "credibility", "bilateral relations", "diplomatic relations", "ties"}}};
    for (const auto& [kind, cues] : kinds) {
      std::vector<Cited> items;
      for (const auto& c : d.claims) {
        if (items.size() >= 3) break;
        if (c.topic == "background" || c.topic == "lesson") continue;
        if (claim_mentions(c, cues)) items.push_back(cite(c));
      }
      r.impact.emplace_back(kind, std::move(items));
    }
  }
  // Indicators by type.
  {
    std::map<std::string, std::vector<IndicatorFinding>> by_type;
    for (auto& [k, f] : iocs) by_type[f.type].push_back(f);
    for (auto& [t, v] : by_type) r.indicators.emplace_back(t, std::move(v));
  }
  for (const Claim* c : best_of({"response"}, 10, {})) r.response.push_back(cite(*c));
  for (const Claim* c : best_of({"reaction"}, 10, {})) r.reactions.push_back(cite(*c));
  for (const Claim* c : best_of({"lesson"}, 4, {})) r.lessons.push_back(cite(*c));

  // ---- Recommendations, grounded in ATT&CK ----
  {
    std::map<std::string, Recommendation> recs;  // by mitigation id
    // Techniques seen in this incident.
    for (const auto& [id, f] : techniques) {
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
    for (const auto& a : r.actors) {
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
    std::vector<Cited> cves = vulns.top(8);
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
    d.recommendations = std::move(out);
  }
  return d;
}

// ---- JSON ----

namespace {

json cited_json(const Cited& c) { return {{"text", c.text}, {"refs", c.refs}}; }

json cited_list(const std::vector<Cited>& v) {
  json a = json::array();
  for (const auto& c : v) a.push_back(cited_json(c));
  return a;
}

json facts_json(const std::vector<Fact>& facts) {
  json a = json::array();
  for (const auto& f : facts) a.push_back({{"label", f.label}, {"values", cited_list(f.values)}});
  return a;
}

// Everything but the claims, which are null here: the claims are most of the dossier (every
// sentence of every source, as evidence), and dossier_json_text() writes them without a tree.
json dossier_json_head(const Dossier& d) {
  json sources = json::array();
  for (const auto& s : d.sources)
    sources.push_back({{"ref", s.ref}, {"article_id", s.article_id}, {"url", s.url}, {"outlet", s.outlet}, {"title", s.title},
                       {"published", s.published}, {"copies", s.copies}});
  json description = json::array();
  for (const auto& [h, items] : d.brief.description) description.push_back({{"topic", h}, {"sentences", cited_list(items)}});
  auto actor_list = [](const std::vector<ActorAttribution>& v) {
    json a = json::array();
    for (const auto& x : v) a.push_back({{"id", x.id}, {"name", x.name}, {"attack_id", x.attack_id}, {"aliases", x.aliases}, {"refs", x.refs}});
    return a;
  };
  json actors = actor_list(d.report.actors);
  json timeline = json::array();
  for (const auto& e : d.report.timeline)
    timeline.push_back({{"date", e.date}, {"event", e.event}, {"text", e.what.text}, {"refs", e.what.refs}, {"also_refs", e.also}});
  json methodology = json::array();
  for (const auto& m : d.report.methodology)
    methodology.push_back({{"tactic_id", m.tactic_id}, {"tactic", m.tactic}, {"technique_id", m.technique_id}, {"technique", m.technique},
                           {"named", m.named}, {"evidence", cited_json(m.evidence)}, {"also_refs", m.also}});
  json impact = json::object();
  for (const auto& [k, v] : d.report.impact) impact[ascii_lower(k)] = cited_list(v);
  json indicators = json::object();
  for (const auto& [t, v] : d.report.indicators) {
    json a = json::array();
    for (const auto& i : v) a.push_back({{"value", i.value}, {"defanged", i.defanged}, {"role", i.role}, {"refs", i.refs}});
    indicators[t] = a;
  }
  json conflicts = json::array();
  for (const auto& c : d.conflicts) {
    json vals = json::array();
    for (const auto& v : c.values) vals.push_back({{"value", v.value}, {"as_written", v.as_written}, {"refs", v.refs}});
    conflicts.push_back({{"subject", c.subject}, {"values", vals}});
  }
  json recs = json::array();
  for (const auto& r : d.recommendations)
    recs.push_back({{"mitigation_id", r.mitigation_id}, {"mitigation", r.mitigation}, {"techniques", r.techniques}, {"basis", r.basis},
                    {"refs", r.refs}, {"generic", r.generic}});
  json changes = nullptr;
  if (!d.changes.since.empty())
    changes = {{"since", d.changes.since}, {"previous_version", d.changes.previous_version}, {"new_sources", d.changes.new_sources},
               {"new_claims", cited_list(d.changes.new_claims)}, {"changed", d.changes.changed}};
  return {{"incident", {{"id", d.incident_id}, {"title", d.title}, {"first_seen", d.first_seen}, {"last_seen", d.last_seen},
                        {"version", d.incident_version}}},
          {"generated_at", d.generated_at},
          {"sources", sources},
          {"key_points", cited_list(d.key_points)},
          {"brief", {{"introduction", cited_list(d.brief.introduction)},
                     {"description", description},
                     {"assessment", {{"confirmed", cited_list(d.brief.confirmed)},
                                     {"single_source", cited_list(d.brief.single_source)},
                                     {"unverified", cited_list(d.brief.unverified)}}}}},
          {"report", {{"executive_summary", cited_list(d.report.executive_summary)},
                      {"details", facts_json(d.report.details)},
                      {"attribution", {{"actors", actors}, {"ransomware", actor_list(d.report.ransomware)},
                                       {"facts", facts_json(d.report.attribution)}}},
                      {"timeline", timeline},
                      {"methodology", methodology},
                      {"tactics_not_reported", d.report.tactics_not_reported},
                      {"impact", impact},
                      {"indicators", indicators},
                      {"response", cited_list(d.report.response)},
                      {"reactions", cited_list(d.report.reactions)},
                      {"lessons", cited_list(d.report.lessons)}}},
          {"conflicts", conflicts},
          {"recommendations", recs},
          {"claims", nullptr},
          {"changes", changes}};
}

double rounded_centrality(const Claim& c) { return std::round(c.centrality * 1000) / 1000; }

// A string as nlohmann::json::dump() writes it (UTF-8 passed through; quote, backslash and control
// characters escaped, the latter with the short forms or \u00xx).
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s, run, std::string_view::npos);
  out.push_back('"');
}

void append_refs(std::string& out, const std::vector<int>& refs) {
  out.push_back('[');
  for (size_t i = 0; i < refs.size(); ++i) {
    if (i) out.push_back(',');
    out += std::to_string(refs[i]);
  }
  out.push_back(']');
}

}  // namespace

json dossier_json(const Dossier& d) {
  json j = dossier_json_head(d);
  json claims = json::array();
  for (const auto& c : d.claims) {
    json ev = json::array();
    for (const auto& e : c.evidence)
      ev.push_back({{"ref", e.ref}, {"article_id", e.article_id}, {"sentence", e.sentence}, {"begin", e.begin}, {"end", e.end}, {"text", e.text}});
    claims.push_back({{"id", c.id}, {"text", c.text}, {"refs", c.refs}, {"sources", c.refs.size()}, {"topic", c.topic},
                      {"centrality", rounded_centrality(c)}, {"hedged", c.hedged}, {"evidence", ev}});
  }
  j["claims"] = std::move(claims);
  return j;
}

std::string dossier_json_text(const Dossier& d) {
  std::string head = dossier_json_head(d).dump();
  // The claims, keys in the order dump() gives them (sorted), numbers formatted by nlohmann.
  std::string claims = "[";
  for (size_t ci = 0; ci < d.claims.size(); ++ci) {
    const Claim& c = d.claims[ci];
    if (ci) claims.push_back(',');
    claims += "{\"centrality\":" + json(rounded_centrality(c)).dump() + ",\"evidence\":[";
    for (size_t ei = 0; ei < c.evidence.size(); ++ei) {
      const auto& e = c.evidence[ei];
      if (ei) claims.push_back(',');
      claims += "{\"article_id\":";
      append_json_string(claims, e.article_id);
      claims += ",\"begin\":" + std::to_string(e.begin) + ",\"end\":" + std::to_string(e.end) + ",\"ref\":" + std::to_string(e.ref) +
                ",\"sentence\":" + std::to_string(e.sentence) + ",\"text\":";
      append_json_string(claims, e.text);
      claims.push_back('}');
    }
    claims += std::string("],\"hedged\":") + (c.hedged ? "true" : "false") + ",\"id\":";
    append_json_string(claims, c.id);
    claims += ",\"refs\":";
    append_refs(claims, c.refs);
    claims += ",\"sources\":" + std::to_string(c.refs.size()) + ",\"text\":";
    append_json_string(claims, c.text);
    claims += ",\"topic\":";
    append_json_string(claims, c.topic);
    claims.push_back('}');
  }
  claims.push_back(']');
  // The only "claims" key is the top level's (a key inside a string would have its quotes escaped).
  static constexpr std::string_view placeholder = "\"claims\":null";
  size_t at = head.find(placeholder);
  if (at == std::string::npos) return dossier_json(d).dump();
  head.replace(at + placeholder.size() - 4, 4, claims);
  return head;
}

void compare_with_previous(Dossier& d, const json& prev, const std::string& previous_generated_at) {
  if (!prev.is_object()) return;
  d.changes = DossierChanges{};
  d.changes.since = previous_generated_at;
  if (prev.contains("incident") && prev["incident"].is_object()) d.changes.previous_version = prev["incident"].value("version", int64_t{0});
  std::set<std::string> old_articles, old_claims;
  for (const auto& s : prev.value("sources", json::array())) old_articles.insert(s.value("article_id", ""));
  for (const auto& c : prev.value("claims", json::array())) old_claims.insert(c.value("id", ""));
  for (const auto& s : d.sources)
    if (!old_articles.count(s.article_id))
      d.changes.new_sources.push_back("[" + std::to_string(s.ref) + "] " + (s.outlet.empty() ? s.url : s.outlet) + ": " + s.title);
  for (const auto& c : d.claims)
    if (!old_claims.count(c.id) && c.topic != "background" && d.changes.new_claims.size() < 10) d.changes.new_claims.push_back(cite(c));
  // Report fields whose values changed.
  auto values_of = [](const json& facts) {
    std::map<std::string, std::string> out;
    for (const auto& f : facts) {
      std::string v;
      for (const auto& x : f.value("values", json::array())) v += (v.empty() ? "" : "; ") + x.value("text", "");
      out[f.value("label", "")] = v;
    }
    return out;
  };
  json now = dossier_json_head(d);
  auto before = values_of(prev.contains("report") ? prev["report"].value("details", json::array()) : json::array());
  auto after = values_of(now["report"]["details"]);
  for (const auto& [label, v] : after)
    if (before.count(label) && before[label] != v)
      d.changes.changed.push_back(label + ": " + (before[label].empty() ? "not reported" : before[label]) + " -> " + (v.empty() ? "not reported" : v));
  auto actor_names = [](const json& j) {
    std::set<std::string> s;
    for (const auto& a : j) s.insert(a.value("name", ""));
    return s;
  };
  auto a0 = actor_names(prev.contains("report") ? prev["report"]["attribution"].value("actors", json::array()) : json::array());
  auto a1 = actor_names(now["report"]["attribution"]["actors"]);
  if (a0 != a1) {
    auto join = [](const std::set<std::string>& s) {
      std::string r;
      for (const auto& x : s) r += (r.empty() ? "" : ", ") + x;
      return r.empty() ? std::string("none") : r;
    };
    d.changes.changed.push_back("Actors: " + join(a0) + " -> " + join(a1));
  }
  size_t c0 = prev.value("conflicts", json::array()).size();
  if (d.conflicts.size() != c0)
    d.changes.changed.push_back("Disagreements between sources: " + std::to_string(c0) + " -> " + std::to_string(d.conflicts.size()));
}

}  // namespace dossier
