#include "cli/dossier_commands.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/incident_commands.h"
#include "dossier/ingest/ingest.h"
#include "dossier/synthesize/generate.h"
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

// One standalone page for several dossiers.
std::string html_page(const std::vector<Dossier>& all, DossierProduct product) {
  if (all.size() == 1) return render_html(all.front(), product);
  std::string head, bodies;
  for (const auto& d : all) {
    std::string page = render_html(d, product);
    size_t b = page.find("<body>\n"), e = page.rfind("</body>");
    if (head.empty()) head = page.substr(0, b + 7);
    bodies += page.substr(b + 7, e - b - 7) + "<hr>\n";
  }
  size_t t1 = head.find("<title>"), t2 = head.find("</title>");
  if (t1 != std::string::npos && t2 != std::string::npos) head.replace(t1 + 7, t2 - t1 - 7, std::to_string(all.size()) + " incidents");
  return head + bodies + "</body>\n</html>\n";
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
    std::cout << html_page(all, product);
  } else {
    for (size_t i = 0; i < all.size(); ++i) std::cout << (i ? "\n---\n\n" : "") << render_markdown(all[i], product);
  }
}

}  // namespace

Result<Dossier> generate_dossier(Store& store, const ExtractionContext& ctx, const std::string& incident_id) {
  return dossier::generate_dossier(store, *ctx.extractor, *ctx.kb, incident_id);
}

bool refresh_dossiers(Store& store, const ExtractionContext& ctx, const std::set<std::string>& incidents, bool quiet) {
  size_t changed = 0, failed = 0;
  for (const auto& id : incidents) {
    auto d = generate_dossier(store, ctx, id);
    if (!d.ok()) {
      std::fprintf(stderr, "error: dossier of incident %s: %s\n", id.c_str(), d.error().c_str());
      ++failed;
      continue;
    }
    if (!d->changes.since.empty()) ++changed;
  }
  if (!quiet)
    std::fprintf(stderr, "dossiers: %zu regenerated (%zu with changes since an earlier version)\n", incidents.size() - failed, changed);
  return failed == 0;
}

int cmd_dossier(const Globals& g, const std::string& incident, const std::string& format, DossierProduct product) {
  if (!valid_format(format)) {
    std::fprintf(stderr, "error: --format: expected md, json or html, not %s\n", format.c_str());
    return kExitUsage;
  }
  auto store = open_or_die(g);
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  auto d = generate_dossier(*store, *ctx, incident);
  if (!d.ok()) {
    std::fprintf(stderr, "error: %s\n", d.error().c_str());
    return kExitSomeFailed;
  }
  print({*d}, format, product);
  return kExitOk;
}

int cmd_summarize(const Globals& g, const std::vector<std::string>& paths, const std::string& format) {
  if (!valid_format(format)) {
    std::fprintf(stderr, "error: --format: expected md, json or html, not %s\n", format.c_str());
    return kExitUsage;
  }
  char tmpl[] = "/tmp/dossier-summarize-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::fprintf(stderr, "error: cannot create a temporary directory\n");
    return kExitSomeFailed;
  }
  std::string dir = tmpl;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};
  auto store = open_store(dir + "/store.db");
  if (!store.ok()) {
    std::fprintf(stderr, "error: %s\n", store.error().c_str());
    return kExitSomeFailed;
  }
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  auto clusterer = open_clusterer(**store, ctx->kb.get());
  if (!clusterer) return kExitSomeFailed;
  IngestOptions opts;
  opts.fetch = fetch_options(g);
  opts.max_file_bytes = opts.fetch.max_bytes;
  opts.extractor = ctx->extractor.get();
  opts.clusterer = clusterer.get();
  opts.threads = g.threads;
  IngestEvents ev;
  ev.on_error = [](const std::string& item, const std::string& reason) {
    std::fprintf(stderr, "error: %s: %s\n", json_escape_for_log(item).c_str(), json_escape_for_log(reason).c_str());
  };
  Ingestor ing(**store, opts, ev);
  for (const auto& p : paths) ing.ingest(p);
  ing.finish();
  if (auto st = clusterer->flush(); !st.ok()) {
    std::fprintf(stderr, "error: clustering: %s\n", st.error().c_str());
    return kExitSomeFailed;
  }
  auto incidents = (*store)->list_incidents({});
  if (!incidents.ok()) {
    std::fprintf(stderr, "error: %s\n", incidents.error().c_str());
    return kExitSomeFailed;
  }
  std::vector<Dossier> all;
  for (const auto& i : *incidents) {
    auto d = generate_dossier(**store, *ctx, i.id);
    if (!d.ok()) {
      std::fprintf(stderr, "error: incident %s: %s\n", i.id.c_str(), d.error().c_str());
      continue;
    }
    all.push_back(std::move(d).value());
  }
  if (all.empty()) {
    std::fprintf(stderr, "error: no article could be read from the given paths\n");
    return kExitSomeFailed;
  }
  print(all, format, DossierProduct::Full);
  return ing.counts().failed ? kExitSomeFailed : kExitOk;
}

}  // namespace dossier::cli
