#include "dossier/cluster/evaluate.h"

#include <vector>

namespace dossier {
namespace {

double f1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

}  // namespace

ClusteringScores evaluate_clustering(const std::map<std::string, std::string>& truth,
                                     const std::map<std::string, std::string>& predicted) {
  ClusteringScores s;
  std::vector<std::pair<std::string, std::string>> items;  // (true label, predicted label)
  for (const auto& [item, label] : truth)
    if (auto it = predicted.find(item); it != predicted.end()) items.emplace_back(label, it->second);
  s.items = items.size();
  if (items.empty()) return s;
  std::map<std::string, size_t> true_size, pred_size;
  std::map<std::pair<std::string, std::string>, size_t> both;
  for (const auto& [t, p] : items) {
    ++true_size[t];
    ++pred_size[p];
    ++both[{t, p}];
  }
  s.true_clusters = true_size.size();
  s.predicted_clusters = pred_size.size();
  // B-cubed: for an item in true cluster T and predicted cluster P, precision |T∩P|/|P|, recall |T∩P|/|T|.
  double bp = 0, br = 0;
  for (const auto& [t, p] : items) {
    double common = static_cast<double>(both[{t, p}]);
    bp += common / static_cast<double>(pred_size[p]);
    br += common / static_cast<double>(true_size[t]);
  }
  s.bcubed_precision = bp / static_cast<double>(items.size());
  s.bcubed_recall = br / static_cast<double>(items.size());
  s.bcubed_f1 = f1(s.bcubed_precision, s.bcubed_recall);
  // Pairwise: pairs together in both / pairs together in the prediction (precision) or truth (recall).
  auto pairs = [](size_t n) { return static_cast<double>(n) * static_cast<double>(n - 1) / 2; };
  double together_both = 0, together_pred = 0, together_true = 0;
  for (const auto& [k, n] : both) together_both += pairs(n);
  for (const auto& [k, n] : pred_size) together_pred += pairs(n);
  for (const auto& [k, n] : true_size) together_true += pairs(n);
  s.pairwise_precision = together_pred > 0 ? together_both / together_pred : 1;
  s.pairwise_recall = together_true > 0 ? together_both / together_true : 1;
  s.pairwise_f1 = f1(s.pairwise_precision, s.pairwise_recall);
  return s;
}

}  // namespace dossier
