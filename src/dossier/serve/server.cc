#include "dossier/serve/server.h"

#include <sys/socket.h>

#include <regex>
#include <set>

#include "dossier/ingest/feed.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/serve/html.h"
#include "dossier/serve/server_impl.h"
#include "dossier/store/sqlite_store.h"
#include "dossier/util/hash.h"
#include "dossier/util/text.h"

namespace dossier {

namespace {
// Marks a request whose answer send_cached may give gzip-compressed.
constexpr const char* kGzipMark = "X-Dossier-Gzip";
}  // namespace

using nlohmann::json;

void json_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, json{{"error", {{"status", status}, {"message", message}}}}, status);
}

void html_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(web::page("Error " + std::to_string(status), "<h1>" + std::to_string(status) + "</h1><p>" + web::h(message) + "</p>"),
                  "text/html; charset=utf-8");
}

void send_json(httplib::Response& res, const json& j, int status) {
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

std::string cursor_of(const IncidentRecord& r) { return r.last_seen + "|" + r.id; }

std::string actor_name(const KnowledgeBase& kb, const std::string& id) {
  const Actor* a = kb.actor(id);
  return a ? a->name : id;
}

std::unordered_map<std::string, std::vector<DossierFacet>> facets_for(Store& store, const std::vector<IncidentRecord>& list) {
  std::vector<std::string> ids;
  ids.reserve(list.size());
  for (const auto& r : list) ids.push_back(r.id);
  auto got = store.facets_of(ids);
  return got.ok() ? std::move(*got) : std::unordered_map<std::string, std::vector<DossierFacet>>{};
}

Store& Server::Impl::store() {
  thread_local std::unique_ptr<Store> handle;
  thread_local std::string path;
  if (!handle || path != opt.store_path) {
    auto s = open_store(opt.store_path);
    if (!s.ok()) throw std::runtime_error(s.error());
    handle = std::move(s).value();
    path = opt.store_path;
  }
  return *handle;
}

std::optional<ApiToken> Server::Impl::token_of(const httplib::Request& req) {
  std::string secret;
  std::string auth = req.get_header_value("Authorization");
  if (starts_with_icase(auth, "Bearer ")) secret = trim(auth.substr(7));
  if (secret.empty()) {
    std::string cookies = req.get_header_value("Cookie");
    for (size_t start = 0; start < cookies.size();) {
      size_t end = cookies.find(';', start);
      if (end == std::string::npos) end = cookies.size();
      std::string p = trim(cookies.substr(start, end - start));
      if (p.rfind("dossier_token=", 0) == 0) secret = p.substr(14);
      start = end + 1;
    }
  }
  if (secret.empty()) return std::nullopt;
  auto t = store().check_token(secret);
  if (!t.ok() || !*t) return std::nullopt;
  return **t;
}

bool Server::Impl::may_read(const httplib::Request& req, httplib::Response& res, bool as_json) {
  if (!opt.reads_need_token || token_of(req)) return true;
  res.set_header("WWW-Authenticate", "Bearer");
  as_json ? json_error(res, 401, "a token is required to read") : html_error(res, 401, "A token is required: see /login.");
  return false;
}

bool Server::Impl::may_write(const httplib::Request& req, httplib::Response& res, bool as_json) {
  // A form posted from another site never carries the session (SameSite=Strict), and a request
  // that names another origin is refused outright.
  std::string origin = req.get_header_value("Origin");
  if (!origin.empty() && origin != "null") {
    std::string host = req.get_header_value("Host");
    if (origin != "http://" + host && origin != "https://" + host) {
      as_json ? json_error(res, 403, "cross-origin write refused") : html_error(res, 403, "Cross-origin write refused.");
      return false;
    }
  }
  auto t = token_of(req);
  if (!t) {
    res.set_header("WWW-Authenticate", "Bearer");
    as_json ? json_error(res, 401, "a token that allows writing is required")
            : html_error(res, 401, "Writing needs a token that allows it: see /login.");
    return false;
  }
  if (!t->can_write) {
    as_json ? json_error(res, 403, "token " + t->name + " may only read") : html_error(res, 403, "This token may only read.");
    return false;
  }
  return true;
}

Result<std::shared_ptr<const json>> Server::Impl::dossier_of(const std::string& incident_id) {
  Store& s = store();
  auto inc = s.get_incident(incident_id, false);
  if (!inc.ok()) return Error{inc.error()};
  if (!*inc) return Error{"no incident " + incident_id};
  const std::string& id = (*inc)->id;
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = dossiers.find(id);
    if (it != dossiers.end() && it->second.first == (*inc)->version) return it->second.second;
  }
  std::shared_ptr<const json> d;
  auto stored = s.get_dossier(id);
  if (stored.ok() && *stored && (*stored)->incident_version >= (*inc)->version) {
    json j = json::parse((*stored)->json, nullptr, false);
    if (!j.is_discarded()) d = std::make_shared<const json>(std::move(j));
  }
  if (!d) {
    auto made = generate_dossier(s, ex, id);
    if (!made.ok()) return Error{made.error()};
    d = std::make_shared<const json>(dossier_json(*made));
  }
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (dossiers.size() >= 256) dossiers.clear();
  dossiers[id] = {(*inc)->version, d};
  return d;
}

std::shared_ptr<const std::string> Server::Impl::cached(const std::string& key) {
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = rendered.find(key);
  return it == rendered.end() ? nullptr : it->second;
}

std::shared_ptr<const std::string> Server::Impl::cached_for(const std::string& key, int seconds) {
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = timed.find(key);
  if (it == timed.end() || std::chrono::steady_clock::now() - it->second.first > std::chrono::seconds(seconds)) return nullptr;
  return it->second.second;
}

void Server::Impl::remember_timed(const std::string& key, std::shared_ptr<const std::string> body) {
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (timed.size() >= 256) timed.clear();
  timed[key] = {std::chrono::steady_clock::now(), std::move(body)};
}

void Server::Impl::send_cached(const httplib::Request& req, httplib::Response& res, const std::string& key,
                               const std::shared_ptr<const std::string>& body, const char* type) {
  res.set_header("Vary", "Accept-Encoding");
  if (!req.has_header(kGzipMark) || body->size() < 1024) return res.set_content(*body, type);
  auto gz = cached(key + ":gzip");
  if (!gz) {
    gz = std::make_shared<const std::string>(gzip_compress(*body));
    if (gz->empty()) return res.set_content(*body, type);
    remember(key + ":gzip", gz);
  }
  res.set_header("Content-Encoding", "gzip");
  res.set_content(*gz, type);
}

void Server::Impl::remember(const std::string& key, std::shared_ptr<const std::string> body) {
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (rendered.size() >= 512) rendered.clear();
  rendered[key] = std::move(body);
}

IncidentFilter Server::Impl::filter_from(const httplib::Request& req, std::string* error) {
  IncidentFilter f;
  auto param = [&](const char* name) { return req.has_param(name) ? trim(req.get_param_value(name)) : std::string(); };
  if (std::string actor = param("actor"); !actor.empty()) {
    if (ex.kb().actor(actor)) f.actors.push_back(actor);
    for (const Actor* a : ex.kb().find_actors(actor))
      if (std::find(f.actors.begin(), f.actors.end(), a->id) == f.actors.end()) f.actors.push_back(a->id);
    if (f.actors.empty()) f.actors.push_back(actor);  // matches nothing, and says so
  }
  f.victim = param("victim");
  f.country = param("country");
  if (!f.country.empty()) {
    // A code or a name: the dossier names countries.
    if (const Country* c = ex.kb().country(f.country)) f.country = c->name;
    else if (auto found = ex.kb().find_countries(f.country); !found.empty()) f.country = found.front()->name;
  }
  f.sector = param("sector");
  f.cve = param("cve");
  for (auto& c : f.cve) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  f.technique = param("technique");
  f.from = param("from");
  f.to = param("to");
  f.text = param("q");
  f.after = param("after");
  if (std::string limit = param("limit"); !limit.empty()) {
    char* end = nullptr;
    long n = std::strtol(limit.c_str(), &end, 10);
    if (*end || n < 1 || n > 500) {
      if (error) *error = "limit must be a number from 1 to 500";
    } else {
      f.limit = static_cast<size_t>(n);
    }
  }
  for (const std::string* d : {&f.from, &f.to})
    if (!d->empty() && (d->size() < 10 || (*d)[4] != '-' || (*d)[7] != '-') && error) *error = "dates are written YYYY-MM-DD";
  return f;
}

json Server::Impl::filter_json(const httplib::Request& req) {
  json j = json::object();
  for (const char* k : {"actor", "victim", "country", "sector", "cve", "technique", "q"})
    if (req.has_param(k) && !trim(req.get_param_value(k)).empty()) j[k] = trim(req.get_param_value(k));
  return j;
}

IncidentFilter Server::Impl::filter_from_json(const json& j) {
  httplib::Request fake;
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      if (v.is_string()) fake.params.emplace(k, v.get<std::string>());
  return filter_from(fake, nullptr);
}

Result<size_t> Server::Impl::import_opml(const std::string& opml) {
  auto parsed = parse_feed(opml, "");
  if (!parsed.ok()) return Error{"not an OPML list: " + parsed.error()};
  if (parsed->format != "opml") return Error{"not an OPML list (a " + parsed->format + " feed)"};
  size_t n = 0;
  for (const auto& url : parsed->feed_urls) {
    if (!starts_with_icase(url, "http://") && !starts_with_icase(url, "https://")) continue;
    auto f = store().add_feed(url, "");
    if (!f.ok()) return Error{f.error()};
    ++n;
  }
  return n;
}

void Server::Impl::refresh_stale_dossiers() {
  // Incidents whose dossier is missing or older than their last change get one, newest first,
  // so that filters and search know what each is about.
  try {
    Store& s = store();
    // In batches: a dossier that fails to generate stays stale, and is not asked for again.
    std::set<std::string> tried;
    while (!stopping) {
      auto ids = s.stale_dossiers(tried.size() + 64);
      if (!ids.ok()) return;
      size_t fresh = 0;
      for (const auto& id : *ids) {
        if (stopping) return;
        if (!tried.insert(id).second) continue;
        ++fresh;
        (void)generate_dossier(s, ex, id);
      }
      if (fresh == 0) return;
    }
  } catch (const std::exception&) {
  }
}

void Server::Impl::routes() {
  http.set_tcp_nodelay(true);
  // A worker per connection up to 64: a keep-alive connection holds its worker between requests.
  http.new_task_queue = [] { return new httplib::ThreadPool(64); };
  http.set_keep_alive_max_count(100000);
  // SO_REUSEADDR only (the library's default adds SO_REUSEPORT, with which a second server on the
  // same port would bind without an error), and the socket kept so that bind() can raise the
  // listen backlog past the library's compiled-in 5 (64 clients connecting at once would
  // otherwise wait a second for SYN retries).
  http.set_socket_options([this](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<void*>(&yes), sizeof(yes));
    listen_fd = sock;
  });
  http.set_payload_max_length(1 << 20);
  // Compression: gzip, never brotli. The library compresses every text answer for a client that
  // accepts it and prefers brotli at its slowest setting (60 ms for a 28 KB answer, where gzip
  // takes 1 ms), so "br" is taken out of Accept-Encoding before any handler runs. (The request is
  // the library's own non-const object, handed to this hook as const.)
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    // The incident page and the API's incident are kept compressed (send_cached): for them, gzip
    // is taken out of Accept-Encoding too, and the request marked. A mark a client sent is dropped.
    auto& headers = const_cast<httplib::Headers&>(req.headers);
    headers.erase(kGzipMark);
    static const std::regex kept(R"(^/(api/v1/)?incidents/[0-9A-Za-z]+$)");
    bool precompressed = std::regex_match(req.path, kept) && req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
    if (precompressed) headers.emplace(kGzipMark, "1");
    auto range = req.headers.equal_range("Accept-Encoding");
    for (auto it = range.first; it != range.second; ++it) {
      std::string kept;
      for (size_t p = 0; p <= it->second.size();) {
        size_t q = it->second.find(',', p);
        std::string part = trim(it->second.substr(p, q == std::string::npos ? std::string::npos : q - p));
        if (!part.empty() && part.rfind("br", 0) != 0 && !(precompressed && part.rfind("gzip", 0) == 0))
          kept += (kept.empty() ? "" : ", ") + part;
        if (q == std::string::npos) break;
        p = q + 1;
      }
      const_cast<std::string&>(it->second) = kept;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                   "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
  });
  http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    }
    if (req.path.rfind("/api/", 0) == 0) json_error(res, 500, what);
    else html_error(res, 500, what);
  });
  http.Get(R"(/static/([A-Za-z0-9._-]+))", [](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    for (size_t i = 0; i < kStaticFileCount; ++i)
      if (name == kStaticFiles[i].path) {
        res.set_header("Cache-Control", "public, max-age=3600");
        res.set_content(reinterpret_cast<const char*>(kStaticFiles[i].data), kStaticFiles[i].size,
                        std::string(kStaticFiles[i].type) + "; charset=utf-8");
        return;
      }
    res.status = 404;
    res.set_content("not found", "text/plain");
  });
  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  page_routes();
  api_routes();
  taxii_routes();
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (req.path.rfind("/api/", 0) == 0) json_error(res, res.status, res.status == 404 ? "no such resource" : "request failed");
    else html_error(res, res.status, res.status == 404 ? "No such page." : "The request failed.");
  });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
  if (impl_->refresher.joinable()) impl_->refresher.join();
}

Result<std::unique_ptr<Server>> Server::create(ServeOptions options, const Extractor& extractor) {
  // The store is opened (and migrated) once here, so that a bad path fails before binding.
  auto s = open_store(options.store_path);
  if (!s.ok()) return Error{s.error()};
  auto impl = std::make_unique<Impl>(std::move(options), extractor);
  impl->routes();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::bind() {
  Impl& m = *impl_;
  int port = m.opt.port;
  if (port == 0) {
    port = m.http.bind_to_any_port(m.opt.bind);
    if (port < 0) return Error{"cannot bind " + m.opt.bind};
  } else if (!m.http.bind_to_port(m.opt.bind, port)) {
    return Error{"cannot bind " + m.opt.bind + ":" + std::to_string(port) + " (in use, or not allowed)"};
  }
  if (m.listen_fd >= 0) ::listen(m.listen_fd, 1024);
  return port;
}

Status Server::run() {
  Impl& m = *impl_;
  if (m.opt.refresh_dossiers) m.refresher = std::thread([&m] { m.refresh_stale_dossiers(); });
  if (!m.http.listen_after_bind()) {
    if (m.stopping) return {};
    return Error{"the server stopped listening"};
  }
  return {};
}

void Server::stop() {
  impl_->stopping = true;
  impl_->http.stop();
}

}  // namespace dossier
