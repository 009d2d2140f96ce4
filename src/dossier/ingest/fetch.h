// HTTP(S) fetching with libcurl, hardened for untrusted feeds.
//
// Only http and https (also across redirects); at most `max_redirects` redirects; connect and
// total time-outs; a maximum body size enforced on the decoded stream (so a gzip bomb stops at the
// limit); gzip/deflate/brotli as libcurl supports; conditional GET with ETag and Last-Modified (an
// unchanged feed costs one 304); a per-host politeness delay; a clear User-Agent; robots.txt
// honoured for page fetches. Connections to loopback, private, link-local, CGNAT, multicast and
// reserved addresses are refused at socket-open time, after DNS and on every redirect, unless
// `allow_private` is set: a feed cannot make the engine probe an internal network.
//
// Every failure is a Result error with a one-line reason ("HTTP 404", "timed out after 30 s",
// "refused: localhost resolves to private address 127.0.0.1 (use --allow-private)").
// A Fetcher is not thread-safe; use one per thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "dossier/ingest/robots.h"
#include "dossier/util/result.h"

namespace dossier {

struct FetchOptions {
  long connect_timeout_ms = 10'000;
  long timeout_ms = 30'000;
  size_t max_bytes = 20u << 20;  // 20 MiB of decoded body
  long max_redirects = 5;
  double per_host_delay_s = 1.0;
  bool allow_private = false;
  bool honour_robots = true;
  std::string user_agent = "dossier/0.1 (threat-intelligence news reader; robots.txt honoured)";
};

struct FetchRequest {
  std::string url;
  std::string etag;           // sent as If-None-Match
  std::string last_modified;  // sent as If-Modified-Since
  bool is_page = true;        // pages honour robots.txt; feeds the user registered are fetched as asked
};

struct FetchResponse {
  long status = 0;
  bool not_modified = false;  // 304
  std::string final_url;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string body;
};

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options = {});
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  Result<FetchResponse> get(const FetchRequest& request);
  const FetchOptions& options() const { return options_; }

 private:
  Result<FetchResponse> transfer(const FetchRequest& request);
  void wait_for_host(const std::string& host);
  bool robots_allow(const std::string& url);

  FetchOptions options_;
  void* curl_ = nullptr;
  std::map<std::string, std::chrono::steady_clock::time_point> last_hit_;
  std::map<std::string, RobotsRules> robots_;
};

// True for addresses a fetch must not reach by default (loopback, RFC 1918, link-local, CGNAT,
// multicast, unspecified, reserved, IPv6 ULA and mapped forms of those). `ip` is textual.
bool is_private_address(const std::string& ip);

// scheme://host[:port] of a URL, lower-cased; empty if it is not an absolute http(s) URL.
std::string url_origin(const std::string& url);

}  // namespace dossier
