// The serve stage: a web UI analysts read in the browser and a REST API over one store.
//
// Contract: reads the store (incidents, their stored dossiers, articles, feeds, watchlists) and
// the KB; writes only analysts' corrections (merge, split, move), feeds, watchlists and the
// dossiers it regenerates when an incident changed since its last one. Pages are rendered on the
// server and read without JavaScript; everything that came from an article is escaped in one
// place (serve/html.h); a Content-Security-Policy forbids inline script and other origins. Every
// write needs a bearer token that allows writing (`dossier tokens create NAME --write`); reads need
// one only with `reads_need_token`. Each worker thread has its own store handle.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "dossier/extract/extract.h"
#include "dossier/util/result.h"

namespace dossier {

struct ServeOptions {
  std::string store_path;
  std::string bind = "127.0.0.1";
  int port = 8080;                // 0: any free port (tests)
  bool reads_need_token = false;  // reads open (the default) or only with a token
  bool refresh_dossiers = true;   // regenerate stale dossiers in the background at start
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(ServeOptions options, const Extractor& extractor);
  ~Server();
  // Binds; returns the port (useful with port 0).
  Result<int> bind();
  // Serves until stop() (from another thread or a signal handler's thread).
  Status run();
  void stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dossier
