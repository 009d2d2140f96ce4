// `dossier cluster`, `dossier incidents ...`, `dossier incident ID`, `dossier eval clustering`:
// grouping stored articles into incidents, listing them, and analysts' corrections.
#pragma once

#include <string>
#include <vector>

#include "cli/common.h"
#include "dossier/cluster/clusterer.h"

namespace dossier::cli {

int cmd_cluster(const Globals& g, bool rebuild, bool explain);
int cmd_incidents(const Globals& g, bool as_json, const std::string& actor, const std::string& since, size_t limit);
int cmd_incident(const Globals& g, const std::string& id, bool as_json);
int cmd_incidents_merge(const Globals& g, const std::string& a, const std::string& b);
int cmd_incidents_split(const Globals& g, const std::string& incident, const std::vector<std::string>& articles);
int cmd_incidents_move(const Globals& g, const std::string& article, const std::string& to);
int cmd_eval_clustering(const Globals& g, const std::string& labels_path, bool as_json, bool verbose);

}  // namespace dossier::cli
