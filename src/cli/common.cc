#include "cli/common.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "dossier/util/time.h"

namespace dossier::cli {

std::optional<ExtractionContext> extraction_context(const Globals& g, bool required) {
  if (g.no_extract && !required) return std::nullopt;
  auto report = [&](const std::string& why) {
    if (required) std::fprintf(stderr, "error: %s\n", why.c_str());
    else std::fprintf(stderr, "warning: %s; articles are stored without extraction\n", why.c_str());
  };
  auto kb = load_kb(g.kb);
  if (!kb.ok()) {
    report(kb.error());
    return std::nullopt;
  }
  ExtractionContext ctx;
  ctx.kb = std::move(kb).value();
  auto ex = Extractor::create(*ctx.kb);
  if (!ex.ok()) {
    report(ex.error());
    return std::nullopt;
  }
  ctx.extractor = std::move(ex).value();
  return ctx;
}

FetchOptions fetch_options(const Globals& g) {
  FetchOptions f;
  f.allow_private = g.allow_private;
  f.honour_robots = !g.no_robots;
  f.timeout_ms = static_cast<long>(g.timeout_s * 1000);
  f.connect_timeout_ms = std::min<long>(f.timeout_ms, 10'000);
  f.per_host_delay_s = g.delay_s;
  f.max_bytes = static_cast<size_t>(g.max_mib * 1024 * 1024);
  return f;
}

std::unique_ptr<Store> open_store(const Globals& g) {
  auto s = dossier::open_store(g.db.empty() ? default_store_path() : g.db);
  if (!s.ok()) {
    report_error(s.error());
    return nullptr;
  }
  return std::move(s).value();
}

PipelineOptions pipeline_options(const Globals& g, const ExtractionContext* ctx) {
  PipelineOptions o;
  o.fetch = fetch_options(g);
  o.threads = g.threads;
  o.extractor = ctx ? ctx->extractor.get() : nullptr;
  o.refresh_dossiers = g.dossiers && ctx;
  return o;
}

int report_error(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return kExitSomeFailed;
}

bool since_option(const std::string& value, std::string& iso) {
  if (value.empty()) return true;
  auto t = parse_datetime(value);
  if (!t) {
    std::fprintf(stderr, "error: --since: not a date: %s\n", value.c_str());
    return false;
  }
  iso = format_iso8601(*t);
  return true;
}

}  // namespace dossier::cli
