// Fetching the knowledge base's sources for `kb update`: the newest official ATT&CK Enterprise
// bundle, the MISP galaxies and the MISP warning lists, laid out as kb build expects them
// (kb/build.h). It lives beside the pipeline because it fetches: the KB itself includes no stage.
// Mirrors replace the official locations (tests and air-gapped sites).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dossier/ingest/fetch.h"
#include "dossier/util/result.h"

namespace dossier {

struct KbDownload {
  std::string attack_url;      // empty: DOSSIER_KB_ATTACK_URL, else the official bundle
  std::string misp_base;       // empty: DOSSIER_KB_MISP_BASE, else the official galaxy clusters
  std::string warninglists_base;  // empty: DOSSIER_KB_WARNINGLISTS_BASE, else the official lists
  bool allow_private = false;  // a mirror on the local network
};

// Downloads into `dir` (attack/, misp-galaxy/, misp-warninglists/). ATT&CK and the galaxies are
// required: an error names what could not be had (offline, say). A warning list that cannot be
// had is left out, with a line in `warnings`.
Status download_kb_sources(const std::filesystem::path& dir, const KbDownload& from, std::vector<std::string>* warnings);

}  // namespace dossier
