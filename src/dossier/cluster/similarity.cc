// An article's term and entity vectors, the candidates that share its rarest keys, and its
// score against an incident.
#include "dossier/cluster/clusterer_impl.h"

#include "dossier/kb/kb.h"
#include "dossier/util/hash.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

SparseVector Clusterer::Impl::term_vector(const ArticleProfile& p) const {
  prefetch_frequencies(p.terms, [](const auto& t) { return t.first; });
  SparseVector v;
  v.reserve(p.terms.size());
  for (const auto& [k, tf] : p.terms) v.emplace_back(k, static_cast<float>(tf * idf(k)));
  normalize(v);
  return v;
}

Clusterer::Impl::EntityVec Clusterer::Impl::entity_vector(const ArticleProfile& p) const {
  EntityVec e;
  e.keys.reserve(p.keys.size());
  for (const auto& k : p.keys) e.keys.push_back(EntityKey{term_key(k.key), &k, 0, 0});
  prefetch_frequencies(e.keys, [](const EntityKey& x) { return x.hash; });
  for (auto& x : e.keys) {
    x.idf = idf(x.hash);
    x.weight = key_kind_weight(x.key->kind) * x.idf;
  }
  std::sort(e.keys.begin(), e.keys.end(), [](const EntityKey& a, const EntityKey& b) { return a.hash < b.hash; });
  return e;
}

// Entity agreement: how much of each side's core the other names, weighted by kind and rarity,
// as the harmonic mean of the two shares. An article's core is its salient entities (headline,
// victims, named more than once; all its entities if none is), matched in proportion to how
// central they are to the incident; an incident's entities weigh by their support (how many of
// its articles make them salient), matched fully when salient in the article too. Unlike a
// cosine, a follow-up that brings new names (defendants, officials) still agrees with the
// incident whose core it repeats, and a passing reference to another incident's victim does not.
//
// Headline agreement: the share of the article's headline subjects (names, victims,
// organisations, actors) that the incident's own headlines or victims are about.
//
// Conflict: each has a protagonist the other never mentions. The article's subjects are the
// victims and names of its headline; the incident's are those of the headlines and victims of at
// least half of its articles.
Clusterer::Impl::Agreement Clusterer::Impl::agreement(const EntityVec& ev, const Incident& in, bool nouns_capitalised) {
  Agreement out;
  double a_core = 0, a_hit = 0, a_all = 0, a_all_hit = 0, i_core = 0, i_hit = 0, subj_total = 0, subj_hit = 0;
  bool article_subjects = false, article_shared = false, incident_subjects = false, incident_shared = false;
  bool article_cves = false, incident_cves = false, cves_shared = false;
  double headline_victim_share = 0, principal_victim_share = 0;
  const auto& ak = ev.keys;
  const auto& ie = in.entities;
  size_t i = 0, j = 0;
  while (i < ak.size() || j < ie.size()) {
    const EntityKey* a = i < ak.size() ? &ak[i] : nullptr;
    const Incident::Entity* e = j < ie.size() ? &ie[j] : nullptr;
    if (a && e && a->hash != e->hash) {
      if (a->hash < e->hash) e = nullptr;
      else a = nullptr;
    }
    // In a language that capitalises every noun (German), a single capitalised word the incident
    // does not know may be any noun: it is no evidence of another subject.
    if (a && !e && nouns_capitalised && a->key->kind == KeyKind::Name && a->key->key.find(' ') == std::string::npos) {
      ++i;
      continue;
    }
    if (e && !a && e->lexical) {
      ++j;
      continue;
    }
    if (a && a->key->kind == KeyKind::Cve) {
      article_cves = true;
      cves_shared |= e != nullptr;
    }
    if (e && e->kind == KeyKind::Cve && in.share(*e) >= 0.25) incident_cves = true;
    if (a) {
      const ProfileKey& k = *a->key;
      double hit = e ? std::min(1.0, 2.0 * in.share(*e)) : 0.0;
      if (e && (k.kind == KeyKind::Actor || k.kind == KeyKind::Victim || k.kind == KeyKind::Cve ||
                k.kind == KeyKind::Indicator || k.kind == KeyKind::Software))
        out.specific_shared = true;
      if (e && salient(k)) ++out.names_shared;
      // The victim the article's headline is about is one the incident's headlines are about too,
      // named by half its articles or more and by no fewer than any other of its victims (its
      // principal victim, below); the actor is one both name.
      if (e && k.kind == KeyKind::Victim && k.headline_victim && e->headline && in.share(*e) >= 0.5)
        headline_victim_share = std::max(headline_victim_share, in.share(*e));
      if (e && (k.kind == KeyKind::Actor || k.brand)) out.actor_shared = true;
      a_all += a->weight;
      a_all_hit += a->weight * hit;
      if (salient(k)) {
        a_core += a->weight;
        a_hit += a->weight * hit;
      }
      if (k.in_title && (subject_kind(k.kind) || k.kind == KeyKind::Actor)) {
        subj_total += a->idf;
        if (e && e->subject) subj_hit += a->idf * hit;
      }
      if (subject_kind(k.kind) && (k.in_title || k.kind == KeyKind::Victim)) {
        article_subjects = true;
        article_shared |= e != nullptr;
        if (e && e->subject && in.share(*e) >= 0.5) out.shared_subject = true;
      }
      ++i;
    }
    if (e) {
      double share = in.share(*e);
      if (e->kind == KeyKind::Victim) principal_victim_share = std::max(principal_victim_share, share);
      double w = e->weight * share;
      i_core += w;
      if (a) i_hit += w * (salient(*a->key) ? 1.0 : 0.6);
      if (e->subject && subject_kind(e->kind) && share >= 0.5) {
        incident_subjects = true;
        incident_shared |= a != nullptr;
      }
      ++j;
    }
  }
  if (a_core == 0) {
    a_core = a_all;
    a_hit = a_all_hit;
  }
  if (a_core > 0 && i_core > 0) {
    double x = a_hit / a_core, y = i_hit / i_core;
    out.entities = x + y > 0 ? 2 * x * y / (x + y) : 0;
  }
  out.subject = subj_total > 0 ? subj_hit / subj_total : 0;
  // The victim the article's headline names is the incident's principal one (no other victim of
  // the incident is named by more of its articles).
  out.victim_shared = headline_victim_share > 0 && headline_victim_share >= principal_victim_share;
  out.conflict = article_subjects && !article_shared && incident_subjects && !incident_shared;
  // A vendor's name heads the coverage of each of its flaws: other flaws, another story.
  if (article_cves && incident_cves && !cves_shared) out.shared_subject = false;
  out.cves_shared = cves_shared;
  return out;
}

std::vector<std::string> Clusterer::Impl::shared_entities(const EntityVec& ev, const Incident& in) {
  std::vector<std::pair<double, std::string>> both;
  for (const auto& k : ev.keys) {
    auto it = std::lower_bound(in.entities.begin(), in.entities.end(), k.hash, [](const Incident::Entity& e, uint64_t h) { return e.hash < h; });
    if (it != in.entities.end() && it->hash == k.hash) both.emplace_back(k.weight * in.share(*it), k.key->key);
  }
  std::sort(both.begin(), both.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  std::vector<std::string> out;
  for (size_t i = 0; i < both.size() && i < 8; ++i) out.push_back(both[i].second);
  return out;
}

ClusterDecision::Candidate Clusterer::Impl::score(const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev, const Incident& in) const {
  ClusterDecision::Candidate c;  // its incident_id is set by the caller, for the few it reports
  c.content = in.centroid_norm > 0 ? dot(tv, in.centroid) / in.centroid_norm : 0;
  Agreement g = agreement(ev, in, capitalises_nouns(p.language));
  // A disclosure (a flaw, a patch release) is the same story later only through the same flaw: a
  // vendor's next monthly update names the vendor again, not the same CVEs.
  if (p.disclosure && !g.cves_shared) g.shared_subject = false;
  c.entities = g.entities;
  c.subject = g.subject;
  double ft = 1, fe = 1;
  // Evidence beyond one common name: an actor, victim, CVE, indicator or malware in common, or two
  // salient names. One name alone (a vendor, a platform) heads many unrelated stories.
  bool specific = g.specific_shared || g.names_shared >= 2;
  bool follow_up = g.shared_subject && !g.conflict && specific;
  if (p.dated() && in.dated()) {
    int32_t d = distance(p.day, in.dated_first, in.dated_last);
    double beyond = std::max(0.0, d - opt.grace_days);
    // Coverage of the same victim or headline subject months later (an indictment, a review, a
    // notification count) is still the incident: evidence that specific decays slowly; a name
    // alone decays like the text.
    ft = std::pow(0.5, beyond / (follow_up ? opt.follow_up_term_half_life : opt.term_half_life));
    fe = std::pow(0.5, beyond / (follow_up ? opt.follow_up_half_life : specific ? opt.entity_half_life : opt.term_half_life));
  }
  c.time = fe;
  c.follow_up = follow_up;
  // Either the evidence combined, or the text alone when it is similar enough by itself (an
  // article need not name any entity the extractor knows to report the same incident).
  // Across languages stems never match: the entities carry the content's weight as well.
  bool foreign = in.foreign_to(p.language);
  double content_w = foreign ? 0 : opt.content_weight, entity_w = opt.entity_weight + (foreign ? opt.content_weight : 0);
  // A headline subject in common (a platform such as Google or Netflix heads many unrelated
  // stories) counts in full only when the text or the entities agree as well.
  double subject = c.subject * (c.content >= opt.subject_support_content || (specific && c.entities >= opt.subject_support_entities) ? 1.0 : 0.5);
  c.score = std::max(content_w * c.content * ft + entity_w * c.entities * fe + opt.subject_weight * subject * fe,
                     opt.content_alone * c.content * ft);
  if (g.conflict) {
    c.conflict = true;
    c.score *= opt.conflict_penalty;
  }
  // The same victim and the same actor, however long after (an indictment, sanctions, a review):
  // the same incident. The same actor against another victim is not, nor the same victim alone.
  if (follow_up && g.victim_shared && g.actor_shared && opt.same_victim_and_actor_joins)
    c.score = std::max(c.score, opt.join_threshold + opt.undated_margin);
  return c;
}

// Incidents sharing a rare entity or one of the article's most weighted terms, within the time
// window, best first by the summed rarity of what they share.
std::vector<size_t> Clusterer::Impl::candidates(const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev) {
  // The article's salient specific entities (headline, victims, named repeatedly) and its most
  // weighted terms look candidates up; the rest only count in scoring.
  struct LookupKey {
    uint64_t hash;
    double weight;
    bool any_time;  // a specific entity finds incidents at any distance in time; a term only within the window
  };
  std::vector<LookupKey> keys;
  for (const auto& k : ev.keys)
    if (far_key_kind(k.key->kind) && salient(*k.key)) keys.push_back({k.hash, k.idf, far_lookup_key(*k.key)});
  std::vector<std::pair<float, uint64_t>> top;
  for (const auto& [k, v] : tv) top.emplace_back(v, k);
  size_t n = std::min<size_t>(16, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<long>(n), top.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  for (size_t j = 0; j < n; ++j) keys.push_back({top[j].second, idf(top[j].second), false});
  // Posting lists grow in creation order: the newest entries are read first, and at most
  // `postings_scan` of them, so a common key costs the same however many incidents hold it.
  if (hit_weight.size() < incidents.size()) hit_weight.resize(incidents.size()), hit_search.resize(incidents.size());
  if (++search_serial == 0) std::fill(hit_search.begin(), hit_search.end(), 0), search_serial = 1;
  std::vector<uint32_t> hit;  // slots hit, in the order first hit
  for (const auto& [k, w, any_time] : keys) {
    auto it = postings.find(k);
    if (it == postings.end() || it->second.size() > opt.max_postings) continue;
    const auto& list = it->second;
    size_t seen = 0;
    for (auto e = list.rbegin(); e != list.rend() && seen < opt.postings_scan; ++e) {
      const SlotSummary& in = summaries[*e];
      if (!in.alive) continue;
      ++seen;
      if (!any_time && p.dated() && in.dated_first != kNoDay && distance(p.day, in.dated_first, in.dated_last) > opt.window_days)
        continue;
      if (hit_search[*e] != search_serial) {
        hit_search[*e] = search_serial;
        hit_weight[*e] = 0;
        hit.push_back(*e);
      }
      hit_weight[*e] += w;
    }
  }
  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(hit.size());
  for (uint32_t e : hit) ranked.emplace_back(hit_weight[e], e);
  size_t keep = std::min(ranked.size(), opt.max_candidates);
  auto better = [&](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && id_before(a.second, b.second)); };
  if (keep < ranked.size()) std::nth_element(ranked.begin(), ranked.begin() + static_cast<long>(keep), ranked.end(), better);
  ranked.resize(keep);
  std::sort(ranked.begin(), ranked.end(), better);
  std::vector<size_t> out;
  out.reserve(keep);
  for (const auto& [w, e] : ranked) out.push_back(e);
  return out;
}

}  // namespace dossier
