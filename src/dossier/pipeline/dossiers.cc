#include "dossier/pipeline/dossiers.h"

#include <nlohmann/json.hpp>

#include "dossier/pipeline/stored.h"

namespace dossier {

using json = nlohmann::json;

namespace {

// A version that adds nothing keeps the changes its predecessor reported.
void keep_previous_changes(Dossier& d, const json& previous) {
  if (!previous.is_object() || !previous.contains("changes") || !previous["changes"].is_object()) return;
  const json& c = previous["changes"];
  d.changes.since = c.value("since", "");
  d.changes.previous_version = c.value("previous_version", int64_t{0});
  d.changes.new_sources = c.value("new_sources", std::vector<std::string>{});
  d.changes.changed = c.value("changed", std::vector<std::string>{});
  for (const auto& x : c.value("new_claims", json::array()))
    d.changes.new_claims.push_back(Cited{x.value("text", ""), x.value("refs", std::vector<int>{})});
}

}  // namespace

std::vector<DossierFacet> dossier_facets(const Dossier& d) {
  std::vector<DossierFacet> out;
  for (const auto* actors : {&d.report.actors, &d.report.ransomware})
    for (const auto& a : *actors) out.push_back(DossierFacet{"actor", a.id, a.name});
  static const std::pair<const char*, const char*> kDetails[] = {
      {"Affected organisation", "victim"}, {"Sector", "sector"}, {"Geography", "country"}, {"Vulnerabilities", "cve"}};
  for (const auto& fact : d.report.details)
    for (const auto& [label, kind] : kDetails)
      if (fact.label == label)
        for (const auto& v : fact.values) {
          // The name the headlines are about is no victim a source named.
          if (std::string(kind) == "victim" && v.text.size() > kHeadlineSubjectNote.size() &&
              v.text.compare(v.text.size() - kHeadlineSubjectNote.size(), std::string::npos, kHeadlineSubjectNote) == 0)
            continue;
          // "Org (Country): the assets hit" names the organisation first.
          std::string value = std::string(kind) == "victim" ? v.text.substr(0, v.text.find(": ")) : v.text;
          out.push_back(DossierFacet{kind, value, value});
        }
  for (const auto& t : d.report.methodology) out.push_back(DossierFacet{"technique", t.technique_id, t.technique});
  return out;
}

std::string dossier_search_text(const Dossier& d) {
  std::string out;
  auto add = [&](const std::vector<Cited>& cs) {
    for (const auto& c : cs) out += c.text + "\n";
  };
  add(d.key_points);
  add(d.brief.introduction);
  for (const auto& [topic, cs] : d.brief.description) add(cs);
  add(d.report.executive_summary);
  for (const auto& f : dossier_facets(d)) out += f.label + "\n";
  for (const auto* actors : {&d.report.actors, &d.report.ransomware})
    for (const auto& a : *actors)
      for (const auto& alias : a.aliases) out += alias + "\n";
  return out;
}

Result<Dossier> generate_dossier(Store& store, const Extractor& extractor, const std::string& incident_id) {
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
    auto x = stored_extraction(store, extractor, da.article);
    if (!x.ok()) return Error{da.article.id + ": " + x.error()};
    da.extraction = std::move(x).value();
    in.articles.push_back(std::move(da));
  }
  Dossier d = build_dossier(in, extractor.kb());
  auto prev = store.get_dossier(d.incident_id);
  if (prev.ok() && *prev) {
    json pj = json::parse((*prev)->json, nullptr, false);
    if ((*prev)->incident_version < d.incident_version) compare_with_previous(d, pj, (*prev)->generated_at);
    else keep_previous_changes(d, pj);
    if ((*prev)->incident_version >= d.incident_version) return d;
  }
  StoredDossier stored{d.incident_id, d.incident_version, d.generated_at, dossier_json_text(d), dossier_facets(d), d.title,
                       dossier_search_text(d)};
  if (auto st = store.put_dossier(stored); !st.ok())
    return Error{"cannot store the dossier: " + st.error()};
  return d;
}

}  // namespace dossier
