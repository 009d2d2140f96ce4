// The web UI's pages: incidents (filters, search, chart), an incident, an article, actors,
// search, watchlists (with their Atom feeds), feeds (with OPML export), the token form, and the
// analyst corrections posted from the incident page.
#include <algorithm>
#include <map>
#include <set>

#include "dossier/cluster/clusterer.h"
#include "dossier/cluster/profile.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/pipeline/stored.h"
#include "dossier/serve/html.h"
#include "dossier/serve/server_impl.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

using nlohmann::json;
using web::h;

namespace {

void send_page(httplib::Response& res, const std::string& title, const std::string& body, const std::string& active = {}) {
  res.set_content(web::page(title, body, active), "text/html; charset=utf-8");
}

void redirect(httplib::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

std::string day(const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) : (iso.empty() ? "-" : iso); }

std::string param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? trim(req.get_param_value(name)) : std::string();
}

// Facet values of one kind, as links to the incidents that have them.
std::string facet_links(const std::vector<DossierFacet>& facets, const char* kind, const char* filter, size_t max = 3) {
  std::string out;
  size_t n = 0;
  for (const auto& f : facets) {
    if (f.kind != kind) continue;
    if (n++ == max) {
      out += " ...";
      break;
    }
    if (!out.empty()) out += ", ";
    out += "<a href=\"/?" + std::string(filter) + "=" + web::q(f.value) + "\">" + h(f.label.empty() ? f.value : f.label) + "</a>";
  }
  return out.empty() ? "<span class=\"muted\">-</span>" : out;
}

std::string filter_form(const httplib::Request& req, const std::string& action) {
  auto field = [&](const char* name, const char* label, const char* type = "text") {
    return std::string("<label>") + label + " <input type=\"" + type + "\" name=\"" + name + "\" value=\"" + h(param(req, name)) + "\"></label>";
  };
  return "<form class=\"filters\" method=\"get\" action=\"" + action + "\">" + field("actor", "Actor") + field("victim", "Victim") +
         field("country", "Country") + field("sector", "Sector") + field("cve", "CVE") + field("from", "From", "date") +
         field("to", "To", "date") + field("q", "Words") + "<button type=\"submit\">Filter</button></form>";
}

std::string query_without(const httplib::Request& req, const char* drop, const char* drop2 = "") {
  std::string out;
  for (const auto& [k, v] : req.params) {
    if (k == drop || k == drop2 || v.empty()) continue;
    out += (out.empty() ? "" : "&") + web::q(k) + "=" + web::q(v);
  }
  return out;
}

// What a chart splits incidents by: the responsible actors, or a facet of their dossiers.
struct ChartBy {
  const char* key;    // the `by` parameter
  const char* label;  // for the caption
};
constexpr ChartBy kChartBy[] = {{"actor", "actors"}, {"sector", "sectors"}, {"country", "countries"}};

const ChartBy& chart_by(const httplib::Request& req) {
  std::string by = req.has_param("by") ? req.get_param_value("by") : "";
  for (const auto& c : kChartBy)
    if (by == c.key) return c;
  return kChartBy[0];
}

// Monthly counts of incidents (by first seen), all and split by the four most frequent values of
// `by`: the data of the chart, as JSON in a data attribute (app.js draws it; without script the
// table below says it).
json chart_data(Store& store, const std::vector<IncidentRecord>& all, const KnowledgeBase& kb, const ChartBy& by) {
  // The series names of each incident.
  std::vector<std::vector<std::string>> names_of(all.size());
  if (std::string(by.key) == "actor") {
    for (size_t i = 0; i < all.size(); ++i)
      for (const auto& a : all[i].actors) names_of[i].push_back(actor_name(kb, a));
  } else {
    auto facets = facets_for(store, all);
    for (size_t i = 0; i < all.size(); ++i)
      for (const auto& f : facets[all[i].id])
        if (f.kind == by.key) names_of[i].push_back(f.label.empty() ? f.value : f.label);
  }
  std::map<std::string, int> counts;
  for (const auto& ns : names_of)
    for (const auto& n : std::set<std::string>(ns.begin(), ns.end())) ++counts[n];
  std::vector<std::pair<int, std::string>> top;
  for (const auto& [n, c] : counts) top.emplace_back(-c, n);
  std::sort(top.begin(), top.end());
  if (top.size() > 4) top.resize(4);
  std::map<std::string, std::map<std::string, int>> by_month;  // month -> series -> count
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& r = all[i];
    if (r.first_seen.size() < 7) continue;
    auto& month = by_month[r.first_seen.substr(0, 7)];
    ++month["\x01all"];
    for (const auto& [c, n] : top)
      if (std::find(names_of[i].begin(), names_of[i].end(), n) != names_of[i].end()) ++month[n];
  }
  json j = {{"by", by.key}, {"caption", std::string("Incidents per month (first seen), all and by the most frequent ") + by.label},
            {"months", json::array()}, {"series", json::array()}};
  std::vector<std::pair<std::string, std::string>> series{{"\x01all", "All"}};
  for (const auto& [c, n] : top) series.emplace_back(n, n);
  for (const auto& [m, c] : by_month) j["months"].push_back(m);
  for (const auto& [key, name] : series) {
    json values = json::array();
    for (const auto& [m, c] : by_month) {
      auto it = c.find(key);
      values.push_back(it == c.end() ? 0 : it->second);
    }
    j["series"].push_back({{"name", name}, {"values", values}});
  }
  return j;
}

std::string incident_rows(Store& store, const KnowledgeBase& kb, const std::vector<IncidentRecord>& list, const std::string& seen) {
  std::string rows;
  auto facets = facets_for(store, list);
  for (const auto& r : list) {
    const std::vector<DossierFacet>& fs = facets[r.id];
    std::string actor = facet_links(fs, "actor", "actor", 2);
    if (actor.find("muted") != std::string::npos && !r.actors.empty())
      actor = "<a href=\"/actors/" + web::q(r.actors.front()) + "\">" + h(actor_name(kb, r.actors.front())) + "</a>";
    bool changed = !seen.empty() && r.updated_at > seen;
    rows += "<tr" + std::string(changed ? " class=\"changed\"" : "") + "><td><a href=\"/incidents/" + h(r.id) + "\">" + h(r.title) +
            "</a>" + (changed ? " <span class=\"badge\">changed</span>" : "") + "</td><td>" + actor + "</td><td>" +
            facet_links(fs, "victim", "victim", 2) + "</td><td>" + facet_links(fs, "country", "country") + "</td><td>" +
            facet_links(fs, "sector", "sector", 2) + "</td><td class=\"num\">" + std::to_string(r.sources) + "</td><td>" + day(r.first_seen) +
            "</td><td>" + day(r.last_seen) + "</td></tr>\n";
  }
  return rows;
}

std::string incident_table(const std::string& rows) {
  return "<table class=\"incidents\"><thead><tr><th>Incident</th><th>Responsible</th><th>Victim</th><th>Countries</th><th>Sectors</th>"
         "<th>Sources</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>";
}

std::string chart(const json& data) {
  std::string table = "<table class=\"chart-table\"><thead><tr><th>Month</th>";
  for (const auto& s : data["series"]) table += "<th>" + h(s["name"].get<std::string>()) + "</th>";
  table += "</tr></thead><tbody>";
  for (size_t i = 0; i < data["months"].size(); ++i) {
    table += "<tr><td>" + h(data["months"][i].get<std::string>()) + "</td>";
    for (const auto& s : data["series"]) table += "<td class=\"num\">" + std::to_string(s["values"][i].get<int>()) + "</td>";
    table += "</tr>";
  }
  table += "</tbody></table>";
  return "<figure class=\"chart\"><figcaption>" + h(data["caption"].get<std::string>()) + "</figcaption>"
         "<div id=\"chart\" data-chart=\"" + h(data.dump()) + "\"></div><details><summary>As a table</summary>" + table + "</details></figure>";
}

// Links that draw the chart of the same incidents split another way.
std::string chart_switch(const httplib::Request& req, const std::string& path, const ChartBy& current) {
  std::string base_no_cursor = query_without(req, "by", "after");
  std::string out = "<p class=\"chart-by\">Chart by: ";
  for (const auto& c : kChartBy) {
    if (&c != &kChartBy[0]) out += " · ";
    if (&c == &current) {
      out += "<strong>" + std::string(c.key) + "</strong>";
      continue;
    }
    out += "<a href=\"" + h(path + "?" + base_no_cursor + (base_no_cursor.empty() ? "" : "&") + "by=" + c.key) + "\">" + c.key + "</a>";
  }
  return out + "</p>";
}

// ---- The incident page ----

struct Evidence {
  std::map<std::string, std::string> claim_of_text;  // claim text -> claim id
};

std::string sources_html(const json& d) {
  std::string out = "<ol class=\"sources\">";
  for (const auto& s : d.value("sources", json::array())) {
    int ref = s.value("ref", 0);
    std::string copies;
    for (const auto& c : s.value("copies", json::array()))
      if (c.is_string()) copies += (copies.empty() ? "" : ", ") + web::link(c.get<std::string>(), c.get<std::string>());
    out += "<li id=\"src-" + std::to_string(ref) + "\" value=\"" + std::to_string(ref) + "\"><strong>" + h(s.value("outlet", "")) +
           "</strong>, " + day(s.value("published", "")) + ": " + web::link(s.value("url", ""), s.value("title", "")) +
           " <a class=\"muted\" href=\"/articles/" + h(s.value("article_id", "")) + "\">(stored text)</a>" +
           (copies.empty() ? "" : "<br><span class=\"muted\">Near-duplicate copies: " + copies + "</span>") + "</li>";
  }
  return out + "</ol>";
}

// Which claim each cited sentence states (markers carry its id, so that app.js can ask for the
// sentence of the source a marker cites: /incidents/ID/cite?claim=...&ref=N).
void index_claims(const json& d, Evidence& ev) {
  for (const auto& c : d.value("claims", json::array())) ev.claim_of_text[c.value("text", "")] = c.value("id", "");
}

// One source's sentence for a claim, with the source: the fragment a citation marker opens.
std::string evidence_fragment(const json& d, const std::string& claim, int ref) {
  json source;
  for (const auto& s : d.value("sources", json::array()))
    if (s.value("ref", 0) == ref) source = s;
  if (source.is_null()) return "";
  std::string sentence;
  for (const auto& c : d.value("claims", json::array())) {
    if (c.value("id", "") != claim) continue;
    for (const auto& e : c.value("evidence", json::array()))
      if (e.value("ref", 0) == ref) sentence = e.value("text", "");
  }
  return "<blockquote class=\"evidence\">" + (sentence.empty() ? std::string() : "<p>" + h(sentence) + "</p>") + "<footer>[" +
         std::to_string(ref) + "] " + h(source.value("outlet", "")) + ", " + day(source.value("published", "")) + " - " +
         web::link(source.value("url", ""), source.value("title", source.value("url", ""))) + "</footer></blockquote>";
}

std::string cited_list(const json& items, const Evidence& ev) {
  if (!items.is_array() || items.empty()) return "<p class=\"muted\">Not reported in the sources.</p>";
  std::string out = "<ul>";
  for (const auto& c : items) {
    auto it = ev.claim_of_text.find(c.value("text", ""));
    out += "<li>" + web::cited(c, it == ev.claim_of_text.end() ? "" : it->second) + "</li>";
  }
  return out + "</ul>";
}

std::string cited_para(const json& items, const Evidence& ev) {
  std::string out;
  for (const auto& c : items) {
    auto it = ev.claim_of_text.find(c.value("text", ""));
    out += (out.empty() ? "" : " ") + web::cited(c, it == ev.claim_of_text.end() ? "" : it->second);
  }
  return out.empty() ? "" : "<p>" + out + "</p>";
}

std::string facts_html(const json& facts, const Evidence& ev) {
  std::string out = "<dl class=\"facts\">";
  for (const auto& f : facts) {
    std::string values;
    for (const auto& v : f.value("values", json::array())) values += (values.empty() ? "" : "; ") + web::cited(v);
    out += "<dt>" + h(f.value("label", "")) + "</dt><dd>" + (values.empty() ? "<span class=\"muted\">Not reported</span>" : values) + "</dd>";
  }
  return out + "</dl>";
}

// T1566.001 -> T1566/001, as ATT&CK's site addresses sub-techniques.
std::string attack_path(std::string id) {
  std::replace(id.begin(), id.end(), '.', '/');
  return id;
}

// Techniques seen, laid out tactic by tactic in ATT&CK's order.
std::string matrix_html(const json& methodology, const KnowledgeBase& kb) {
  std::map<std::string, std::vector<const json*>> by_tactic;
  for (const auto& t : methodology) by_tactic[t.value("tactic_id", "")].push_back(&t);
  if (by_tactic.empty()) return "<p class=\"muted\">No technique is reported in the sources.</p>";
  std::string out = "<div class=\"matrix\" role=\"table\" aria-label=\"ATT&amp;CK techniques seen\">";
  for (const auto& tactic : kb.tactics) {
    auto it = by_tactic.find(tactic.id);
    if (it == by_tactic.end()) continue;
    out += "<div class=\"tactic\" role=\"rowgroup\"><div class=\"tactic-name\" role=\"columnheader\">" + h(tactic.name) + " <span class=\"muted\">" +
           h(tactic.id) + "</span></div>";
    for (const json* t : it->second) {
      std::string id = t->value("technique_id", "");
      out += "<div class=\"technique" + std::string(t->value("named", false) ? " named" : "") + "\" role=\"cell\"><a href=\"https://attack.mitre.org/techniques/" +
             h(attack_path(id)) + "/\" rel=\"noopener noreferrer\" target=\"_blank\">" + h(id) + "</a> " + h(t->value("technique", "")) +
             "<div class=\"why\">" + web::cited(t->value("evidence", json::object())) + "</div></div>";
    }
    out += "</div>";
  }
  return out + "</div>";
}

std::string indicators_html(const json& by_type) {
  if (!by_type.is_object() || by_type.empty()) return "<p class=\"muted\">No indicator is reported in the sources.</p>";
  std::string out = "<table class=\"indicators\"><thead><tr><th>Type</th><th>Value (defanged)</th><th>Role</th><th>Sources</th><th></th></tr></thead><tbody>";
  for (const auto& [type, list] : by_type.items())
    for (const auto& i : list) {
      std::string defanged = i.value("defanged", ""), value = i.value("value", "");
      out += "<tr><td>" + h(type) + "</td><td><code class=\"ioc\" data-defanged=\"" + h(defanged) + "\" data-refanged=\"" + h(value) + "\">" +
             h(defanged) + "</code></td><td>" + h(i.value("role", "")) + "</td><td>" + web::markers(i.value("refs", json::array())) +
             "</td><td><button type=\"button\" class=\"copy\" data-copy=\"defanged\">Copy</button> <button type=\"button\" class=\"copy\" "
             "data-copy=\"refanged\">Copy refanged</button></td></tr>";
    }
  return out + "</tbody></table>";
}

std::string conflicts_html(const json& conflicts) {
  if (!conflicts.is_array() || conflicts.empty()) return "<p class=\"muted\">The sources do not contradict each other on dates, numbers or responsibility.</p>";
  std::string out = "<ul>";
  for (const auto& c : conflicts) {
    std::string values;
    for (const auto& v : c.value("values", json::array()))
      values += (values.empty() ? "" : " versus ") + h(v.value("as_written", v.value("value", ""))) + " " + web::markers(v.value("refs", json::array()));
    out += "<li><strong>" + h(c.value("subject", "")) + "</strong>: " + values + "</li>";
  }
  return out + "</ul>";
}

}  // namespace

void Server::Impl::page_routes() {
  // ---- Incidents ----
  http.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    std::string error;
    IncidentFilter f = filter_from(req, &error);
    if (!error.empty()) return html_error(res, 400, error);
    auto list = store().find_incidents(f);
    if (!list.ok()) return html_error(res, 400, list.error());
    std::string seen;
    std::string cookies = req.get_header_value("Cookie");
    if (size_t p = cookies.find("dossier_seen="); p != std::string::npos) seen = cookies.substr(p + 13, 20);
    // The chart covers every matching incident (up to 5,000): drawn again at most every 10 s.
    const ChartBy& by = chart_by(req);
    std::string chart_key = "chart:" + query_without(req, "after");
    auto chart_html = cached_for(chart_key, 10);
    if (!chart_html) {
      IncidentFilter all = f;
      all.after.clear();
      all.limit = 5000;
      auto charted = store().find_incidents(all);
      chart_html = std::make_shared<const std::string>(
          charted.ok() && !charted->empty() ? chart(chart_data(store(), *charted, ex.kb(), by)) + chart_switch(req, "/", by) : "");
      remember_timed(chart_key, chart_html);
    }
    std::string body = "<h1>Incidents</h1>" + filter_form(req, "/");
    std::string filters = query_without(req, "after", "by");
    if (!filters.empty())
      body += "<form class=\"save\" method=\"post\" action=\"/watchlists\"><input type=\"hidden\" name=\"filter\" value=\"" + h(filters) +
              "\"><label>Save this filter as a watchlist <input name=\"name\" required></label><button type=\"submit\">Save</button></form>";
    body += *chart_html;
    body += incident_table(incident_rows(store(), ex.kb(), *list, seen));
    if (list->empty()) body += "<p class=\"muted\">No incident matches.</p>";
    if (list->size() == f.limit) {
      std::string next = query_without(req, "after");
      body += "<p><a rel=\"next\" href=\"/?" + (next.empty() ? "" : next + "&") + "after=" + web::q(cursor_of(list->back())) + "\">Older incidents</a></p>";
    }
    res.set_header("Set-Cookie", "dossier_seen=" + now_iso8601() + "; Path=/; SameSite=Strict; Max-Age=31536000");
    send_page(res, "Incidents", body, "incidents");
  });

  http.Get(R"(/incidents/([0-9A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    std::string id = req.matches[1];
    auto inc = store().get_incident(id, false);
    if (!inc.ok()) return html_error(res, 500, inc.error());
    if (!*inc) return html_error(res, 404, "No incident " + id + ".");
    if ((*inc)->id != id) return redirect(res, "/incidents/" + (*inc)->id);
    std::string key = "page:" + id + ":" + std::to_string((*inc)->version);
    if (auto hit = cached(key)) return send_cached(req, res, key, hit, "text/html; charset=utf-8");
    auto dj = dossier_of(id);
    if (!dj.ok()) return html_error(res, 500, dj.error());
    const json& d = **dj;
    auto facets = store().incident_facets(id);
    std::vector<DossierFacet> fs = facets.ok() ? *facets : std::vector<DossierFacet>{};
    Evidence ev;
    index_claims(d, ev);
    const json& brief = d.value("brief", json::object());
    const json& report = d.value("report", json::object());
    std::string b = "<article class=\"incident\" data-incident=\"" + h(id) + "\"><h1>" + h((*inc)->title) + "</h1>";
    b += "<p class=\"meta\">" + std::to_string((*inc)->sources) + " independent source" + ((*inc)->sources == 1 ? "" : "s") + " from " +
         std::to_string((*inc)->outlets) + " outlet" + ((*inc)->outlets == 1 ? "" : "s") + " - first seen " + day((*inc)->first_seen) +
         ", last seen " + day((*inc)->last_seen) + " - version " + std::to_string((*inc)->version) + "</p>";
    b += "<p class=\"chips\">Actor: " + facet_links(fs, "actor", "actor", 4) + " - Victim: " + facet_links(fs, "victim", "victim", 4) +
         " - Countries: " + facet_links(fs, "country", "country", 6) + " - Sectors: " + facet_links(fs, "sector", "sector", 4) +
         " - CVEs: " + facet_links(fs, "cve", "cve", 6) + "</p>";
    b += "<section id=\"key-points\"><h2>Key points</h2>" + cited_list(d.value("key_points", json::array()), ev) + "</section>";
    b += "<section id=\"brief\"><h2>Brief</h2>" + cited_para(brief.value("introduction", json::array()), ev);
    for (const auto& part : brief.value("description", json::array()))
      b += "<h3>" + h(part.value("topic", "")) + "</h3>" + cited_para(part.value("sentences", json::array()), ev);
    const json& assess = brief.value("assessment", json::object());
    b += "<h3>Assessment</h3><p>Stated by several sources: " + std::to_string(assess.value("confirmed_above", 0)) +
         " of the statements above; by one source: " + std::to_string(assess.value("single_source_above", 0)) +
         "; hedged or denied: " + std::to_string(assess.value("unverified_above", 0)) + ".</p>";
    for (const auto& [key, label] : std::vector<std::pair<const char*, const char*>>{
             {"confirmed", "Also confirmed by several sources"}, {"single_source", "Reported by one source only"}, {"unverified", "Hedged or denied"}})
      if (assess.contains(key) && !assess[key].empty()) b += "<h4>" + std::string(label) + "</h4>" + cited_list(assess[key], ev);
    b += "</section>";
    b += "<section id=\"report\"><h2>Incident report</h2><h3>Executive summary</h3>" + cited_list(report.value("executive_summary", json::array()), ev);
    b += "<h3>Details</h3>" + facts_html(report.value("details", json::array()), ev);
    const json& attribution = report.value("attribution", json::object());
    b += "<h3>Attribution</h3><ul>";
    for (const auto* key : {"actors", "ransomware"})
      for (const auto& a : attribution.value(key, json::array())) {
        std::string aliases;
        for (const auto& al : a.value("aliases", json::array())) aliases += (aliases.empty() ? "" : ", ") + h(al.get<std::string>());
        b += "<li><a href=\"/actors/" + web::q(a.value("id", "")) + "\">" + h(a.value("name", "")) + "</a>" +
             (aliases.empty() ? "" : " (also " + aliases + ")") + " " + web::markers(a.value("refs", json::array())) + "</li>";
      }
    b += "</ul>" + facts_html(attribution.value("facts", json::array()), ev);
    b += "<h3>Timeline</h3>";
    if (report.value("timeline", json::array()).empty()) b += "<p class=\"muted\">No dated event is reported.</p>";
    else {
      b += "<ol class=\"timeline\">";
      for (const auto& t : report["timeline"])
        b += "<li><time>" + h(t.value("date", "")) + "</time> <strong>" + h(t.value("event", "")) + "</strong>: " +
             web::cited(t.value("what", json::object())) + "</li>";
      b += "</ol>";
    }
    b += "<h3>Techniques (ATT&amp;CK)</h3>" + matrix_html(report.value("methodology", json::array()), ex.kb());
    b += "<h3>Impact</h3>";
    const json impact = report.value("impact", json::object());
    for (const auto& [kind, items] : impact.items())
      if (!items.empty()) b += "<h4>" + h(kind) + "</h4>" + cited_list(items, ev);
    b += "<h3>Indicators</h3>" + indicators_html(report.value("indicators", json::object()));
    b += "<h3>Response</h3>" + cited_list(report.value("response", json::array()), ev);
    b += "</section>";
    b += "<section id=\"conflicts\"><h2>Where the sources disagree</h2>" + conflicts_html(d.value("conflicts", json::array())) + "</section>";
    b += "<section id=\"recommendations\"><h2>Recommendations</h2><ul>";
    for (const auto& r : d.value("recommendations", json::array()))
      b += "<li><strong>" + h(r.value("mitigation_id", "")) + " " + h(r.value("mitigation", "")) + "</strong> " + h(r.value("basis", "")) + " " +
           web::markers(r.value("refs", json::array())) + "</li>";
    b += "</ul></section>";
    const json& changes = d.value("changes", json());
    b += "<section id=\"changes\"><h2>Changes since the previous version</h2>";
    if (!changes.is_object() || changes.value("since", "").empty()) b += "<p class=\"muted\">This is the first version.</p>";
    else {
      b += "<p>Since " + h(changes.value("since", "")) + ":</p><ul>";
      for (const auto& s : changes.value("new_sources", json::array())) b += "<li>New source: " + h(s.get<std::string>()) + "</li>";
      for (const auto& c : changes.value("new_claims", json::array())) b += "<li>New: " + web::cited(c) + "</li>";
      for (const auto& c : changes.value("changed", json::array())) b += "<li>Changed: " + h(c.get<std::string>()) + "</li>";
      b += "</ul>";
    }
    b += "</section>";
    b += "<section id=\"sources\"><h2>Sources</h2>" + sources_html(d) + "</section>";
    // Why these articles are together, and the corrections an analyst can make.
    auto members = store().incident_members(id);
    // The evidence that holds each article here: the specific entities (actors, victims, CVEs,
    // indicators, names) it shares with other articles of the incident, the most shared first.
    std::map<std::string, std::vector<std::string>> keys_of;
    std::map<std::string, int> shared_by;
    if (members.ok()) {
      auto profiles = stored_profiles(store(), ex);
      for (const auto& m : *members) {
        auto p = profiles(m.article.id);
        if (!p.ok()) continue;
        for (const auto& k : p->keys) {
          if (k.kind == KeyKind::Country || k.kind == KeyKind::Agency) continue;
          keys_of[m.article.id].push_back(k.key);
          ++shared_by[k.key];
        }
      }
    }
    auto key_label = [&](const std::string& key) {
      size_t colon = key.find(':');
      std::string kind = key.substr(0, colon), value = colon == std::string::npos ? key : key.substr(colon + 1);
      if (kind == "actor") value = actor_name(ex.kb(), value);
      if (kind == "victim" && value.size() > 3 && value[2] == ':') value = value.substr(3);
      return "<span class=\"badge\">" + h(kind) + "</span> " + h(value) + " <span class=\"muted\">(" + std::to_string(shared_by[key]) + ")</span>";
    };
    b += "<section id=\"why\"><h2>Why these articles are together</h2><p class=\"muted\">Each article's similarity to the incident when it joined, "
         "who placed it, and the entities it shares with other articles here (in how many).</p><form method=\"post\" action=\"/incidents/" + h(id) +
         "/split\"><table><thead><tr><th></th><th>Article</th><th>Outlet</th><th>Joined with score</th><th>Placed by</th><th>Shared entities</th></tr></thead><tbody>";
    if (members.ok())
      for (const auto& m : *members) {
        std::vector<std::string> keys = keys_of[m.article.id];
        std::stable_sort(keys.begin(), keys.end(), [&](const std::string& x, const std::string& y) { return shared_by[x] > shared_by[y]; });
        std::string shared;
        size_t shown = 0;
        for (const auto& k : keys)
          if (shared_by[k] >= 2 && shown++ < 6) shared += (shared.empty() ? "" : ", ") + key_label(k);
        b += "<tr><td><input type=\"checkbox\" name=\"article\" value=\"" + h(m.article.id) + "\" aria-label=\"select\"></td><td><a href=\"/articles/" +
             h(m.article.id) + "\">" + h(m.article.title) + "</a></td><td>" + h(m.article.outlet) + "</td><td class=\"num\">" +
             (m.score > 0 ? std::to_string(m.score).substr(0, 5) : "founded it") + "</td><td>" + (m.pinned ? "an analyst" : "clustering") +
             "</td><td>" + (shared.empty() ? "<span class=\"muted\">-</span>" : shared) + "</td></tr>";
      }
    b += "</tbody></table><button type=\"submit\">Split the selected articles into a new incident</button></form>"
         "<form method=\"post\" action=\"/incidents/" + h(id) + "/merge\" class=\"inline\"><label>Merge incident <input name=\"other\" "
         "placeholder=\"incident id\" required></label> <button type=\"submit\">into this one</button></form>"
         "<form method=\"post\" action=\"/incidents/" + h(id) + "/move\" class=\"inline\"><label>Move article <input name=\"article\" required "
         "placeholder=\"article id\"></label> <label>to incident <input name=\"to\" required placeholder=\"incident id\"></label> "
         "<button type=\"submit\">Move</button></form></section>";
    b += "</article>";
    auto html = std::make_shared<const std::string>(web::page((*inc)->title, b, "incidents"));
    remember(key, html);
    send_cached(req, res, key, html, "text/html; charset=utf-8");
  });

  // The sentence a citation marker cites, as a fragment (app.js puts it beside the marker).
  http.Get(R"(/incidents/([0-9A-Za-z]+)/cite)", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto d = dossier_of(req.matches[1]);
    if (!d.ok()) return html_error(res, 404, d.error());
    int ref = std::atoi(param(req, "ref").c_str());
    std::string fragment = evidence_fragment(**d, param(req, "claim"), ref);
    if (fragment.empty()) return html_error(res, 404, "No source " + std::to_string(ref) + ".");
    res.set_header("Cache-Control", "private, max-age=60");
    res.set_content(fragment, "text/html; charset=utf-8");
  });

  // ---- Corrections from the incident page ----
  auto correction = [this](const httplib::Request& req, httplib::Response& res, const std::string& op) {
    if (!may_write(req, res, false)) return;
    std::string id = req.matches[1];
    Store& s = store();
    auto clusterer = Clusterer::open(s, &ex.kb());
    if (!clusterer.ok()) return html_error(res, 500, clusterer.error());
    auto profiles = stored_profiles(s, ex);
    std::string target = id;
    Status st;
    if (op == "merge") {
      st = (*clusterer)->merge(id, param(req, "other"), profiles);
    } else if (op == "split") {
      std::vector<std::string> articles;
      for (auto it = req.params.lower_bound("article"); it != req.params.upper_bound("article"); ++it) articles.push_back(it->second);
      if (articles.empty()) return html_error(res, 400, "Select the articles to split off.");
      auto made = (*clusterer)->split(id, articles, profiles);
      if (!made.ok()) st = Error{made.error()};
      else target = *made;
    } else {
      st = (*clusterer)->move(param(req, "article"), param(req, "to"), profiles);
      target = param(req, "to");
    }
    if (!st.ok()) return html_error(res, 400, st.error());
    for (const auto& i : {id, target})
      if (auto inc = s.get_incident(i, false); inc.ok() && *inc) (void)generate_dossier(s, ex, (*inc)->id);
    redirect(res, "/incidents/" + target);
  };
  http.Post(R"(/incidents/([0-9A-Za-z]+)/merge)", [correction](const httplib::Request& q, httplib::Response& r) { correction(q, r, "merge"); });
  http.Post(R"(/incidents/([0-9A-Za-z]+)/split)", [correction](const httplib::Request& q, httplib::Response& r) { correction(q, r, "split"); });
  http.Post(R"(/incidents/([0-9A-Za-z]+)/move)", [correction](const httplib::Request& q, httplib::Response& r) { correction(q, r, "move"); });

  // ---- An article ----
  http.Get(R"(/articles/([0-9A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto a = store().get_article(req.matches[1], false);
    if (!a.ok()) return html_error(res, 500, a.error());
    if (!*a) return html_error(res, 404, "No article " + std::string(req.matches[1]) + ".");
    const Article& art = **a;
    auto m = store().membership(art.id);
    std::string b = "<article class=\"source\"><h1>" + h(art.title) + "</h1><p class=\"meta\">" + h(art.outlet) + " - " + day(art.published) +
                    (art.author.empty() ? "" : " - " + h(art.author)) + " - " + web::link(art.url, art.url) + " - kind: " + h(art.kind) + "</p>";
    if (m.ok() && *m) b += "<p>In incident <a href=\"/incidents/" + h((*m)->incident_id) + "\">" + h((*m)->incident_id) + "</a>.</p>";
    if (!art.duplicate_of.empty()) b += "<p>A near-duplicate copy of <a href=\"/articles/" + h(art.duplicate_of) + "\">" + h(art.duplicate_of) + "</a>.</p>";
    b += "<div class=\"text\">";
    size_t start = 0;
    while (start < art.text.size()) {
      size_t end = art.text.find('\n', start);
      if (end == std::string::npos) end = art.text.size();
      std::string para = trim(art.text.substr(start, end - start));
      if (!para.empty()) b += "<p>" + h(para) + "</p>";
      start = end + 1;
    }
    b += "</div></article>";
    send_page(res, art.title, b, "incidents");
  });

  // ---- Actors ----
  http.Get("/actors", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto values = store().facet_values("actor", 500);
    std::string b = "<h1>Actors in the news</h1><table><thead><tr><th>Actor</th><th>Incidents</th></tr></thead><tbody>";
    if (values.ok())
      for (const auto& [f, n] : *values)
        b += "<tr><td><a href=\"/actors/" + web::q(f.value) + "\">" + h(f.label) + "</a></td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
    send_page(res, "Actors", b + "</tbody></table>", "actors");
  });
  http.Get(R"(/actors/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    std::string id = req.matches[1];
    const Actor* a = ex.kb().actor(id);
    if (!a) {
      auto found = ex.kb().find_actors(id);
      if (found.empty()) return html_error(res, 404, "No actor " + id + " in the knowledge base.");
      return redirect(res, "/actors/" + web::q(found.front()->id));
    }
    IncidentFilter f;
    f.actors.push_back(a->id);
    f.limit = 500;
    auto list = store().find_incidents(f);
    std::string b = "<h1>" + h(a->name) + "</h1><p class=\"meta\">" + h(a->attack_id.empty() ? a->id : a->attack_id) + "</p><h2>Names</h2><ul>";
    for (const auto& al : a->aliases) {
      std::string sources;
      if (al.sources & 1) sources += "ATT&amp;CK";
      if (al.sources & 2) sources += sources.empty() ? "MISP" : ", MISP";
      if (al.sources & 4) sources += sources.empty() ? "local" : ", local";
      b += "<li>" + h(al.name) + " <span class=\"muted\">(" + (sources.empty() ? std::string("KB") : sources) + ")</span></li>";
    }
    b += "</ul><p>Suspected origin: " + h(a->country.empty() ? "not recorded" : a->country) + ". Sponsor state: " +
         h(a->sponsor_state.empty() ? "not recorded" : a->sponsor_state) + ".</p>";
    std::set<std::string> seen_techniques;
    if (list.ok())
      for (const auto& [id, fs] : facets_for(store(), *list))
        for (const auto& fc : fs)
          if (fc.kind == "technique") seen_techniques.insert(fc.value);
    b += "<h2>Techniques</h2><table><thead><tr><th>Technique</th><th>In the news</th><th>ATT&amp;CK records it</th></tr></thead><tbody>";
    std::set<std::string> all(seen_techniques.begin(), seen_techniques.end());
    all.insert(a->techniques.begin(), a->techniques.end());
    for (const auto& t : all) {
      const Technique* tech = ex.kb().technique(t);
      bool known = std::find(a->techniques.begin(), a->techniques.end(), t) != a->techniques.end();
      b += "<tr><td>" + h(t) + " " + h(tech ? tech->name : "") + "</td><td>" + (seen_techniques.count(t) ? "yes" : "") + "</td><td>" +
           (known ? "yes" : "") + "</td></tr>";
    }
    b += "</tbody></table><h2>Incidents</h2>";
    if (list.ok()) b += incident_table(incident_rows(store(), ex.kb(), *list, ""));
    send_page(res, a->name, b, "actors");
  });

  // ---- Victims, sectors, countries: an index of each, and a page per value ----
  struct FacetPage {
    const char* kind;   // dossier facet kind
    const char* path;   // /victims
    const char* title;  // of the index
    const char* one;    // what one value is called
    const char* related[3];  // facet kinds shown beside the incidents
  };
  static const FacetPage kFacetPages[] = {
      {"victim", "/victims", "Victims in the news", "Victim", {"actor", "sector", "country"}},
      {"sector", "/sectors", "Sectors in the news", "Sector", {"actor", "victim", "country"}},
      {"country", "/countries", "Countries in the news", "Country", {"actor", "victim", "sector"}},
  };
  for (const FacetPage& page : kFacetPages) {
    const FacetPage* p = &page;
    http.Get(p->path, [this, p](const httplib::Request& req, httplib::Response& res) {
      if (!may_read(req, res, false)) return;
      auto values = store().facet_values(p->kind, 1000);
      std::string b = "<h1>" + h(p->title) + "</h1><table><thead><tr><th>" + h(p->one) + "</th><th>Incidents</th></tr></thead><tbody>";
      if (values.ok())
        for (const auto& [f, n] : *values)
          b += "<tr><td><a href=\"" + std::string(p->path) + "/" + web::q(f.value) + "\">" + h(f.label.empty() ? f.value : f.label) +
               "</a></td><td class=\"num\">" + std::to_string(n) + "</td></tr>";
      if (!values.ok() || values->empty()) b += "<tr><td colspan=\"2\" class=\"muted\">None yet.</td></tr>";
      send_page(res, p->title, b + "</tbody></table>", p->path + 1);
    });
    http.Get(std::string(p->path) + "/(.+)", [this, p](const httplib::Request& req, httplib::Response& res) {
      if (!may_read(req, res, false)) return;
      std::string value = req.matches[1];
      IncidentFilter f;
      f.limit = 500;
      (std::string(p->kind) == "victim" ? f.victim : std::string(p->kind) == "sector" ? f.sector : f.country) = value;
      auto list = store().find_incidents(f);
      if (!list.ok()) return html_error(res, 500, list.error());
      // Only incidents with this exact value (the victim and sector filters also match longer names).
      auto facets = facets_for(store(), *list);
      std::vector<IncidentRecord> exact;
      std::string label = value;
      for (const auto& r : *list)
        for (const auto& fc : facets[r.id])
          if (fc.kind == p->kind && fc.value == value) {
            if (!fc.label.empty()) label = fc.label;
            exact.push_back(r);
            break;
          }
      if (exact.empty()) return html_error(res, 404, std::string("No incident has the ") + p->kind + " " + value + ".");
      std::string b = "<h1>" + h(label) + "</h1><p class=\"meta\">" + h(p->one) + " of " + std::to_string(exact.size()) +
                      (exact.size() == 1 ? " incident" : " incidents") + (exact.size() == f.limit ? " (the newest shown)" : "") + "</p>";
      // What else these incidents have: who, what and where, most frequent first.
      for (const char* kind : p->related) {
        std::map<std::string, std::pair<std::string, int>> counts;  // value -> (label, incidents)
        for (const auto& r : exact)
          for (const auto& fc : facets[r.id])
            if (fc.kind == kind) {
              auto& c = counts[fc.value];
              c.first = fc.label.empty() ? fc.value : fc.label;
              ++c.second;
            }
        if (counts.empty()) continue;
        std::vector<std::tuple<int, std::string, std::string>> ranked;
        for (const auto& [v, c] : counts) ranked.emplace_back(-c.second, c.first, v);
        std::sort(ranked.begin(), ranked.end());
        if (ranked.size() > 12) ranked.resize(12);
        std::string kind_s = kind;
        std::string heading = kind_s == "actor" ? "Actors" : kind_s == "victim" ? "Victims" : kind_s == "sector" ? "Sectors" : "Countries";
        std::string base = kind_s == "actor" ? "/actors/" : kind_s == "victim" ? "/victims/" : kind_s == "sector" ? "/sectors/" : "/countries/";
        b += "<h2>" + heading + "</h2><ul class=\"related\">";
        for (const auto& [n, l, v] : ranked)
          b += "<li><a href=\"" + base + web::q(v) + "\">" + h(l) + "</a> <span class=\"muted\">(" + std::to_string(-n) + ")</span></li>";
        b += "</ul>";
      }
      const ChartBy& by = chart_by(req);
      b += chart(chart_data(store(), exact, ex.kb(), by)) + chart_switch(req, req.path, by);
      b += "<h2>Incidents</h2>" + incident_table(incident_rows(store(), ex.kb(), exact, ""));
      send_page(res, label, b, p->path + 1);
    });
  }

  // ---- Search ----
  http.Get("/search", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    std::string words = param(req, "q");
    std::string b = "<h1>Search</h1><form method=\"get\" action=\"/search\"><input type=\"search\" name=\"q\" value=\"" + h(words) +
                    "\" aria-label=\"Words\"> <button type=\"submit\">Search</button></form>";
    if (!words.empty()) {
      auto hits = store().search(words, 50);
      if (!hits.ok()) return html_error(res, 400, hits.error());
      b += "<ol class=\"hits\">";
      for (const auto& hit : *hits) {
        std::string target = hit.kind == "dossier" ? "/incidents/" + hit.id : "/articles/" + hit.id;
        b += "<li><span class=\"badge\">" + h(hit.kind) + "</span> <a href=\"" + h(target) + "\">" + h(hit.title) + "</a>" +
             (hit.kind == "article" && !hit.incident_id.empty() ? " - in <a href=\"/incidents/" + h(hit.incident_id) + "\">its incident</a>" : "") +
             "<p>" + web::highlighted(hit.snippet) + "</p></li>";
      }
      b += "</ol>";
      if (hits->empty()) b += "<p class=\"muted\">Nothing found.</p>";
    }
    send_page(res, "Search", b, "search");
  });

  // ---- Watchlists ----
  http.Get("/watchlists", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto lists = store().list_watchlists();
    std::string b = "<h1>Watchlists</h1><p>A watchlist is a saved filter: save one from the incidents page. Each has a page and an Atom feed of the "
                    "incidents that match, new or changed.</p><ul>";
    if (lists.ok())
      for (const auto& w : *lists)
        b += "<li><a href=\"/watchlists/" + h(w.id) + "\">" + h(w.name) + "</a> <a class=\"muted\" href=\"/watchlists/" + h(w.id) +
             "/atom\">Atom</a></li>";
    send_page(res, "Watchlists", b + "</ul>", "watchlists");
  });
  http.Post("/watchlists", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, false)) return;
    std::string name = param(req, "name");
    if (name.empty()) return html_error(res, 400, "A watchlist needs a name.");
    httplib::Params filter;
    httplib::detail::parse_query_text(param(req, "filter"), filter);
    json j = json::object();
    for (const auto& [k, v] : filter)
      if (k != "after" && !v.empty()) j[k] = v;
    auto w = store().put_watchlist(name, j.dump());
    if (!w.ok()) return html_error(res, 500, w.error());
    redirect(res, "/watchlists/" + w->id);
  });
  http.Get(R"(/watchlists/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto w = store().get_watchlist(req.matches[1]);
    if (!w.ok()) return html_error(res, 500, w.error());
    if (!*w) return html_error(res, 404, "No such watchlist.");
    json fj = json::parse((*w)->filter_json, nullptr, false);
    IncidentFilter f = filter_from_json(fj);
    f.limit = 200;
    auto list = store().find_incidents(f);
    std::string filter_text;
    if (fj.is_object())
      for (const auto& [k, v] : fj.items()) filter_text += (filter_text.empty() ? "" : ", ") + h(k) + " = " + h(v.is_string() ? v.get<std::string>() : v.dump());
    std::string b = "<h1>" + h((*w)->name) + "</h1><p class=\"meta\">Filter: " + (filter_text.empty() ? "everything" : filter_text) +
                    " - <a href=\"/watchlists/" + h((*w)->id) + "/atom\">Atom feed</a></p>";
    if (list.ok()) b += incident_table(incident_rows(store(), ex.kb(), *list, ""));
    b += "<form method=\"post\" action=\"/watchlists/" + h((*w)->id) + "/delete\"><button type=\"submit\">Delete this watchlist</button></form>";
    send_page(res, (*w)->name, b, "watchlists");
  });
  http.Post(R"(/watchlists/([0-9a-f]+)/delete)", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, false)) return;
    (void)store().remove_watchlist(req.matches[1]);
    redirect(res, "/watchlists");
  });
  http.Get(R"(/watchlists/([0-9a-f]+)/atom)", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto w = store().get_watchlist(req.matches[1]);
    if (!w.ok() || !*w) return html_error(res, 404, "No such watchlist.");
    IncidentFilter f = filter_from_json(json::parse((*w)->filter_json, nullptr, false));
    f.limit = 50;
    auto list = store().find_incidents(f);
    std::string host = req.get_header_value("Host");
    std::string base = "http://" + (host.empty() ? std::string("localhost") : host);
    std::string updated = list.ok() && !list->empty() ? list->front().updated_at : (*w)->created_at;
    for (const auto& r : list.ok() ? *list : std::vector<IncidentRecord>{}) updated = std::max(updated, r.updated_at);
    std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>dossier watchlist: " +
                    h((*w)->name) + "</title>\n<id>urn:dossier:watchlist:" + h((*w)->id) + "</id>\n<updated>" + h(updated) +
                    "</updated>\n<link rel=\"self\" href=\"" + h(base + "/watchlists/" + (*w)->id + "/atom") + "\"/>\n<link href=\"" +
                    h(base + "/watchlists/" + (*w)->id) + "\"/>\n<author><name>dossier</name></author>\n";
    if (list.ok())
      for (const auto& r : *list) {
        auto d = dossier_of(r.id);
        std::string summary;
        if (d.ok())
          for (const auto& k : (*d)->value("key_points", json::array())) summary += "- " + k.value("text", "") + "\n";
        // A changed incident is a new entry version: its id stays, its updated time moves.
        x += "<entry>\n<title>" + h(r.title) + "</title>\n<id>urn:dossier:incident:" + h(r.id) + "</id>\n<updated>" + h(r.updated_at) +
             "</updated>\n<published>" + h(r.created_at) + "</published>\n<link href=\"" + h(base + "/incidents/" + r.id) +
             "\"/>\n<summary type=\"text\">" + h(summary) + "</summary>\n</entry>\n";
      }
    x += "</feed>\n";
    res.set_content(x, "application/atom+xml; charset=utf-8");
  });

  // ---- Feeds ----
  http.Get("/feeds", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto feeds = store().list_feeds();
    std::string b = "<h1>Feeds</h1><p><a href=\"/feeds.opml\">Export as OPML</a></p><table><thead><tr><th>Feed</th><th>Items</th><th>Last success</th>"
                    "<th>Last error</th><th>Failures</th><th>Next poll</th><th></th></tr></thead><tbody>";
    if (feeds.ok())
      for (const auto& f : *feeds)
        b += "<tr><td>" + web::link(f.url, f.title.empty() ? f.url : f.title) + "</td><td class=\"num\">" + std::to_string(f.items_seen) + "</td><td>" +
             h(f.last_success.empty() ? "never" : f.last_success) + "</td><td>" + h(f.last_error) + "</td><td class=\"num\">" +
             std::to_string(f.consecutive_failures) + "</td><td>" + h(f.next_due) + "</td><td><form method=\"post\" action=\"/feeds/remove\">"
             "<input type=\"hidden\" name=\"url\" value=\"" + h(f.url) + "\"><button type=\"submit\">Remove</button></form></td></tr>";
    b += "</tbody></table><form method=\"post\" action=\"/feeds\"><label>Add a feed <input type=\"url\" name=\"url\" required></label> "
         "<button type=\"submit\">Add</button></form><form method=\"post\" action=\"/feeds/import\"><label>Import an OPML list "
         "<textarea name=\"opml\" rows=\"4\" cols=\"80\" required placeholder=\"&lt;opml&gt;...\"></textarea></label> "
         "<button type=\"submit\">Import</button></form>";
    send_page(res, "Feeds", b, "feeds");
  });
  http.Post("/feeds", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, false)) return;
    std::string url = param(req, "url");
    if (!starts_with_icase(url, "http://") && !starts_with_icase(url, "https://")) return html_error(res, 400, "A feed is an http(s) URL.");
    auto f = store().add_feed(url, "");
    if (!f.ok()) return html_error(res, 500, f.error());
    redirect(res, "/feeds");
  });
  http.Post("/feeds/import", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, false)) return;
    auto added = import_opml(param(req, "opml"));
    if (!added.ok()) return html_error(res, 400, added.error());
    redirect(res, "/feeds");
  });
  http.Post("/feeds/remove", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, false)) return;
    (void)store().remove_feed(param(req, "url"));
    redirect(res, "/feeds");
  });
  http.Get("/feeds.opml", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, false)) return;
    auto feeds = store().list_feeds();
    std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<opml version=\"2.0\">\n<head><title>dossier feeds</title></head>\n<body>\n";
    if (feeds.ok())
      for (const auto& f : *feeds)
        x += "<outline type=\"rss\" text=\"" + h(f.title.empty() ? f.url : f.title) + "\" xmlUrl=\"" + h(f.url) + "\"/>\n";
    x += "</body>\n</opml>\n";
    res.set_header("Content-Disposition", "attachment; filename=\"dossier-feeds.opml\"");
    res.set_content(x, "text/x-opml; charset=utf-8");
  });

  // ---- Token (the browser's session) ----
  http.Get("/login", [this](const httplib::Request& req, httplib::Response& res) {
    auto t = token_of(req);
    std::string b = "<h1>Token</h1>";
    if (t) b += "<p>Signed in with token <strong>" + h(t->name) + "</strong> (" + (t->can_write ? "may write" : "read only") + ").</p>"
                "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Forget the token</button></form>";
    b += "<p>Corrections, watchlists and feeds need a token that allows writing: <code>dossier tokens create NAME --write</code>.</p>"
         "<form method=\"post\" action=\"/login\"><label>Token <input type=\"password\" name=\"token\" required autocomplete=\"off\"></label> "
         "<button type=\"submit\">Use this token</button></form>";
    send_page(res, "Token", b, "login");
  });
  http.Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
    std::string token = param(req, "token");
    auto t = store().check_token(token);
    if (!t.ok() || !*t) return html_error(res, 401, "No such token, or it was revoked.");
    res.set_header("Set-Cookie", "dossier_token=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000");
    redirect(res, "/");
  });
  http.Post("/logout", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Set-Cookie", "dossier_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    redirect(res, "/");
  });
}

}  // namespace dossier
