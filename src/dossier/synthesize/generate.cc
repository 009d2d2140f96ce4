#include "dossier/synthesize/generate.h"

#include "dossier/util/helper.h"

#include <nlohmann/json.hpp>

namespace dossier {

using json = nlohmann::json;

Result<Dossier> generate_dossier(Store& store, const Extractor& extractor, const KnowledgeBase& kb, const std::string& incident_id) {
  auto inc = store.get_incident(incident_id, false);
  if (!inc.ok()) return Error{inc.error()};
  if (!*inc) return Error{"no incident " + incident_id};
  auto members = store.incident_members((*inc)->id);
  if (!members.ok()) return Error{members.error()};
  DossierInput in;
  in.incident = **inc;
  for (const auto& m : *members) {
    auto a = store.get_article(m.article.id, false);
    if (!a.ok()) return Error{a.error()};
    if (!*a) continue;
    DossierArticle da;
    da.article = std::move(**a);
    in.articles.push_back(std::move(da));
  }
  // The members are extracted again (the stored extraction JSON is a report for readers, not the
  // structure build_dossier reads), half of them on the helper thread when there are enough.
  auto extract_range = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) in.articles[i].extraction = extractor.extract(in.articles[i].article);
  };
  if (in.articles.size() >= 8) {
    size_t half = in.articles.size() / 2;
    Handoff second([&] { extract_range(half, in.articles.size()); });
    extract_range(0, half);
    second.wait();
  } else {
    extract_range(0, in.articles.size());
  }
  Dossier d = build_dossier(in, kb);
  auto prev = store.get_dossier(d.incident_id);
  if (prev.ok() && *prev) {
    json pj = json::parse((*prev)->json, nullptr, false);
    if ((*prev)->incident_version < d.incident_version) {
      compare_with_previous(d, pj, (*prev)->generated_at);
    } else if (pj.is_object() && pj.contains("changes") && pj["changes"].is_object()) {
      // Nothing new since the last version: it keeps the changes it reported.
      const json& c = pj["changes"];
      d.changes.since = c.value("since", "");
      d.changes.previous_version = c.value("previous_version", int64_t{0});
      d.changes.new_sources = c.value("new_sources", std::vector<std::string>{});
      d.changes.changed = c.value("changed", std::vector<std::string>{});
      for (const auto& x : c.value("new_claims", json::array()))
        d.changes.new_claims.push_back(Cited{x.value("text", ""), x.value("refs", std::vector<int>{})});
    }
    if ((*prev)->incident_version >= d.incident_version) return d;
  }
  store.put_dossier(StoredDossier{d.incident_id, d.incident_version, d.generated_at, dossier_json_text(d)});
  return d;
}

}  // namespace dossier
