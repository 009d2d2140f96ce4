// Internal to the cluster stage: an incident as the clusterer holds it in memory, the vector
// arithmetic of similarity, and the clusterer's state (Clusterer::Impl), whose work is spread over
//   clusterer.cc    placing an article; the public interface; analysts' corrections
//   similarity.cc   an article's vectors, candidates, and its score against an incident
//   held.cc         which incidents are held in memory, and their posting lists
//   membership.cc   an incident updated by a member; its title; the commit
//   incident.cc     the incident state stored in the store (IncidentRecord::state)
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dossier/cluster/clusterer.h"

namespace dossier {

using SparseVector = std::vector<std::pair<uint64_t, float>>;  // sorted by key

// What a passing mention is worth against a salient one (headline, victim, named repeatedly): "the
// same flaw was used against Boeing" in an article about ICBC does not make Boeing its subject.
inline constexpr float kSideMention = 0.35f;

inline bool salient(const ProfileKey& k) { return k.in_title || k.kind == KeyKind::Victim || k.strength >= 1.6f; }

struct TitleCandidate {
  std::string article_id;
  std::string title;
  std::vector<uint64_t> terms;
};


// An incident in memory. Its term and entity statistics are vectors sorted by key: merged with
// an article's on update and joined with it when scoring, with no hash table per incident.
struct Incident {
  struct Entity {
    uint64_t hash = 0;
    float support = 0;     // over the originals: 1 where it is salient, kSideMention where only mentioned
    float weight = 0;      // kind weight times rarity, when last seen (not stored)
    KeyKind kind = KeyKind::Name;
    bool subject = false;  // named in a headline, or a victim
    bool lexical = false;  // only ever a capitalised word of a language that capitalises nouns
    bool far = false;      // a key incidents are looked up by beyond the window (far_lookup_key)
    bool headline = false; // a victim a headline of the incident names
  };
  std::string id;
  int32_t window_first = 0, window_last = 0;       // every member's day (anchors of undated ones included)
  int32_t dated_first = kNoDay, dated_last = kNoDay;  // dated members only
  uint32_t originals = 0;                          // members that are not copies of a member
  std::vector<std::pair<uint64_t, float>> centroid;  // sum of the originals' unit term vectors, pruned
  double centroid_norm = 0;
  std::vector<Entity> entities;
  std::map<std::string, uint32_t> actors;
  std::map<std::string, uint32_t> languages;  // of the originals
  std::vector<TitleCandidate> titles;
  std::string title;
  std::string created_at;
  std::vector<uint64_t> indexed;  // posting keys it is listed under, sorted
  std::vector<uint64_t> written_keys;   // far keys last written to the store (this session)
  int32_t written_last_day = kNoDay;
  uint64_t created_order = 0;     // when it entered memory (posting lists follow this order)
  bool dirty = false;
  bool alive = true;

  bool dated() const { return dated_first != kNoDay; }
  // Whether most of its articles are in another language than `lang` (unknown: no).
  bool foreign_to(const std::string& lang) const {
    if (languages.empty()) return false;
    uint32_t same = 0, all = 0;
    for (const auto& [l, n] : languages) {
      all += n;
      if (l == lang) same += n;
    }
    return same * 2 < all;
  }
  double share(const Entity& e) const { return std::min(1.0, static_cast<double>(e.support) / std::max<uint32_t>(1, originals)); }
};


// Languages whose spelling capitalises every noun: a capitalised word there is no sign of a name.
inline bool capitalises_nouns(const std::string& lang) { return lang == "de" || lang == "lb"; }

// A single capitalised word of such a language: maybe a name, maybe any noun.
inline bool lexical_key(const ProfileKey& k, const std::string& lang) {
  return k.kind == KeyKind::Name && capitalises_nouns(lang) && k.key.find(' ') == std::string::npos;
}

inline bool subject_kind(KeyKind k) { return k == KeyKind::Victim || k == KeyKind::Organization || k == KeyKind::Name; }

// Kinds of entity specific enough to look an incident up by at any distance in time: who was hit,
// who did it, with what, through which flaw. Countries and government bodies recur across
// unrelated incidents.
inline bool far_key_kind(KeyKind k) { return k != KeyKind::Country && k != KeyKind::Agency; }
// Of those, the ones an article looks incidents up by beyond the window: one-word names and
// malware recur across many unrelated stories.
inline bool far_lookup_key(const ProfileKey& k) {
  if (k.kind == KeyKind::Software) return false;
  if (k.kind == KeyKind::Name) return k.key.find(' ') != std::string::npos;
  return far_key_kind(k.kind);
}
inline constexpr size_t kFarKeys = 16;     // keys an incident is listed under for far look-ups
inline constexpr size_t kFarPerKey = 16;   // incidents read per key in a far look-up (the latest seen)
std::vector<uint64_t> far_keys(const Incident& in);

// Dot product of two sparse vectors sorted by key.
// Branch-free merge: which side advances is data, not a jump the CPU must guess (the keys are
// hashes, so every comparison is a coin toss).
inline double dot(const SparseVector& a, const SparseVector& b) {
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

inline double norm(const SparseVector& v) {
  double s = 0;
  for (const auto& [k, w] : v) s += static_cast<double>(w) * w;
  return std::sqrt(s);
}

inline void normalize(SparseVector& v) {
  double s = 0;
  for (const auto& [k, w] : v) s += static_cast<double>(w) * w;
  s = std::sqrt(s);
  if (s > 0)
    for (auto& [k, w] : v) w = static_cast<float>(w / s);
}

// Distance in days from a day to a span (0 inside it).
inline int32_t distance(int32_t day, int32_t first, int32_t last) {
  if (day < first) return first - day;
  if (day > last) return day - last;
  return 0;
}

// The incident state as stored (IncidentRecord::state), versioned; false for a blob this binary
// cannot read.
std::string serialize(const Incident& in);
bool deserialize(std::string_view blob, Incident& in);

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
  absl::flat_hash_set<uint64_t> far_looked;               // keys looked up beyond the window since the last eviction
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> postings;  // key -> slots
  std::vector<std::pair<int32_t, int32_t>> covered;       // day ranges loaded from the store
  std::unordered_map<std::string, std::string> assigned;  // article -> incident, this session
  size_t live = 0;
  uint64_t created_counter = 0;
  int64_t generation = 0;  // the store's clustering generation this memory reflects

  // Takes the document frequencies of `stats` as the store's (the prior's stay).
  void load_stats(const TermStats& stats);
  // Places the queued articles and commits, under the store's clustering lock.
  Status flush_locked(std::vector<ClusterDecision>& decisions, bool explain);

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

  SparseVector term_vector(const ArticleProfile& p) const;

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
  EntityVec entity_vector(const ArticleProfile& p) const;

  // Everything scoring needs from one pass over the article's keys and the incident's entities
  // (both sorted by key).
  struct Agreement {
    double entities = 0;  // entity agreement in [0, 1]
    double subject = 0;   // headline agreement in [0, 1]
    bool conflict = false;
    bool shared_subject = false;  // a victim or headline subject of the article is one of the incident's own
    bool cves_shared = false;     // a CVE of the article is one of the incident's
    bool specific_shared = false; // an actor, victim, CVE, indicator or malware of the article is the incident's
    int names_shared = 0;         // salient keys of the article the incident names too
    bool victim_shared = false;   // a victim of the article is one of the incident's
    bool actor_shared = false;    // an actor or ransomware brand of the article is one of the incident's
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
  static Agreement agreement(const EntityVec& ev, const Incident& in, bool nouns_capitalised);
  // The keys of the entities the article and the incident both name, the weightiest first.
  static std::vector<std::string> shared_entities(const EntityVec& ev, const Incident& in);

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
  void index_incident(size_t i);

  size_t add_incident(std::unique_ptr<Incident> in);

  void drop_incident(size_t i);

  Status ensure_loaded(int32_t from, int32_t to);
  // Loads the incidents listed in the store under the article's salient specific entities.
  Status ensure_far_loaded(const EntityVec& ev);
  void load(const IncidentRecord& r);

  // Forgets everything held in memory (after corrections, which work on the store).
  void forget();

  // Drops from memory the incidents that ended more than a window (plus a month) before the newest
  // article clustered, and any beyond `max_loaded` furthest from [lo, hi]. They stay in the store
  // and are loaded again if an older article needs them. The index is rebuilt without them.
  void evict(int32_t lo, int32_t hi);

  // ---- Adding an article to an incident ----
  void add_member(Incident& in, const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev, bool copy);

  // Merges two incidents held in memory; the one seen first survives. Returns its slot.
  size_t merge_slots(size_t a, size_t b);

  // Keeps the centroid's strongest terms (sorted by key again).
  void prune_centroid(Incident& in);

  // Keeps the strongest entities by weight and support: most names are one-off mentions.
  void prune_entities(Incident& in);

  // After loading: weights at today's rarity, and the centroid's norm.
  void refresh(Incident& in) {
    for (auto& e : in.entities) e.weight = static_cast<float>(key_kind_weight(e.kind) * idf(e.hash));
    in.centroid_norm = norm(in.centroid);
  }

  // The most representative headline: the one whose terms weigh most in the centroid.
  void choose_title(Incident& in);

  void count_document(const ArticleProfile& p, const EntityVec& ev);

  IncidentRecord record_of(const Incident& in) const;

  Status commit();

  // ---- Scoring ----
  // Asks for the first lines of what scoring reads of an incident.
  static void prefetch(const Incident& in) {
    __builtin_prefetch(&in.centroid_norm);
    if (!in.centroid.empty()) __builtin_prefetch(in.centroid.data());
    if (!in.entities.empty()) __builtin_prefetch(in.entities.data());
  }

  ClusterDecision::Candidate score(const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev, const Incident& in) const;

  // Incidents sharing a rare entity or one of the article's most weighted terms, within the time
  // window, best first by the summed rarity of what they share.
  std::vector<size_t> candidates(const ArticleProfile& p, const SparseVector& tv, const EntityVec& ev);

  // Where an article's copies or original already are.
  Result<std::string> incident_of_relative(const ArticleProfile& p);

  Result<size_t> slot_of(const std::string& incident_id);

  // Clusters one article; returns the decision.
  Result<ClusterDecision> place(const ArticleProfile& p, bool explain);

  // ---- Rebuilding an incident from its members (corrections) ----
  Result<std::unique_ptr<Incident>> rebuild(const std::string& id, const std::string& created_at, const std::vector<std::string>& members, const ProfileSource& profiles);
};

}  // namespace dossier
