#include "dossier/cluster/evaluate.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "dossier/util/text.h"

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

namespace dossier {
namespace {

std::string normal_path(const std::string& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(std::filesystem::path(p), ec);
  return ec ? p : c.string();
}

// The columns of a labels line: tab-separated, or else separated by white space.
std::vector<std::string> label_columns(const std::string& t) {
  std::vector<std::string> cols;
  if (t.find('\t') == std::string::npos) {
    for (auto w : split_words(t)) cols.emplace_back(w);
    return cols;
  }
  size_t p = 0;
  for (;;) {
    size_t q = t.find('\t', p);
    cols.push_back(trim(t.substr(p, q == std::string::npos ? std::string::npos : q - p)));
    if (q == std::string::npos) break;
    p = q + 1;
  }
  return cols;
}

}  // namespace

Result<StoredLabels> read_stored_labels(const std::string& path, Store& store) {
  std::ifstream f(path);
  if (!f) return Error{path + ": cannot open for reading"};
  auto articles = store.list_articles(ArticleQuery{});
  if (!articles.ok()) return Error{articles.error()};
  // An article is named by its id, its URL or canonical URL, or the path it was ingested from.
  std::map<std::string, std::string> by_name, by_path;
  for (const auto& a : *articles) {
    by_name[a.id] = a.id;
    if (!a.url.empty()) by_name[a.url] = a.id;
    if (!a.canonical_url.empty()) by_name[a.canonical_url] = a.id;
    if (!a.fetch.source.empty() && !is_http_url(a.fetch.source)) by_path[normal_path(a.fetch.source)] = a.id;
  }
  StoredLabels out;
  std::string line;
  size_t n = 0;
  while (std::getline(f, line)) {
    ++n;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto cols = label_columns(t);
    if (cols.size() < 2) {
      out.errors.push_back(path + " line " + std::to_string(n) + ": expected ARTICLE<TAB>LABEL");
      continue;
    }
    std::string id;
    if (auto it = by_name.find(cols[0]); it != by_name.end()) {
      id = it->second;
    } else {
      auto beside = (std::filesystem::path(path).parent_path() / cols[0]).string();
      for (const auto& cand : {normal_path(cols[0]), normal_path(beside)})
        if (auto p = by_path.find(cand); p != by_path.end()) id = p->second;
    }
    if (id.empty()) out.unmatched.push_back(cols[0]);
    else out.truth[id] = cols[1];
  }
  return out;
}

std::map<std::string, std::string> stored_assignments(Store& store, const std::map<std::string, std::string>& truth) {
  std::map<std::string, std::string> predicted;
  for (const auto& [id, label] : truth) {
    auto m = store.membership(id);
    if (m.ok() && *m) predicted[id] = (*m)->incident_id;
  }
  return predicted;
}

}  // namespace dossier
