// A MISP event of one incident, and ATT&CK Navigator layers.
#include <algorithm>
#include <map>
#include <set>

#include "dossier/export/cite.h"
#include "dossier/export/export.h"
#include "dossier/util/time.h"

namespace dossier {
namespace {

using nlohmann::json;

using exporting::cite;
using exporting::cited_text;

// MISP attribute type and category of dossier's indicator types.
struct MispType {
  const char* dossier;
  const char* type;
  const char* category;
};
constexpr MispType kMispTypes[] = {
    {"ipv4", "ip-dst", "Network activity"},       {"ipv6", "ip-dst", "Network activity"},
    {"domain", "domain", "Network activity"},     {"url", "url", "Network activity"},
    {"email", "email-src", "Payload delivery"},   {"md5", "md5", "Payload delivery"},
    {"sha1", "sha1", "Payload delivery"},         {"sha256", "sha256", "Payload delivery"},
    {"sha512", "sha512", "Payload delivery"},     {"file", "filename", "Payload delivery"},
    {"registry-key", "regkey", "Persistence mechanism"}, {"asn", "AS", "Network activity"},
    {"bitcoin", "btc", "Financial fraud"},        {"monero", "xmr", "Financial fraud"},
};

std::string epoch_text(const std::string& iso) {
  auto t = parse_datetime(iso);
  return std::to_string(t ? *t : 0);
}

// The tag of a galaxy cluster: misp-galaxy:TYPE="VALUE".
std::string galaxy_tag(const std::string& galaxy, const std::string& value) { return "misp-galaxy:" + galaxy + "=\"" + value + "\""; }

}  // namespace

json misp_event(const json& d, const ExportContext& ctx) {
  const KnowledgeBase& kb = *ctx.kb;
  const std::string incident = d["incident"].value("id", "");
  const json& report = d["report"];
  std::string modified = ctx.modified.empty() ? d.value("generated_at", "") : ctx.modified;
  std::string ts = epoch_text(modified);
  size_t sources = d.value("sources", json::array()).size();

  json tags = json::array({{{"name", "tlp:" + std::string(tlp_name(ctx.tlp))}}});
  json galaxies = json::array();
  std::map<std::string, json> clusters_by_galaxy;  // galaxy type -> clusters
  auto add_cluster = [&](const std::string& galaxy, const std::string& uuid, const std::string& value, const std::string& why) {
    if (galaxy.empty() || uuid.empty()) return;
    json& list = clusters_by_galaxy[galaxy];
    for (const auto& c : list)
      if (c["uuid"] == uuid) return;
    std::string tag = galaxy_tag(galaxy, value);
    list.push_back({{"uuid", uuid}, {"type", galaxy}, {"value", value}, {"tag_name", tag}, {"description", why}});
    tags.push_back({{"name", tag}});
  };
  for (const auto& a : report["attribution"].value("actors", json::array()))
    if (const Actor* act = kb.actor(a.value("id", "")))
      add_cluster(act->misp_galaxy, act->misp_uuid, act->misp_value, "Named by sources " + cite(a["refs"]));
  for (const auto& r : report["attribution"].value("ransomware", json::array()))
    if (const Software* sw = kb.software_by_id(r.value("id", "")))
      add_cluster(sw->misp_galaxy, sw->misp_uuid, sw->misp_value, "Named by sources " + cite(r["refs"]));
  for (const auto& m : report.value("methodology", json::array()))
    if (const Technique* t = kb.technique(m.value("technique_id", "")); t && !t->stix_id.empty()) {
      std::string uuid = t->stix_id.substr(t->stix_id.find("--") + 2);
      add_cluster("mitre-attack-pattern", uuid, t->name + " - " + t->id, cited_text(m["evidence"]));
    }
  for (auto& [galaxy, clusters] : clusters_by_galaxy) galaxies.push_back({{"type", galaxy}, {"GalaxyCluster", clusters}});

  // Attributes: each indicator, citing its sources; to_ids only for those a source calls malicious
  // (dossier keeps no indicator that is on a warning list).
  json sources_by_ref = json::object();
  for (const auto& s : d.value("sources", json::array()))
    sources_by_ref[std::to_string(s.value("ref", 0))] = s.value("outlet", "") + (s.value("url", "").empty() ? "" : " " + s.value("url", ""));
  auto comment_for = [&](const json& refs) {
    std::string c = "Reported by";
    for (const auto& r : refs) c += " [" + std::to_string(r.get<int>()) + "] " + sources_by_ref.value(std::to_string(r.get<int>()), "");
    return c;
  };
  json attributes = json::array();
  const json indicators = report.value("indicators", json::object());  // kept: items() refers to it
  for (const auto& [type, list] : indicators.items()) {
    const MispType* mt = nullptr;
    for (const auto& t : kMispTypes)
      if (type == t.dossier) mt = &t;
    if (!mt) continue;
    for (const auto& i : list) {
      std::string value = i.value("value", "");
      attributes.push_back({{"uuid", uuid5(kDossierNamespace, "misp-attribute:" + incident + ":" + type + ":" + value)},
                            {"type", mt->type},
                            {"category", mt->category},
                            {"value", value},
                            {"to_ids", i.value("malicious", false)},
                            {"distribution", "5"},
                            {"timestamp", ts},
                            {"comment", comment_for(i["refs"])}});
    }
  }
  for (const auto& f : report.value("details", json::array()))
    if (f.value("label", "") == "Vulnerabilities")
      for (const auto& v : f["values"])
        attributes.push_back({{"uuid", uuid5(kDossierNamespace, "misp-attribute:" + incident + ":cve:" + v.value("text", ""))},
                              {"type", "vulnerability"},
                              {"category", "External analysis"},
                              {"value", v.value("text", "")},
                              {"to_ids", false},
                              {"distribution", "5"},
                              {"timestamp", ts},
                              {"comment", comment_for(v["refs"])}});

  // The brief as an event report, with its references.
  std::string content = "# " + d["incident"].value("title", "") + "\n\n";
  for (const auto& c : d["brief"].value("introduction", json::array())) content += cited_text(c) + " ";
  for (const auto& sec : d["brief"].value("description", json::array())) {
    content += "\n\n## " + sec.value("topic", "") + "\n\n";
    for (const auto& c : sec.value("sentences", json::array())) content += cited_text(c) + " ";
  }
  content += "\n\n## References\n\n";
  for (const auto& s : d.value("sources", json::array()))
    content += "[" + std::to_string(s.value("ref", 0)) + "] " + s.value("outlet", "") + ": " + s.value("title", "") +
               (s.value("url", "").empty() ? "" : " <" + s.value("url", "") + ">") + "\n";

  // Corroboration: independent sources decide how far the analysis is and how sure the threat is.
  std::string threat_level = sources >= 3 ? "1" : sources == 2 ? "2" : "3";
  std::string analysis = sources >= 3 ? "2" : sources == 2 ? "1" : "0";
  std::string date = d["incident"].value("first_seen", "").substr(0, 10);
  json event = {{"uuid", uuid5(kDossierNamespace, "misp-event:" + incident)},
                {"info", d["incident"].value("title", "")},
                {"date", date.empty() ? modified.substr(0, 10) : date},
                {"threat_level_id", threat_level},
                {"analysis", analysis},
                {"distribution", "0"},
                {"published", false},
                {"timestamp", ts},
                {"Orgc", {{"name", "dossier"}, {"uuid", uuid5(kDossierNamespace, "identity:dossier")}}},
                {"Tag", tags},
                {"Galaxy", galaxies},
                {"Attribute", attributes},
                {"EventReport", json::array({{{"uuid", uuid5(kDossierNamespace, "misp-report:" + incident)},
                                               {"name", "Brief: " + d["incident"].value("title", "")},
                                               {"content", content},
                                               {"distribution", "5"},
                                               {"timestamp", ts}}})}};
  return {{"Event", event}};
}

json navigator_layer(const std::vector<json>& dossiers, const std::string& name, const KnowledgeBase& kb) {
  // technique -> (tactic shortnames, sources stating it, comment lines)
  struct Seen {
    std::set<std::string> tactics;
    int sources = 0;
    std::vector<std::string> comments;
  };
  std::map<std::string, Seen> seen;
  for (const auto& d : dossiers)
    for (const auto& m : d["report"].value("methodology", json::array())) {
      const Technique* t = kb.technique(m.value("technique_id", ""));
      if (!t) continue;
      Seen& s = seen[t->id];
      for (const auto& tac : t->tactics)
        if (const Tactic* tc = kb.tactic(tac); tc && tc->id == m.value("tactic_id", "")) s.tactics.insert(tc->shortname);
      if (s.tactics.empty())
        for (const auto& tac : t->tactics)
          if (const Tactic* tc = kb.tactic(tac)) s.tactics.insert(tc->shortname);
      std::set<int> refs;
      for (const auto& r : m["evidence"].value("refs", json::array())) refs.insert(r.get<int>());
      for (const auto& r : m.value("also_refs", json::array())) refs.insert(r.get<int>());
      s.sources += static_cast<int>(refs.size());
      std::string prefix = dossiers.size() > 1 ? d["incident"].value("title", "") + ": " : std::string();
      s.comments.push_back(prefix + cited_text(m["evidence"]));
    }
  json techniques = json::array();
  int top = 1;
  for (const auto& [id, s] : seen) {
    top = std::max(top, s.sources);
    std::string comment;
    for (const auto& c : s.comments) comment += (comment.empty() ? "" : "\n") + c;
    for (const auto& tactic : s.tactics)
      techniques.push_back({{"techniqueID", id}, {"tactic", tactic}, {"score", s.sources}, {"comment", comment}, {"enabled", true}});
  }
  std::string attack_major = kb.info.attack_version.substr(0, kb.info.attack_version.find('.'));
  return {{"name", name},
          {"versions", {{"attack", attack_major.empty() ? "19" : attack_major}, {"navigator", "5.1.0"}, {"layer", "4.5"}}},
          {"domain", "enterprise-attack"},
          {"description", "Techniques the sources state, scored by how many sources state each (dossier)."},
          {"sorting", 3},
          {"hideDisabled", false},
          {"techniques", techniques},
          {"gradient", {{"colors", json::array({"#ffe766", "#ff6666"})}, {"minValue", 0}, {"maxValue", top}}},
          {"legendItems", json::array()},
          {"metadata", json::array()},
          {"showTacticRowBackground", false},
          {"selectTechniquesAcrossTactics", true},
          {"selectSubtechniquesWithParent", false}};
}

}  // namespace dossier
