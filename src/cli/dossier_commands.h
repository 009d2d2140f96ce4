// `dossier report | brief | keypoints INCIDENT` and `dossier summarize PATH...`: the dossier of an
// incident (synthesize/dossier.h) in Markdown, JSON or HTML.
#pragma once

#include <string>
#include <vector>

#include "cli/common.h"
#include "dossier/synthesize/dossier.h"

namespace dossier::cli {

int cmd_dossier(const Globals& g, const std::string& incident, const std::string& format, DossierProduct product);
// Ingests the paths (files, directories, URLs) into a temporary store and prints the dossier of every
// incident found, most recent first.
int cmd_summarize(const Globals& g, const std::vector<std::string>& paths, const std::string& format, bool no_pages);

}  // namespace dossier::cli
