#include "dossier/pipeline/jobs.h"

#include <unistd.h>

#include <filesystem>

#include "dossier/cluster/profile.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/pipeline/stored.h"

namespace dossier {

Result<ClusterRun> cluster_stored(Store& store, const Extractor& extractor, bool rebuild, bool explain, const PipelineEvents& events) {
  if (rebuild)
    if (auto st = store.clear_clustering(); !st.ok()) return Error{st.error()};
  auto clusterer = Clusterer::open(store, &extractor.kb());
  if (!clusterer.ok()) return Error{clusterer.error()};
  (*clusterer)->set_explain(explain);
  ClusterRun run;
  auto queued = queue_unclustered(store, extractor, **clusterer, events.on_error);
  if (!queued.ok()) return Error{queued.error()};
  run.failed = queued->failed;
  if (auto st = (*clusterer)->flush(); !st.ok()) return Error{"clustering: " + st.error()};
  run.decisions = (*clusterer)->take_decisions();
  if (rebuild)
    if (auto st = (*clusterer)->replay_corrections(stored_profiles(store, extractor)); !st.ok())
      return Error{"replaying corrections: " + st.error()};
  return run;
}

Result<Summary> summarize(const std::vector<std::string>& targets, PipelineOptions options, PipelineEvents events) {
  if (!options.extractor) return Error{"summarize needs an extractor"};
  char tmpl[] = "/tmp/dossier-summarize-XXXXXX";
  if (!mkdtemp(tmpl)) return Error{"cannot create a temporary directory"};
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{tmpl};
  auto store = open_store(cleanup.dir + "/store.db");
  if (!store.ok()) return Error{store.error()};
  options.cluster = true;
  options.refresh_dossiers = false;
  Summary out;
  {
    auto pipeline = Pipeline::open(**store, options, std::move(events));
    if (!pipeline.ok()) return Error{pipeline.error()};
    for (const auto& t : targets) (*pipeline)->ingest(t);
    (*pipeline)->finish();
    out.counts = (*pipeline)->counts();
  }
  auto incidents = (*store)->list_incidents({});
  if (!incidents.ok()) return Error{incidents.error()};
  for (const auto& i : *incidents) {
    auto d = generate_dossier(**store, *options.extractor, i.id);
    if (!d.ok()) return Error{"incident " + i.id + ": " + d.error()};
    out.dossiers.push_back(std::move(d).value());
  }
  if (out.dossiers.empty()) return Error{"no article could be read from the given paths"};
  return out;
}

}  // namespace dossier
