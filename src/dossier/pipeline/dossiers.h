// The dossier of a stored incident: its member articles and their stored extractions read back
// (pipeline/stored.h: extracted again only when the extractor changed), synthesized
// (synthesize/dossier.h), compared with the version generated last, and stored when the incident
// has changed since.
#pragma once

#include <set>
#include <string>

#include "dossier/extract/extract.h"
#include "dossier/store/store.h"
#include "dossier/synthesize/dossier.h"
#include "dossier/util/result.h"

namespace dossier {

Result<Dossier> generate_dossier(Store& store, const Extractor& extractor, const std::string& incident_id);

// What a dossier says its incident is about (actors, victims, sectors, countries, CVEs,
// techniques), and the words it is found by in full-text search.
std::vector<DossierFacet> dossier_facets(const Dossier& d);
std::string dossier_search_text(const Dossier& d);

}  // namespace dossier
