// The extract stage: one article's clean text to structured intelligence, every item with its
// evidence (sentence index and byte span).
//
// In: an Article (its `text`, `published` for resolving relative dates, `canonical_url` for the
// outlet's own domain). Out: an Extraction: sentences; indicators of compromise, CVE and ATT&CK ids
// (indicators.h); knowledge-base entities (entities.h: actors, software, countries, government
// bodies, sector cues); dates bound to events (dates.h); people, organizations, victims,
// attributions and denials (events.h); ATT&CK techniques named by id or described in words
// (scored per sentence by the KB's technique model, kb/technique_model.h).
//
// Guarantees: nothing is reported that the text does not contain, and every span lies within it;
// any text, however malformed, yields an Extraction (possibly empty), never an exception; the
// Extractor is thread-safe. What it found is stored in binary (codec.h) and read back by later
// stages, so a change to what it finds raises kExtractionRules there.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dossier/extract/dates.h"
#include "dossier/extract/entities.h"
#include "dossier/extract/events.h"
#include "dossier/extract/indicators.h"
#include "dossier/extract/kind.h"
#include "dossier/extract/sentences.h"
#include "dossier/extract/warninglists.h"
#include "dossier/kb/kb.h"
#include "dossier/model.h"

namespace dossier {

// A technique described in words is reported (in the dossier, in evaluation) from this score; the
// extraction lists weaker candidates too. A technique named by its id always is.
constexpr double kTrustedTechniqueScore = 0.40;

// An ATT&CK technique the text names by id (score 1) or describes (the model's score).
struct TechniqueMention {
  std::string id;
  double score = 0;
  size_t begin = 0, end = 0;  // the id as written, or the describing sentence
  bool named = false;         // written as an id
};

struct Extraction {
  std::string article_id;
  std::vector<Sentence> sentences;
  std::vector<Indicator> indicators;  // every type, CVE and ATT&CK ids included
  std::vector<EntityMention> mentions;
  std::vector<DateMention> dates;
  Events events;
  std::vector<TechniqueMention> techniques;
  KindDecision kind;  // what kind of story the article is (kind.h)
};

class Extractor {
 public:
  // Builds the indicator scanner and the entity automaton for `kb`, which must outlive it.
  static Result<std::unique_ptr<Extractor>> create(const KnowledgeBase& kb);
  // Thread-safe. Reads the first kTextLimit bytes of the text (up to the last line or sentence
  // end before it): no news article is that long, and extraction's memory grows with the text
  // (about 25 bytes per byte), so a huge page is stored whole but extracted in part.
  Extraction extract(const Article& article) const;
  static constexpr size_t kTextLimit = 4u << 20;
  const KnowledgeBase& kb() const { return *kb_; }

 private:
  const KnowledgeBase* kb_ = nullptr;
  std::unique_ptr<IndicatorScanner> scanner_;
  std::unique_ptr<EntityMatcher> matcher_;
  std::unique_ptr<WarninglistMatcher> warninglists_;
};

// The documented JSON form (README, "Extraction JSON"): top-level lists `indicators`,
// `vulnerabilities`, `actors`, `software`, `techniques`, `countries`, `organizations`, `sectors`,
// `people`, `dates`, `victims`, `attributions`, `denials`, each item with `evidence`
// ([{sentence, begin, end, text}]).
nlohmann::json extraction_json(const Extraction& x, const Article& article, const KnowledgeBase& kb);

}  // namespace dossier
