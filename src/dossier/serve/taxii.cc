// TAXII 2.1, read-only, under /taxii2/: discovery, one API root, collections (every incident; one
// per watchlist), a collection, its objects and manifest (filtered with added_after and
// match[id|type|version|spec_version], paged with limit and next), an object and its versions.
//
// A collection's objects are those of the STIX bundles of its incidents (export/export.h), each
// once: an object shared by several incidents (an actor, a country) counts as added when the first
// of them was last changed. Objects are ordered by the time they were added, then by id; `next` is
// the position after the last object of the page, so a page boundary stays where it was while the
// store changes. Incidents marked TLP:AMBER+STRICT or TLP:RED are left out of every collection for
// a client without a restricted token.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "dossier/pipeline/exports.h"
#include "dossier/serve/server_impl.h"
#include "dossier/util/text.h"

namespace dossier {

using nlohmann::json;

namespace {

constexpr const char* kTaxiiType = "application/taxii+json;version=2.1";
constexpr const char* kStixType = "application/stix+json;version=2.1";
constexpr const char* kApiRoot = "/taxii2/dossier/";
constexpr size_t kDefaultLimit = 100, kMaxLimit = 1000;

void taxii_send(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), kTaxiiType);
}

void taxii_error(httplib::Response& res, int status, const std::string& title, const std::string& description) {
  taxii_send(res, {{"title", title}, {"description", description}, {"http_status", std::to_string(status)}}, status);
}

// The Accept header names TAXII 2.1 (or anything): otherwise 406.
bool acceptable(const httplib::Request& req, httplib::Response& res) {
  std::string accept = req.get_header_value("Accept");
  if (accept.empty()) return true;
  std::string a;
  for (char c : accept)
    if (c != ' ') a += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t p = 0; p <= a.size();) {
    size_t q = a.find(',', p);
    std::string part = a.substr(p, q == std::string::npos ? std::string::npos : q - p);
    if (part.rfind("*/*", 0) == 0 || part.rfind("application/*", 0) == 0) return true;
    if (part.rfind("application/taxii+json", 0) == 0 && (part.find("version=") == std::string::npos || part.find("version=2.1") != std::string::npos))
      return true;
    if (q == std::string::npos) break;
    p = q + 1;
  }
  taxii_error(res, 406, "Not acceptable", "this server answers with application/taxii+json;version=2.1");
  return false;
}

struct Entry {
  std::string added;  // date_added, STIX timestamp
  std::string id;
  std::string version;  // modified, else created, else date_added (observables)
  json object;
};

std::set<std::string> param_set(const httplib::Request& req, const char* name) {
  std::set<std::string> out;
  if (!req.has_param(name)) return out;
  std::string v = req.get_param_value(name);
  for (size_t p = 0; p <= v.size();) {
    size_t q = v.find(',', p);
    std::string part = trim(v.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (!part.empty()) out.insert(part);
    if (q == std::string::npos) break;
    p = q + 1;
  }
  return out;
}

}  // namespace

void Server::Impl::taxii_routes() {
  const std::string all_id = uuid5(kDossierNamespace, "taxii-collection:all");
  auto collection_json = [](const std::string& id, const std::string& title, const std::string& description) {
    return json{{"id", id},
                {"title", title},
                {"description", description},
                {"can_read", true},
                {"can_write", false},
                {"media_types", json::array({kStixType})}};
  };
  // The collections: every incident, and one per watchlist; id -> (resource, filter).
  auto collections = [this, all_id, collection_json]() {
    std::vector<std::pair<json, std::optional<IncidentFilter>>> out;
    out.emplace_back(collection_json(all_id, "All incidents", "Every incident dossier has, as STIX 2.1."), std::nullopt);
    if (auto ws = store().list_watchlists(); ws.ok())
      for (const auto& w : *ws) {
        json filter = json::parse(w.filter_json, nullptr, false);
        out.emplace_back(collection_json(uuid5(kDossierNamespace, "taxii-collection:watchlist:" + w.id), "Watchlist: " + w.name,
                                         "The incidents matching the watchlist " + w.name + ", as STIX 2.1."),
                         filter_from_json(filter.is_discarded() ? json::object() : filter));
      }
    return out;
  };
  auto find_collection = [collections](const std::string& id) -> std::optional<std::pair<json, std::optional<IncidentFilter>>> {
    for (auto& c : collections())
      if (c.first["id"] == id) return c;
    return std::nullopt;
  };
  // Every object of a collection's incidents, each once, ordered by when it was added.
  auto entries = [this](const std::optional<IncidentFilter>& filter, bool restricted) {
    IncidentFilter f = filter ? *filter : IncidentFilter{};
    f.after.clear();
    f.limit = 1000000;
    std::vector<Entry> out;
    auto list = store().find_incidents(f);
    if (!list.ok()) return out;
    std::sort(list->begin(), list->end(), [](const IncidentRecord& a, const IncidentRecord& b) {
      return a.updated_at != b.updated_at ? a.updated_at < b.updated_at : a.id < b.id;
    });
    std::set<std::pair<std::string, std::string>> seen;  // (id, version)
    for (const auto& r : *list) {
      auto tlp = incident_tlp(store(), r.id);
      if (!tlp.ok() || (*tlp >= Tlp::AmberStrict && !restricted)) continue;
      std::string key = "taxii:" + r.id + ":" + std::to_string(r.version) + ":" + r.updated_at + ":" + std::string(tlp_name(*tlp));
      auto body = cached(key);
      if (!body) {
        auto b = export_incident(store(), ex, r.id, ExportFormat::Stix);
        if (!b.ok()) continue;
        body = std::make_shared<const std::string>((*b)["objects"].dump());
        remember(key, body);
      }
      std::string added = stix_timestamp(r.updated_at);
      for (auto& o : json::parse(*body)) {
        std::string id = o["id"];
        std::string version = o.value("modified", o.value("created", added));
        if (!seen.insert({id, version}).second) continue;
        out.push_back(Entry{added, id, version, std::move(o)});
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.added != b.added ? a.added < b.added : a.id < b.id; });
    return out;
  };
  // The entries a request's filters select (added_after, match[...]) and the page it asks for.
  struct Page {
    std::vector<const Entry*> items;
    bool more = false;
    std::string next;
  };
  auto select = [](const httplib::Request& req, const std::vector<Entry>& all, Page& page, std::string& error) {
    std::string added_after = req.has_param("added_after") ? stix_timestamp(req.get_param_value("added_after")) : "";
    if (req.has_param("added_after") && added_after.empty()) {
      error = "added_after is not a timestamp";
      return;
    }
    auto ids = param_set(req, "match[id]"), types = param_set(req, "match[type]"), versions = param_set(req, "match[version]"),
         specs = param_set(req, "match[spec_version]");
    size_t limit = kDefaultLimit;
    if (req.has_param("limit")) {
      long n = std::strtol(req.get_param_value("limit").c_str(), nullptr, 10);
      if (n < 1) {
        error = "limit must be a positive number";
        return;
      }
      limit = std::min(static_cast<size_t>(n), kMaxLimit);
    }
    // next: "<date_added>|<id>" of the last object of the previous page.
    std::string after_added, after_id;
    if (req.has_param("next")) {
      std::string n = req.get_param_value("next");
      size_t bar = n.find('|');
      if (bar == std::string::npos || stix_timestamp(n.substr(0, bar)).empty()) {
        error = "bad next";
        return;
      }
      after_added = n.substr(0, bar);
      after_id = n.substr(bar + 1);
    }
    // Versions: each object has its current version only, so "last", "first" and "all" all
    // select it; a timestamp selects the objects whose version it is.
    std::set<std::string> stamps;
    for (const auto& v : versions)
      if (v != "last" && v != "first" && v != "all") stamps.insert(stix_timestamp(v));
    bool any_keyword = versions.empty() || versions.count("last") || versions.count("first") || versions.count("all");
    for (const auto& e : all) {
      if (!added_after.empty() && e.added <= added_after) continue;
      if (!after_added.empty() && (e.added < after_added || (e.added == after_added && e.id <= after_id))) continue;
      if (!ids.empty() && !ids.count(e.id)) continue;
      if (!types.empty() && !types.count(e.object.value("type", ""))) continue;
      if (!any_keyword && !stamps.count(e.version)) continue;
      if (!specs.empty() && !specs.count(e.object.value("spec_version", "2.1"))) continue;
      if (page.items.size() == limit) {
        page.more = true;
        page.next = page.items.back()->added + "|" + page.items.back()->id;
        return;
      }
      page.items.push_back(&e);
    }
  };
  auto date_headers = [](httplib::Response& res, const Page& page) {
    if (page.items.empty()) return;
    res.set_header("X-TAXII-Date-Added-First", page.items.front()->added);
    res.set_header("X-TAXII-Date-Added-Last", page.items.back()->added);
  };
  auto restricted = [this](const httplib::Request& req) {
    auto t = token_of(req);
    return t && t->restricted;
  };
  auto readable = [this](const httplib::Request& req, httplib::Response& res) {
    if (!acceptable(req, res)) return false;
    if (!opt.reads_need_token || token_of(req)) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    taxii_error(res, 401, "Unauthorized", "a token is required to read");
    return false;
  };

  http.Get("/taxii2/", [readable](const httplib::Request& req, httplib::Response& res) {
    if (!readable(req, res)) return;
    taxii_send(res, {{"title", "dossier"},
                     {"description", "Incident dossiers from security news as STIX 2.1, every statement cited to its sources."},
                     {"default", kApiRoot},
                     {"api_roots", json::array({kApiRoot})}});
  });
  http.Get(kApiRoot, [readable](const httplib::Request& req, httplib::Response& res) {
    if (!readable(req, res)) return;
    taxii_send(res, {{"title", "dossier incidents"},
                     {"description", "Read-only: every incident, and one collection per watchlist."},
                     {"versions", json::array({kTaxiiType})},
                     {"max_content_length", 1 << 20}});
  });
  http.Get(std::string(kApiRoot) + "collections/", [readable, collections](const httplib::Request& req, httplib::Response& res) {
    if (!readable(req, res)) return;
    json list = json::array();
    for (const auto& c : collections()) list.push_back(c.first);
    taxii_send(res, {{"collections", list}});
  });
  const std::string coll = std::string(kApiRoot) + "collections/([0-9a-f-]{36})/";
  http.Get(coll, [readable, find_collection](const httplib::Request& req, httplib::Response& res) {
    if (!readable(req, res)) return;
    auto c = find_collection(req.matches[1]);
    if (!c) return taxii_error(res, 404, "Not found", "no collection " + std::string(req.matches[1]));
    taxii_send(res, c->first);
  });
  // The four listings: a collection's objects or manifest, or one object's versions or entries.
  // `only` limits them to one object id; `item` is what each entry lists as; `key` names the list.
  auto listing = [=, this](const httplib::Request& req, httplib::Response& res, const std::string& only, const char* key,
                           const std::function<json(const Entry&)>& item) {
    if (!readable(req, res)) return;
    auto c = find_collection(req.matches[1]);
    if (!c) return taxii_error(res, 404, "Not found", "no collection " + std::string(req.matches[1]));
    auto all = entries(c->second, restricted(req));
    if (!only.empty()) {
      std::erase_if(all, [&](const Entry& e) { return e.id != only; });
      if (all.empty()) return taxii_error(res, 404, "Not found", "no object " + only + " in this collection");
    }
    Page page;
    std::string error;
    select(req, all, page, error);
    if (!error.empty()) return taxii_error(res, 400, "Bad request", error);
    json items = json::array();
    for (const Entry* e : page.items) items.push_back(item(*e));
    json env = {{"more", page.more}};
    if (page.more) env["next"] = page.next;
    if (!items.empty()) env[key] = items;
    date_headers(res, page);
    taxii_send(res, env);
  };
  auto object = [](const Entry& e) { return e.object; };
  http.Get(coll + "objects/", [=](const httplib::Request& req, httplib::Response& res) { listing(req, res, "", "objects", object); });
  http.Get(coll + "manifest/", [=](const httplib::Request& req, httplib::Response& res) {
    listing(req, res, "", "objects", [](const Entry& e) {
      return json{{"id", e.id}, {"date_added", e.added}, {"version", e.version}, {"media_type", kStixType}};
    });
  });
  http.Get(coll + "objects/([a-z0-9-]+--[0-9a-f-]{36})/", [=](const httplib::Request& req, httplib::Response& res) {
    listing(req, res, req.matches[2], "objects", object);
  });
  http.Get(coll + "objects/([a-z0-9-]+--[0-9a-f-]{36})/versions/", [=](const httplib::Request& req, httplib::Response& res) {
    listing(req, res, req.matches[2], "versions", [](const Entry& e) { return json(e.version); });
  });
  // Anything else under /taxii2/: a TAXII error.
  http.Get(R"(/taxii2/.*)", [](const httplib::Request&, httplib::Response& res) {
    taxii_error(res, 404, "Not found", "no such TAXII resource");
  });
}

}  // namespace dossier
