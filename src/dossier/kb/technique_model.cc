#include "dossier/kb/technique_model.h"

#include <nlohmann/json.hpp>

#include <fstream>

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <regex>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/hash.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> s = {
      "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "from", "as", "at", "is", "are", "was",
      "were", "be", "been", "has", "have", "had", "it", "its", "that", "this", "these", "those", "which", "who", "also",
      "can", "could", "may", "might", "will", "would", "into", "onto", "their", "they", "them", "such", "other", "than",
      "then", "via", "during", "including", "include", "includes", "use", "used", "uses", "using", "utilized", "utilize",
      "leveraged", "leverage", "employed", "employ", "s", "not", "no", "but", "if", "when", "where", "after", "before",
      "while", "all", "any", "some", "more", "most", "one", "two", "both", "each", "per", "between", "through", "within",
      "without", "over", "under", "about", "against", "his", "her", "he", "she", "we", "our", "you", "your", "i"};
  return s;
}

std::vector<std::string> features(std::string_view text) {
  auto toks = technique_tokens(text);
  std::vector<std::string> f = toks;
  for (size_t i = 0; i + 1 < toks.size(); ++i) f.push_back(toks[i] + " " + toks[i + 1]);
  return f;
}

std::string parent_of(const std::string& id) { return id.substr(0, id.find('.')); }

}  // namespace

std::string clean_attack_text(std::string_view description) {
  std::string s(description);
  static const std::regex citation(R"(\(Citation:[^)]*\))");
  static const std::regex entity_link(R"(\[[^\]]*\]\(https://attack\.mitre\.org/(groups|software|campaigns)/[^)]*\))");
  static const std::regex other_link(R"(\[([^\]]*)\]\([^)]*\))");
  s = std::regex_replace(s, citation, " ");
  s = std::regex_replace(s, entity_link, " ");
  s = std::regex_replace(s, other_link, "$1");
  return collapse_whitespace(s);
}

std::vector<std::string> technique_tokens(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : word_tokens(text)) {
    if (w.size() < 2 || stop_words().count(w)) continue;
    if (std::all_of(w.begin(), w.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); })) continue;
    out.push_back(stem_word(w));
  }
  return out;
}

namespace {

// Marks among the cue tokens: a negation ("not", "no", "never", "without", "n't") cancels a phrase
// shortly after it, a hedge ("could", "might", "should", "would", "if", "possibly") or advice
// ("recommends", "urged", "treat ... as") or background ("known for", "typically", "a record of")
// one within kHedgeReach words after it; an ATT&CK id written in the sentence (the id says it)
// silences every cue of the sentence.
constexpr uint64_t kNegation = 1, kHedge = 2, kExplicit = 3;
constexpr uint64_t kAdjacent = 4;  // first of a slot's alternatives: the slot follows the previous one directly
constexpr size_t kHedgeReach = 6;

constexpr uint64_t kFor = 6;  // "known for" is background; either word alone is not

// What one word is to cue matching (a mark, 0 when skipped, or the term key of its stem) and to the
// model (the term key of its stem, or 0 for a word that is no feature: short, a stop word, digits).
struct WordKeys {
  uint64_t cue = 0, model = 0;
};

WordKeys word_keys(const std::string& w) {
  static const std::unordered_set<std::string> negations = {"not", "no", "none", "never", "without", "nor", "neither", "t"};
  // A supposition or advice, or background rather than this incident ("typically", "a record of").
  static const std::unordered_set<std::string> hedges = {
      "could", "might", "should", "would", "if", "possibly", "perhaps", "whether", "unless", "treat", "assume", "consider",
      "recommend", "recommends", "recommended", "urged", "urges", "advised", "advises", "typically", "usually", "often",
      "frequently", "notorious", "record", "history", "reputation", "previously"};
  auto digits = [](auto b, auto e) { return std::all_of(b, e, [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); }); };
  WordKeys k;
  if (w.size() >= 2 && !stop_words().count(w) && !digits(w.begin(), w.end())) k.model = stem_key(w);
  if (negations.count(w)) k.cue = kNegation;
  else if (hedges.count(w)) k.cue = kHedge;
  else if (w == "for") k.cue = kFor;
  else if (w.size() == 5 && w[0] == 't' && digits(w.begin() + 1, w.end())) k.cue = kExplicit;
  else k.cue = k.model;
  return k;
}

// The words of a text as cue matching and the model see them, in one pass with the tokenizer of
// word_tokens() (letters and digits, bytes of non-ASCII characters kept, lower-cased once; tokens
// are views into that copy), each word remembered by a 64-bit hash so it is looked at once per
// thread.
void text_keys(std::string_view text, std::vector<uint64_t>* cue_out, std::vector<uint64_t>* model_out) {
  if (cue_out) cue_out->clear();
  if (model_out) model_out->clear();
  thread_local absl::flat_hash_map<uint64_t, WordKeys> memo;
  if (memo.size() > 200000) memo.clear();
  thread_local std::string low;
  low.resize(text.size());
  for (size_t i = 0; i < text.size(); ++i) low[i] = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(text[i])));
  auto in_token = [](unsigned char c) { return ascii::is_alnum(c) || c >= 0x80; };
  static const uint64_t known = stem_key("known");
  const size_t n = low.size();
  size_t i = 0;
  while (i < n) {
    while (i < n && !in_token(static_cast<unsigned char>(low[i]))) ++i;
    size_t j = i;
    while (j < n && in_token(static_cast<unsigned char>(low[j]))) ++j;
    if (j == i) break;
    std::string_view tok(low.data() + i, j - i);
    i = j;
    const uint64_t h = hash64(tok, 0x637565);
    auto it = memo.find(h);
    if (it == memo.end()) it = memo.emplace(h, word_keys(std::string(tok))).first;
    const WordKeys k = it->second;
    if (model_out && k.model) model_out->push_back(k.model);
    if (!cue_out) continue;
    if (k.cue == kFor) {
      if (!cue_out->empty() && cue_out->back() == known) cue_out->back() = kHedge;
    } else if (k.cue) {
      cue_out->push_back(k.cue);
    }
  }
}

void cue_token_keys(std::string_view text, std::vector<uint64_t>& out) { text_keys(text, &out, nullptr); }

}  // namespace

std::vector<uint64_t> technique_token_keys(std::string_view text) {
  std::vector<uint64_t> out;
  text_keys(text, nullptr, &out);
  return out;
}

bool CueDocument::contains(std::string_view stem) const {
  if (!built_) {
    lower_.resize(text_.size());
    for (size_t i = 0; i < text_.size(); ++i) lower_[i] = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(text_[i])));
    built_ = true;
  }
  // A word that begins with the stem ("ransom" in "ransomware", "vulner" in "vulnerabilities").
  for (size_t at = lower_.find(stem); at != std::string::npos; at = lower_.find(stem, at + 1))
    if (at == 0 || !(ascii::is_alnum(static_cast<unsigned char>(lower_[at - 1])) || static_cast<unsigned char>(lower_[at - 1]) >= 0x80))
      return true;
  return false;
}

Result<TechniqueCue> parse_technique_cue(std::string_view technique, std::string_view cue, TechniqueCue::Kind kind) {
  TechniqueCue c;
  c.technique = std::string(technique);
  c.kind = kind;
  std::string slot;
  auto add_slot = [&](std::string text) -> Status {
    std::vector<std::string> alts;
    if (!text.empty() && text[0] == '+') {  // "+word": right after the previous slot
      if (c.slots.empty()) return Error{"cue \"" + std::string(cue) + "\" starts with a \"+\" slot"};
      alts.push_back("+");
      text.erase(0, 1);
    }
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('/', start);
      if (end == std::string::npos) end = text.size();
      std::string word = ascii_lower(text.substr(start, end - start));
      start = end + 1;
      if (word.empty()) continue;
      auto toks = technique_tokens(word);
      if (word_tokens(word).size() != 1 || toks.size() != 1)
        return Error{"cue \"" + std::string(cue) + "\": \"" + word + "\" is not one content word"};
      if (std::find(alts.begin(), alts.end(), toks[0]) == alts.end()) alts.push_back(toks[0]);
    }
    if (alts.empty() || alts.back() == "+") return Error{"cue \"" + std::string(cue) + "\" has an empty slot"};
    c.slots.push_back(std::move(alts));
    return {};
  };
  // A context requirement is one slot of alternatives, written with "/" or with spaces.
  for (char ch : cue) {
    if (ch == ' ' && kind != TechniqueCue::Kind::context) {
      if (!slot.empty())
        if (auto st = add_slot(slot); !st.ok()) return Error{st.error()};
      slot.clear();
    } else {
      slot += ch == ' ' ? '/' : ch;
    }
  }
  if (!slot.empty())
    if (auto st = add_slot(slot); !st.ok()) return Error{st.error()};
  if (c.slots.empty()) return Error{"empty cue for " + c.technique};
  return c;
}

struct TechniqueModel::Index {
  absl::flat_hash_map<uint64_t, uint32_t> features;
  struct Cue {
    uint32_t label;  // index into cue_labels
    bool unless;
    std::vector<std::vector<uint64_t>> slots;
  };
  std::vector<std::string> cue_labels;
  std::vector<std::vector<std::string>> context;  // by cue label: stems one of which begins a word of the document
  std::vector<Cue> cues;
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> cues_by_first;  // first slot's stem -> cues
};

void TechniqueModel::build_index() {
  auto index = std::make_shared<Index>();
  index->features.reserve(vocab.size());
  for (uint32_t i = 0; i < vocab.size(); ++i) {
    const std::string& f = vocab[i];
    size_t space = f.find(' ');
    uint64_t key = space == std::string::npos ? term_key(f) : pair_key(term_key(f.substr(0, space)), term_key(f.substr(space + 1)));
    index->features.emplace(key, i);
  }
  std::map<std::string, uint32_t> cue_label_ids;
  for (const auto& c : cues) {
    auto [it, fresh] = cue_label_ids.emplace(c.technique, static_cast<uint32_t>(index->cue_labels.size()));
    if (fresh) {
      index->cue_labels.push_back(c.technique);
      index->context.emplace_back();
    }
    std::vector<std::vector<uint64_t>> slots;
    for (const auto& slot : c.slots) {
      std::vector<uint64_t> alts;
      for (const auto& stem : slot) alts.push_back(stem == "+" ? kAdjacent : term_key(stem));
      slots.push_back(std::move(alts));
    }
    if (slots.empty()) continue;
    if (c.kind == TechniqueCue::Kind::context) {
      auto& r = index->context[it->second];
      r.insert(r.end(), c.slots[0].begin(), c.slots[0].end());
      continue;
    }
    for (uint64_t first : slots[0]) index->cues_by_first[first].push_back(static_cast<uint32_t>(index->cues.size()));
    index->cues.push_back(Index::Cue{it->second, c.kind == TechniqueCue::Kind::unless, std::move(slots)});
  }
  index_ = std::move(index);
}

std::vector<std::pair<std::string, float>> TechniqueModel::cue_matches(std::string_view text, const CueDocument* document) const {
  std::vector<uint64_t> toks;
  cue_token_keys(text, toks);
  return cue_matches_of(toks, document);
}

std::vector<std::pair<std::string, float>> TechniqueModel::cue_matches_of(const std::vector<uint64_t>& toks,
                                                                         const CueDocument* document) const {
  std::vector<std::pair<std::string, float>> out;
  if (!index_ || index_->cues.empty()) return out;
  if (std::find(toks.begin(), toks.end(), kExplicit) != toks.end()) return out;
  auto in = [](const std::vector<uint64_t>& alts, uint64_t k) { return std::find(alts.begin(), alts.end(), k) != alts.end(); };
  thread_local std::vector<uint32_t> found, cancelled;  // cue labels
  found.clear();
  cancelled.clear();
  for (size_t i = 0; i < toks.size(); ++i) {
    auto it = index_->cues_by_first.find(toks[i]);
    if (it == index_->cues_by_first.end()) continue;
    // A negation shortly before the phrase denies it; a hedge before it makes it a supposition.
    bool negated = false;
    for (size_t b = i > kCueGap ? i - kCueGap : 0; b < i; ++b) negated |= toks[b] == kNegation;
    for (size_t b = i > kHedgeReach ? i - kHedgeReach : 0; b < i; ++b) negated |= toks[b] == kHedge;
    for (uint32_t ci : it->second) {
      const auto& cue = index_->cues[ci];
      if (negated && !cue.unless) continue;
      size_t pos = i;
      bool ok = true;
      for (size_t s = 1; s < cue.slots.size() && ok; ++s) {
        ok = false;
        const size_t reach = cue.slots[s][0] == kAdjacent ? 0 : kCueGap;
        for (size_t j = pos + 1; j < toks.size() && j <= pos + 1 + reach; ++j) {
          if (toks[j] == kNegation) break;
          if (in(cue.slots[s], toks[j])) {
            pos = j;
            ok = true;
            break;
          }
        }
      }
      if (ok) (cue.unless ? cancelled : found).push_back(cue.label);
    }
  }
  for (uint32_t label : found) {
    if (std::find(cancelled.begin(), cancelled.end(), label) != cancelled.end()) continue;
    const auto& need = index_->context[label];
    if (!need.empty()) {
      bool present = false;
      for (const auto& stem : need) present = present || (document ? document->contains(stem) : in(toks, term_key(stem)));
      if (!present) continue;
    }
    const std::string& id = index_->cue_labels[label];
    if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == id; })) out.emplace_back(id, cue_score);
  }
  return out;
}

std::vector<std::pair<std::string, float>> TechniqueModel::classify(std::string_view text, size_t top, const CueDocument* document) const {
  if (empty() || !index_) return {};
  thread_local std::vector<uint64_t> cue_toks, model_toks;
  text_keys(text, &cue_toks, &model_toks);
  auto out = model_scores_of(model_toks, top);
  for (const auto& match : cue_matches_of(cue_toks, document)) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == match.first; });
    if (it == out.end()) out.push_back(match);
    else it->second = std::max(it->second, match.second);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
  return out;
}

std::vector<std::pair<std::string, float>> TechniqueModel::model_scores(std::string_view text, size_t top) const {
  std::vector<uint64_t> toks;
  text_keys(text, nullptr, &toks);
  return model_scores_of(toks, top);
}

std::vector<std::pair<std::string, float>> TechniqueModel::model_scores_of(const std::vector<uint64_t>& toks, size_t top) const {
  if (labels.empty() || !index_) return {};
  // Feature counts of the text (unigrams and bigrams of stems), in feature order.
  thread_local std::vector<uint32_t> ids;
  ids.clear();
  auto find = [&](uint64_t key) {
    if (auto it = index_->features.find(key); it != index_->features.end()) {
      ids.push_back(it->second);
      return true;
    }
    return false;
  };
  // A bigram is a feature only if both its words are: a feature is kept when two training texts
  // have it, and both have each of its words.
  thread_local std::vector<uint8_t> known;
  known.assign(toks.size(), 0);
  for (size_t i = 0; i < toks.size(); ++i) known[i] = find(toks[i]);
  for (size_t i = 0; i + 1 < toks.size(); ++i)
    if (known[i] && known[i + 1]) find(pair_key(toks[i], toks[i + 1]));
  std::sort(ids.begin(), ids.end());
  thread_local std::vector<std::pair<uint32_t, float>> vec;
  vec.clear();
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    vec.emplace_back(ids[i], static_cast<float>(j - i));
    i = j;
  }
  if (vec.size() < 2) return {};  // one known word is no evidence of a behaviour
  double norm = 0;
  for (auto& [id, v] : vec) {
    v = static_cast<float>((1.0 + std::log(v)) * idf[id]);
    norm += static_cast<double>(v) * v;
  }
  norm = std::sqrt(norm);
  if (norm > 0)
    for (auto& [id, v] : vec) v = static_cast<float>(v / norm);
  // Scores in a dense array, reset through the list of techniques touched.
  thread_local std::vector<float> score;
  thread_local std::vector<uint32_t> touched;
  if (score.size() < labels.size()) score.assign(labels.size(), 0.0f);
  touched.clear();
  for (const auto& [fid, w] : vec)
    for (const auto& p : postings[fid]) {
      if (score[p.technique] == 0.0f) touched.push_back(p.technique);
      score[p.technique] += w * p.weight;
    }
  std::vector<std::pair<std::string, float>> out;
  for (uint32_t t : touched) {
    if (score[t] >= threshold) out.emplace_back(labels[t], score[t]);
    score[t] = 0.0f;
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
  if (out.size() > top) out.resize(top);
  return out;
}

TechniqueModel train_technique_model(const std::vector<LabelledText>& examples) {
  TechniqueModel m;
  std::map<std::string, uint32_t> label_ids;
  std::unordered_map<std::string, uint32_t> feature_ids;
  std::vector<uint32_t> df;
  std::vector<std::vector<uint32_t>> doc_features;
  std::vector<const LabelledText*> train;
  for (const auto& e : examples)
    if (!e.heldout) train.push_back(&e);
  for (const auto* e : train) {
    std::unordered_set<uint32_t> seen;
    std::vector<uint32_t> ids;
    for (const auto& f : features(e->text)) {
      auto [it, fresh] = feature_ids.emplace(f, static_cast<uint32_t>(feature_ids.size()));
      if (fresh) df.push_back(0);
      ids.push_back(it->second);
      if (seen.insert(it->second).second) ++df[it->second];
    }
    doc_features.push_back(std::move(ids));
    for (const auto& t : e->techniques) label_ids.emplace(t, 0);
  }
  uint32_t li = 0;
  for (auto& [t, id] : label_ids) {
    id = li++;
    m.labels.push_back(t);
  }
  // Keep features seen in at least two training texts: the rest cannot generalise.
  std::vector<int64_t> remap(df.size(), -1);
  m.vocab.clear();
  std::vector<std::string> by_id(feature_ids.size());
  for (const auto& [f, id] : feature_ids) by_id[id] = f;
  for (uint32_t id = 0; id < df.size(); ++id)
    if (df[id] >= 2) {
      remap[id] = static_cast<int64_t>(m.vocab.size());
      m.vocab.push_back(by_id[id]);
      m.idf.push_back(static_cast<float>(std::log((1.0 + static_cast<double>(train.size())) / (1.0 + df[id])) + 1.0));
    }
  // Centroids: the sum of each label's normalised TF-IDF vectors.
  std::vector<std::unordered_map<uint32_t, double>> centroid(m.labels.size());
  for (size_t d = 0; d < train.size(); ++d) {
    std::unordered_map<uint32_t, double> tf;
    for (uint32_t id : doc_features[d])
      if (remap[id] >= 0) tf[static_cast<uint32_t>(remap[id])] += 1;
    double norm = 0;
    for (auto& [id, v] : tf) {
      v = (1.0 + std::log(v)) * m.idf[id];
      norm += v * v;
    }
    norm = std::sqrt(norm);
    if (norm == 0) continue;
    for (const auto& t : train[d]->techniques) {
      auto& c = centroid[label_ids[t]];
      for (const auto& [id, v] : tf) c[id] += v / norm;
    }
  }
  m.postings.assign(m.vocab.size(), {});
  constexpr size_t kTermsPerTechnique = 300;
  for (uint32_t t = 0; t < centroid.size(); ++t) {
    std::vector<std::pair<uint32_t, double>> terms(centroid[t].begin(), centroid[t].end());
    std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
    if (terms.size() > kTermsPerTechnique) terms.resize(kTermsPerTechnique);
    double norm = 0;
    for (const auto& [id, v] : terms) norm += v * v;
    norm = std::sqrt(norm);
    for (const auto& [id, v] : terms) m.postings[id].push_back(TechniquePosting{t, static_cast<float>(v / norm)});
  }
  m.train_examples = static_cast<uint32_t>(train.size());
  m.build_index();
  // The threshold that gives the best F1 on held-out examples.
  std::vector<LabelledText> heldout;
  for (const auto& e : examples)
    if (e.heldout) heldout.push_back(e);
  m.heldout_examples = static_cast<uint32_t>(heldout.size());
  double best_f1 = -1;
  float best_tau = 0.3f;
  for (float tau = 0.10f; tau <= 0.601f; tau += 0.025f) {
    m.threshold = tau;
    TechniqueEval ev = evaluate_techniques(m, heldout);
    if (ev.f1 > best_f1) {
      best_f1 = ev.f1;
      best_tau = tau;
      m.heldout_precision = static_cast<float>(ev.precision);
      m.heldout_recall = static_cast<float>(ev.recall);
    }
  }
  m.threshold = best_tau;
  return m;
}

TechniqueEval evaluate_techniques(const TechniqueModel& model, const std::vector<LabelledText>& examples) {
  TechniqueEval ev;
  std::map<std::string, TechniqueEval::PerTechnique> per;
  for (const auto& e : examples) {
    ++ev.examples;
    auto pred = model.classify(e.text, 2);
    std::unordered_set<std::string> expected(e.techniques.begin(), e.techniques.end());
    std::unordered_set<std::string> matched;
    for (const auto& [id, score] : pred) {
      ++ev.predicted;
      bool hit = false;
      for (const auto& x : expected)
        if (x == id || parent_of(x) == id || parent_of(id) == x) {
          hit = true;
          matched.insert(x);
        }
      if (hit) ++ev.true_positives;
      else ++per[id].fp;
    }
    for (const auto& x : expected) {
      ++ev.expected;
      if (matched.count(x)) ++per[x].tp;
      else ++per[x].fn;
    }
  }
  ev.precision = ev.predicted ? static_cast<double>(ev.true_positives) / ev.predicted : 0;
  size_t found = 0;
  for (const auto& [id, p] : per) found += p.tp;
  ev.recall = ev.expected ? static_cast<double>(found) / ev.expected : 0;
  ev.f1 = ev.precision + ev.recall > 0 ? 2 * ev.precision * ev.recall / (ev.precision + ev.recall) : 0;
  for (auto& [id, p] : per) {
    p.id = id;
    ev.per_technique.push_back(p);
  }
  return ev;
}

Result<std::vector<LabelledText>> read_labelled_texts(const std::string& path, std::vector<std::string>* errors) {
  std::ifstream f(path);
  if (!f) return Error{path + ": cannot open for reading"};
  std::vector<LabelledText> out;
  std::string line;
  size_t n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (trim(line).empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j.contains("techniques") || !j["text"].is_string() ||
        !j["techniques"].is_array()) {
      if (errors) errors->push_back(path + " line " + std::to_string(n) + ": expected {\"text\", \"techniques\": [ids]}");
      continue;
    }
    LabelledText e;
    e.text = j["text"].get<std::string>();
    for (const auto& t : j["techniques"])
      if (t.is_string()) e.techniques.push_back(t.get<std::string>());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace dossier
