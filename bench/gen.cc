// bench/gen: writes a synthetic corpus with known incident labels (bench/corpus.h) to a directory:
// html/*.html pages, feeds/*.rss and *.atom, text/*.txt, and labels.tsv (article URL, a tab, its
// incident label), ready for `dossier ingest DIR` and `dossier eval clustering DIR/labels.tsv`.
//
//   build/bench/gen --size 10000 --out /tmp/corpus [--seed 1] [--rate 1000] [--max-coverage 40] [--kb PATH]
//
// Large sizes need not touch the disk: bench/run streams the same corpus into the pipeline.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "corpus.h"

int main(int argc, char** argv) {
  CLI::App app{"Writes a synthetic news corpus with incident labels"};
  dossier::bench::CorpusOptions o;
  std::string out, kb_path;
  app.add_option("--size", o.articles, "Number of articles")->default_val(1000);
  app.add_option("--seed", o.seed, "Random seed")->default_val(1);
  app.add_option("--rate", o.articles_per_day, "Articles published per day")->default_val(1000);
  app.add_option("--max-coverage", o.max_coverage, "Articles of the most covered incidents")->default_val(40);
  app.add_option("--out", out, "Output directory")->required();
  app.add_option("--kb", kb_path, "Knowledge base (default: the shipped one)");
  bool lean = false;
  app.add_flag("--no-boilerplate", lean, "Pages without the 20-150 KB of site boilerplate");
  CLI11_PARSE(app, argc, argv);
  o.html_boilerplate = !lean;
  auto kb = dossier::load_kb(kb_path);
  if (!kb.ok()) {
    std::fprintf(stderr, "error: %s\n", kb.error().c_str());
    return 1;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* sub : {"html", "feeds", "text"}) fs::create_directories(fs::path(out) / sub, ec);
  std::ofstream labels(fs::path(out) / "labels.tsv");
  labels << "# article URL\tincident label\n";
  dossier::bench::CorpusGenerator gen(**kb, o);
  dossier::bench::GeneratedDocument d;
  size_t docs = 0, bytes = 0;
  while (gen.next(d)) {
    std::ofstream f(fs::path(out) / d.name, std::ios::binary);
    f << d.bytes;
    for (const auto& it : d.items) labels << it.url << "\t" << it.label << "\n";
    ++docs;
    bytes += d.bytes.size();
  }
  std::fprintf(stderr, "%zu articles in %zu documents (%.1f MB) written to %s\n", gen.produced(), docs, bytes / 1e6, out.c_str());
  return 0;
}
