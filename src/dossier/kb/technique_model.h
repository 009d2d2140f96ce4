// Recognising ATT&CK techniques from described behaviour ("spear-phishing emails with malicious
// attachments" -> T1566.001).
//
// ATT&CK is labelled training data: its procedure examples (the descriptions on `uses`
// relationships, e.g. "<group> has used spearphishing emails with malicious attachments") and the
// opening of each technique's description each name their technique. The model is a linear one
// over TF-IDF features (sublinear term frequency; unigrams and bigrams of Snowball-stemmed words,
// stop words removed; entity names and citations masked): one L2-normalised centroid per
// technique, pruned to its strongest terms. A sentence scores the cosine with each centroid; the
// threshold is chosen at build time on held-out procedure examples (every tenth, by a hash of the
// relationship id) and stored with the model, as are the held-out precision and recall.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dossier/util/result.h"

namespace dossier {

struct TechniquePosting {
  uint32_t technique = 0;  // index into TechniqueModel::labels
  float weight = 0;
};

// A phrase that names a technique in the wording of news ("encrypted the company's files" -> T1486),
// written for dossier (data/curated/technique_cues.tsv): slots of alternative words (Snowball stems),
// matched in order on a sentence's words with at most kCueGap other content words between two slots
// (none before a slot written "+word"),
// and never within kCueGap words after a negation ("no evidence that files were encrypted") or six
// after a hedge ("could", "should", "if", ...); no cue fires in a sentence that writes an ATT&CK id. An
// `unless` phrase matched in the sentence cancels the technique's cues there ("Known Exploited
// Vulnerabilities" is a catalogue); a `context` entry (one slot) names words one of which the
// document must hold (encryption is ransomware's only when the story speaks of ransom).
struct TechniqueCue {
  enum class Kind : uint8_t { cue, unless, context };
  std::string technique;
  std::vector<std::vector<std::string>> slots;
  Kind kind = Kind::cue;
};

// A whole document, for cues that require context: whether a word of it begins with a stem
// (lower-cased on first use).
class CueDocument {
 public:
  explicit CueDocument(std::string_view text) : text_(text) {}
  bool contains(std::string_view stem) const;

 private:
  std::string_view text_;
  mutable std::string lower_;
  mutable bool built_ = false;
};

struct TechniqueModel {
  static constexpr size_t kCueGap = 3;
  std::vector<std::string> labels;  // technique ids
  std::vector<std::string> vocab;   // feature strings ("spearphish", "malici attach")
  std::vector<float> idf;
  std::vector<std::vector<TechniquePosting>> postings;  // by feature: techniques whose centroid has it
  float threshold = 0.3f;
  float heldout_precision = 0, heldout_recall = 0;
  uint32_t train_examples = 0, heldout_examples = 0;
  std::vector<TechniqueCue> cues;
  float cue_score = 0.6f;  // the score of a technique a cue names (above the dossier's 0.40)

  bool empty() const { return labels.empty() && cues.empty(); }
  // The techniques whose score reaches the threshold, best first: at most `top` from the model, and
  // every technique a cue names (its score at least cue_score).
  std::vector<std::pair<std::string, float>> classify(std::string_view text, size_t top = 2, const CueDocument* document = nullptr) const;
  // The model's part alone (centroids at or above the threshold, at most `top`), and the cues' part.
  std::vector<std::pair<std::string, float>> model_scores(std::string_view text, size_t top = 2) const;
  // A cue's context requirement is checked in `document`, or in `text` when there is none.
  std::vector<std::pair<std::string, float>> cue_matches(std::string_view text, const CueDocument* document = nullptr) const;

  void build_index();  // after loading: feature keys -> ids

 private:
  // The same from the words' keys (text_keys in technique_model.cc).
  std::vector<std::pair<std::string, float>> model_scores_of(const std::vector<uint64_t>& toks, size_t top) const;
  std::vector<std::pair<std::string, float>> cue_matches_of(const std::vector<uint64_t>& toks, const CueDocument* document) const;
  struct Index;
  std::shared_ptr<const Index> index_;  // feature key (term or pair of terms) -> feature id
};

struct LabelledText {
  std::string text;
  std::vector<std::string> techniques;
  bool heldout = false;
};

// Removes ATT&CK markup from a description: "(Citation: ...)" markers, and Markdown links to
// groups, software and campaigns (entity names must not teach the model), keeping other link text.
std::string clean_attack_text(std::string_view description);

// Parses one cue ("encrypt/encrypted file/files/server") into slots of stems; an error names a
// word that cannot match (a stop word, a number).
Result<TechniqueCue> parse_technique_cue(std::string_view technique, std::string_view cue,
                                         TechniqueCue::Kind kind = TechniqueCue::Kind::cue);

// Stemmed, stop-word-free tokens of a text (Snowball English).
std::vector<std::string> technique_tokens(std::string_view text);
// The same tokens as term keys (term_key of each stem), without building strings.
std::vector<uint64_t> technique_token_keys(std::string_view text);

// Trains the model and picks the threshold on the held-out examples.
TechniqueModel train_technique_model(const std::vector<LabelledText>& examples);

struct TechniqueEval {
  double precision = 0, recall = 0, f1 = 0;
  size_t examples = 0, true_positives = 0, predicted = 0, expected = 0;
  struct PerTechnique {
    std::string id;
    size_t tp = 0, fp = 0, fn = 0;
    double precision() const { return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0; }
    double recall() const { return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0; }
  };
  std::vector<PerTechnique> per_technique;
};
// Labelled sentences from JSON lines `{"text", "techniques": [ids]}`. A line that is not one is
// skipped and named in `errors` ("FILE line N: expected ..."); an unreadable file is an error.
Result<std::vector<LabelledText>> read_labelled_texts(const std::string& path, std::vector<std::string>* errors);

// Micro-averaged precision and recall of `model.classify` (top 2) against the labels; a
// prediction of a sub-technique's parent, or of a sub-technique whose parent is expected, counts.
TechniqueEval evaluate_techniques(const TechniqueModel& model, const std::vector<LabelledText>& examples);

}  // namespace dossier
