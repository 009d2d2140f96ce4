#include "dossier/pipeline/exports.h"

#include "dossier/pipeline/dossiers.h"
#include "dossier/util/hash.h"

namespace dossier {

using nlohmann::json;

std::optional<ExportFormat> parse_export_format(std::string_view s) {
  if (s == "stix") return ExportFormat::Stix;
  if (s == "misp") return ExportFormat::Misp;
  if (s == "navigator") return ExportFormat::Navigator;
  return std::nullopt;
}

Result<json> current_dossier_json(Store& store, const Extractor& extractor, const std::string& incident_id) {
  auto inc = store.get_incident(incident_id, false);
  if (!inc.ok()) return Error{inc.error()};
  if (!*inc) return Error{"no incident " + incident_id};
  auto stored = store.get_dossier((*inc)->id);
  if (stored.ok() && *stored && (*stored)->incident_version >= (*inc)->version) {
    json j = json::parse((*stored)->json, nullptr, false);
    if (!j.is_discarded()) return j;
  }
  auto made = generate_dossier(store, extractor, (*inc)->id);
  if (!made.ok()) return Error{made.error()};
  return dossier_json(*made);
}

Result<Tlp> incident_tlp(Store& store, const std::string& incident_id) {
  auto levels = store.incident_tlps(incident_id);
  if (!levels.ok()) return Error{levels.error()};
  Tlp t = Tlp::Clear;
  for (const auto& l : *levels)
    if (auto v = parse_tlp(l); v && *v > t) t = *v;
  return t;
}


Result<json> export_incident(Store& store, const Extractor& extractor, const std::string& incident_id, ExportFormat format) {
  auto inc = store.get_incident(incident_id, false);
  if (!inc.ok()) return Error{inc.error()};
  if (!*inc) return Error{"no incident " + incident_id};
  const IncidentRecord& r = **inc;
  auto d = current_dossier_json(store, extractor, r.id);
  if (!d.ok()) return Error{d.error()};
  if (format == ExportFormat::Navigator) return navigator_layer({*d}, d->at("incident").value("title", r.id), extractor.kb());
  ExportContext ctx;
  ctx.kb = &extractor.kb();
  ctx.created = r.created_at;
  ctx.modified = r.updated_at;
  auto tlp = incident_tlp(store, r.id);
  if (!tlp.ok()) return Error{tlp.error()};
  ctx.tlp = *tlp;
  for (const auto& s : d->value("sources", json::array())) {
    std::string id = s.value("article_id", "");
    auto a = store.get_article(id, true);
    if (a.ok() && *a && !(*a)->raw.empty()) ctx.article_sha256[id] = sha256_hex((*a)->raw);
  }
  return format == ExportFormat::Stix ? stix_bundle(*d, ctx) : misp_event(*d, ctx);
}

Result<json> export_actor_layer(Store& store, const Extractor& extractor, const std::string& actor) {
  const KnowledgeBase& kb = extractor.kb();
  const Actor* a = kb.actor(actor);
  if (!a) {
    auto found = kb.find_actors(actor);
    if (found.empty()) return Error{"no actor " + actor + " in the knowledge base"};
    a = found.front();
  }
  IncidentFilter f;
  f.actors.push_back(a->id);
  f.limit = 100000;
  auto list = store.find_incidents(f);
  if (!list.ok()) return Error{list.error()};
  std::vector<json> dossiers;
  for (const auto& r : *list) {
    auto d = current_dossier_json(store, extractor, r.id);
    if (d.ok()) dossiers.push_back(std::move(*d));
  }
  return navigator_layer(dossiers, a->name + " in the news", kb);
}

}  // namespace dossier
