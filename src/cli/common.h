// What every command of the CLI shares: the global options, opening the store, and building the
// knowledge base and extractor once per process.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "dossier/extract/extract.h"
#include "dossier/ingest/fetch.h"
#include "dossier/pipeline/pipeline.h"
#include "dossier/kb/kb.h"
#include "dossier/store/store.h"

namespace dossier::cli {

constexpr int kExitOk = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;

struct Globals {
  std::string db;
  bool quiet = false;
  bool allow_private = false;
  bool no_robots = false;
  double timeout_s = 30;
  double delay_s = 1.0;
  double max_mib = 20;
  std::string kb;
  bool no_extract = false;
  bool dossiers = false;  // ingest, poll, watch: regenerate the dossiers of the incidents that changed
  size_t threads = 1;     // ingest workers
};

// The knowledge base and extractor for commands that extract, built once per process.
struct ExtractionContext {
  std::unique_ptr<KnowledgeBase> kb;
  std::unique_ptr<Extractor> extractor;
};

// Loads the KB and builds the extractor. With `required`, failure is an error (printed); otherwise a
// warning that articles are stored without extraction. Honours --no-extract unless `required`.
std::optional<ExtractionContext> extraction_context(const Globals& g, bool required = false);

FetchOptions fetch_options(const Globals& g);

// Opens the store named by --db (or the default); null after printing the reason.
std::unique_ptr<Store> open_store(const Globals& g);

// The pipeline's options as the global options set them (fetching, threads, extraction).
PipelineOptions pipeline_options(const Globals& g, const ExtractionContext* ctx);

// Prints a library error as the CLI's one line and returns kExitSomeFailed.
int report_error(const std::string& message);

// A --since value as ISO 8601 into `iso` (left empty when `value` is); false after printing why
// it is not a date.
bool since_option(const std::string& value, std::string& iso);

}  // namespace dossier::cli
