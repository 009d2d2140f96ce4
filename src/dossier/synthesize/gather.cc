#include <algorithm>

#include "dossier/extract/names.h"
#include "dossier/synthesize/assemble.h"
#include "dossier/synthesize/claims.h"
#include "dossier/util/ascii.h"
#include "dossier/util/fold.h"
#include "dossier/util/text.h"

namespace dossier::synth {
namespace {

// One source as the gathering reads it.
struct SourceView {
  int ref;
  const Article& article;
  const Extraction& x;
  // The cleaned wording of sentence `si` (empty when out of range).
  std::string sentence_text(size_t si) const {
    return si < x.sentences.size()
               ? clean_sentence(std::string_view(article.text).substr(x.sentences[si].begin, x.sentences[si].end - x.sentences[si].begin))
               : std::string();
  }
};


// Records a name as written when it is not the canonical one.
void note_alias(ActorAttribution& who, const std::string& canonical, const std::string& written_as) {
  const std::string written = fold_name(written_as);
  if (written != fold_name(canonical) &&
      std::none_of(who.aliases.begin(), who.aliases.end(), [&](const std::string& s) { return fold_name(s) == written; }))
    who.aliases.push_back(written_as);
}

// Counts a source naming an actor or a ransomware brand, under the name it used.
template <typename Entity>
void note_named(std::map<std::string, ActorAttribution>& into, const Entity& e, const EntityMention& m, int ref) {
  auto& who = into[e.id];
  who.id = e.id;
  who.name = e.name;
  who.attack_id = e.attack_id;
  add_ref(who.refs, ref);
  note_alias(who, e.name, m.text);
}

void gather_mentions(Gathered& g, const SourceView& s, const KnowledgeBase& kb) {
  const int ref = s.ref;
  for (const auto& m : s.x.mentions) {
    if (m.kind == EntityKind::Actor) {
      const Actor* a = named_actor(m, kb);
      if (!a) continue;
      note_named(g.actors, *a, m, ref);
      if (!a->country.empty()) g.actor_countries.insert(a->country);
      if (!a->sponsor_state.empty()) g.actor_countries.insert(a->sponsor_state);
    } else if (m.kind == EntityKind::Software && m.ids.size() == 1) {
      const Software* sw = kb.software_by_id(m.ids.front());
      if (sw && names_ransomware(m, kb)) note_named(g.ransomware, *sw, m, ref);
    } else if (m.kind == EntityKind::Country && m.ids.size() == 1) {
      g.geography.add(m.ids.front(), ref);
    }
  }
  // The victims' sectors, as extraction found them (what their names and the text's words for
  // them say, and the sectors the text says were targeted).
  for (const auto& id : s.x.events.victim_sectors)
    for (const auto& sec : kb.sectors)
      if (sec.id == id) g.sectors.add(sec.name, ref);
  std::string title = " " + fold_name(s.article.title) + " ";
  for (const auto& n : proper_name_mentions(s.article.text, s.x.sentences, s.x.mentions, kb)) {
    auto& seen = g.names[n.folded];
    if (seen.surface.empty()) seen.surface = n.surface;
    seen.refs.insert(ref);
    if (title.find(" " + n.folded + " ") != std::string::npos) seen.headline_refs.insert(ref);
  }
}

void gather_events(Gathered& g, const SourceView& s, const KnowledgeBase& kb) {
  const int ref = s.ref;
  const auto& x = s.x;
  for (const auto& dm : x.dates)
    if (!dm.value.empty() || dm.relative)
      g.dates.push_back(DateSeen{dm.value, dm.event, dm.text, s.sentence_text(dm.sentence), dm.since, dm.relative, ref});
  for (const auto& v : x.events.victims) {
    std::string name = v.name + (v.country.empty() ? "" : " (" + country_name(kb, v.country) + ")");
    g.victims.add(name, ref);
    for (const auto& sys : v.systems) g.systems[name].add(sys, ref);
  }
  for (const auto& a : x.events.attributions) {
    if (!a.sponsor_state.empty()) {
      std::string sponsor = country_name(kb, a.sponsor_state);
      for (const auto& agency : a.sponsor_agencies) sponsor += ", " + body_name(kb, agency);
      g.sponsors.add(sponsor, ref);
    }
    for (const auto& by : a.attributors) g.attributors.add(body_name(kb, by), ref);
    if (!a.confidence.empty()) g.confidence.add(a.confidence, ref);
    for (const auto& id : a.actors)
      if (const Actor* act = kb.actor(id)) g.attributed[act->id].emplace_back(act->name, ref);
  }
  for (const auto& den : x.events.denials) {
    size_t si = den.evidence.sentence;
    if (si < x.sentences.size() && x.sentences[si].heading) continue;  // a headline-style heading is no statement
    g.denials.add(s.sentence_text(si), ref);
  }
}

void gather_indicators(Gathered& g, const SourceView& s) {
  for (const auto& i : s.x.indicators) {
    if (i.type == IndicatorType::Cve) {
      g.vulns.add(i.value, s.ref);
      continue;
    }
    if (i.type == IndicatorType::AttackId) continue;
    bool listed = std::any_of(i.flags.begin(), i.flags.end(), [](const std::string& f) { return f.rfind("warninglist:", 0) == 0; });
    if (listed || i.role == "reference" || i.role == "example" || !(i.malicious || i.confidence >= 0.6)) continue;
    auto& f = g.iocs[{std::string(indicator_type_name(i.type)), i.value}];
    f.type = indicator_type_name(i.type);
    f.value = i.value;
    f.defanged = i.defanged;
    if (f.role.empty()) f.role = i.role;
    f.malicious |= i.malicious;
    add_ref(f.refs, s.ref);
  }
}

// A technique recognised from described behaviour counts only from a plain, affirmative statement
// that scores high enough.
bool trusted_description(const TechniqueMention& t, const SourceView& s) {
  const auto& x = s.x;
  size_t si = sentence_index(x.sentences, t.begin);
  std::string st = si < x.sentences.size()
                       ? std::string(std::string_view(s.article.text).substr(x.sentences[si].begin, x.sentences[si].end - x.sentences[si].begin))
                       : "";
  std::string lower = ascii_lower(st);
  bool negated = lower.find("not ") != std::string::npos || lower.find(" no ") != std::string::npos || lower.find("unknown") != std::string::npos;
  return !(t.score < kDescribedTechniqueScore || negated || is_non_statement(st) || count_words(clean_sentence(st)) < 6 ||
           (si < x.sentences.size() && x.sentences[si].heading));
}

void gather_techniques(Gathered& g, const SourceView& s, const KnowledgeBase& kb) {
  for (const auto& t : s.x.techniques) {
    const Technique* tech = kb.technique(t.id);
    if (!tech || (!t.named && !trusted_description(t, s))) continue;
    add_ref(g.technique_refs[tech->id], s.ref);
    auto it = g.techniques.find(tech->id);
    if (it == g.techniques.end() || (t.named && !it->second.named)) {
      TechniqueFinding f;
      f.technique_id = tech->id;
      f.technique = tech->name;
      f.named = t.named;
      f.evidence.text = s.sentence_text(sentence_index(s.x.sentences, t.begin));
      f.evidence.refs = {s.ref};
      g.techniques[tech->id] = f;
    }
  }
}

}  // namespace

Gathered gather(const Sources& sources, const KnowledgeBase& kb) {
  Gathered g;
  for (const DossierArticle* src : sources.order) {
    SourceView s{sources.ref(*src), src->article, src->extraction};
    gather_events(g, s, kb);
    gather_mentions(g, s, kb);
    gather_indicators(g, s);
    gather_techniques(g, s, kb);
  }
  for (auto& [id, f] : g.techniques)
    for (int r : g.technique_refs[id])
      if (std::find(f.evidence.refs.begin(), f.evidence.refs.end(), r) == f.evidence.refs.end()) f.also.push_back(r);
  return g;
}

}  // namespace dossier::synth
