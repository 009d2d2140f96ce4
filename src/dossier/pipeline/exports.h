// Exports of stored incidents (export/export.h): the incident's current dossier (the stored one,
// or a new one when the incident changed since), its TLP (the highest of the incident's own and
// its articles' feeds', clear by default), the SHA-256 of each cited article's original bytes, and
// the incident's first-stored and last-changed times.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dossier/export/export.h"
#include "dossier/extract/extract.h"
#include "dossier/store/store.h"
#include "dossier/util/result.h"

namespace dossier {

enum class ExportFormat { Stix, Misp, Navigator };
// "stix", "misp", "navigator"; nullopt otherwise.
std::optional<ExportFormat> parse_export_format(std::string_view s);

// The dossier JSON of a stored incident as it stands: stored, or generated (and stored) when
// missing or older than the incident.
Result<nlohmann::json> current_dossier_json(Store& store, const Extractor& extractor, const std::string& incident_id);

// The TLP an export of the incident carries.
Result<Tlp> incident_tlp(Store& store, const std::string& incident_id);

// One incident in a format (its id or an unambiguous prefix).
Result<nlohmann::json> export_incident(Store& store, const Extractor& extractor, const std::string& incident_id, ExportFormat format);

// A Navigator layer of the techniques in every incident of an actor (KB id or any name).
Result<nlohmann::json> export_actor_layer(Store& store, const Extractor& extractor, const std::string& actor);

}  // namespace dossier
