#include "cli/export_commands.h"

#include <cstdio>
#include <iostream>
#include <set>

#include "dossier/pipeline/exports.h"
#include "dossier/store/store.h"

namespace dossier::cli {

namespace {

using nlohmann::json;

// Several incidents as one answer: one bundle with every object once (STIX), a list of events
// (MISP), one layer over all their techniques (Navigator).
Result<json> export_many(Store& store, const Extractor& ex, const std::vector<IncidentRecord>& list, ExportFormat format) {
  if (format == ExportFormat::Navigator) {
    std::vector<json> dossiers;
    for (const auto& r : list)
      if (auto d = current_dossier_json(store, ex, r.id); d.ok()) dossiers.push_back(std::move(*d));
    return navigator_layer(dossiers, "Incidents in the news", ex.kb());
  }
  json events = json::array();
  json objects = json::array();
  std::set<std::string> seen;
  std::string ids;
  for (const auto& r : list) {
    auto one = export_incident(store, ex, r.id, format);
    if (!one.ok()) return Error{r.id + ": " + one.error()};
    if (format == ExportFormat::Misp) {
      events.push_back(std::move(*one));
      continue;
    }
    ids += (*one)["id"].get<std::string>();
    for (auto& o : (*one)["objects"])
      if (seen.insert(o["id"].get<std::string>() + "|" + o.value("modified", "")).second) objects.push_back(std::move(o));
  }
  if (format == ExportFormat::Misp) return events;
  return json{{"type", "bundle"}, {"id", "bundle--" + uuid5(kDossierNamespace, "bundle:many:" + ids)}, {"objects", objects}};
}

int cmd_export(const Globals& g, const ExportArgs& a) {
  auto format = parse_export_format(a.format);
  if (!format) return report_error("unknown format " + a.format + " (stix, misp or navigator)");
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  Result<json> out = Error{""};
  if (!a.actor.empty()) {
    if (*format != ExportFormat::Navigator) return report_error("--actor exports a Navigator layer: add --format navigator");
    out = export_actor_layer(*store, *ctx->extractor, a.actor);
  } else if (a.all) {
    IncidentFilter f;
    f.from = a.since;
    f.limit = 1000000;
    auto list = store->find_incidents(f);
    if (!list.ok()) return report_error(list.error());
    std::reverse(list->begin(), list->end());  // oldest first: a stable order for a growing store
    out = export_many(*store, *ctx->extractor, *list, *format);
  } else if (!a.incident.empty()) {
    out = export_incident(*store, *ctx->extractor, a.incident, *format);
  } else {
    return report_error("name an incident, or give --all or --actor");
  }
  if (!out.ok()) return report_error(out.error());
  std::cout << out->dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return kExitOk;
}

int cmd_tlp(const Globals& g, const ExportArgs& a, bool feed) {
  auto level = parse_tlp(a.tlp);
  if (!level) return report_error("unknown TLP " + a.tlp + " (clear, green, amber, amber+strict, red)");
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  std::string id = a.target;
  if (!feed) {
    auto inc = store->get_incident(a.target, false);
    if (!inc.ok()) return report_error(inc.error());
    if (!*inc) return report_error("no incident " + a.target);
    id = (*inc)->id;
  }
  std::string value = *level == Tlp::Clear ? "" : std::string(tlp_name(*level));
  auto done = feed ? store->set_feed_tlp(id, value) : store->set_incident_tlp(id, value);
  if (!done.ok()) return report_error(done.error());
  if (!*done) return report_error(std::string("no ") + (feed ? "feed " : "incident ") + a.target);
  if (!g.quiet) std::fprintf(stderr, "%s %s: TLP:%s\n", feed ? "feed" : "incident", id.c_str(), std::string(tlp_name(*level)).c_str());
  return kExitOk;
}

}  // namespace

void add_export_commands(CLI::App& app, const Globals& g, ExportArgs& a,
                         const std::function<void(CLI::App*, std::function<int()>)>& on) {
  auto* ex = app.add_subcommand("export", "Export incidents as STIX 2.1 bundles, MISP events or ATT&CK Navigator layers");
  ex->add_option("incident", a.incident, "Incident id or unique prefix");
  ex->add_option("--format", a.format, "stix, misp or navigator")->default_val("stix");
  ex->add_flag("--all", a.all, "Every incident (STIX: one bundle; MISP: a list of events; Navigator: one layer)");
  ex->add_option("--since", a.since, "With --all: only incidents last seen on or after this date");
  ex->add_option("--actor", a.actor, "A Navigator layer of every incident of this actor (any name)");
  on(ex, [&g, &a] { return cmd_export(g, a); });

  // `incidents tlp` and `feeds tlp`, beside the other subcommands of those commands.
  for (auto [parent, feed] : {std::pair<const char*, bool>{"incidents", false}, {"feeds", true}}) {
    CLI::App* p = app.get_subcommand(parent);
    auto* t = p->add_subcommand("tlp", feed ? "Set the TLP of what a feed brings (its incidents export with at least it)"
                                            : "Set the TLP of an incident (exports carry the highest of it and its feeds')");
    t->add_option(feed ? "feed" : "incident", a.target, feed ? "Feed URL or id" : "Incident id or unique prefix")->required();
    t->add_option("level", a.tlp, "clear, green, amber, amber+strict or red")->required();
    bool is_feed = feed;
    on(t, [&g, &a, is_feed] { return cmd_tlp(g, a, is_feed); });
  }
}

}  // namespace dossier::cli
