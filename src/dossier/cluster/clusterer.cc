#include "dossier/cluster/clusterer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <absl/container/flat_hash_map.h>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

#include "dossier/kb/kb.h"
#include "dossier/util/bytes.h"
#include "dossier/util/hash.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

std::string incident_id_for(const std::string& founding_article_id) { return hex_id("incident:" + founding_article_id); }

namespace {

using SparseVector = std::vector<std::pair<uint64_t, float>>;  // sorted by key

// ---- The serialised incident state (IncidentRecord::state) ----

// What a passing mention is worth against a salient one (headline, victim, named repeatedly): "the
// same flaw was used against Boeing" in an article about ICBC does not make Boeing its subject.
constexpr float kSideMention = 0.35f;

bool salient(const ProfileKey& k) { return k.in_title || k.kind == KeyKind::Victim || k.strength >= 1.6f; }

struct TitleCandidate {
  std::string article_id;
  std::string title;
  std::vector<uint64_t> terms;
};

}  // namespace

// An incident in memory. Its term and entity statistics are vectors sorted by key: merged with
// an article's on update and joined with it when scoring, with no hash table per incident.
struct Incident {
  struct Entity {
    uint64_t hash = 0;
    float support = 0;     // over the originals: 1 where it is salient, kSideMention where only mentioned
    float weight = 0;      // kind weight times rarity, when last seen (not stored)
    KeyKind kind = KeyKind::Name;
    bool subject = false;  // named in a headline, or a victim
  };
  std::string id;
  int32_t window_first = 0, window_last = 0;       // every member's day (anchors of undated ones included)
  int32_t dated_first = kNoDay, dated_last = kNoDay;  // dated members only
  uint32_t originals = 0;                          // members that are not copies of a member
  std::vector<std::pair<uint64_t, float>> centroid;  // sum of the originals' unit term vectors, pruned
  double centroid_norm = 0;
  std::vector<Entity> entities;
  std::map<std::string, uint32_t> actors;
  std::vector<TitleCandidate> titles;
  std::string title;
  std::string created_at;
  std::vector<uint64_t> indexed;  // posting keys it is listed under, sorted
  uint64_t created_order = 0;     // when it entered memory (posting lists follow this order)
  bool dirty = false;
  bool alive = true;

  bool dated() const { return dated_first != kNoDay; }
  double share(const Entity& e) const { return std::min(1.0, static_cast<double>(e.support) / std::max<uint32_t>(1, originals)); }
};

namespace {

constexpr uint8_t kStateVersion = 1;

std::string serialize(const Incident& in) {
  ByteWriter w;
  w.u8(kStateVersion);
  w.svarint(in.window_first);
  w.svarint(in.window_last);
  w.svarint(in.dated_first);
  w.svarint(in.dated_last);
  w.varint(in.originals);
  w.varint(in.centroid.size());
  for (const auto& [k, v] : in.centroid) {
    w.u64(k);
    w.f32(v);
  }
  w.varint(in.entities.size());
  for (const auto& e : in.entities) {
    w.u64(e.hash);
    w.u8(static_cast<uint8_t>(e.kind) | (e.subject ? 0x80 : 0));
    w.f32(e.support);
  }
  w.varint(in.actors.size());
  for (const auto& [a, n] : in.actors) {
    w.str(a);
    w.varint(n);
  }
  w.varint(in.titles.size());
  for (const auto& t : in.titles) {
    w.str(t.article_id);
    w.str(t.title);
    w.varint(t.terms.size());
    for (uint64_t k : t.terms) w.u64(k);
  }
  return w.take();
}

bool deserialize(std::string_view blob, Incident& in) {
  ByteReader r(blob);
  if (r.u8() != kStateVersion) return false;
  in.window_first = static_cast<int32_t>(r.svarint());
  in.window_last = static_cast<int32_t>(r.svarint());
  in.dated_first = static_cast<int32_t>(r.svarint());
  in.dated_last = static_cast<int32_t>(r.svarint());
  in.originals = static_cast<uint32_t>(r.varint());
  for (size_t n = r.count(12); n > 0 && r.ok(); --n) {
    uint64_t k = r.u64();
    in.centroid.emplace_back(k, r.f32());
  }
  for (size_t n = r.count(13); n > 0 && r.ok(); --n) {
    Incident::Entity e;
    e.hash = r.u64();
    uint8_t kind = r.u8();
    e.kind = static_cast<KeyKind>(kind & 0x7F);
    e.subject = (kind & 0x80) != 0;
    e.support = r.f32();
    in.entities.push_back(e);
  }
  // Written sorted; a blob that is not is damaged.
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  auto by_hash = [](const Incident::Entity& a, const Incident::Entity& b) { return a.hash < b.hash; };
  if (!std::is_sorted(in.centroid.begin(), in.centroid.end(), by_key) || !std::is_sorted(in.entities.begin(), in.entities.end(), by_hash))
    return false;
  for (size_t n = r.count(2); n > 0 && r.ok(); --n) {
    std::string a = r.str();
    in.actors[a] = static_cast<uint32_t>(r.varint());
  }
  for (size_t n = r.count(3); n > 0 && r.ok(); --n) {
    TitleCandidate t;
    t.article_id = r.str();
    t.title = r.str();
    for (size_t m = r.count(8); m > 0 && r.ok(); --m) t.terms.push_back(r.u64());
    in.titles.push_back(std::move(t));
  }
  return r.ok();
}

bool subject_kind(KeyKind k) { return k == KeyKind::Victim || k == KeyKind::Organization || k == KeyKind::Name; }

// Dot product of two sparse vectors sorted by key.
// Branch-free merge: which side advances is data, not a jump the CPU must guess (the keys are
// hashes, so every comparison is a coin toss).
double dot(const SparseVector& a, const SparseVector& b) {
  double s = 0;
  const size_t na = a.size(), nb = b.size();
  size_t i = 0, j = 0;
  while (i < na && j < nb) {
    const uint64_t ka = a[i].first, kb = b[j].first;
    const double p = static_cast<double>(a[i].second) * b[j].second;
    s += ka == kb ? p : 0.0;
    i += ka <= kb;
    j += kb <= ka;
  }
  return s;
}

double norm(const SparseVector& v) {
  double s = 0;
  for (const auto& [k, w] : v) s += static_cast<double>(w) * w;
  return std::sqrt(s);
}

void normalize(SparseVector& v) {
  double s = 0;
  for (const auto& [k, w] : v) s += static_cast<double>(w) * w;
  s = std::sqrt(s);
  if (s > 0)
    for (auto& [k, w] : v) w = static_cast<float>(w / s);
}

// Distance in days from a day to a span (0 inside it).
int32_t distance(int32_t day, int32_t first, int32_t last) {
  if (day < first) return first - day;
  if (day > last) return day - last;
  return 0;
}

}  // namespace

struct Clusterer::Impl {
  Store& store;
  ClusterOptions opt;
  // Document frequencies by term or entity key: the store's running count and the prior's. One
  // flat table, probed once per key, 16 bytes a slot: it grows with the vocabulary and outgrows
  // the caches, so callers with many keys prefetch them first (prefetch_frequencies).
  struct Frequency {
    uint32_t store = 0;
    float prior = 0;
  };
  absl::flat_hash_map<uint64_t, Frequency> frequencies;
  int64_t documents = 0;
  double prior_documents = 0;
  ClusterCommit pending;                       // changes not yet committed
  absl::flat_hash_map<uint64_t, int64_t> df_delta;
  std::vector<ArticleProfile> queue;
  std::vector<std::unique_ptr<Incident>> incidents;       // slots; dead ones are reused never
  // What the candidate search reads of each slot, dense and beside it, so that walking posting
  // lists does not touch the incidents themselves: whether it is alive, its dated span, and the
  // first bytes of its id (ties between candidates are broken by id).
  struct SlotSummary {
    int32_t dated_first = kNoDay, dated_last = kNoDay;
    uint64_t id_prefix = 0;  // the id's first 8 bytes, big-endian: compares as the id does
    bool alive = false;
  };
  std::vector<SlotSummary> summaries;
  std::vector<double> hit_weight;                         // per slot, during a candidate search
  std::vector<uint32_t> hit_search;                       // per slot, the search that last hit it
  uint32_t search_serial = 0;
  std::unordered_map<std::string, size_t> by_id;          // incident id -> slot
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> postings;  // key -> slots
  std::vector<std::pair<int32_t, int32_t>> covered;       // day ranges loaded from the store
  std::unordered_map<std::string, std::string> assigned;  // article -> incident, this session
  size_t live = 0;
  uint64_t created_counter = 0;

  Impl(Store& s, ClusterOptions o) : store(s), opt(o) {}

  // ---- Weights ----
  // Inverse document frequency from the blend of two document-frequency rates: the store's own,
  // trusted in proportion to its size, and the prior's.
  double idf(uint64_t key) const {
    auto it = frequencies.find(key);
    double df = 0, prior = 0;
    if (it != frequencies.end()) {
      df = static_cast<double>(it->second.store);
      prior = it->second.prior;
    }
    double n = static_cast<double>(documents);
    double rate = (df + 0.5) / (n + 1.0);
    if (prior_documents > 0) {
      double prior_rate = (prior + 0.5) / (prior_documents + 1.0);
      double w = n / (n + opt.prior_documents);
      rate = w * rate + (1 - w) * prior_rate;
    }
    return -std::log(std::min(1.0, rate));
  }

  template <class Range, class Key>
  void prefetch_frequencies(const Range& r, Key key) const {
    for (const auto& x : r) frequencies.prefetch(key(x));
  }

  SparseVector term_vector(const ArticleProfile& p) const {
    prefetch_frequencies(p.terms, [](const auto& t) { return t.first; });
    SparseVector v;
    v.reserve(p.terms.size());
    for (const auto& [k, tf] : p.terms) v.emplace_back(k, static_cast<float>(tf * idf(k)));
    normalize(v);
    return v;
  }

  // An article's entity keys with what scoring needs of each, computed once per article and sorted
  // by key.
  struct EntityKey {
    uint64_t hash;
    const ProfileKey* key;
    double idf;     // rarity
    double weight;  // kind weight times rarity
  };
  struct EntityVec {
    std::vector<EntityKey> keys;
  };
  EntityVec entity_vector(const ArticleProfile& p) const {
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

  // Everything scoring needs from one pass over the article's keys and the incident's entities
  // (both sorted by key).
  struct Agreement {
    double entities = 0;  // entity agreement in [0, 1]
    double subject = 0;   // headline agreement in [0, 1]
    bool conflict = false;
  };

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
  static Agreement agreement(const EntityVec& ev, const Incident& in) {
    double a_core = 0, a_hit = 0, a_all = 0, a_all_hit = 0, i_core = 0, i_hit = 0, subj_total = 0, subj_hit = 0;
    bool article_subjects = false, article_shared = false, incident_subjects = false, incident_shared = false;
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
      if (a) {
        const ProfileKey& k = *a->key;
        double hit = e ? std::min(1.0, 2.0 * in.share(*e)) : 0.0;
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
        }
        ++i;
      }
      if (e) {
        double share = in.share(*e);
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
    Agreement out;
    if (a_core == 0) {
      a_core = a_all;
      a_hit = a_all_hit;
    }
    if (a_core > 0 && i_core > 0) {
      double x = a_hit / a_core, y = i_hit / i_core;
      out.entities = x + y > 0 ? 2 * x * y / (x + y) : 0;
    }
    out.subject = subj_total > 0 ? subj_hit / subj_total : 0;
    out.conflict = article_subjects && !article_shared && incident_subjects && !incident_shared;
    return out;
  }

  // ---- Memory: which incidents are loaded ----
  Incident* slot(size_t i) { return incidents[i].get(); }

  static uint64_t id_prefix(const std::string& id) {
    uint64_t v = 0;
    for (size_t k = 0; k < 8; ++k) v = (v << 8) | (k < id.size() ? static_cast<unsigned char>(id[k]) : 0u);
    return v;
  }

  // Slot a before slot b when their ids are in that order.
  bool id_before(uint32_t a, uint32_t b) const {
    if (summaries[a].id_prefix != summaries[b].id_prefix) return summaries[a].id_prefix < summaries[b].id_prefix;
    return incidents[a]->id < incidents[b]->id;
  }

  void summarize(size_t i) {
    const Incident& in = *incidents[i];
    if (summaries.size() <= i) summaries.resize(i + 1);
    summaries[i] = SlotSummary{in.dated_first, in.dated_last, id_prefix(in.id), in.alive};
  }

  // Lists the incident under its entities and strongest terms (those it is not listed under yet),
  // and refreshes its summary: call after every change to it.
  void index_incident(size_t i) {
    summarize(i);
    Incident& in = *incidents[i];
    std::vector<uint64_t> keys;
    for (const auto& e : in.entities)
      if (e.kind != KeyKind::Country && e.kind != KeyKind::Agency) keys.push_back(e.hash);
    // The incident's most weighted terms.
    std::vector<std::pair<float, uint64_t>> top;
    for (const auto& [k, v] : in.centroid) top.emplace_back(v, k);  // the centroid's weights are TF-IDF already
    size_t n = std::min<size_t>(24, top.size());
    std::partial_sort(top.begin(), top.begin() + static_cast<long>(n), top.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (size_t j = 0; j < n; ++j) keys.push_back(top[j].second);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::vector<uint64_t> fresh;
    std::set_difference(keys.begin(), keys.end(), in.indexed.begin(), in.indexed.end(), std::back_inserter(fresh));
    for (uint64_t k : fresh) postings[k].push_back(static_cast<uint32_t>(i));
    std::vector<uint64_t> merged;
    std::set_union(keys.begin(), keys.end(), in.indexed.begin(), in.indexed.end(), std::back_inserter(merged));
    in.indexed = std::move(merged);
  }

  size_t add_incident(std::unique_ptr<Incident> in) {
    size_t i = incidents.size();
    if (!in->created_order) in->created_order = ++created_counter;
    by_id[in->id] = i;
    incidents.push_back(std::move(in));
    ++live;
    index_incident(i);
    return i;
  }

  void drop_incident(size_t i) {
    Incident& in = *incidents[i];
    if (!in.alive) return;
    in.alive = false;
    summaries[i].alive = false;
    by_id.erase(in.id);
    --live;
  }

  Status ensure_loaded(int32_t from, int32_t to) {
    // Sub-ranges not yet covered.
    std::vector<std::pair<int32_t, int32_t>> missing{{from, to}};
    for (const auto& [a, b] : covered) {
      std::vector<std::pair<int32_t, int32_t>> next;
      for (const auto& [x, y] : missing) {
        if (b < x || a > y) {
          next.emplace_back(x, y);
          continue;
        }
        if (x < a) next.emplace_back(x, a - 1);
        if (y > b) next.emplace_back(b + 1, y);
      }
      missing = std::move(next);
    }
    for (const auto& [x, y] : missing) {
      auto rows = store.incidents_in_window(x, y);
      if (!rows.ok()) return Error{rows.error()};
      for (auto& r : *rows) {
        if (by_id.count(r.id)) continue;
        auto in = std::make_unique<Incident>();
        in->id = r.id;
        in->title = r.title;
        in->created_at = r.created_at;
        if (!deserialize(r.state, *in)) continue;  // an unreadable state is rebuilt by `cluster --rebuild`
        refresh(*in);
        add_incident(std::move(in));
      }
      covered.emplace_back(x, y);
    }
    // Keep the covered list short.
    std::sort(covered.begin(), covered.end());
    std::vector<std::pair<int32_t, int32_t>> merged;
    for (const auto& r : covered) {
      if (!merged.empty() && r.first <= merged.back().second + 1) merged.back().second = std::max(merged.back().second, r.second);
      else merged.push_back(r);
    }
    covered = std::move(merged);
    return {};
  }

  // Forgets everything held in memory (after corrections, which work on the store).
  void forget() {
    incidents.clear();
    summaries.clear();
    by_id.clear();
    postings.clear();
    covered.clear();
    live = 0;
  }

  // Drops from memory the incidents that ended more than a window (plus a month) before the newest
  // article clustered, and any beyond `max_loaded` furthest from [lo, hi]. They stay in the store
  // and are loaded again if an older article needs them. The index is rebuilt without them.
  void evict(int32_t lo, int32_t hi) {
    int32_t cutoff = hi - opt.window_days - 30;
    size_t old = 0;
    for (const auto& in : incidents)
      if (in->alive && !in->dirty && in->window_last < cutoff) ++old;
    size_t dead = incidents.size() - live;
    if (old * 4 < live && dead * 2 < incidents.size() && live <= opt.max_loaded) return;
    std::vector<std::unique_ptr<Incident>> keep;
    for (auto& in : incidents) {
      if (!in->alive) continue;
      if (!in->dirty && (in->window_last < cutoff || in->window_first - opt.window_days > hi)) continue;
      keep.push_back(std::move(in));
    }
    if (keep.size() > opt.max_loaded) {
      // Still too many: keep those nearest to the days being clustered.
      auto far = [&](const std::unique_ptr<Incident>& in) {
        return std::max({0, lo - in->window_last, in->window_first - hi});
      };
      std::stable_sort(keep.begin(), keep.end(), [&](const auto& a, const auto& b) { return far(a) < far(b); });
      keep.resize(opt.max_loaded);
      cutoff = hi;  // nothing below what is held can be trusted as complete any more
      for (const auto& in : keep) cutoff = std::min(cutoff, in->window_last);
    }
    incidents.clear();
    summaries.clear();
    by_id.clear();
    postings.clear();
    live = 0;
    // Oldest first, so that posting lists stay in creation order.
    std::stable_sort(keep.begin(), keep.end(), [](const auto& a, const auto& b) { return a->created_order < b->created_order; });
    for (auto& in : keep) {
      in->indexed.clear();
      add_incident(std::move(in));
    }
    // What remains loaded is complete only above the cutoff.
    std::vector<std::pair<int32_t, int32_t>> trimmed;
    for (auto [a, b] : covered)
      if (b >= cutoff) trimmed.emplace_back(std::max(a, cutoff), b);
    covered = std::move(trimmed);
  }

  // ---- Adding an article to an incident ----
  void add_member(Incident& in, const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev, bool copy) {
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
      if (i < in.entities.size() && in.entities[i].hash == k.hash) e = in.entities[i++];
      e.hash = k.hash;
      e.kind = k.key->kind;
      e.support += salient(*k.key) ? 1.0f : kSideMention;
      e.subject |= k.key->in_title || k.key->kind == KeyKind::Victim;
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
  void prune_centroid(Incident& in) {
    auto& c = in.centroid;
    if (c.size() <= opt.centroid_terms) return;
    std::nth_element(c.begin(), c.begin() + static_cast<long>(opt.centroid_terms), c.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
    c.resize(opt.centroid_terms);
    std::sort(c.begin(), c.end());
  }

  // Keeps the strongest entities by weight and support: most names are one-off mentions.
  void prune_entities(Incident& in) {
    auto& e = in.entities;
    if (e.size() <= opt.incident_entities) return;
    std::nth_element(e.begin(), e.begin() + static_cast<long>(opt.incident_entities), e.end(), [](const auto& a, const auto& b) {
      float x = a.weight * a.support, y = b.weight * b.support;
      return x > y || (x == y && a.hash < b.hash);
    });
    e.resize(opt.incident_entities);
    std::sort(e.begin(), e.end(), [](const auto& a, const auto& b) { return a.hash < b.hash; });
  }

  // After loading: weights at today's rarity, and the centroid's norm.
  void refresh(Incident& in) {
    for (auto& e : in.entities) e.weight = static_cast<float>(key_kind_weight(e.kind) * idf(e.hash));
    in.centroid_norm = norm(in.centroid);
  }

  // The most representative headline: the one whose terms weigh most in the centroid.
  void choose_title(Incident& in) {
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

  void count_document(const ArticleProfile& p, const EntityVec& ev) {
    auto bump = [&](uint64_t k) {
      ++frequencies[k].store;
      ++df_delta[k];
    };
    for (const auto& [k, v] : p.terms) bump(k);
    for (const auto& k : ev.keys) bump(k.hash);
    ++documents;
    ++pending.documents_delta;
  }

  IncidentRecord record_of(const Incident& in) const {
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
    return r;
  }

  Status commit() {
    for (auto& in : incidents)
      if (in->alive && in->dirty) {
        pending.upserts.push_back(record_of(*in));
        in->dirty = false;
      }
    for (const auto& [k, d] : df_delta) pending.df_deltas.emplace_back(k, d);
    std::sort(pending.df_deltas.begin(), pending.df_deltas.end());
    Status st = store.commit_clustering(pending);
    pending = ClusterCommit{};
    df_delta.clear();
    return st;
  }

  // ---- Scoring ----
  // Asks for the first lines of what scoring reads of an incident.
  static void prefetch(const Incident& in) {
    __builtin_prefetch(&in.centroid_norm);
    if (!in.centroid.empty()) __builtin_prefetch(in.centroid.data());
    if (!in.entities.empty()) __builtin_prefetch(in.entities.data());
  }

  ClusterDecision::Candidate score(const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev, const Incident& in) const {
    ClusterDecision::Candidate c;  // its incident_id is set by the caller, for the few it reports
    c.content = in.centroid_norm > 0 ? dot(tv, in.centroid) / in.centroid_norm : 0;
    Agreement g = agreement(ev, in);
    c.entities = g.entities;
    c.subject = g.subject;
    double ft = 1, fe = 1;
    if (p.dated() && in.dated()) {
      int32_t d = distance(p.day, in.dated_first, in.dated_last);
      double beyond = std::max(0.0, d - opt.grace_days);
      ft = std::pow(0.5, beyond / opt.term_half_life);
      fe = std::pow(0.5, beyond / opt.entity_half_life);
    }
    c.time = fe;
    // Either the evidence combined, or the text alone when it is similar enough by itself (an
    // article need not name any entity the extractor knows to report the same incident).
    c.score = std::max(opt.content_weight * c.content * ft + opt.entity_weight * c.entities * fe + opt.subject_weight * c.subject * fe,
                       opt.content_alone * c.content * ft);
    if (g.conflict) {
      c.conflict = true;
      c.score *= opt.conflict_penalty;
    }
    return c;
  }

  // Incidents sharing a rare entity or one of the article's most weighted terms, within the time
  // window, best first by the summed rarity of what they share.
  std::vector<size_t> candidates(const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev) {
    // The article's salient specific entities (headline, victims, named repeatedly) and its most
    // weighted terms look candidates up; the rest only count in scoring.
    std::vector<std::pair<uint64_t, double>> keys;
    for (const auto& k : ev.keys)
      if (k.key->kind != KeyKind::Country && k.key->kind != KeyKind::Agency && salient(*k.key)) keys.emplace_back(k.hash, k.idf);
    std::vector<std::pair<float, uint64_t>> top;
    for (const auto& [k, v] : tv) top.emplace_back(v, k);
    size_t n = std::min<size_t>(16, top.size());
    std::partial_sort(top.begin(), top.begin() + static_cast<long>(n), top.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (size_t j = 0; j < n; ++j) keys.emplace_back(top[j].second, idf(top[j].second));
    // Posting lists grow in creation order: the newest entries are read first, and at most
    // `postings_scan` of them, so a common key costs the same however many incidents hold it.
    if (hit_weight.size() < incidents.size()) hit_weight.resize(incidents.size()), hit_search.resize(incidents.size());
    if (++search_serial == 0) std::fill(hit_search.begin(), hit_search.end(), 0), search_serial = 1;
    std::vector<uint32_t> hit;  // slots hit, in the order first hit
    for (const auto& [k, w] : keys) {
      auto it = postings.find(k);
      if (it == postings.end() || it->second.size() > opt.max_postings) continue;
      const auto& list = it->second;
      size_t seen = 0;
      for (auto e = list.rbegin(); e != list.rend() && seen < opt.postings_scan; ++e) {
        const SlotSummary& in = summaries[*e];
        if (!in.alive) continue;
        ++seen;
        if (p.dated() && in.dated_first != kNoDay && distance(p.day, in.dated_first, in.dated_last) > opt.window_days) continue;
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

  // Where an article's copies or original already are.
  Result<std::string> incident_of_relative(const ArticleProfile& p) {
    auto lookup = [&](const std::string& article) -> Result<std::string> {
      if (auto it = assigned.find(article); it != assigned.end()) return it->second;
      auto m = store.membership(article);
      if (!m.ok()) return Error{m.error()};
      return *m ? (*m)->incident_id : std::string();
    };
    if (!p.duplicate_of.empty()) return lookup(p.duplicate_of);
    auto copies = store.copies_of(p.article_id);
    if (!copies.ok()) return Error{copies.error()};
    for (const auto& c : *copies) {
      auto r = lookup(c);
      if (!r.ok() || !r->empty()) return r;
    }
    return std::string();
  }

  Result<size_t> slot_of(const std::string& incident_id) {
    if (auto it = by_id.find(incident_id); it != by_id.end()) return it->second;
    auto r = store.get_incident(incident_id, true);
    if (!r.ok()) return Error{r.error()};
    if (!*r) return Error{"incident " + incident_id + " is not stored"};
    auto in = std::make_unique<Incident>();
    in->id = (*r)->id;
    in->title = (*r)->title;
    in->created_at = (*r)->created_at;
    if (!deserialize((*r)->state, *in)) return Error{"incident " + incident_id + ": unreadable state; run `dossier cluster --rebuild`"};
    refresh(*in);
    return add_incident(std::move(in));
  }

  // Clusters one article; returns the decision.
  Result<ClusterDecision> place(const ArticleProfile& p, bool explain) {
    ClusterDecision d;
    d.article_id = p.article_id;
    SparseVector tv = term_vector(p);
    EntityVec ev = entity_vector(p);
    auto relative = incident_of_relative(p);
    if (!relative.ok()) return Error{relative.error()};
    if (!relative->empty()) {
      auto s = slot_of(*relative);
      if (!s.ok()) return Error{s.error()};
      Incident& in = *incidents[*s];
      add_member(in, p, tv, ev, true);
      d.incident_id = in.id;
      d.score = 1;
      d.copy = true;
      index_incident(*s);
    } else {
      if (p.dated()) {
        if (auto st = ensure_loaded(p.day - opt.window_days, p.day + opt.window_days); !st.ok()) return Error{st.error()};
      } else {
        if (auto st = ensure_loaded(p.anchor_day - opt.window_days, p.anchor_day + opt.window_days); !st.ok()) return Error{st.error()};
      }
      std::vector<size_t> slots = candidates(p, tv, ev);
      std::vector<std::pair<ClusterDecision::Candidate, uint32_t>> scored;
      scored.reserve(slots.size());
      for (size_t k = 0; k < slots.size(); ++k) {
        // The next candidate's data is fetched while this one is scored: the incidents held
        // outgrow the caches, and scoring is otherwise a wait on memory.
        if (k + 2 < slots.size()) __builtin_prefetch(incidents[slots[k + 2]].get());
        if (k + 1 < slots.size()) prefetch(*incidents[slots[k + 1]]);
        scored.emplace_back(score(p, tv, ev, *incidents[slots[k]]), static_cast<uint32_t>(slots[k]));
      }
      std::sort(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
        return a.first.score > b.first.score || (a.first.score == b.first.score && id_before(a.second, b.second));
      });
      if (!scored.empty() && scored.front().first.score >= opt.join_threshold) {
        size_t s = scored.front().second;
        add_member(*incidents[s], p, tv, ev, false);
        index_incident(s);
        d.incident_id = incidents[s]->id;
        d.score = scored.front().first.score;
      } else {
        auto in = std::make_unique<Incident>();
        in->id = incident_id_for(p.article_id);
        in->created_at = now_iso8601();
        add_member(*in, p, tv, ev, false);
        d.incident_id = in->id;
        d.created = true;
        add_incident(std::move(in));
      }
      count_document(p, ev);
      if (explain)
        for (size_t k = 0; k < scored.size() && k < 5; ++k) {
          d.candidates.push_back(scored[k].first);
          d.candidates.back().incident_id = incidents[scored[k].second]->id;
        }
    }
    assigned[p.article_id] = d.incident_id;
    pending.memberships.push_back(IncidentMembership{p.article_id, d.incident_id, d.score, false});
    return d;
  }

  // ---- Rebuilding an incident from its members (corrections) ----
  Result<std::unique_ptr<Incident>> rebuild(const std::string& id, const std::string& created_at, const std::vector<std::string>& members,
                                            const ProfileSource& profiles) {
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
};

Clusterer::Clusterer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Clusterer::~Clusterer() = default;

Result<std::unique_ptr<Clusterer>> Clusterer::open(Store& store, const KnowledgeBase* kb, ClusterOptions options) {
  auto impl = std::make_unique<Impl>(store, options);
  auto stats = store.term_stats();
  if (!stats.ok()) return Error{"cannot read clustering statistics: " + stats.error()};
  impl->documents = stats->documents;
  impl->frequencies.reserve(stats->df.size() + 16384);
  for (const auto& [k, df] : stats->df) impl->frequencies[k].store = static_cast<uint32_t>(std::clamp<int64_t>(df, 0, UINT32_MAX));
  if (kb && !kb->technique_model.empty()) {
    // The model keeps idf = ln((1 + N) / (1 + df)) + 1 per feature; its single words are terms.
    const TechniqueModel& m = kb->technique_model;
    double n = m.train_examples;
    for (size_t i = 0; i < m.vocab.size(); ++i) {
      if (m.vocab[i].find(' ') != std::string::npos) continue;
      double df = (1.0 + n) / std::exp(static_cast<double>(m.idf[i]) - 1.0) - 1.0;
      impl->frequencies[term_key(m.vocab[i])].prior = static_cast<float>(std::max(0.0, df));
    }
    impl->prior_documents = n;
  }
  return std::unique_ptr<Clusterer>(new Clusterer(std::move(impl)));
}

size_t Clusterer::loaded_incidents() const { return impl_->live; }

Status Clusterer::add(ArticleProfile profile) {
  impl_->queue.push_back(std::move(profile));
  if (impl_->queue.size() >= impl_->opt.batch) return flush();
  return {};
}

Status Clusterer::flush() {
  Impl& m = *impl_;
  if (m.queue.empty()) return {};
  std::vector<ArticleProfile> queue = std::move(m.queue);
  m.queue.clear();
  // Dated articles in time order, then undated ones by their anchor day; ties by id.
  std::sort(queue.begin(), queue.end(), [](const ArticleProfile& a, const ArticleProfile& b) {
    return std::make_tuple(!a.dated(), a.when(), a.article_id) < std::make_tuple(!b.dated(), b.when(), b.article_id);
  });
  // Copies wait for their originals when both are queued. Which article is the copy may have
  // changed since it was queued (an earlier-published original arriving after its repost takes
  // its place), so the store says.
  std::unordered_set<std::string> queued;
  for (auto& p : queue) {
    queued.insert(p.article_id);
    auto header = m.store.article_header(p.article_id);
    if (!header.ok()) return Error{header.error()};
    if (*header) p.duplicate_of = (*header)->duplicate_of;
  }
  std::vector<const ArticleProfile*> order, later;
  for (const auto& p : queue) {
    auto known = m.store.membership(p.article_id);
    if (!known.ok()) return Error{known.error()};
    if (*known || m.assigned.count(p.article_id)) continue;  // already in an incident
    (p.duplicate_of.empty() || !queued.count(p.duplicate_of) ? order : later).push_back(&p);
  }
  order.insert(order.end(), later.begin(), later.end());
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (const ArticleProfile* p : order) {
    auto t0 = std::chrono::steady_clock::now();
    auto d = m.place(*p, explain_);
    if (!d.ok()) return Error{"article " + p->article_id + ": " + d.error()};
    d->micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    decisions_.push_back(std::move(d).value());
    lo = std::min(lo, p->when());
    hi = std::max(hi, p->when());
  }
  Status st = m.commit();
  m.assigned.clear();
  if (!st.ok()) {
    m.forget();  // memory may be ahead of the store now
    return st;
  }
  if (lo <= hi) m.evict(lo, hi);
  return {};
}

namespace {

Result<std::vector<std::string>> member_ids(Store& store, const std::string& incident_id) {
  auto members = store.incident_members(incident_id);
  if (!members.ok()) return Error{members.error()};
  std::vector<std::string> ids;
  for (const auto& m : *members) ids.push_back(m.article.id);
  return ids;
}

}  // namespace

Status Clusterer::merge(const std::string& a, const std::string& b, const ProfileSource& profiles) {
  Impl& m = *impl_;
  if (auto st = flush(); !st.ok()) return st;
  auto ra = m.store.get_incident(a, false), rb = m.store.get_incident(b, false);
  if (!ra.ok()) return Error{ra.error()};
  if (!rb.ok()) return Error{rb.error()};
  if (!*ra) return Error{"no incident " + a};
  if (!*rb) return Error{"no incident " + b};
  if ((*ra)->id == (*rb)->id) return Error{"incidents " + a + " and " + b + " are the same incident"};
  auto ma = member_ids(m.store, (*ra)->id), mb = member_ids(m.store, (*rb)->id);
  if (!ma.ok()) return Error{ma.error()};
  if (!mb.ok()) return Error{mb.error()};
  std::vector<std::string> all = *ma;
  all.insert(all.end(), mb->begin(), mb->end());
  auto rebuilt = m.rebuild((*ra)->id, (*ra)->created_at, all, profiles);
  if (!rebuilt.ok()) return Error{rebuilt.error()};
  ClusterCommit c;
  c.upserts.push_back(m.record_of(**rebuilt));
  c.deletes.push_back((*rb)->id);
  c.aliases.emplace_back((*rb)->id, (*ra)->id);
  for (const auto& id : *mb) c.memberships.push_back(IncidentMembership{id, (*ra)->id, 1, true});
  if (auto st = m.store.commit_clustering(c); !st.ok()) return st;
  m.forget();
  nlohmann::json args = {{"into", (*ra)->id}, {"from", (*rb)->id}, {"into_article", ma->empty() ? "" : ma->front()}, {"articles", *mb}};
  return m.store.add_correction("merge", args.dump());
}

Result<std::string> Clusterer::split(const std::string& a, const std::vector<std::string>& articles, const ProfileSource& profiles) {
  Impl& m = *impl_;
  if (auto st = flush(); !st.ok()) return Error{st.error()};
  auto ra = m.store.get_incident(a, false);
  if (!ra.ok()) return Error{ra.error()};
  if (!*ra) return Error{"no incident " + a};
  auto ma = member_ids(m.store, (*ra)->id);
  if (!ma.ok()) return Error{ma.error()};
  // Articles may be given by unique prefix.
  std::vector<std::string> leaving;
  for (const auto& want : articles) {
    std::vector<std::string> hits;
    for (const auto& id : *ma)
      if (id.rfind(want, 0) == 0) hits.push_back(id);
    if (hits.empty()) return Error{"article " + want + " is not in incident " + (*ra)->id};
    if (hits.size() > 1) return Error{"article id prefix " + want + " is ambiguous"};
    if (std::find(leaving.begin(), leaving.end(), hits.front()) == leaving.end()) leaving.push_back(hits.front());
  }
  std::vector<std::string> staying;
  for (const auto& id : *ma)
    if (std::find(leaving.begin(), leaving.end(), id) == leaving.end()) staying.push_back(id);
  if (staying.empty()) return Error{"splitting every article out of " + (*ra)->id + " leaves it empty; nothing to split"};
  std::vector<std::string> sorted = leaving;
  std::sort(sorted.begin(), sorted.end());
  std::string key = "split:" + (*ra)->id;
  for (const auto& id : sorted) key += ":" + id;
  std::string new_id = hex_id(key);
  auto kept = m.rebuild((*ra)->id, (*ra)->created_at, staying, profiles);
  if (!kept.ok()) return Error{kept.error()};
  auto made = m.rebuild(new_id, "", leaving, profiles);
  if (!made.ok()) return Error{made.error()};
  ClusterCommit c;
  c.upserts.push_back(m.record_of(**kept));
  c.upserts.push_back(m.record_of(**made));
  for (const auto& id : leaving) c.memberships.push_back(IncidentMembership{id, new_id, 1, true});
  if (auto st = m.store.commit_clustering(c); !st.ok()) return Error{st.error()};
  m.forget();
  nlohmann::json args = {{"from", (*ra)->id}, {"id", new_id}, {"articles", leaving}};
  if (auto st = m.store.add_correction("split", args.dump()); !st.ok()) return Error{st.error()};
  return new_id;
}

Status Clusterer::move(const std::string& article, const std::string& to, const ProfileSource& profiles) {
  Impl& m = *impl_;
  if (auto st = flush(); !st.ok()) return st;
  auto art = m.store.article_header(article);
  std::string article_id = article;
  if (!art.ok() || !*art) {
    auto full = m.store.get_article(article, false);
    if (!full.ok()) return Error{full.error()};
    if (!*full) return Error{"no article " + article};
    article_id = (*full)->id;
  }
  auto from = m.store.membership(article_id);
  if (!from.ok()) return Error{from.error()};
  if (!*from) return Error{"article " + article_id + " is in no incident yet; run `dossier cluster`"};
  auto rt = m.store.get_incident(to, false);
  if (!rt.ok()) return Error{rt.error()};
  if (!*rt) return Error{"no incident " + to};
  std::string from_id = (*from)->incident_id;
  if (from_id == (*rt)->id) return Error{"article " + article_id + " is already in incident " + (*rt)->id};
  auto rf = m.store.get_incident(from_id, false);
  if (!rf.ok() || !*rf) return Error{"incident " + from_id + " is not stored"};
  auto mf = member_ids(m.store, from_id), mt = member_ids(m.store, (*rt)->id);
  if (!mf.ok()) return Error{mf.error()};
  if (!mt.ok()) return Error{mt.error()};
  std::vector<std::string> staying;
  for (const auto& id : *mf)
    if (id != article_id) staying.push_back(id);
  std::vector<std::string> joined = *mt;
  joined.push_back(article_id);
  ClusterCommit c;
  auto target = m.rebuild((*rt)->id, (*rt)->created_at, joined, profiles);
  if (!target.ok()) return Error{target.error()};
  c.upserts.push_back(m.record_of(**target));
  if (staying.empty()) {
    c.deletes.push_back(from_id);
    c.aliases.emplace_back(from_id, (*rt)->id);
  } else {
    auto source = m.rebuild(from_id, (*rf)->created_at, staying, profiles);
    if (!source.ok()) return Error{source.error()};
    c.upserts.push_back(m.record_of(**source));
  }
  c.memberships.push_back(IncidentMembership{article_id, (*rt)->id, 1, true});
  if (auto st = m.store.commit_clustering(c); !st.ok()) return st;
  m.forget();
  nlohmann::json args = {{"article", article_id}, {"to", (*rt)->id}, {"to_article", mt->empty() ? "" : mt->front()}};
  return m.store.add_correction("move", args.dump());
}

Status Clusterer::replay_corrections(const ProfileSource& profiles) {
  Impl& m = *impl_;
  if (auto st = flush(); !st.ok()) return st;
  auto log = m.store.corrections();
  if (!log.ok()) return Error{log.error()};
  auto incident_of = [&](const std::string& article) -> std::string {
    auto r = m.store.membership(article);
    return r.ok() && *r ? (*r)->incident_id : std::string();
  };
  for (const auto& [op, text] : *log) {
    auto args = nlohmann::json::parse(text, nullptr, false);
    if (args.is_discarded() || !args.is_object()) continue;
    // Replayed operations are applied directly (they are already in the log).
    if (op == "merge") {
      std::string into = incident_of(args.value("into_article", ""));
      if (into.empty()) continue;
      std::set<std::string> from;
      for (const auto& a : args.value("articles", nlohmann::json::array()))
        if (a.is_string())
          if (auto f = incident_of(a.get<std::string>()); !f.empty() && f != into) from.insert(f);
      for (const auto& f : from) {
        auto ma = member_ids(m.store, into), mb = member_ids(m.store, f);
        auto ra = m.store.get_incident(into, false);
        if (!ma.ok() || !mb.ok() || !ra.ok() || !*ra) continue;
        std::vector<std::string> all = *ma;
        all.insert(all.end(), mb->begin(), mb->end());
        auto rebuilt = m.rebuild(into, (*ra)->created_at, all, profiles);
        if (!rebuilt.ok()) return Error{rebuilt.error()};
        ClusterCommit c;
        c.upserts.push_back(m.record_of(**rebuilt));
        c.deletes.push_back(f);
        c.aliases.emplace_back(f, into);
        for (const auto& id : *mb) c.memberships.push_back(IncidentMembership{id, into, 1, true});
        if (auto st = m.store.commit_clustering(c); !st.ok()) return st;
      }
    } else if (op == "split" || op == "move") {
      std::vector<std::string> leaving;
      std::string target;
      if (op == "split") {
        for (const auto& a : args.value("articles", nlohmann::json::array()))
          if (a.is_string()) leaving.push_back(a.get<std::string>());
        target = args.value("id", "");
      } else {
        leaving.push_back(args.value("article", ""));
        target = incident_of(args.value("to_article", ""));
        if (target.empty()) target = args.value("to", "");
      }
      // Group the leaving articles by where they are now.
      std::map<std::string, std::vector<std::string>> by_source;
      for (const auto& a : leaving)
        if (auto f = incident_of(a); !f.empty() && f != target) by_source[f].push_back(a);
      if (by_source.empty() || target.empty()) continue;
      auto existing_target = m.store.get_incident(target, false);
      std::vector<std::string> joined;
      std::string target_created;
      if (existing_target.ok() && *existing_target && (*existing_target)->id == target) {
        auto mt = member_ids(m.store, target);
        if (mt.ok()) joined = *mt;
        target_created = (*existing_target)->created_at;
      }
      ClusterCommit c;
      for (const auto& [source, arts] : by_source) {
        auto mf = member_ids(m.store, source);
        auto rf = m.store.get_incident(source, false);
        if (!mf.ok() || !rf.ok() || !*rf) continue;
        std::vector<std::string> staying;
        for (const auto& id : *mf)
          if (std::find(arts.begin(), arts.end(), id) == arts.end()) staying.push_back(id);
        if (staying.empty()) {
          c.deletes.push_back(source);
          c.aliases.emplace_back(source, target);
        } else {
          auto rebuilt = m.rebuild(source, (*rf)->created_at, staying, profiles);
          if (!rebuilt.ok()) return Error{rebuilt.error()};
          c.upserts.push_back(m.record_of(**rebuilt));
        }
        joined.insert(joined.end(), arts.begin(), arts.end());
        for (const auto& id : arts) c.memberships.push_back(IncidentMembership{id, target, 1, true});
      }
      auto rebuilt = m.rebuild(target, target_created, joined, profiles);
      if (!rebuilt.ok()) return Error{rebuilt.error()};
      c.upserts.push_back(m.record_of(**rebuilt));
      if (auto st = m.store.commit_clustering(c); !st.ok()) return st;
    }
  }
  m.forget();
  return {};
}

}  // namespace dossier
