#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "dossier/synthesize/assemble.h"
#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier {

using json = nlohmann::json;

namespace {

json cited_json(const Cited& c) { return {{"text", c.text}, {"refs", c.refs}}; }

json cited_list(const std::vector<Cited>& v) {
  json a = json::array();
  for (const auto& c : v) a.push_back(cited_json(c));
  return a;
}

json facts_json(const std::vector<Fact>& facts) {
  json a = json::array();
  for (const auto& f : facts) a.push_back({{"label", f.label}, {"values", cited_list(f.values)}});
  return a;
}

// Everything but the claims, which are null here: the claims are most of the dossier (every
// sentence of every source, as evidence), and dossier_json_text() writes them without a tree.
json dossier_json_head(const Dossier& d) {
  json sources = json::array();
  for (const auto& s : d.sources)
    sources.push_back({{"ref", s.ref}, {"article_id", s.article_id}, {"url", s.url}, {"outlet", s.outlet}, {"title", s.title},
                       {"published", s.published}, {"copies", s.copies}});
  json description = json::array();
  for (const auto& [h, items] : d.brief.description) description.push_back({{"topic", h}, {"sentences", cited_list(items)}});
  auto actor_list = [](const std::vector<ActorAttribution>& v) {
    json a = json::array();
    for (const auto& x : v)
      a.push_back({{"id", x.id}, {"name", x.name}, {"attack_id", x.attack_id}, {"aliases", x.aliases}, {"refs", x.refs},
                   {"attributed_refs", x.attributed_refs}});
    return a;
  };
  json actors = actor_list(d.report.actors);
  json timeline = json::array();
  for (const auto& e : d.report.timeline)
    timeline.push_back({{"date", e.date}, {"event", e.event}, {"text", e.what.text}, {"refs", e.what.refs}, {"also_refs", e.also}});
  json methodology = json::array();
  for (const auto& m : d.report.methodology)
    methodology.push_back({{"tactic_id", m.tactic_id}, {"tactic", m.tactic}, {"technique_id", m.technique_id}, {"technique", m.technique},
                           {"named", m.named}, {"evidence", cited_json(m.evidence)}, {"also_refs", m.also}});
  json impact = json::object();
  for (const auto& [k, v] : d.report.impact) impact[ascii_lower(k)] = cited_list(v);
  json indicators = json::object();
  for (const auto& [t, v] : d.report.indicators) {
    json a = json::array();
    for (const auto& i : v)
      a.push_back({{"value", i.value}, {"defanged", i.defanged}, {"role", i.role}, {"malicious", i.malicious}, {"refs", i.refs}});
    indicators[t] = a;
  }
  json conflicts = json::array();
  for (const auto& c : d.conflicts) {
    json vals = json::array();
    for (const auto& v : c.values) vals.push_back({{"value", v.value}, {"as_written", v.as_written}, {"refs", v.refs}});
    conflicts.push_back({{"subject", c.subject}, {"values", vals}});
  }
  json recs = json::array();
  for (const auto& r : d.recommendations)
    recs.push_back({{"mitigation_id", r.mitigation_id}, {"mitigation", r.mitigation}, {"techniques", r.techniques}, {"basis", r.basis},
                    {"refs", r.refs}, {"generic", r.generic}});
  json changes = nullptr;
  if (!d.changes.since.empty())
    changes = {{"since", d.changes.since}, {"previous_version", d.changes.previous_version}, {"new_sources", d.changes.new_sources},
               {"new_claims", cited_list(d.changes.new_claims)}, {"changed", d.changes.changed}};
  return {{"incident", {{"id", d.incident_id}, {"title", d.title}, {"first_seen", d.first_seen}, {"last_seen", d.last_seen},
                        {"version", d.incident_version}}},
          {"generated_at", d.generated_at},
          {"sources", sources},
          {"key_points", cited_list(d.key_points)},
          {"brief", {{"introduction", cited_list(d.brief.introduction)},
                     {"description", description},
                     {"assessment", {{"confirmed", cited_list(d.brief.confirmed)},
                                     {"confirmed_above", d.brief.confirmed_above},
                                     {"unverified_above", d.brief.unverified_above},
                                     {"single_source_above", d.brief.single_above},
                                     {"single_source", cited_list(d.brief.single_source)},
                                     {"unverified", cited_list(d.brief.unverified)}}}}},
          {"report", {{"executive_summary", cited_list(d.report.executive_summary)},
                      {"details", facts_json(d.report.details)},
                      {"attribution", {{"actors", actors}, {"ransomware", actor_list(d.report.ransomware)},
                                       {"facts", facts_json(d.report.attribution)}}},
                      {"timeline", timeline},
                      {"methodology", methodology},
                      {"tactics_not_reported", d.report.tactics_not_reported},
                      {"impact", impact},
                      {"indicators", indicators},
                      {"response", cited_list(d.report.response)},
                      {"reactions", cited_list(d.report.reactions)},
                      {"lessons", cited_list(d.report.lessons)}}},
          {"conflicts", conflicts},
          {"recommendations", recs},
          {"claims", nullptr},
          {"changes", changes}};
}

double rounded_centrality(const Claim& c) { return std::round(c.centrality * 1000) / 1000; }

// A string as nlohmann::json::dump() writes it (UTF-8 passed through; quote, backslash and control
// characters escaped, the latter with the short forms or \u00xx).
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s, run, std::string_view::npos);
  out.push_back('"');
}

void append_refs(std::string& out, const std::vector<int>& refs) {
  out.push_back('[');
  for (size_t i = 0; i < refs.size(); ++i) {
    if (i) out.push_back(',');
    out += std::to_string(refs[i]);
  }
  out.push_back(']');
}

}  // namespace

json dossier_json(const Dossier& d) {
  json j = dossier_json_head(d);
  json claims = json::array();
  for (const auto& c : d.claims) {
    json ev = json::array();
    for (const auto& e : c.evidence)
      ev.push_back({{"ref", e.ref}, {"article_id", e.article_id}, {"sentence", e.sentence}, {"begin", e.begin}, {"end", e.end}, {"text", e.text}});
    claims.push_back({{"id", c.id}, {"text", c.text}, {"refs", c.refs}, {"sources", c.refs.size()}, {"topic", c.topic},
                      {"centrality", rounded_centrality(c)}, {"hedged", c.hedged}, {"evidence", ev}});
  }
  j["claims"] = std::move(claims);
  return j;
}

std::string dossier_json_text(const Dossier& d) {
  std::string head = dossier_json_head(d).dump();
  // The claims, keys in the order dump() gives them (sorted), numbers formatted by nlohmann.
  std::string claims = "[";
  for (size_t ci = 0; ci < d.claims.size(); ++ci) {
    const Claim& c = d.claims[ci];
    if (ci) claims.push_back(',');
    claims += "{\"centrality\":" + json(rounded_centrality(c)).dump() + ",\"evidence\":[";
    for (size_t ei = 0; ei < c.evidence.size(); ++ei) {
      const auto& e = c.evidence[ei];
      if (ei) claims.push_back(',');
      claims += "{\"article_id\":";
      append_json_string(claims, e.article_id);
      claims += ",\"begin\":" + std::to_string(e.begin) + ",\"end\":" + std::to_string(e.end) + ",\"ref\":" + std::to_string(e.ref) +
                ",\"sentence\":" + std::to_string(e.sentence) + ",\"text\":";
      append_json_string(claims, e.text);
      claims.push_back('}');
    }
    claims += std::string("],\"hedged\":") + (c.hedged ? "true" : "false") + ",\"id\":";
    append_json_string(claims, c.id);
    claims += ",\"refs\":";
    append_refs(claims, c.refs);
    claims += ",\"sources\":" + std::to_string(c.refs.size()) + ",\"text\":";
    append_json_string(claims, c.text);
    claims += ",\"topic\":";
    append_json_string(claims, c.topic);
    claims.push_back('}');
  }
  claims.push_back(']');
  // The only "claims" key is the top level's (a key inside a string would have its quotes escaped).
  static constexpr std::string_view placeholder = "\"claims\":null";
  size_t at = head.find(placeholder);
  if (at == std::string::npos) return dossier_json(d).dump();
  head.replace(at + placeholder.size() - 4, 4, claims);
  return head;
}

void compare_with_previous(Dossier& d, const json& prev, const std::string& previous_generated_at) {
  if (!prev.is_object()) return;
  d.changes = DossierChanges{};
  d.changes.since = previous_generated_at;
  if (prev.contains("incident") && prev["incident"].is_object()) d.changes.previous_version = prev["incident"].value("version", int64_t{0});
  std::set<std::string> old_articles, old_claims;
  for (const auto& s : prev.value("sources", json::array())) old_articles.insert(s.value("article_id", ""));
  for (const auto& c : prev.value("claims", json::array())) old_claims.insert(c.value("id", ""));
  for (const auto& s : d.sources)
    if (!old_articles.count(s.article_id))
      d.changes.new_sources.push_back("[" + std::to_string(s.ref) + "] " + (s.outlet.empty() ? s.url : s.outlet) + ": " + s.title);
  for (const auto& c : d.claims)
    if (!old_claims.count(c.id) && c.topic != "background" && d.changes.new_claims.size() < 10) d.changes.new_claims.push_back(synth::cite(c));
  // Report fields whose values changed.
  auto values_of = [](const json& facts) {
    std::map<std::string, std::string> out;
    for (const auto& f : facts) {
      std::string v;
      for (const auto& x : f.value("values", json::array())) v += (v.empty() ? "" : "; ") + x.value("text", "");
      out[f.value("label", "")] = v;
    }
    return out;
  };
  json now = dossier_json_head(d);
  auto before = values_of(prev.contains("report") ? prev["report"].value("details", json::array()) : json::array());
  auto after = values_of(now["report"]["details"]);
  for (const auto& [label, v] : after)
    if (before.count(label) && before[label] != v)
      d.changes.changed.push_back(label + ": " + (before[label].empty() ? "not reported" : before[label]) + " -> " + (v.empty() ? "not reported" : v));
  auto actor_names = [](const json& j) {
    std::set<std::string> s;
    for (const auto& a : j) s.insert(a.value("name", ""));
    return s;
  };
  auto a0 = actor_names(prev.contains("report") ? prev["report"]["attribution"].value("actors", json::array()) : json::array());
  auto a1 = actor_names(now["report"]["attribution"]["actors"]);
  if (a0 != a1) {
    auto join = [](const std::set<std::string>& s) {
      std::string r;
      for (const auto& x : s) r += (r.empty() ? "" : ", ") + x;
      return r.empty() ? std::string("none") : r;
    };
    d.changes.changed.push_back("Actors: " + join(a0) + " -> " + join(a1));
  }
  size_t c0 = prev.value("conflicts", json::array()).size();
  if (d.conflicts.size() != c0)
    d.changes.changed.push_back("Disagreements between sources: " + std::to_string(c0) + " -> " + std::to_string(d.conflicts.size()));
}

}  // namespace dossier
