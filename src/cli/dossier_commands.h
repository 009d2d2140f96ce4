// `dossier report | brief | keypoints INCIDENT` and `dossier summarize PATH...`: the dossier of an
// incident (synthesize/dossier.h) in Markdown, JSON or HTML.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "cli/common.h"
#include "dossier/synthesize/dossier.h"

namespace dossier::cli {

// The dossier of a stored incident, its articles extracted afresh. It is compared with the last
// version generated (stored), and stored in turn when the incident has changed since.
Result<Dossier> generate_dossier(Store& store, const ExtractionContext& ctx, const std::string& incident_id);

// Regenerates (and stores) the dossiers of the given incidents, so that each records what changed
// since the previous one. Prints a summary line unless quiet. False if any failed.
bool refresh_dossiers(Store& store, const ExtractionContext& ctx, const std::set<std::string>& incidents, bool quiet);

int cmd_dossier(const Globals& g, const std::string& incident, const std::string& format, DossierProduct product);
// Ingests the paths (files, directories, URLs) into a temporary store and prints the dossier of every
// incident found, most recent first.
int cmd_summarize(const Globals& g, const std::vector<std::string>& paths, const std::string& format);

}  // namespace dossier::cli
