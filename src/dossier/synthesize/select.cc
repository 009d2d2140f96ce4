#include <algorithm>

#include "dossier/synthesize/assemble.h"
#include "dossier/synthesize/claims.h"
#include "dossier/util/fold.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"

namespace dossier::synth {

ClaimPicker::ClaimPicker(const std::vector<Claim>& claims, const Gathered& g) : claims_(claims) {
  for (const auto& [id, a] : g.actors) {
    actor_names_.push_back(fold_name(a.name));
    for (const auto& al : a.aliases) actor_names_.push_back(fold_name(al));
  }
  for (const auto& v : g.victims.top(2)) {
    const std::string folded = fold_name(v.text.substr(0, v.text.find(" (")));  // outlives the words that view it
    for (auto w : split_words(folded))
      if (!is_stop_word(w) && w.size() > 3) victim_words_.emplace_back(w);
  }
}

std::vector<const Claim*> ClaimPicker::best_of(const std::vector<std::string>& topics, size_t n, const std::set<std::string>& skip,
                                               bool allow_hedged) const {
  std::vector<const Claim*> pool, out;
  for (const auto& c : claims_) {
    if (skip.count(c.id) || (c.hedged && !allow_hedged) || opens_with_reference(c.text)) continue;
    if (std::find(topics.begin(), topics.end(), c.topic) != topics.end()) pool.push_back(&c);
  }
  // One statement per party speaking first, so that every party is heard before any twice.
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
}

const std::unordered_set<uint64_t>& ClaimPicker::stems_of(const Claim& c) const {
  auto it = stems_.find(&c);
  if (it == stems_.end()) {
    auto keys = content_term_keys(c.text);
    it = stems_.emplace(&c, std::unordered_set<uint64_t>(keys.begin(), keys.end())).first;
  }
  return it->second;
}

double ClaimPicker::overlap(const Claim& a, const Claim& b) const {
  const auto& x = stems_of(a);
  const auto& y = stems_of(b);
  if (x.empty() || y.empty()) return 0.0;
  size_t common = 0;
  for (uint64_t k : x) common += y.count(k);
  return static_cast<double>(common) / static_cast<double>(std::min(x.size(), y.size()));
}

double ClaimPicker::informative(const Claim& c) const {
  std::string f = " " + fold_name(c.text) + " ";
  double score = 0;
  if (std::any_of(actor_names_.begin(), actor_names_.end(),
                  [&](const std::string& n) { return !n.empty() && f.find(" " + n + " ") != std::string::npos; }))
    score += 1;
  size_t vw = 0;
  for (const auto& w : victim_words_) vw += f.find(" " + w + " ") != std::string::npos;
  if (vw >= std::min<size_t>(2, victim_words_.size()) && vw > 0) score += 1;
  if (c.topic == "activity" || c.topic == "attribution") score += 1;
  return score + 0.3 * static_cast<double>(c.refs.size()) + c.centrality;
}

// What happened first, then the most central, best-corroborated claims.
std::vector<Cited> choose_key_points(const ClaimPicker& picker) {
  const auto& claims = picker.claims();
  std::vector<const Claim*> ranked;
  for (const auto& c : claims)
    if (!c.hedged && c.topic != "background" && c.topic != "lesson" && ends_sentence(c.text) && !opens_with_reference(c.text))
      ranked.push_back(&c);
  std::stable_sort(ranked.begin(), ranked.end(), [](const Claim* a, const Claim* b) {
    double sa = static_cast<double>(a->refs.size()) + 2 * a->centrality, sb = static_cast<double>(b->refs.size()) + 2 * b->centrality;
    return sa > sb;
  });
  std::vector<const Claim*> chosen;
  const Claim* lead = nullptr;
  for (const Claim* c : ranked)
    if (!lead || picker.informative(*c) > picker.informative(*lead)) lead = c;
  if (lead) chosen.push_back(lead);
  for (const Claim* c : ranked) {
    if (chosen.size() >= 6) break;
    if (std::any_of(chosen.begin(), chosen.end(), [&](const Claim* x) { return x == c || picker.overlap(*x, *c) > 0.5; })) continue;
    if (chosen.size() >= 3 && c->refs.size() < 2) continue;  // beyond three, corroborated statements only
    chosen.push_back(c);
  }
  // Fewer than three: any other statement that stands on its own.
  for (const auto& c : claims) {
    if (chosen.size() >= 3) break;
    if (c.hedged || opens_with_reference(c.text) || std::find(chosen.begin(), chosen.end(), &c) != chosen.end()) continue;
    if (std::any_of(chosen.begin(), chosen.end(), [&](const Claim* x) { return picker.overlap(*x, c) > 0.5; })) continue;
    chosen.push_back(&c);
  }
  std::vector<Cited> out;
  for (const Claim* c : chosen) out.push_back(cite(*c));
  return out;
}

}  // namespace dossier::synth
