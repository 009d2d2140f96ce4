// The cluster stage: articles to incidents, as they stream in.
//
// Each new article joins the most similar open incident or starts a new one; incidents it does not
// join are never touched, so adding articles never reshuffles other incidents, and clustering the
// same articles in the same order gives the same incidents (ids included). Queued articles are
// clustered in time order (publication day; undated articles by their anchor day), so the order in
// which files happen to be read does not decide which article founds an incident.
//
// Similarity of an article to an incident combines
//  - content: cosine of the article's TF-IDF vector (stemmed terms) with the incident's centroid.
//    Term weights come from the store's running document frequencies, blended while the store is
//    small with a prior from security prose (ATT&CK's texts, via the KB's technique model), so
//    that a handful of articles already weighs "moveit" above "attackers";
//  - specific entities: how much of each side's core the other names (actor, victim, CVEs,
//    malware, indicators, proper names, weighted by rarity; countries and government bodies weigh
//    little), where an entity belongs to an article's core when it is salient there (headline,
//    victim, named repeatedly) and to an incident's core when salient in half of its articles;
//  - headline subjects: whether what the article's headline is about is what the incident's
//    headlines are about;
//  - time: both parts decay with the days between the article and the incident's span (content
//    faster than entities: follow-up coverage weeks later that names the same victim still joins,
//    while topical similarity alone does not bridge months);
//  - conflict: when the article's subjects (victims, headline names) are foreign to the incident
//    and the incident's own subjects (named in most of its headlines or as victims) are foreign to
//    the article, the similarity is penalised: the same actor against a different victim is
//    another incident.
// Undated articles carry no time evidence: they are compared without decay.
//
// Candidates come from an inverted index over entity keys and each incident's most weighted terms,
// restricted to incidents whose span lies within the time window of the article; posting lists
// longer than a bound are skipped as unselective. Only incidents near the articles being clustered
// are held in memory (loaded from the store by day range), so the cost per article does not grow
// with the size of the store.
//
// Analyst corrections (merge, split, move) rebuild the touched incidents from their members' profiles
// and are logged in the store; a rebuild replays the log after clustering from scratch.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dossier/cluster/profile.h"
#include "dossier/store/store.h"
#include "dossier/util/result.h"

namespace dossier {

struct ClusterOptions {
  double join_threshold = 0.24;    // similarity at or above which an article joins an incident
  double undated_margin = 0.06;    // added to the threshold when the article or the incident is undated and
                                   // they share no subject
  int32_t window_days = 120;       // incidents further than this from an article are not candidates
  double grace_days = 7;           // no decay within this many days of the incident's span
  double term_half_life = 21;      // days: content similarity halves every so many days beyond the grace
  double entity_half_life = 120;    // days: entity similarity decays more slowly
  double follow_up_half_life = 730;      // days: entity similarity when the article's subject is the incident's
  double follow_up_term_half_life = 120; // days: content similarity then
  double content_weight = 0.4;     // weights of content, entity and headline-subject agreement
  double entity_weight = 0.4;
  double subject_weight = 0.2;
  double subject_support_content = 0.15;   // the headline subject counts in full from this content similarity
  double subject_support_entities = 0.25;  // ... or this entity agreement (half otherwise)
  double content_alone = 1.0;      // the text alone counts at this weight when that is the stronger evidence
  double conflict_penalty = 0.5;   // factor applied when the article's subjects are foreign to the incident
  bool same_victim_and_actor_joins = true;  // a follow-up sharing the incident's victim and actor joins it at any distance
  double bridge_threshold = 0.3;   // an article this similar to two incidents shows they are one: they merge (0: never)
  double bridge_entities = 0.3;    // ... when it also shares this much of each one's core entities
  size_t batch = 2000;             // articles queued before clustering runs
  size_t max_postings = 20000;     // longer posting lists are skipped as unselective
  size_t postings_scan = 64;       // newest live entries read per posting list
  size_t max_candidates = 32;      // candidates scored per article (those sharing the rarest keys)
  size_t centroid_terms = 256;     // terms kept in an incident's centroid
  size_t incident_entities = 192;  // entities kept per incident (the strongest), once it names twice as many
  size_t max_loaded = 200000;      // incidents held in memory before far ones are evicted
  double prior_documents = 20;     // store size at which its own statistics weigh as much as the prior
};

// Why an article went where it went (for `cluster --explain` and tests).
struct ClusterDecision {
  std::string article_id;
  std::string incident_id;
  double score = 0;      // similarity to the incident joined; 1 for copies; 0 when it started one
  bool created = false;  // started a new incident
  bool copy = false;     // joined its original's incident as a near-duplicate copy
  std::vector<std::string> bridged;  // incidents merged into the one joined, because the article fits both
  double micros = 0;     // time taken to place it (candidates, scoring, update), without the commit
  struct Candidate {
    std::string incident_id;
    double score = 0, content = 0, entities = 0, subject = 0, time = 0;
    bool conflict = false;
    bool follow_up = false;             // the article's subject is the incident's: time counts for less
    std::vector<std::string> shared;    // the entities both name, the weightiest first (explained decisions only)
  };
  std::vector<Candidate> candidates;  // best first
};

// Computes the profile of a stored article (used to rebuild incidents after corrections).
using ProfileSource = std::function<Result<ArticleProfile>(const std::string& article_id)>;

class Clusterer {
 public:
  // Loads the running document frequencies from the store. With a KB, the term statistics of
  // ATT&CK's texts (its technique model) are the prior for term weights while the store is small.
  static Result<std::unique_ptr<Clusterer>> open(Store& store, const KnowledgeBase* kb, ClusterOptions options = {});
  ~Clusterer();

  // Queues an article (clustered at the next flush, or when the queue is full). An article already
  // assigned to an incident is ignored.
  Status add(ArticleProfile profile);
  // Clusters every queued article in time order and commits the result in one transaction.
  Status flush();

  // Analyst corrections; each is applied at once, logged, and respected by later runs.
  // merge: B's articles join A; B's id then resolves to A.
  Status merge(const std::string& a, const std::string& b, const ProfileSource& profiles);
  // split: the articles leave A and form a new incident; returns its id.
  Result<std::string> split(const std::string& a, const std::vector<std::string>& articles, const ProfileSource& profiles);
  // move: the article leaves its incident for TO.
  Status move(const std::string& article, const std::string& to, const ProfileSource& profiles);
  // Replays the correction log (after a rebuild from scratch).
  Status replay_corrections(const ProfileSource& profiles);

  // Keeps the scored candidates of every decision (otherwise only where each article went).
  void set_explain(bool on) { explain_ = on; }
  // The decisions made since the last call, in the order they were made.
  std::vector<ClusterDecision> take_decisions() { return std::exchange(decisions_, {}); }
  size_t loaded_incidents() const;

  struct Impl;

 private:
  explicit Clusterer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  bool explain_ = false;
  std::vector<ClusterDecision> decisions_;
};

// The stable id of an incident founded by an article.
std::string incident_id_for(const std::string& founding_article_id);

}  // namespace dossier
