#include "dossier/synthesize/claims.h"

#include <absl/container/flat_hash_map.h>
#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <unordered_map>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/cue_words.h"
#include "dossier/util/cues.h"
#include "dossier/util/hash.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

// A sentence's features, sorted by key (merge-joined), and a sum of such vectors (looked up).
using Vec = std::vector<std::pair<uint64_t, double>>;
using Sum = absl::flat_hash_map<uint64_t, double>;

size_t word_count(std::string_view s) { return count_words(s); }

struct Unit {
  int ref = 0;
  const DossierArticle* source = nullptr;
  size_t sentence = 0;
  size_t begin = 0, end = 0;
  std::string text;
  std::string clean;  // clean_sentence(text)
  Vec vec;  // normalised
};

double dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].first < b[j].first) ++i;
    else if (b[j].first < a[i].first) ++j;
    else s += a[i++].second * b[j++].second;
  }
  return s;
}

double dot(const Vec& a, const Sum& b) {
  double s = 0;
  for (const auto& [k, v] : a)
    if (auto it = b.find(k); it != b.end()) s += v * it->second;
  return s;
}

double dot(const Sum& a, const Sum& b) {
  const Sum& small = a.size() < b.size() ? a : b;
  const Sum& large = a.size() < b.size() ? b : a;
  double s = 0;
  for (const auto& [k, v] : small)
    if (auto it = large.find(k); it != large.end()) s += v * it->second;
  return s;
}

template <typename V>
double norm(const V& v) {
  double s = 0;
  for (const auto& [k, w] : v) s += w * w;
  return std::sqrt(s);
}

// How well a sentence serves as a claim's wording: complete, specific, of a readable length, not a
// quotation fragment, not opening with a pronoun that needs the sentence before it.
double wording_quality(const std::string& s, size_t entities) {
  double q = 0;
  std::string t = trim(s);
  if (t.empty()) return -10;
  if (ends_sentence(t)) q += 1.0;
  unsigned char c0 = static_cast<unsigned char>(t[0]);
  if (ascii::is_upper(c0)) q += 0.5;
  if (c0 == '"' || t.rfind("\xe2\x80\x9c", 0) == 0) q -= 0.8;  // opens with a quotation
  if (opens_with_reference(t)) q -= 0.7;
  size_t words = word_count(t);
  if (words >= 10 && words <= 40) q += 0.8;
  else if (words >= 7 && words <= 55) q += 0.4;
  if (t.find('?') != std::string::npos) q -= 0.5;
  q += std::min<double>(1.0, 0.2 * static_cast<double>(entities));
  return q;
}

// The checkable facts of a sentence: years, numbers and months, lower-cased ("2022", "july",
// "1,700" -> "1700"). A source corroborates a wording only if it states all of them.
std::vector<std::string> hard_facts(const std::string& s) {
  static const std::unordered_set<std::string> months = {"january", "february", "march", "april", "may", "june", "july", "august",
                                                         "september", "october", "november", "december"};
  std::vector<std::string> out;
  for (auto w : split_words(s)) {
    std::string t;
    for (char c : w)
      if (ascii::is_alnum(static_cast<unsigned char>(c))) t += static_cast<char>(ascii::to_lower(static_cast<unsigned char>(c)));
    if (t.empty()) continue;
    bool digits = std::all_of(t.begin(), t.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); });
    if (digits || months.count(t)) out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool states_facts(const std::vector<std::string>& facts, const std::string& sentence) {
  if (facts.empty()) return true;
  auto have = hard_facts(sentence);
  return std::includes(have.begin(), have.end(), facts.begin(), facts.end());
}

}  // namespace

bool opens_with_reference(std::string_view sentence) {
  std::string lower = ascii_lower(trim_view(sentence).substr(0, 24));  // the cues are short prefixes
  for (const char* d : cue_words::kDanglingOpeners)
    if (lower.rfind(d, 0) == 0) return true;
  return false;
}

std::string clean_sentence(std::string_view sentence) {
  std::string s(sentence);
  // Citation markers the source itself carried ("[2] [4]").
  static const std::regex markers(R"(\s*(\[\d{1,3}\]\s*)+)");
  if (s.find('[') != std::string::npos) s = std::regex_replace(s, markers, " ");
  s = collapse_whitespace(s);
  // Space left before punctuation by a removed marker.
  for (const char* p : {" .", " ,", " ;", " :"}) {
    size_t pos;
    while ((pos = s.find(p)) != std::string::npos) s.erase(pos, 1);
  }
  // A list bullet, and a short label before a colon ("Detection Method: Multiple agencies ...").
  for (const char* bullet : {"- ", "* ", "\xe2\x80\xa2 "})
    if (s.rfind(bullet, 0) == 0) s = trim(s.substr(std::strlen(bullet)));
  if (size_t colon = s.find(": "); colon != std::string::npos && colon < 40) {
    std::string label = s.substr(0, colon);
    std::string rest = s.substr(colon + 2);
    size_t label_words = count_words(label);
    bool titled = !label.empty() && ascii::is_upper(static_cast<unsigned char>(label[0])) && label.find_first_of(",.\"\u201c") == std::string::npos;
    if (titled && label_words <= 4 && count_words(rest) >= 4 && !rest.empty() && ascii::is_upper(static_cast<unsigned char>(rest[0]))) s = rest;
  }
  static const char* fillers[] = {"However, ", "Meanwhile, ", "In addition, ", "Additionally, ", "Separately, ", "Moreover, ",
                                  "Also, ", "Still, ", "Furthermore, ", "Indeed, ", "Meanwhile ", "In addition "};
  for (const char* f : fillers)
    if (s.rfind(f, 0) == 0) {
      s.erase(0, std::strlen(f));
      if (!s.empty() && ascii::is_lower(static_cast<unsigned char>(s[0]))) s[0] = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(s[0])));
      break;
    }
  return trim(s);
}

namespace {

// The sentence cues of this file, one group each; statement topics are tried in this order.
enum CueGroup : uint32_t {
  kNonStatement, kHedge, kDenial, kLesson, kResponse, kReaction, kAttribution, kInvestigation, kImpact, kActivity
};

const CueSet& sentence_cues() {
  static const CueSet cues({
      {"not detailed", "not explicitly", "not disclosed", "none explicitly", "not specified", "not available", "unavailable",
       "not provided", "no details", "not stated", "n/a"},
      {"reportedly", "allegedly", "unverified", "could not be confirmed", "could not be independently", "not been confirmed",
       "has not confirmed", "have not confirmed", "remains unclear", "remain unclear", "yet to be determined", "remains to be determined",
       "people familiar", "according to sources", "unconfirmed", "is believed to", "are believed to", "it is unclear", "claimed to have",
       "claims to have"},
      cue_group(cue_words::kDenial),
      {"lesson", "a reminder", "is a warning", "underscores", "highlights how", "shows how", "demonstrates", "illustrates",
       "a wake-up call", "cautionary"},
      {"summon", "patch", "disconnect", "rebuilt", "reset ", "notified", "new system", "more secure system", "sanction", "indict",
       "charged with", "charges against", "arrest", "directive", "advisory", "guidance", "restored", "mitigation", "took offline",
       "taken offline", "seized", "takedown", "offered credit monitoring", "emergency"},
      {"solidarity", "condemn", "expressed support", "support for", "in support of", "called on", "calls on", "urged",
       "statement of support", "stand with", "stands with", "welcomed", "criticised", "criticized"},
      {"attributed", "attribute ", "blamed", "accused", "linked to", "tied to", "behind the", "responsible for", "claimed responsibility",
       "claims responsibility", "claimed the attack", "claimed the campaign", "took responsibility", "state-sponsored", "state-backed",
       "carried out by", "on behalf of", "known as", "tracked as", "also called"},
      {"investigat", "forensic", "concluded", "analysis", "examined", "evidence", "found that", "discovered", "detected"},
      {"records", "stolen", "stole ", "exfiltrat", "exposed", "leaked", "outage", "disrupted", "offline", "cost", "million", "billion",
       "ransom", "affected", "data of", "mailboxes"},
      {"breach", "intrusion", "attack", "campaign", "targeted", "hacked", "compromised", "infiltrat", "exploited", "espionage",
       "ransomware", "malware", "backdoor", "accessed", "deployed", "encrypted"},
  });
  return cues;
}

}  // namespace

bool is_non_statement(std::string_view sentence) { return sentence_cues().find(sentence) & (1u << kNonStatement); }

bool is_hedged(std::string_view sentence) { return sentence_cues().find(sentence) & (1u << kHedge); }

std::string statement_topic(std::string_view sentence) {
  static const std::pair<CueGroup, const char*> order[] = {{kDenial, "denial"},         {kLesson, "lesson"},
                                                           {kResponse, "response"},     {kReaction, "reaction"},
                                                           {kAttribution, "attribution"}, {kInvestigation, "investigation"},
                                                           {kImpact, "impact"},         {kActivity, "activity"}};
  uint32_t found = sentence_cues().find(sentence);
  for (const auto& [group, topic] : order)
    if (found & (1u << group)) return topic;
  return "background";
}

namespace {

// Sentences of the sources that can state something, with their raw features (stems, and the
// entities, dates and indicators extraction found in them).
struct Units {
  std::vector<Unit> units;
  std::vector<std::vector<std::pair<uint64_t, double>>> raw;  // features before weighting
  std::vector<size_t> entity_counts;
};

Units collect_units(const std::vector<const DossierArticle*>& sources, const ClaimOptions& opt) {
  Units out;
  auto& units = out.units;
  auto& raw = out.raw;
  auto& entity_counts = out.entity_counts;
  for (size_t r = 0; r < sources.size(); ++r) {
    const DossierArticle& src = *sources[r];
    const std::string& text = src.article.text;
    const auto& x = src.extraction;
    std::vector<std::vector<std::string>> ents(x.sentences.size());
    for (const auto& m : x.mentions)
      if (m.sentence < ents.size() && m.kind != EntityKind::Sector)
        for (const auto& id : m.ids) ents[m.sentence].push_back(std::string(entity_kind_name(m.kind)) + ":" + id);
    for (const auto& d : x.dates)
      if (d.sentence < ents.size() && !d.value.empty()) ents[d.sentence].push_back("date:" + d.value);
    for (const auto& i : x.indicators) {
      size_t si = sentence_index(x.sentences, i.begin);
      if (si < ents.size()) ents[si].push_back("ioc:" + i.value);
    }
    std::string language = src.article.language.empty() || src.article.language == "und" ? "en" : src.article.language;
    for (size_t si = 0; si < x.sentences.size(); ++si) {
      const Sentence& s = x.sentences[si];
      if (s.heading) continue;
      std::string_view st = std::string_view(text).substr(s.begin, s.end - s.begin);
      size_t words = word_count(st);
      if (words < opt.min_words || words > opt.max_words || is_non_statement(st)) continue;
      Unit u;
      u.ref = static_cast<int>(r + 1);
      u.source = &src;
      u.sentence = si;
      u.begin = s.begin;
      u.end = s.end;
      u.text = std::string(st);
      u.clean = clean_sentence(u.text);
      std::vector<std::pair<uint64_t, double>> f;
      for (uint64_t k : content_term_keys(st, language)) f.emplace_back(k, 1.0);
      std::sort(ents[si].begin(), ents[si].end());
      ents[si].erase(std::unique(ents[si].begin(), ents[si].end()), ents[si].end());
      for (const auto& e : ents[si]) f.emplace_back(term_key(e), 1.5);
      if (f.size() < 3) continue;
      entity_counts.push_back(ents[si].size());
      raw.push_back(std::move(f));
      units.push_back(std::move(u));
    }
  }
  return out;
}

// Weights: rare within the incident weighs more (a word in every sentence tells claims apart no
// better than a stop word). Sets each unit's normalised vector; returns the incident's sum.
Sum weigh_units(std::vector<Unit>& units, std::vector<std::vector<std::pair<uint64_t, double>>>& raw) {
  // Each unit's raw features summed per key (sorted), then sentence frequencies.
  for (auto& f : raw) {
    std::sort(f.begin(), f.end());
    size_t o = 0;
    for (size_t i = 0; i < f.size(); ++i) {
      if (o > 0 && f[o - 1].first == f[i].first) f[o - 1].second += f[i].second;
      else f[o++] = f[i];
    }
    f.resize(o);
  }
  absl::flat_hash_map<uint64_t, int> sf;
  for (const auto& f : raw)
    for (const auto& [k, w] : f) ++sf[k];
  double n = static_cast<double>(units.size());
  Sum incident;
  for (size_t i = 0; i < units.size(); ++i) {
    Vec v = std::move(raw[i]);
    for (auto& [k, w] : v) w = (1.0 + std::log(w)) * (std::log((n + 1.0) / (sf[k] + 1.0)) + 1.0);
    double nv = norm(v);
    for (auto& [k, w] : v) {
      w /= nv;
      incident[k] += w;
    }
    units[i].vec = std::move(v);
  }
  return incident;
}

struct Group {
  std::vector<size_t> members;
  Sum centroid;
  double norm2 = 0;  // of the centroid, kept as members join
};

// One greedy pass over the pending units in order: each joins the most similar group (at or above
// the threshold) or starts one.
std::vector<Group> group_units(const std::vector<Unit>& units, const std::vector<size_t>& pending, const ClaimOptions& opt) {
  std::vector<Group> groups;
  absl::flat_hash_map<uint64_t, std::vector<size_t>> index;  // feature -> groups
  std::vector<size_t> seen(units.size(), 0), cands;  // seen[g] == i + 1: group g is a candidate for unit i
  std::vector<double> shared(units.size(), 0);        // the candidate's share of the unit's squared weight
  for (size_t i : pending) {
    const Unit& u = units[i];
    // Candidates share one of the sentence's rarest features.
    std::vector<std::pair<double, uint64_t>> feats;
    for (const auto& [k, w] : u.vec) feats.emplace_back(w, k);
    std::sort(feats.begin(), feats.end(), std::greater<>());
    if (feats.size() > 8) feats.resize(8);
    double rest = 1.0;  // squared weight of the features beyond the top ones (the vector is unit length)
    for (const auto& [w, k] : feats) rest -= w * w;
    cands.clear();
    for (const auto& [w, k] : feats)
      if (auto it = index.find(k); it != index.end())
        for (size_t g : it->second) {
          if (seen[g] != i + 1) {
            seen[g] = i + 1;
            shared[g] = 0;
            cands.push_back(g);
          }
          shared[g] += w * w;
        }
    size_t best = SIZE_MAX;
    double best_score = 0;
    // The cosine with a centroid is at most the square root of the squared weight the unit shares
    // with it (Cauchy-Schwarz): a candidate that cannot reach the threshold is not scored.
    const double needed = opt.same_claim * opt.same_claim - 1e-9;
    for (size_t g : cands) {
      if (shared[g] + std::max(0.0, rest) < needed) continue;
      double c = dot(u.vec, groups[g].centroid) / std::max(1e-9, std::sqrt(groups[g].norm2));
      if (c > best_score || (c == best_score && g < best)) {
        best_score = c;
        best = g;
      }
    }
    if (best == SIZE_MAX || best_score < opt.same_claim) {
      best = groups.size();
      groups.push_back({});
    }
    Group& g = groups[best];
    g.members.push_back(i);
    // |c + u|^2 = |c|^2 + 2 c.u + |u|^2
    g.norm2 += 2 * dot(u.vec, g.centroid) + [&] {
      double s2 = 0;
      for (const auto& [k, w] : u.vec) s2 += w * w;
      return s2;
    }();
    for (const auto& [k, w] : u.vec) {
      double& c = g.centroid[k];
      if (c == 0) index[k].push_back(best);
      c += w;
    }
  }
  return groups;
}

// Each group's wording is chosen, and only the sentences that say what that wording says stay
// with it: a source is cited for a sentence only when one of its own sentences states it. The
// others are returned in `regroup` (from the last pass on, they stay).
std::vector<Claim> claims_of(const std::vector<Group>& groups, const Units& in, const Sum& incident, double incident_norm,
                             bool last_pass, const ClaimOptions& opt, std::vector<size_t>& regroup) {
  const auto& units = in.units;
  const auto& entity_counts = in.entity_counts;
  std::vector<Claim> claims;
  for (const auto& g : groups) {
    // The wording: good quality and close to what the others say.
    size_t best = g.members.front();
    double best_q = -1e9;
    double gn = std::sqrt(g.norm2);
    for (size_t m : g.members) {
      const Unit& u = units[m];
      double q = wording_quality(u.clean, entity_counts[m]) + 1.5 * dot(u.vec, g.centroid) / std::max(1e-9, gn);
      if (q > best_q) {
        best_q = q;
        best = m;
      }
    }
    Claim c;
    std::vector<std::string> facts = hard_facts(units[best].clean);
    for (size_t m : g.members) {
      const Unit& u = units[m];
      if (m != best && (dot(u.vec, units[best].vec) < opt.same_claim || !states_facts(facts, u.text)) && !last_pass) {
        regroup.push_back(m);
        continue;
      }
      c.evidence.push_back(Claim::Evidence{u.ref, u.source->article.id, u.sentence, u.begin, u.end, u.text});
      if (std::find(c.refs.begin(), c.refs.end(), u.ref) == c.refs.end()) c.refs.push_back(u.ref);
    }
    std::sort(c.refs.begin(), c.refs.end());
    std::vector<size_t> kept;
    for (size_t m : g.members)
      if (std::find(regroup.begin(), regroup.end(), m) == regroup.end()) kept.push_back(m);
    c.text = units[best].clean;
    c.id = hex_id("claim:" + c.text).substr(0, 12);
    c.topic = statement_topic(c.text);
    c.hedged = std::all_of(kept.begin(), kept.end(), [&](size_t m) { return is_hedged(units[m].text); });
    Sum centroid;
    for (size_t m : kept)
      for (const auto& [k, w] : units[m].vec) centroid[k] += w;
    double cn = norm(centroid);
    c.centrality = incident_norm > 0 && cn > 0 ? dot(centroid, incident) / (cn * incident_norm) : 0;
    // Hash maps sum in a per-process order: the last bits differ between runs. Rounded, equal
    // claims tie, and the tie is broken by the text below, never by chance.
    c.centrality = std::round(c.centrality * 1e9) / 1e9;
    claims.push_back(std::move(c));
  }
  return claims;
}

// One wording, one claim: claims that came out worded alike are one statement.
std::vector<Claim> merge_alike(std::vector<Claim> claims) {
  std::vector<Claim> merged;
  std::unordered_map<std::string, size_t> by_text;
  for (auto& c : claims) {
    auto [it, fresh] = by_text.emplace(c.text, merged.size());
    if (fresh) {
      merged.push_back(std::move(c));
      continue;
    }
    Claim& m = merged[it->second];
    for (auto& e : c.evidence) m.evidence.push_back(std::move(e));
    for (int r : c.refs)
      if (std::find(m.refs.begin(), m.refs.end(), r) == m.refs.end()) m.refs.push_back(r);
    std::sort(m.refs.begin(), m.refs.end());
    m.hedged = m.hedged && c.hedged;
    m.centrality = std::max(m.centrality, c.centrality);
  }
  return merged;
}

}  // namespace

std::vector<Claim> group_claims(const std::vector<const DossierArticle*>& sources, const KnowledgeBase& kb, const ClaimOptions& opt) {
  Units in = collect_units(sources, opt);
  if (in.units.empty()) return {};
  const Sum incident = weigh_units(in.units, in.raw);
  const double incident_norm = norm(incident);
  // Greedy grouping, sources in citation order, then the wording of each group; the sentences
  // that do not state the wording are grouped again, until none moves.
  std::vector<Claim> claims;
  std::vector<size_t> pending(in.units.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  for (int pass = 0; pass < 4 && !pending.empty(); ++pass) {
    std::vector<size_t> regroup;
    for (auto& c : claims_of(group_units(in.units, pending, opt), in, incident, incident_norm, pass >= 3, opt, regroup))
      claims.push_back(std::move(c));
    pending = std::move(regroup);
    std::sort(pending.begin(), pending.end());
  }
  claims = merge_alike(std::move(claims));
  std::stable_sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
    if (a.refs.size() != b.refs.size()) return a.refs.size() > b.refs.size();
    if (a.centrality != b.centrality) return a.centrality > b.centrality;
    auto first = [](const Claim& c) {
      return c.evidence.empty() ? std::make_pair(0, size_t{0}) : std::make_pair(c.evidence.front().ref, c.evidence.front().sentence);
    };
    return first(a) < first(b);
  });
  (void)kb;
  return claims;
}

}  // namespace dossier
