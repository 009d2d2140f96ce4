// Whole jobs built on the pipeline: clustering what a store holds unclustered (or all of it again),
// and summarizing documents into dossiers without a store of the user's.
#pragma once

#include <string>
#include <vector>

#include "dossier/pipeline/pipeline.h"
#include "dossier/synthesize/dossier.h"

namespace dossier {

struct ClusterRun {
  std::vector<ClusterDecision> decisions;  // in the order they were made
  size_t failed = 0;                       // articles that could not be read (each reported)
};

// Clusters the stored articles that are in no incident yet, from their stored extractions (an
// article stored without one is extracted now and its extraction stored). With `rebuild`, every
// incident is forgotten first and the analysts' corrections are replayed afterwards; with
// `explain`, each decision keeps its scored candidates. Per-article failures go to
// `events.on_error` and the run goes on; an error of the store or of clustering ends it.
Result<ClusterRun> cluster_stored(Store& store, const Extractor& extractor, bool rebuild, bool explain,
                                  const PipelineEvents& events = {});

// Ingests `targets` into a temporary store (removed afterwards), clusters them, and returns the
// dossier of every incident, most recently seen first. Per-item failures go to `events.on_error`;
// an error if no article could be read.
struct Summary {
  std::vector<Dossier> dossiers;
  PipelineCounts counts;
};
Result<Summary> summarize(const std::vector<std::string>& targets, PipelineOptions options, PipelineEvents events = {});

}  // namespace dossier
