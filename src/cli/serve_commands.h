// dossier serve (the web UI and API) and dossier tokens (the API's bearer tokens).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/common.h"

namespace dossier::cli {

struct ServeArgs {
  std::string bind = "127.0.0.1";
  int port = 8080;
  bool reads_need_token = false;
  std::string name;
  bool write = false;
  bool restricted = false;
};

// Registers `serve` and `tokens create|list|revoke`; `on` installs the action of the command given.
void add_serve_commands(CLI::App& app, const Globals& g, ServeArgs& args,
                        const std::function<void(CLI::App*, std::function<int()>)>& on);

}  // namespace dossier::cli
