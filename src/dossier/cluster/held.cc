// The incidents held in memory: loaded from the store by day range, indexed by entity keys and top
// terms, evicted when far.
#include "dossier/cluster/clusterer_impl.h"

#include "dossier/kb/kb.h"
#include "dossier/util/hash.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

// Lists the incident under its entities and strongest terms (those it is not listed under yet),
// and refreshes its summary: call after every change to it.
void Clusterer::Impl::index_incident(size_t i) {
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

size_t Clusterer::Impl::add_incident(std::unique_ptr<Incident> in) {
  size_t i = incidents.size();
  if (!in->created_order) in->created_order = ++created_counter;
  by_id[in->id] = i;
  incidents.push_back(std::move(in));
  ++live;
  index_incident(i);
  return i;
}

void Clusterer::Impl::drop_incident(size_t i) {
  Incident& in = *incidents[i];
  if (!in.alive) return;
  in.alive = false;
  summaries[i].alive = false;
  by_id.erase(in.id);
  --live;
}

void Clusterer::Impl::load(const IncidentRecord& r) {
  if (by_id.count(r.id)) return;
  auto in = std::make_unique<Incident>();
  in->id = r.id;
  in->title = r.title;
  in->created_at = r.created_at;
  if (!deserialize(r.state, *in)) return;  // an unreadable state is rebuilt by `cluster --rebuild`
  refresh(*in);
  add_incident(std::move(in));
}

// The article's salient specific entities look up, through the store's index, the incidents
// listed under them however far in time; each key once per session (incidents created since are
// in memory).
Status Clusterer::Impl::ensure_far_loaded(const EntityVec& ev) {
  std::vector<uint64_t> keys;
  for (const auto& k : ev.keys)
    if (far_lookup_key(*k.key) && salient(*k.key) && far_looked.insert(k.hash).second) keys.push_back(k.hash);
  if (keys.empty()) return {};
  auto rows = store.incidents_with_keys(keys, kFarPerKey);
  if (!rows.ok()) return Error{rows.error()};
  for (const auto& r : *rows) load(r);
  return {};
}

Status Clusterer::Impl::ensure_loaded(int32_t from, int32_t to) {
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
    for (const auto& r : *rows) load(r);
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
void Clusterer::Impl::forget() {
  incidents.clear();
  summaries.clear();
  by_id.clear();
  postings.clear();
  covered.clear();
  far_looked.clear();
  live = 0;
}

// Drops from memory the incidents that ended more than a window (plus a month) before the newest
// article clustered, and any beyond `max_loaded` furthest from [lo, hi]. They stay in the store
// and are loaded again if an older article needs them. The index is rebuilt without them.
void Clusterer::Impl::evict(int32_t lo, int32_t hi) {
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
  far_looked.clear();
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

}  // namespace dossier
