// `dossier kb ...`: build, update, inspect and correct the knowledge base.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

namespace dossier::cli {

struct KbCommand {
  CLI::App* kb = nullptr;
  // Set by the chosen subcommand's callback during parsing; shared so the callbacks outlive this struct's copies.
  std::shared_ptr<std::function<int()>> run = std::make_shared<std::function<int()>>();
};

// Registers the kb subcommands on `app`. `kb_path`, `allow_private` and `quiet` are the global
// options (they must outlive parsing and running).
KbCommand add_kb_commands(CLI::App& app, const std::string& kb_path, const bool& allow_private, const bool& quiet);

}  // namespace dossier::cli
