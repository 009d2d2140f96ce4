// The JSON API under /api/v1/ and its OpenAPI 3.1 description.
#include <algorithm>
#include <cctype>
#include <set>

#include "dossier/cluster/clusterer.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/pipeline/exports.h"
#include "dossier/pipeline/stored.h"
#include "dossier/serve/server_impl.h"
#include "dossier/util/text.h"

namespace dossier {

using nlohmann::json;

namespace {

json incident_json(const IncidentRecord& r, const std::vector<DossierFacet>& facets, const KnowledgeBase& kb) {
  json j = {{"id", r.id},           {"title", r.title},     {"first_seen", r.first_seen}, {"last_seen", r.last_seen},
            {"articles", r.articles}, {"sources", r.sources}, {"outlets", r.outlets},       {"version", r.version},
            {"updated_at", r.updated_at}};
  json actors = json::array();
  for (const auto& a : r.actors) actors.push_back({{"id", a}, {"name", actor_name(kb, a)}});
  j["actors"] = actors;
  for (const auto& [kind, plural] : {std::pair<const char*, const char*>{"victim", "victims"}, {"country", "countries"}, {"sector", "sectors"}, {"cve", "cves"}}) {
    json values = json::array();
    for (const auto& f : facets)
      if (f.kind == kind) values.push_back(f.label.empty() ? f.value : f.label);
    j[plural] = values;
  }
  return j;
}

json article_json(const Article& a, bool with_text) {
  json j = {{"id", a.id},         {"title", a.title},   {"outlet", a.outlet},     {"url", a.url},
            {"published", a.published}, {"author", a.author}, {"language", a.language}, {"kind", a.kind},
            {"duplicate_of", a.duplicate_of.empty() ? json(nullptr) : json(a.duplicate_of)}};
  if (with_text) j["text"] = a.text;
  return j;
}

json page_of(json items, const std::string& next) {
  return json{{"items", std::move(items)}, {"next", next.empty() ? json(nullptr) : json(next)}};
}

// Parses a JSON request body; answers 400 and returns discarded JSON when it is not an object.
json body_of(const httplib::Request& req, httplib::Response& res) {
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) json_error(res, 400, "the body must be a JSON object");
  return j;
}

std::string string_field(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

json openapi_document();

void Server::Impl::api_routes() {
  http.Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) { send_json(res, openapi_document()); });

  http.Get("/api/v1/incidents", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    std::string error;
    IncidentFilter f = filter_from(req, &error);
    if (!error.empty()) return json_error(res, 400, error);
    auto list = store().find_incidents(f);
    if (!list.ok()) return json_error(res, 400, list.error());
    json items = json::array();
    auto facets = facets_for(store(), *list);
    for (const auto& r : *list) items.push_back(incident_json(r, facets[r.id], ex.kb()));
    send_json(res, page_of(items, list->size() == f.limit && !list->empty() ? cursor_of(list->back()) : ""));
  });

  http.Get(R"(/api/v1/incidents/([0-9A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    auto inc = store().get_incident(req.matches[1], false);
    if (!inc.ok()) return json_error(res, 500, inc.error());
    if (!*inc) return json_error(res, 404, "no incident " + std::string(req.matches[1]));
    std::string key = "api:" + (*inc)->id + ":" + std::to_string((*inc)->version);
    if (auto hit = cached(key)) return send_cached(req, res, key, hit, "application/json");
    auto d = dossier_of((*inc)->id);
    if (!d.ok()) return json_error(res, 500, d.error());
    auto facets = store().incident_facets((*inc)->id);
    json j = incident_json(**inc, facets.ok() ? *facets : std::vector<DossierFacet>{}, ex.kb());
    j["dossier"] = **d;
    json members = json::array();
    if (auto ms = store().incident_members((*inc)->id); ms.ok())
      for (const auto& m : *ms) members.push_back({{"article", article_json(m.article, false)}, {"score", m.score}, {"pinned", m.pinned}});
    j["members"] = members;
    auto body = std::make_shared<const std::string>(j.dump(-1, ' ', false, json::error_handler_t::replace));
    remember(key, body);
    send_cached(req, res, key, body, "application/json");
  });

  http.Get("/api/v1/articles", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    // Newest first by ingest order; the cursor is the last id of the previous page.
    size_t limit = 50;
    if (req.has_param("limit")) {
      long n = std::strtol(req.get_param_value("limit").c_str(), nullptr, 10);
      if (n < 1 || n > 500) return json_error(res, 400, "limit must be a number from 1 to 500");
      limit = static_cast<size_t>(n);
    }
    ArticleQuery aq;
    aq.newest_first = true;
    aq.limit = limit + 1;  // one more tells whether a next page exists
    aq.after_id = req.has_param("after") ? req.get_param_value("after") : "";
    if (!aq.after_id.empty() && !std::all_of(aq.after_id.begin(), aq.after_id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
      return json_error(res, 400, "bad cursor");
    auto page = store().list_articles(aq);
    if (!page.ok()) return json_error(res, aq.after_id.empty() ? 500 : 400, aq.after_id.empty() ? page.error() : "bad cursor");
    json items = json::array();
    std::string next;
    for (size_t i = 0; i < page->size() && i < limit; ++i) items.push_back(article_json((*page)[i], false));
    if (page->size() > limit) next = (*page)[limit - 1].id;
    send_json(res, page_of(items, next));
  });

  http.Get(R"(/api/v1/articles/([0-9A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    auto a = store().get_article(req.matches[1], false);
    if (!a.ok()) return json_error(res, 500, a.error());
    if (!*a) return json_error(res, 404, "no article " + std::string(req.matches[1]));
    json j = article_json(**a, true);
    auto m = store().membership((*a)->id);
    j["incident_id"] = m.ok() && *m ? json((*m)->incident_id) : json(nullptr);
    send_json(res, j);
  });

  // Exports: a STIX 2.1 bundle, a MISP event or a Navigator layer of an incident. An incident marked
  // TLP:AMBER+STRICT or TLP:RED is exported only to a token allowed to read it.
  http.Get(R"(/api/v1/incidents/([0-9A-Za-z]+)/(stix|misp|navigator))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    auto inc = store().get_incident(req.matches[1], false);
    if (!inc.ok()) return json_error(res, 500, inc.error());
    if (!*inc) return json_error(res, 404, "no incident " + std::string(req.matches[1]));
    auto tlp = incident_tlp(store(), (*inc)->id);
    if (!tlp.ok()) return json_error(res, 500, tlp.error());
    if (*tlp >= Tlp::AmberStrict) {
      auto t = token_of(req);
      if (!t || !t->restricted) {
        res.set_header("WWW-Authenticate", "Bearer");
        return json_error(res, t ? 403 : 401, "incident " + (*inc)->id + " is TLP:" + [&] {
          std::string n(tlp_name(*tlp));
          for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          return n;
        }() + ": a restricted token is required");
      }
    }
    auto format = parse_export_format(req.matches[2].str());
    auto out = export_incident(store(), ex, (*inc)->id, *format);
    if (!out.ok()) return json_error(res, 500, out.error());
    std::string type = *format == ExportFormat::Stix ? "application/stix+json;version=2.1" : "application/json";
    res.set_content(out->dump(-1, ' ', false, json::error_handler_t::replace), type);
  });
  http.Get(R"(/api/v1/actors/([^/]+)/navigator)", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    auto out = export_actor_layer(store(), ex, req.matches[1]);
    if (!out.ok()) return json_error(res, out.error().rfind("no actor", 0) == 0 ? 404 : 500, out.error());
    send_json(res, *out);
  });

  http.Get(R"(/api/v1/actors/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    std::string id = req.matches[1];
    const Actor* a = ex.kb().actor(id);
    if (!a) {
      auto found = ex.kb().find_actors(id);
      if (found.empty()) return json_error(res, 404, "no actor " + id);
      a = found.front();
    }
    json aliases = json::array();
    for (const auto& al : a->aliases) aliases.push_back({{"name", al.name}, {"ambiguous", al.ambiguous}});
    IncidentFilter f;
    f.actors.push_back(a->id);
    f.limit = 500;
    json incidents = json::array();
    if (auto list = store().find_incidents(f); list.ok())
      for (const auto& r : *list) incidents.push_back({{"id", r.id}, {"title", r.title}, {"last_seen", r.last_seen}});
    send_json(res, {{"id", a->id},
                    {"name", a->name},
                    {"attack_id", a->attack_id},
                    {"aliases", aliases},
                    {"country", a->country},
                    {"sponsor_state", a->sponsor_state},
                    {"attack_techniques", a->techniques},
                    {"incidents", incidents}});
  });

  // The values of a facet across dossiers (the actors, victims, sectors, countries, CVEs and
  // techniques pages), most incidents first.
  http.Get(R"(/api/v1/facets/([a-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    static const std::set<std::string> kinds{"actor", "victim", "sector", "country", "cve", "technique"};
    std::string kind = req.matches[1];
    if (!kinds.count(kind)) return json_error(res, 404, "no facet " + kind + " (actor, victim, sector, country, cve, technique)");
    size_t limit = 500;
    if (req.has_param("limit")) {
      long n = std::strtol(req.get_param_value("limit").c_str(), nullptr, 10);
      if (n < 1 || n > 5000) return json_error(res, 400, "limit must be a number from 1 to 5000");
      limit = static_cast<size_t>(n);
    }
    auto values = store().facet_values(kind, limit);
    if (!values.ok()) return json_error(res, 500, values.error());
    json items = json::array();
    for (const auto& [f, n] : *values) items.push_back({{"value", f.value}, {"label", f.label.empty() ? f.value : f.label}, {"incidents", n}});
    send_json(res, {{"kind", kind}, {"items", items}});
  });

  http.Get("/api/v1/search", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    std::string words = req.has_param("q") ? req.get_param_value("q") : "";
    if (trim(words).empty()) return json_error(res, 400, "q is required");
    auto hits = store().search(words, 50);
    if (!hits.ok()) return json_error(res, 400, hits.error());
    json items = json::array();
    for (const auto& h : *hits) {
      std::string snippet = h.snippet;
      for (auto& c : snippet)
        if (c == '\x02' || c == '\x03') c = '*';
      items.push_back({{"kind", h.kind}, {"id", h.id}, {"incident_id", h.incident_id.empty() ? json(nullptr) : json(h.incident_id)},
                       {"title", h.title}, {"snippet", snippet}});
    }
    send_json(res, page_of(items, ""));
  });

  // ---- Watchlists ----
  http.Get("/api/v1/watchlists", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    auto lists = store().list_watchlists();
    if (!lists.ok()) return json_error(res, 500, lists.error());
    json items = json::array();
    for (const auto& w : *lists)
      items.push_back({{"id", w.id}, {"name", w.name}, {"filter", json::parse(w.filter_json, nullptr, false)}, {"created_at", w.created_at}});
    send_json(res, page_of(items, ""));
  });
  http.Post("/api/v1/watchlists", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, true)) return;
    json b = body_of(req, res);
    if (b.is_discarded() || !b.is_object()) return;
    std::string name = string_field(b, "name");
    if (name.empty()) return json_error(res, 400, "name is required");
    json filter = json::object();
    if (b.contains("filter") && b["filter"].is_object())
      for (const auto& [k, v] : b["filter"].items())
        if (v.is_string() && (k == "actor" || k == "victim" || k == "country" || k == "sector" || k == "cve" || k == "technique" || k == "q"))
          filter[k] = v;
    auto w = store().put_watchlist(name, filter.dump());
    if (!w.ok()) return json_error(res, 500, w.error());
    send_json(res, {{"id", w->id}, {"name", w->name}, {"filter", filter}, {"created_at", w->created_at}}, 201);
  });
  http.Get(R"(/api/v1/watchlists/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    auto w = store().get_watchlist(req.matches[1]);
    if (!w.ok()) return json_error(res, 500, w.error());
    if (!*w) return json_error(res, 404, "no such watchlist");
    json filter = json::parse((*w)->filter_json, nullptr, false);
    IncidentFilter f = filter_from_json(filter);
    f.limit = 200;
    json items = json::array();
    if (auto list = store().find_incidents(f); list.ok()) {
      auto facets = facets_for(store(), *list);
      for (const auto& r : *list) items.push_back(incident_json(r, facets[r.id], ex.kb()));
    }
    send_json(res, {{"id", (*w)->id}, {"name", (*w)->name}, {"filter", filter}, {"created_at", (*w)->created_at}, {"incidents", items}});
  });
  http.Delete(R"(/api/v1/watchlists/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, true)) return;
    auto gone = store().remove_watchlist(req.matches[1]);
    if (!gone.ok()) return json_error(res, 500, gone.error());
    if (!*gone) return json_error(res, 404, "no such watchlist");
    res.status = 204;
  });

  // ---- Feeds ----
  auto feed_json = [](const Feed& f) {
    return json{{"id", f.id},
                {"url", f.url},
                {"title", f.title},
                {"items_seen", f.items_seen},
                {"last_success", f.last_success},
                {"last_error", f.last_error},
                {"consecutive_failures", f.consecutive_failures},
                {"next_due", f.next_due}};
  };
  http.Get("/api/v1/feeds", [this, feed_json](const httplib::Request& req, httplib::Response& res) {
    if (!may_read(req, res, true)) return;
    auto feeds = store().list_feeds();
    if (!feeds.ok()) return json_error(res, 500, feeds.error());
    json items = json::array();
    for (const auto& f : *feeds) items.push_back(feed_json(f));
    send_json(res, page_of(items, ""));
  });
  http.Post("/api/v1/feeds", [this, feed_json](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, true)) return;
    json b = body_of(req, res);
    if (b.is_discarded() || !b.is_object()) return;
    std::string url = string_field(b, "url");
    if (!starts_with_icase(url, "http://") && !starts_with_icase(url, "https://")) return json_error(res, 400, "url must be an http(s) URL");
    auto f = store().add_feed(url, string_field(b, "title"));
    if (!f.ok()) return json_error(res, 500, f.error());
    send_json(res, feed_json(*f), 201);
  });
  http.Post("/api/v1/feeds/import", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, true)) return;
    auto added = import_opml(req.body);
    if (!added.ok()) return json_error(res, 400, added.error());
    send_json(res, {{"imported", *added}});
  });
  http.Delete(R"(/api/v1/feeds/([0-9]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, true)) return;
    auto gone = store().remove_feed(req.matches[1]);
    if (!gone.ok()) return json_error(res, 500, gone.error());
    if (!*gone) return json_error(res, 404, "no such feed");
    res.status = 204;
  });

  // ---- Corrections ----
  http.Post("/api/v1/corrections", [this](const httplib::Request& req, httplib::Response& res) {
    if (!may_write(req, res, true)) return;
    json b = body_of(req, res);
    if (b.is_discarded() || !b.is_object()) return;
    std::string op = string_field(b, "op");
    Store& s = store();
    auto clusterer = Clusterer::open(s, &ex.kb());
    if (!clusterer.ok()) return json_error(res, 500, clusterer.error());
    auto profiles = stored_profiles(s, ex);
    std::vector<std::string> touched;
    Status st;
    if (op == "merge") {
      std::string into = string_field(b, "into"), from = string_field(b, "from");
      if (into.empty() || from.empty()) return json_error(res, 400, "merge needs into and from");
      st = (*clusterer)->merge(into, from, profiles);
      touched = {into};
    } else if (op == "split") {
      std::string from = string_field(b, "incident");
      std::vector<std::string> articles;
      if (b.contains("articles") && b["articles"].is_array())
        for (const auto& a : b["articles"])
          if (a.is_string()) articles.push_back(a.get<std::string>());
      if (from.empty() || articles.empty()) return json_error(res, 400, "split needs incident and articles");
      auto made = (*clusterer)->split(from, articles, profiles);
      if (!made.ok()) st = Error{made.error()};
      else touched = {from, *made};
    } else if (op == "move") {
      std::string article = string_field(b, "article"), to = string_field(b, "to");
      if (article.empty() || to.empty()) return json_error(res, 400, "move needs article and to");
      auto from = s.membership(article);
      st = (*clusterer)->move(article, to, profiles);
      touched = {to};
      if (from.ok() && *from) touched.push_back((*from)->incident_id);
    } else {
      return json_error(res, 400, "op must be merge, split or move");
    }
    if (!st.ok()) return json_error(res, st.error().find("no incident") != std::string::npos ? 404 : 400, st.error());
    json incidents = json::array();
    for (const auto& id : touched) {
      auto inc = s.get_incident(id, false);
      if (!inc.ok() || !*inc) continue;
      (void)generate_dossier(s, ex, (*inc)->id);
      incidents.push_back({{"id", (*inc)->id}, {"title", (*inc)->title}, {"articles", (*inc)->articles}, {"version", (*inc)->version}});
    }
    send_json(res, {{"op", op}, {"incidents", incidents}});
  });
}

// The OpenAPI 3.1 description of the API above; the endpoint tests check responses against it.
json openapi_document() {
  const json str = {{"type", "string"}}, integer = {{"type", "integer"}}, number = {{"type", "number"}}, boolean = {{"type", "boolean"}};
  const json nullable_str = {{"type", json::array({"string", "null"})}};
  const json strings = {{"type", "array"}, {"items", str}};
  auto ref = [](const std::string& name) { return json{{"$ref", "#/components/schemas/" + name}}; };
  auto obj = [](const std::vector<std::string>& required, const std::vector<std::pair<std::string, json>>& props) {
    json p = json::object();
    for (const auto& [k, v] : props) p[k] = v;
    json o = {{"type", "object"}, {"properties", p}};
    o["required"] = required;
    return o;
  };
  auto array_of = [](const json& item) { return json{{"type", "array"}, {"items", item}}; };
  auto page = [&](const std::string& item) { return obj({"items", "next"}, {{"items", array_of(ref(item))}, {"next", nullable_str}}); };
  auto ok = [](const json& schema, const char* description = "OK") {
    json content = json::object();
    content["application/json"]["schema"] = schema;
    return json{{"description", description}, {"content", content}};
  };
  const json error_response = ok(ref("Error"), "Error");
  auto qp = [&](const char* name, const char* description) {
    return json{{"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", str}};
  };
  auto pp = [&](const char* name) { return json{{"name", name}, {"in", "path"}, {"required", true}, {"schema", str}}; };
  auto body = [](const json& schema) {
    json content = json::object();
    content["application/json"]["schema"] = schema;
    return json{{"required", true}, {"content", content}};
  };

  json schemas = json::object();
  schemas["Error"] = obj({"error"}, {{"error", obj({"status", "message"}, {{"status", integer}, {"message", str}})}});
  schemas["Actor"] = obj({"id", "name"}, {{"id", str}, {"name", str}});
  schemas["IncidentSummary"] = obj({"id", "title", "first_seen", "last_seen", "articles", "sources", "outlets", "version", "actors", "victims",
                                    "countries", "sectors", "cves"},
                                   {{"id", str}, {"title", str}, {"first_seen", str}, {"last_seen", str}, {"updated_at", str},
                                    {"articles", integer}, {"sources", integer}, {"outlets", integer}, {"version", integer},
                                    {"actors", array_of(ref("Actor"))}, {"victims", strings}, {"countries", strings},
                                    {"sectors", strings}, {"cves", strings}});
  schemas["Member"] = obj({"article", "score", "pinned"}, {{"article", ref("ArticleSummary")}, {"score", number}, {"pinned", boolean}});
  schemas["Incident"] = {{"allOf", json::array({ref("IncidentSummary"),
                                                obj({"dossier", "members"}, {{"dossier", {{"type", "object"}, {"description", "The dossier: docs/dossier.schema.json"}}},
                                                                             {"members", array_of(ref("Member"))}})})}};
  schemas["ArticleSummary"] = obj({"id", "title", "outlet", "url", "published", "kind"},
                                  {{"id", str}, {"title", str}, {"outlet", str}, {"url", str}, {"published", str}, {"author", str},
                                   {"language", str}, {"kind", str}, {"duplicate_of", nullable_str}});
  schemas["Article"] = {{"allOf", json::array({ref("ArticleSummary"), obj({"text", "incident_id"}, {{"text", str}, {"incident_id", nullable_str}})})}};
  schemas["ActorPage"] = obj({"id", "name", "aliases", "incidents", "attack_techniques"},
                             {{"id", str}, {"name", str}, {"attack_id", str}, {"country", str}, {"sponsor_state", str},
                              {"aliases", array_of(obj({"name"}, {{"name", str}, {"ambiguous", boolean}}))},
                              {"attack_techniques", strings},
                              {"incidents", array_of(obj({"id", "title"}, {{"id", str}, {"title", str}, {"last_seen", str}}))}});
  schemas["FacetValue"] = obj({"value", "label", "incidents"}, {{"value", str}, {"label", str}, {"incidents", integer}});
  json kind = str;
  kind["enum"] = json::array({"article", "dossier"});
  schemas["SearchHit"] = obj({"kind", "id", "title", "snippet"}, {{"kind", kind}, {"id", str}, {"incident_id", nullable_str}, {"title", str}, {"snippet", str}});
  schemas["Watchlist"] = obj({"id", "name", "filter", "created_at"},
                             {{"id", str}, {"name", str}, {"filter", {{"type", "object"}}}, {"created_at", str}, {"incidents", array_of(ref("IncidentSummary"))}});
  schemas["Feed"] = obj({"id", "url", "title"}, {{"id", integer}, {"url", str}, {"title", str}, {"items_seen", integer}, {"last_success", str},
                                                  {"last_error", str}, {"consecutive_failures", integer}, {"next_due", str}});
  schemas["CorrectionResult"] = obj({"op", "incidents"}, {{"op", str}, {"incidents", array_of(obj({"id", "title", "articles", "version"},
                                                                                                  {{"id", str}, {"title", str}, {"articles", integer}, {"version", integer}}))}});

  json filters = json::array({qp("actor", "Actor by any name or alias"), qp("victim", "Victim organisation (part of its name)"),
                              qp("country", "Country name or ISO code"), qp("sector", "Sector (part of its name)"), qp("cve", "CVE id"),
                              qp("technique", "ATT&CK technique id"), qp("from", "Last seen on or after (YYYY-MM-DD)"),
                              qp("to", "First seen on or before (YYYY-MM-DD)"), qp("q", "Words in the dossier or its articles"),
                              qp("after", "Cursor: the next of the previous page"), qp("limit", "Page size, 1 to 500 (default 50)")});
  const json security = json::array({json{{"bearer", json::array()}}});
  auto get = [&](const char* summary, json parameters, json responses) {
    return json{{"summary", summary}, {"parameters", std::move(parameters)}, {"responses", std::move(responses)}};
  };
  auto write = [&](const char* summary, json parameters, json request, json responses) {
    responses["400"] = error_response;
    responses["401"] = error_response;
    responses["403"] = error_response;
    json op = {{"summary", summary}, {"security", security}, {"parameters", std::move(parameters)}, {"responses", std::move(responses)}};
    if (!request.is_null()) op["requestBody"] = std::move(request);
    return op;
  };
  json none = json::array();
  json paths = json::object();
  paths["/api/v1/incidents"]["get"] = get("Incidents, newest activity first, filtered", filters, {{"200", ok(page("IncidentSummary"))}, {"400", error_response}});
  paths["/api/v1/incidents/{id}"]["get"] = get("An incident with its dossier and members", json::array({pp("id")}), {{"200", ok(ref("Incident"))}, {"404", error_response}});
  paths["/api/v1/articles"]["get"] = get("Articles, newest first", json::array({qp("after", "Cursor"), qp("limit", "Page size, 1 to 500")}),
                                         {{"200", ok(page("ArticleSummary"))}, {"400", error_response}});
  paths["/api/v1/articles/{id}"]["get"] = get("An article with its text", json::array({pp("id")}), {{"200", ok(ref("Article"))}, {"404", error_response}});
  paths["/api/v1/actors/{id}"]["get"] = get("An actor by id or any name: aliases, incidents", json::array({pp("id")}), {{"200", ok(ref("ActorPage"))}, {"404", error_response}});
  json facet_kind = pp("kind");
  facet_kind["schema"]["enum"] = json::array({"actor", "victim", "sector", "country", "cve", "technique"});
  paths["/api/v1/facets/{kind}"]["get"] =
      get("Values of a facet across dossiers, most incidents first", json::array({facet_kind, qp("limit", "At most, 1 to 5000 (default 500)")}),
          {{"200", ok(obj({"kind", "items"}, {{"kind", str}, {"items", array_of(ref("FacetValue"))}}))}, {"400", error_response}, {"404", error_response}});
  json stix_content = json::object();
  stix_content["application/stix+json;version=2.1"]["schema"] = {{"type", "object"}, {"description", "A STIX 2.1 bundle"}};
  paths["/api/v1/incidents/{id}/stix"]["get"] =
      get("The incident as a STIX 2.1 bundle (TLP:AMBER+STRICT and TLP:RED need a restricted token)", json::array({pp("id")}),
          {{"200", {{"description", "OK"}, {"content", stix_content}}}, {"401", error_response}, {"403", error_response}, {"404", error_response}});
  paths["/api/v1/incidents/{id}/misp"]["get"] =
      get("The incident as a MISP event", json::array({pp("id")}),
          {{"200", ok(obj({"Event"}, {{"Event", {{"type", "object"}}}}))}, {"401", error_response}, {"403", error_response}, {"404", error_response}});
  paths["/api/v1/incidents/{id}/navigator"]["get"] =
      get("The incident's techniques as an ATT&CK Navigator layer", json::array({pp("id")}),
          {{"200", ok(obj({"name", "versions", "domain", "techniques"}, {{"name", str}, {"versions", {{"type", "object"}}}, {"domain", str},
                                                                           {"techniques", {{"type", "array"}}}}))},
           {"401", error_response}, {"403", error_response}, {"404", error_response}});
  paths["/api/v1/actors/{id}/navigator"]["get"] =
      get("An ATT&CK Navigator layer of the techniques in every incident of an actor", json::array({pp("id")}),
          {{"200", ok(obj({"name", "versions", "domain", "techniques"}, {{"name", str}, {"versions", {{"type", "object"}}}, {"domain", str},
                                                                           {"techniques", {{"type", "array"}}}}))},
           {"404", error_response}});
  paths["/api/v1/search"]["get"] = get("Full-text search over dossiers and articles", json::array({qp("q", "Words")}), {{"200", ok(page("SearchHit"))}, {"400", error_response}});
  paths["/api/v1/watchlists"]["get"] = get("Watchlists", none, {{"200", ok(page("Watchlist"))}});
  paths["/api/v1/watchlists"]["post"] = write("Save a filter as a watchlist", none, body(obj({"name"}, {{"name", str}, {"filter", {{"type", "object"}}}})),
                                              {{"201", ok(ref("Watchlist"))}});
  paths["/api/v1/watchlists/{id}"]["get"] = get("A watchlist and the incidents that match it", json::array({pp("id")}), {{"200", ok(ref("Watchlist"))}, {"404", error_response}});
  paths["/api/v1/watchlists/{id}"]["delete"] = write("Delete a watchlist", json::array({pp("id")}), nullptr, {{"204", {{"description", "Deleted"}}}, {"404", error_response}});
  paths["/api/v1/feeds"]["get"] = get("Registered feeds and their health", none, {{"200", ok(page("Feed"))}});
  paths["/api/v1/feeds"]["post"] = write("Register a feed", none, body(obj({"url"}, {{"url", str}, {"title", str}})), {{"201", ok(ref("Feed"))}});
  json opml_body = {{"required", true}};
  opml_body["content"]["text/x-opml"]["schema"] = str;
  paths["/api/v1/feeds/import"]["post"] = write("Register every feed an OPML list names", none, opml_body,
                                                {{"200", ok(obj({"imported"}, {{"imported", integer}}))}});
  paths["/api/v1/feeds/{id}"]["delete"] = write("Remove a feed", json::array({pp("id")}), nullptr, {{"204", {{"description", "Removed"}}}, {"404", error_response}});
  json op_enum = str;
  op_enum["enum"] = json::array({"merge", "split", "move"});
  paths["/api/v1/corrections"]["post"] =
      write("Merge, split or move, as the CLI does", none,
            body(obj({"op"}, {{"op", op_enum}, {"into", str}, {"from", str}, {"incident", str}, {"articles", strings}, {"article", str}, {"to", str}})),
            {{"200", ok(ref("CorrectionResult"))}, {"404", error_response}});

  json doc = {{"openapi", "3.1.0"},
              {"info", {{"title", "dossier API"}, {"version", "1"}, {"description", "Incidents, dossiers, articles, actors, search, watchlists, feeds and corrections."}}},
              {"servers", json::array({json{{"url", "/"}}})},
              {"paths", paths}};
  doc["components"]["schemas"] = schemas;
  doc["components"]["securitySchemes"]["bearer"] = {{"type", "http"}, {"scheme", "bearer"}};
  return doc;
}

}  // namespace dossier
