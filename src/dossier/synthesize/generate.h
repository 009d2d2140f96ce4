// The dossier of a stored incident: its member articles read from the store and extracted afresh
// (so that an improved extractor improves old dossiers), synthesized, compared with the version
// generated last, and stored when the incident has changed since.
#pragma once

#include <string>

#include "dossier/extract/extract.h"
#include "dossier/kb/kb.h"
#include "dossier/store/store.h"
#include "dossier/synthesize/dossier.h"
#include "dossier/util/result.h"

namespace dossier {

Result<Dossier> generate_dossier(Store& store, const Extractor& extractor, const KnowledgeBase& kb, const std::string& incident_id);

}  // namespace dossier
