#include "cli/dossier_commands.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/incident_commands.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/pipeline/jobs.h"
#include "dossier/util/text.h"

namespace dossier::cli {
namespace {

using json = nlohmann::json;

bool valid_format(const std::string& f) { return f == "md" || f == "markdown" || f == "json" || f == "html"; }

json product_json(const Dossier& d, DossierProduct product) {
  json full = dossier_json(d);
  if (product == DossierProduct::Full || product == DossierProduct::Report) return full;
  json j = {{"incident", full["incident"]}, {"generated_at", full["generated_at"]}, {"sources", full["sources"]}};
  if (product == DossierProduct::KeyPoints) j["key_points"] = full["key_points"];
  else j["brief"] = full["brief"];
  return j;
}

void print(const std::vector<Dossier>& all, const std::string& format, DossierProduct product) {
  if (format == "json") {
    if (all.size() == 1) std::cout << product_json(all.front(), product).dump(2) << "\n";
    else {
      json arr = json::array();
      for (const auto& d : all) arr.push_back(product_json(d, product));
      std::cout << arr.dump(2) << "\n";
    }
  } else if (format == "html") {
    std::cout << render_html(all, product);
  } else {
    for (size_t i = 0; i < all.size(); ++i) std::cout << (i ? "\n---\n\n" : "") << render_markdown(all[i], product);
  }
}

}  // namespace

int cmd_dossier(const Globals& g, const std::string& incident, const std::string& format, DossierProduct product) {
  if (!valid_format(format)) {
    std::fprintf(stderr, "error: --format: expected md, json or html, not %s\n", format.c_str());
    return kExitUsage;
  }
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  auto d = generate_dossier(*store, *ctx->extractor, incident);
  if (!d.ok()) return report_error(d.error());
  print({*d}, format, product);
  return kExitOk;
}

int cmd_summarize(const Globals& g, const std::vector<std::string>& paths, const std::string& format, bool no_pages) {
  if (!valid_format(format)) {
    std::fprintf(stderr, "error: --format: expected md, json or html, not %s\n", format.c_str());
    return kExitUsage;
  }
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  PipelineOptions opts = pipeline_options(g, &*ctx);
  opts.fetch_linked_pages = !no_pages;
  PipelineEvents ev;
  ev.on_error = [](const std::string& item, const std::string& reason) {
    std::fprintf(stderr, "error: %s: %s\n", json_escape_for_log(item).c_str(), json_escape_for_log(reason).c_str());
  };
  auto summary = summarize(paths, opts, ev);
  if (!summary.ok()) return report_error(summary.error());
  print(summary->dossiers, format, DossierProduct::Full);
  return summary->counts.failed ? kExitSomeFailed : kExitOk;
}

}  // namespace dossier::cli
