// Internal to the serve stage: the server's state and the handlers of its pages (pages.cc), its
// API (api.cc) and its static files (assets, generated at build time from web/).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "dossier/serve/server.h"
#include "dossier/store/store.h"

namespace dossier {

struct StaticFile {
  const char* path;  // under /static/
  const char* type;
  const unsigned char* data;
  size_t size;
};
// The files of web/ and the front-end packages, compiled in (assets.cc, generated).
extern const StaticFile kStaticFiles[];
extern const size_t kStaticFileCount;

struct Server::Impl {
  ServeOptions opt;
  const Extractor& ex;
  httplib::Server http;
  std::thread refresher;
  std::atomic<bool> stopping{false};
  int listen_fd = -1;  // the listening socket, whose backlog bind() raises

  Impl(ServeOptions o, const Extractor& e) : opt(std::move(o)), ex(e) {}

  // The store handle of the calling thread (opened on first use).
  Store& store();

  // Who is asking: the token of an Authorization: Bearer header or the session cookie.
  std::optional<ApiToken> token_of(const httplib::Request& req);
  // False (with a 401 or 403 answered) when the request may not proceed.
  bool may_read(const httplib::Request& req, httplib::Response& res, bool json);
  bool may_write(const httplib::Request& req, httplib::Response& res, bool json);

  // The incident's dossier JSON, regenerated when the incident changed since it was stored. Parsed
  // dossiers are kept in memory by incident and version (a large incident's is a megabyte).
  Result<std::shared_ptr<const nlohmann::json>> dossier_of(const std::string& incident_id);

  // Rendered answers kept by a key that changes whenever what they show does (the incident's id
  // and version): the incident page and the API's incident.
  std::shared_ptr<const std::string> cached(const std::string& key);
  void remember(const std::string& key, std::shared_ptr<const std::string> body);
  // Answers with a cached body: gzip-compressed once and kept beside it when the client accepts
  // gzip (the pre-routing hook marks such requests to these routes, so that the library does not
  // compress every answer again).
  void send_cached(const httplib::Request& req, httplib::Response& res, const std::string& key,
                   const std::shared_ptr<const std::string>& body, const char* type);

  std::mutex cache_mutex;
  std::unordered_map<std::string, std::pair<int64_t, std::shared_ptr<const nlohmann::json>>> dossiers;
  std::unordered_map<std::string, std::shared_ptr<const std::string>> rendered;
  // Answers that may lag the store by a few seconds (the chart over every matching incident).
  std::shared_ptr<const std::string> cached_for(const std::string& key, int seconds);
  void remember_timed(const std::string& key, std::shared_ptr<const std::string> body);
  std::unordered_map<std::string, std::pair<std::chrono::steady_clock::time_point, std::shared_ptr<const std::string>>> timed;
  // A filter from query parameters (actor by any alias, victim, country, sector, cve, technique,
  // from, to, q, after, limit).
  IncidentFilter filter_from(const httplib::Request& req, std::string* error);
  // Filters a watchlist stores, as JSON, and back.
  nlohmann::json filter_json(const httplib::Request& req);
  IncidentFilter filter_from_json(const nlohmann::json& j);

  // Registers every http(s) feed an OPML list names; returns how many it listed.
  Result<size_t> import_opml(const std::string& opml);

  void routes();
  void page_routes();
  void api_routes();
  void taxii_routes();
  void refresh_stale_dossiers();
};

// Answers with a JSON error {"error": {"status", "message"}}.
void json_error(httplib::Response& res, int status, const std::string& message);
// Answers with an HTML error page.
void html_error(httplib::Response& res, int status, const std::string& message);
void send_json(httplib::Response& res, const nlohmann::json& j, int status = 200);

// The cursor of an incident in the newest-first listing.
std::string cursor_of(const IncidentRecord& r);
// The names of an actor id in the KB ("" when unknown).
std::string actor_name(const KnowledgeBase& kb, const std::string& id);
// The facets of every incident of a listing, read in one query (none when the store fails).
std::unordered_map<std::string, std::vector<DossierFacet>> facets_for(Store& store, const std::vector<IncidentRecord>& list);

}  // namespace dossier
