#include "dossier/ingest/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <mutex>
#include <thread>

#include "dossier/util/text.h"

namespace dossier {
namespace {

struct TransferState {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
  bool allow_private = false;
  std::string blocked_ip;
  std::string content_type, etag, last_modified;
};

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<TransferState*>(user);
  size_t len = size * n;
  if (st->body.size() + len > st->max_bytes) {
    st->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  st->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<TransferState*>(user);
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string key = ascii_lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (key == "etag") st->etag = value;
    else if (key == "last-modified") st->last_modified = value;
  } else if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a redirect): forget headers of the previous one.
    st->etag.clear();
    st->last_modified.clear();
  }
  return size * n;
}

curl_socket_t on_open_socket(void* user, curlsocktype purpose, struct curl_sockaddr* addr) {
  auto* st = static_cast<TransferState*>(user);
  char ip[INET6_ADDRSTRLEN] = {0};
  if (addr->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr->addr)->sin_addr, ip, sizeof ip);
  } else if (addr->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr->addr)->sin6_addr, ip, sizeof ip);
  } else {
    st->blocked_ip = "non-IP address family";
    return CURL_SOCKET_BAD;
  }
  if (!st->allow_private && is_private_address(ip)) {
    st->blocked_ip = ip;
    return CURL_SOCKET_BAD;
  }
  return socket(addr->family, addr->socktype, addr->protocol);
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string host_of(const std::string& url) {
  std::string origin = url_origin(url);
  size_t p = origin.find("://");
  return p == std::string::npos ? origin : origin.substr(p + 3);
}

std::string path_of(const std::string& url) {
  size_t p = url.find("://");
  if (p == std::string::npos) return "/";
  size_t slash = url.find('/', p + 3);
  if (slash == std::string::npos) return "/";
  std::string path = url.substr(slash);
  size_t frag = path.find('#');
  if (frag != std::string::npos) path.resize(frag);
  return path;
}

}  // namespace

bool is_private_address(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    uint32_t a = ntohl(v4.s_addr);
    auto in = [a](uint32_t net, int bits) { return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x64400000, 10) || in(0x7F000000, 8) ||
           in(0xA9FE0000, 16) || in(0xAC100000, 12) || in(0xC0000000, 24) || in(0xC0A80000, 16) ||
           in(0xC6120000, 15) || in(0xE0000000, 4) || in(0xF0000000, 4);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    const unsigned char* b = v6.s6_addr;
    static const unsigned char zero[16] = {0};
    if (std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
    if ((b[0] & 0xFE) == 0xFC) return true;                                        // fc00::/7 ULA
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;                        // fe80::/10
    if (b[0] == 0xFF) return true;                                                 // multicast
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(b, mapped, 12) == 0) {  // ::ffff:a.b.c.d
      char v4s[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, b + 12, v4s, sizeof v4s);
      return is_private_address(v4s);
    }
    return false;
  }
  return true;  // unparseable: refuse
}

std::string url_origin(const std::string& url) {
  std::string lower = ascii_lower(url);
  size_t p = lower.find("://");
  if (p == std::string::npos) return {};
  std::string scheme = lower.substr(0, p);
  if (scheme != "http" && scheme != "https") return {};
  size_t e = lower.find_first_of("/?#", p + 3);
  std::string authority = lower.substr(p + 3, e == std::string::npos ? std::string::npos : e - p - 3);
  size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  return scheme + "://" + authority;
}

Fetcher::Fetcher(FetchOptions options) : options_(std::move(options)) {
  global_init();
  curl_ = curl_easy_init();
}

Fetcher::~Fetcher() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

void Fetcher::wait_for_host(const std::string& host) {
  auto now = std::chrono::steady_clock::now();
  auto it = last_hit_.find(host);
  if (it != last_hit_.end() && options_.per_host_delay_s > 0) {
    auto due = it->second + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(options_.per_host_delay_s));
    if (due > now) std::this_thread::sleep_for(due - now);
  }
  last_hit_[host] = std::chrono::steady_clock::now();
}

bool Fetcher::robots_allow(const std::string& url) {
  std::string origin = url_origin(url);
  auto it = robots_.find(origin);
  if (it == robots_.end()) {
    FetchRequest rq;
    rq.url = origin + "/robots.txt";
    rq.is_page = false;
    auto r = transfer(rq);
    RobotsRules rules = RobotsRules::allow_all();
    if (r.ok() && r->status == 200) rules = RobotsRules::parse(r->body, "dossier");
    it = robots_.emplace(origin, std::move(rules)).first;
  }
  return it->second.allowed(path_of(url));
}

Result<FetchResponse> Fetcher::get(const FetchRequest& request) {
  if (!curl_) return Error{"libcurl could not be initialised"};
  if (url_origin(request.url).empty()) return Error{"only http and https URLs are fetched"};
  if (request.is_page && options_.honour_robots && !robots_allow(request.url))
    return Error{"disallowed by robots.txt"};
  return transfer(request);
}

Result<FetchResponse> Fetcher::transfer(const FetchRequest& request) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  wait_for_host(host_of(request.url));

  TransferState st;
  st.max_bytes = options_.max_bytes;
  st.allow_private = options_.allow_private;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  if (!request.etag.empty()) headers = curl_slist_append(headers, ("If-None-Match: " + request.etag).c_str());
  if (!request.last_modified.empty())
    headers = curl_slist_append(headers, ("If-Modified-Since: " + request.last_modified).c_str());
  headers = curl_slist_append(headers, "Accept: text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5");

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, options_.max_redirects);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_bytes));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &st);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 0L);

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);

  if (rc != CURLE_OK) {
    if (!st.blocked_ip.empty())
      return Error{"refused: " + host_of(request.url) + " resolves to private address " + st.blocked_ip +
                   " (use --allow-private)"};
    if (st.too_large || rc == CURLE_FILESIZE_EXCEEDED)
      return Error{"response larger than " + std::to_string(options_.max_bytes >> 20) + " MiB limit"};
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        return Error{"timed out after " + std::to_string(options_.timeout_ms / 1000.0).substr(0, 4) + " s"};
      case CURLE_TOO_MANY_REDIRECTS:
        return Error{"too many redirects (more than " + std::to_string(options_.max_redirects) + ")"};
      case CURLE_COULDNT_RESOLVE_HOST:
        return Error{"cannot resolve host " + host_of(request.url)};
      case CURLE_UNSUPPORTED_PROTOCOL:
        return Error{"redirected to a scheme other than http/https"};
      default: {
        std::string msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        return Error{collapse_whitespace(msg)};
      }
    }
  }
  FetchResponse resp;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  char* eff = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
  if (eff) resp.final_url = eff;
  char* ct = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct) resp.content_type = ct;
  resp.etag = st.etag;
  resp.last_modified = st.last_modified;
  if (resp.status == 304) {
    resp.not_modified = true;
    return resp;
  }
  if (resp.status >= 400) return Error{"HTTP " + std::to_string(resp.status)};
  resp.body = std::move(st.body);
  return resp;
}

}  // namespace dossier
