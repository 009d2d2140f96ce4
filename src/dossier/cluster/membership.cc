// An incident updated by a new member, its title chosen, and the changes committed.
#include "dossier/cluster/clusterer_impl.h"

#include "dossier/kb/kb.h"
#include "dossier/util/hash.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

// ---- Adding an article to an incident ----
void Clusterer::Impl::add_member(Incident& in, const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev, bool copy) {
  int32_t when = p.when();
  if (in.originals == 0 && in.titles.empty()) {
    in.window_first = in.window_last = when;
  } else {
    in.window_first = std::min(in.window_first, when);
    in.window_last = std::max(in.window_last, when);
  }
  if (p.dated()) {
    in.dated_first = in.dated() ? std::min(in.dated_first, p.day) : p.day;
    in.dated_last = in.dated() ? std::max(in.dated_last, p.day) : p.day;
  }
  in.dirty = true;
  if (copy) return;  // a copy adds no evidence of its own
  ++in.originals;
  ++in.languages[p.language];
  // Merge the article's unit term vector into the centroid.
  SparseVector merged;
  merged.reserve(in.centroid.size() + tv.size());
  size_t i = 0, j = 0;
  while (i < in.centroid.size() || j < tv.size()) {
    if (j == tv.size() || (i < in.centroid.size() && in.centroid[i].first < tv[j].first)) merged.push_back(in.centroid[i++]);
    else if (i == in.centroid.size() || tv[j].first < in.centroid[i].first) merged.push_back(tv[j++]);
    else {
      merged.emplace_back(in.centroid[i].first, in.centroid[i].second + tv[j].second);
      ++i;
      ++j;
    }
  }
  in.centroid = std::move(merged);
  if (in.centroid.size() > opt.centroid_terms * 2) prune_centroid(in);
  in.centroid_norm = norm(in.centroid);
  // Merge the article's entities.
  std::vector<Incident::Entity> ents;
  ents.reserve(in.entities.size() + ev.keys.size());
  i = 0, j = 0;
  while (i < in.entities.size() || j < ev.keys.size()) {
    if (j == ev.keys.size() || (i < in.entities.size() && in.entities[i].hash < ev.keys[j].hash)) {
      ents.push_back(in.entities[i++]);
      continue;
    }
    const EntityKey& k = ev.keys[j++];
    Incident::Entity e;
    bool fresh = true;
    if (i < in.entities.size() && in.entities[i].hash == k.hash) {
      e = in.entities[i++];
      fresh = false;
    }
    bool lexical = lexical_key(*k.key, p.language);
    e.far = far_lookup_key(*k.key);
    e.lexical = fresh ? lexical : e.lexical && lexical;
    e.hash = k.hash;
    e.kind = k.key->kind;
    e.support += salient(*k.key) ? 1.0f : kSideMention;
    e.subject |= k.key->in_title || k.key->kind == KeyKind::Victim;
    e.headline |= k.key->headline_victim;
    e.weight = static_cast<float>(k.weight);
    ents.push_back(e);
  }
  in.entities = std::move(ents);
  // Rarity changes as the store grows, fastest while it is small: weights follow it.
  prefetch_frequencies(in.entities, [](const Incident::Entity& x) { return x.hash; });
  for (auto& e : in.entities) e.weight = static_cast<float>(key_kind_weight(e.kind) * idf(e.hash));
  if (in.entities.size() > opt.incident_entities * 2) prune_entities(in);
  for (const auto& a : p.actors) ++in.actors[a];
  if (!p.title.empty()) {
    in.titles.push_back(TitleCandidate{p.article_id, p.title, p.title_terms});
    choose_title(in);
  }
}

// Keeps the centroid's strongest terms (sorted by key again).
void Clusterer::Impl::prune_centroid(Incident& in) {
  auto& c = in.centroid;
  if (c.size() <= opt.centroid_terms) return;
  std::nth_element(c.begin(), c.begin() + static_cast<long>(opt.centroid_terms), c.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
  c.resize(opt.centroid_terms);
  std::sort(c.begin(), c.end());
}

size_t Clusterer::Impl::merge_slots(size_t x, size_t y) {
  auto first = [&](size_t i) { return std::make_tuple(incidents[i]->window_first, incidents[i]->id); };
  size_t into = first(x) <= first(y) ? x : y, from = into == x ? y : x;
  Incident& a = *incidents[into];
  Incident& b = *incidents[from];
  a.window_first = std::min(a.window_first, b.window_first);
  a.window_last = std::max(a.window_last, b.window_last);
  if (b.dated()) {
    a.dated_first = a.dated() ? std::min(a.dated_first, b.dated_first) : b.dated_first;
    a.dated_last = a.dated() ? std::max(a.dated_last, b.dated_last) : b.dated_last;
  }
  a.originals += b.originals;
  SparseVector c;
  c.reserve(a.centroid.size() + b.centroid.size());
  std::merge(a.centroid.begin(), a.centroid.end(), b.centroid.begin(), b.centroid.end(), std::back_inserter(c),
             [](const auto& p, const auto& q) { return p.first < q.first; });
  SparseVector summed;
  for (const auto& kv : c) {
    if (!summed.empty() && summed.back().first == kv.first) summed.back().second += kv.second;
    else summed.push_back(kv);
  }
  a.centroid = std::move(summed);
  if (a.centroid.size() > opt.centroid_terms * 2) prune_centroid(a);
  std::vector<Incident::Entity> ents;
  size_t i = 0, j = 0;
  while (i < a.entities.size() || j < b.entities.size()) {
    if (j == b.entities.size() || (i < a.entities.size() && a.entities[i].hash < b.entities[j].hash)) ents.push_back(a.entities[i++]);
    else if (i == a.entities.size() || b.entities[j].hash < a.entities[i].hash) ents.push_back(b.entities[j++]);
    else {
      Incident::Entity e = a.entities[i++];
      const Incident::Entity& o = b.entities[j++];
      e.support += o.support;
      e.subject |= o.subject;
      e.headline |= o.headline;
      e.lexical &= o.lexical;
      ents.push_back(e);
    }
  }
  a.entities = std::move(ents);
  if (a.entities.size() > opt.incident_entities * 2) prune_entities(a);
  for (const auto& [k, n] : b.actors) a.actors[k] += n;
  for (const auto& [k, n] : b.languages) a.languages[k] += n;
  for (auto& t : b.titles) a.titles.push_back(std::move(t));
  refresh(a);
  choose_title(a);
  a.dirty = true;
  // The merged incident's members, stored and pending, follow it; its id resolves to the survivor.
  pending.moves.emplace_back(b.id, a.id);
  pending.deletes.push_back(b.id);
  pending.aliases.emplace_back(b.id, a.id);
  for (auto& m : pending.memberships)
    if (m.incident_id == b.id) m.incident_id = a.id;
  for (auto& [article, incident] : assigned)
    if (incident == b.id) incident = a.id;
  drop_incident(from);
  index_incident(into);
  return into;
}

// Keeps the strongest entities by weight and support: most names are one-off mentions.
void Clusterer::Impl::prune_entities(Incident& in) {
  auto& e = in.entities;
  if (e.size() <= opt.incident_entities) return;
  std::nth_element(e.begin(), e.begin() + static_cast<long>(opt.incident_entities), e.end(), [](const auto& a, const auto& b) {
    float x = a.weight * a.support, y = b.weight * b.support;
    return x > y || (x == y && a.hash < b.hash);
  });
  e.resize(opt.incident_entities);
  std::sort(e.begin(), e.end(), [](const auto& a, const auto& b) { return a.hash < b.hash; });
}

// The most representative headline: the one whose terms weigh most in the centroid.
void Clusterer::Impl::choose_title(Incident& in) {
  double cn = in.centroid_norm;
  std::vector<std::pair<double, size_t>> scored;
  for (size_t i = 0; i < in.titles.size(); ++i) {
    const auto& t = in.titles[i];
    double s = 0, n = 0;
    for (uint64_t k : t.terms) {
      double w = idf(k);
      n += w * w;
      auto it = std::lower_bound(in.centroid.begin(), in.centroid.end(), std::make_pair(k, -HUGE_VALF));
      if (it != in.centroid.end() && it->first == k) s += w * it->second;
    }
    double fit = n > 0 && cn > 0 ? s / (std::sqrt(n) * cn) : 0;
    // A headline is short and does not end like a sentence; a first sentence standing in for a
    // missing headline (plain text without one) is a poorer title.
    bool headline = utf8_length(t.title) <= 120 && !ends_sentence(t.title);
    scored.emplace_back(fit * (headline ? 1.0 : 0.5), i);
  }
  std::sort(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && in.titles[a.second].article_id < in.titles[b.second].article_id);
  });
  if (!scored.empty()) in.title = in.titles[scored.front().second].title;
  if (in.titles.size() > 16) {
    std::vector<TitleCandidate> kept;
    for (size_t j = 0; j < 16; ++j) kept.push_back(in.titles[scored[j].second]);
    in.titles = std::move(kept);
  }
}

void Clusterer::Impl::count_document(const ArticleProfile& p, const EntityVec& ev) {
  auto bump = [&](uint64_t k) {
    ++frequencies[k].store;
    ++df_delta[k];
  };
  for (const auto& [k, v] : p.terms) bump(k);
  for (const auto& k : ev.keys) bump(k.hash);
  ++documents;
  ++pending.documents_delta;
}

// The keys an incident is found by from beyond the window: its core specific entities (named
// saliently by at least half of its articles), the strongest first.
std::vector<uint64_t> far_keys(const Incident& in) {
  std::vector<std::pair<double, uint64_t>> core;
  for (const auto& e : in.entities)
    if (e.far && in.share(e) >= 0.5) core.emplace_back(e.weight * in.share(e), e.hash);
  std::sort(core.begin(), core.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  if (core.size() > kFarKeys) core.resize(kFarKeys);
  std::vector<uint64_t> out;
  for (const auto& [w, k] : core) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

IncidentRecord Clusterer::Impl::record_of(const Incident& in) const {
  IncidentRecord r;
  r.id = in.id;
  r.title = in.title;
  r.first_day = in.window_first;
  r.last_day = in.window_last;
  std::vector<std::pair<uint32_t, std::string>> a;
  for (const auto& [id, n] : in.actors) a.emplace_back(n, id);
  std::sort(a.begin(), a.end(), [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
  for (const auto& [n, id] : a) r.actors.push_back(id);
  r.state = serialize(in);
  r.created_at = in.created_at;
  r.keys = far_keys(in);
  return r;
}

Status Clusterer::Impl::commit() {
  for (auto& in : incidents)
    if (in->alive && in->dirty) {
      IncidentRecord r = record_of(*in);
      // The far keys are rewritten when they change, or when the incident has moved on a month
      // (they are read latest first).
      r.keys_changed = r.keys != in->written_keys || in->written_last_day == kNoDay || r.last_day > in->written_last_day + 30;
      if (r.keys_changed) {
        in->written_keys = r.keys;
        in->written_last_day = r.last_day;
      }
      pending.upserts.push_back(std::move(r));
      in->dirty = false;
    }
  for (const auto& [k, d] : df_delta) pending.df_deltas.emplace_back(k, d);
  std::sort(pending.df_deltas.begin(), pending.df_deltas.end());
  Status st = store.commit_clustering(pending);
  pending = ClusterCommit{};
  df_delta.clear();
  return st;
}

// ---- Rebuilding an incident from its members (corrections) ----
Result<std::unique_ptr<Incident>> Clusterer::Impl::rebuild(const std::string& id, const std::string& created_at, const std::vector<std::string>& members, const ProfileSource& profiles) {
  auto in = std::make_unique<Incident>();
  in->id = id;
  in->created_at = created_at.empty() ? now_iso8601() : created_at;
  std::vector<ArticleProfile> ps;
  std::unordered_set<std::string> member_set(members.begin(), members.end());
  for (const auto& a : members) {
    auto p = profiles(a);
    if (!p.ok()) return Error{"article " + a + ": " + p.error()};
    ps.push_back(std::move(p).value());
  }
  std::sort(ps.begin(), ps.end(), [](const ArticleProfile& a, const ArticleProfile& b) {
    return std::make_tuple(!a.dated(), a.when(), a.article_id) < std::make_tuple(!b.dated(), b.when(), b.article_id);
  });
  for (const auto& p : ps)
    add_member(*in, p, term_vector(p), entity_vector(p), !p.duplicate_of.empty() && member_set.count(p.duplicate_of));
  prune_centroid(*in);
  refresh(*in);
  return in;
}

}  // namespace dossier
