// What later stages read back from the store: an article's extraction as ingest stored it, and the
// clustering profile built from it.
//
// An extraction is computed once per article and extractor version (extract/codec.h): when the
// stored one was made by another version (new rules, another KB) or cannot be decoded, the
// article is extracted again and the result replaces the stored one, so an improved extractor
// improves old articles the first time a stage reads them. Nothing else re-runs extraction.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "dossier/cluster/clusterer.h"
#include "dossier/extract/extract.h"
#include "dossier/model.h"
#include "dossier/store/store.h"
#include "dossier/util/result.h"

namespace dossier {

// The stored extraction when it is current, else a fresh one (stored when the store accepts writes).
Result<Extraction> stored_extraction(Store& store, const Extractor& extractor, const Article& article);

// Only reads: the stored extraction if it was made with this KB and the current rules; nullopt
// when there is none or it is stale.
Result<std::optional<Extraction>> read_stored_extraction(Store& store, const KnowledgeBase& kb, const Article& article);

// Stores an extraction made now.
Status store_extraction(Store& store, const KnowledgeBase& kb, const Extraction& extraction);

// Profiles of stored articles from their stored extractions (corrections, rebuilds).
ProfileSource stored_profiles(Store& store, const Extractor& extractor);

// Queues every stored article that is in no incident yet: one a run stored but did not cluster
// (killed before its clustering committed), or one stored without clustering. An article that
// cannot be read is reported through `on_error` and skipped. Returns how many were queued.
struct UnclusteredQueued {
  size_t queued = 0;
  size_t failed = 0;
};
Result<UnclusteredQueued> queue_unclustered(Store& store, const Extractor& extractor, Clusterer& clusterer,
                                            const std::function<void(const std::string&, const std::string&)>& on_error);

}  // namespace dossier
