// Clustering quality against labelled incidents: B-cubed precision, recall and F1 (per item, then
// averaged: how much of an article's predicted incident shares its true label, and how much of its
// true incident was put with it) and pairwise precision, recall and F1 (over pairs of articles put
// together / labelled together). Only items present in both the truth and the prediction count.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dossier/store/store.h"
#include "dossier/util/result.h"

namespace dossier {

struct ClusteringScores {
  size_t items = 0;
  size_t true_clusters = 0, predicted_clusters = 0;
  double bcubed_precision = 0, bcubed_recall = 0, bcubed_f1 = 0;
  double pairwise_precision = 0, pairwise_recall = 0, pairwise_f1 = 0;
};

// `truth` and `predicted` map item -> cluster label.
ClusteringScores evaluate_clustering(const std::map<std::string, std::string>& truth,
                                     const std::map<std::string, std::string>& predicted);

// A labels file (lines `ARTICLE<TAB>LABEL`, `#` comments; ARTICLE is an article id, URL, canonical
// URL, or the path it was ingested from, relative to the labels file or the working directory)
// matched against the stored articles.
struct StoredLabels {
  std::map<std::string, std::string> truth;  // article id -> label
  std::vector<std::string> unmatched;        // names no stored article answers to
  std::vector<std::string> errors;           // "FILE line N: expected ARTICLE<TAB>LABEL"
};
Result<StoredLabels> read_stored_labels(const std::string& path, Store& store);

// The incident each labelled article is in (articles in none are left out).
std::map<std::string, std::string> stored_assignments(Store& store, const std::map<std::string, std::string>& truth);

}  // namespace dossier
