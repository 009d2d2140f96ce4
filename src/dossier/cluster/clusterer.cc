#include "dossier/cluster/clusterer.h"

#include "dossier/cluster/clusterer_impl.h"

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

// Where an article's copies or original already are.
Result<std::string> Clusterer::Impl::incident_of_relative(const ArticleProfile& p) {
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

Result<size_t> Clusterer::Impl::slot_of(const std::string& incident_id) {
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
Result<ClusterDecision> Clusterer::Impl::place(const ArticleProfile& p, bool explain) {
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
    if (auto st = ensure_far_loaded(ev); !st.ok()) return Error{st.error()};
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
    if (explain)  // before the article changes the incidents
      for (size_t k = 0; k < scored.size() && k < 5; ++k) {
        d.candidates.push_back(scored[k].first);
        d.candidates.back().incident_id = incidents[scored[k].second]->id;
        d.candidates.back().shared = shared_entities(ev, *incidents[scored[k].second]);
      }
    // Time cannot separate an undated article (or incident) from another story that merely
    // resembles it: without a subject in common it joins on stronger evidence.
    auto threshold = [&](const ClusterDecision::Candidate& c, size_t slot) {
      bool undated = !p.dated() || !incidents[slot]->dated();
      return opt.join_threshold + (undated && !c.follow_up ? opt.undated_margin : 0.0);
    };
    if (!scored.empty() && scored.front().first.score >= threshold(scored.front().first, scored.front().second)) {
      size_t s = scored.front().second;
      // Other incidents the article fits as well were one incident reported apart (an early
      // article in another language, a first report that named no one): the article bridges them.
      for (size_t k = 1; k < scored.size() && opt.bridge_threshold > 0; ++k) {
        const auto& [c, other] = scored[k];
        // Only through a subject of the article that both incidents have as theirs: the same actor
        // in two incidents bridges nothing.
        if (c.score < std::max(opt.bridge_threshold, opt.join_threshold) || c.conflict || scored.front().first.conflict) break;
        if (!c.follow_up || !scored.front().first.follow_up || c.entities < opt.bridge_entities) continue;
        if (!incidents[other]->alive || !incidents[s]->alive) continue;
        s = merge_slots(s, other);
        d.bridged.push_back(incidents[s]->id == incidents[other]->id ? incidents[scored.front().second]->id : incidents[other]->id);
      }
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

  }
  assigned[p.article_id] = d.incident_id;
  pending.memberships.push_back(IncidentMembership{p.article_id, d.incident_id, d.score, false});
  return d;
}


Clusterer::Clusterer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Clusterer::~Clusterer() = default;

Result<std::unique_ptr<Clusterer>> Clusterer::open(Store& store, const KnowledgeBase* kb, ClusterOptions options) {
  auto impl = std::make_unique<Impl>(store, options);
  auto stats = store.term_stats();
  if (!stats.ok()) return Error{"cannot read clustering statistics: " + stats.error()};
  impl->frequencies.reserve(stats->df.size() + 16384);
  impl->load_stats(*stats);
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
  if (!profile.forms_incidents) return {};  // an opinion piece, product news or policy: a browsable article only
  impl_->queue.push_back(std::move(profile));
  if (impl_->queue.size() >= impl_->opt.batch) return flush();
  return {};
}

void Clusterer::Impl::load_stats(const TermStats& stats) {
  for (auto& [k, f] : frequencies) f.store = 0;
  for (const auto& [k, df] : stats.df) frequencies[k].store = static_cast<uint32_t>(std::clamp<int64_t>(df, 0, UINT32_MAX));
  documents = stats.documents;
  generation = stats.generation;
}

Status Clusterer::flush() {
  Impl& m = *impl_;
  if (m.queue.empty()) return {};
  // One clusterer writes at a time: from reading the incidents to committing where the articles
  // went, the store is held. Another process that clustered since this one last did changed
  // incidents and counts this one holds, so memory is dropped and read again.
  auto generation = m.store.lock_clustering();
  if (!generation.ok()) return Error{generation.error()};
  if (*generation != m.generation) {
    m.forget();
    auto stats = m.store.term_stats();
    if (!stats.ok()) {
      (void)m.store.unlock_clustering(false);
      return Error{"cannot read clustering statistics: " + stats.error()};
    }
    m.load_stats(*stats);
  }
  Status st = m.flush_locked(decisions_, explain_);
  if (st.ok()) {
    st = m.store.unlock_clustering(true);
    m.generation = *generation + 1;  // the commit's own
  } else {
    (void)m.store.unlock_clustering(false);
  }
  if (!st.ok()) {
    m.forget();  // memory may be ahead of the store now, its counts too
    m.generation = -1;
  }
  return st;
}

Status Clusterer::Impl::flush_locked(std::vector<ClusterDecision>& decisions, bool explain) {
  Impl& m = *this;
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
    auto d = m.place(*p, explain);
    if (!d.ok()) return Error{"article " + p->article_id + ": " + d.error()};
    d->micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    decisions.push_back(std::move(d).value());
    lo = std::min(lo, p->when());
    hi = std::max(hi, p->when());
  }
  Status st = m.commit();
  m.assigned.clear();
  if (!st.ok()) return st;
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
