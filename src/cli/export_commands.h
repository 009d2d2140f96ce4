// dossier export (STIX 2.1, MISP, ATT&CK Navigator) and the TLP of feeds and incidents.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "cli/common.h"

namespace dossier::cli {

struct ExportArgs {
  std::string incident, format = "stix", since, actor, tlp, target;
  bool all = false;
};

// Registers `export`, `incidents tlp` and `feeds tlp`; `on` installs the action of the command given.
void add_export_commands(CLI::App& app, const Globals& g, ExportArgs& args,
                         const std::function<void(CLI::App*, std::function<int()>)>& on);

}  // namespace dossier::cli
