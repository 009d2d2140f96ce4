// dossier: cybersecurity news in, cited incident dossiers out. This file is the command line only;
// every behaviour lives in the library (src/dossier).
#include <CLI/CLI.hpp>

#include <atomic>
#include <functional>
#include <tuple>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <fstream>
#include <iterator>
#include <thread>

#include "cli/common.h"
#include "cli/dossier_commands.h"
#include "cli/incident_commands.h"
#include "cli/kb_commands.h"
#include "cli/output.h"
#include "cli/export_commands.h"
#include "cli/serve_commands.h"
#include "dossier/extract/extract.h"
#include "dossier/ingest/document.h"
#include "dossier/ingest/html.h"
#include "dossier/kb/kb.h"
#include "dossier/ingest/source.h"
#include "dossier/pipeline/eval_extraction.h"
#include "dossier/pipeline/jsonl.h"
#include "dossier/pipeline/stored.h"
#include "dossier/store/store.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace {

using namespace dossier;
using namespace dossier::cli;
using json = nlohmann::json;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

std::string counts_line(const PipelineCounts& c) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "stored %zu (near-duplicates %zu), already stored %zu, failed %zu, warnings %zu",
                c.stored, c.duplicates, c.already_stored, c.failed, c.warnings);
  return buf;
}

// Errors and warnings as one line each; the progress line follows the counts.
PipelineEvents make_events(cli::Progress& progress, const Pipeline* const* pipeline, bool quiet) {
  PipelineEvents ev;
  ev.on_error = [&progress](const std::string& item, const std::string& reason) {
    progress.message("error: " + json_escape_for_log(item) + ": " + json_escape_for_log(reason));
  };
  ev.on_warning = [&progress, quiet](const std::string& item, const std::string& note) {
    if (!quiet) progress.message("warning: " + json_escape_for_log(item) + ": " + json_escape_for_log(note));
  };
  ev.on_article = [&progress, pipeline](const Article&, ItemOutcome) {
    if (*pipeline) {
      const PipelineCounts& c = (*pipeline)->counts();
      progress.update(counts_line(c), c.stored + c.already_stored + c.failed);
    }
  };
  return ev;
}

// The closing lines of a run.
void print_run_summary(const Globals& g, Store& store, const PipelineCounts& c) {
  if (g.quiet) return;
  auto total = store.count_articles();
  if (c.feeds_polled)
    std::fprintf(stderr, "polled %zu feed%s (%zu not modified); ", c.feeds_polled, c.feeds_polled == 1 ? "" : "s",
                 c.feeds_not_modified);
  std::fprintf(stderr, "%s; %zu articles in the store\n", counts_line(c).c_str(), total.ok() ? *total : 0);
  if (c.clustered) {
    auto all = store.list_incidents({});
    size_t joined = c.clustered - c.incidents_created;
    std::fprintf(stderr, "clustered %zu article%s: %zu new incident%s, %zu joined existing ones; %zu incidents in the store\n",
                 c.clustered, c.clustered == 1 ? "" : "s", c.incidents_created, c.incidents_created == 1 ? "" : "s", joined,
                 all.ok() ? all->size() : 0);
  }
  if (g.dossiers)
    std::fprintf(stderr, "dossiers: %zu regenerated (%zu with changes since an earlier version)\n", c.dossiers_written,
                 c.dossiers_changed);
}

// Runs the pipeline over a store: `drive` feeds it (targets, feeds), then the run is finished
// (clustering, dossiers) and summarised.
template <typename Drive>
int run_pipeline(const Globals& g, Store& store, const ExtractionContext* ctx, bool no_pages, Drive&& drive) {
  cli::Progress progress(!g.quiet);
  const Pipeline* current = nullptr;
  PipelineOptions opts = pipeline_options(g, ctx);
  opts.fetch_linked_pages = !no_pages;
  auto pipeline = Pipeline::open(store, opts, make_events(progress, &current, g.quiet));
  if (!pipeline.ok()) return report_error(pipeline.error());
  current = pipeline->get();
  drive(**pipeline);
  (*pipeline)->drain();
  progress.finish();
  (*pipeline)->finish();
  print_run_summary(g, store, (*pipeline)->counts());
  return (*pipeline)->counts().failed ? kExitSomeFailed : kExitOk;
}

int cmd_ingest(const Globals& g, const std::vector<std::string>& targets, bool no_pages) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto ctx = extraction_context(g);
  return run_pipeline(g, *store, ctx ? &*ctx : nullptr, no_pages, [&](Pipeline& p) {
    for (const auto& t : targets) {
      if (g_stop) break;
      p.ingest(t);
    }
  });
}

// Reads one document (file, URL or "-") as articles, for `parse` and `extract`; false after
// printing the error.
bool read_document_articles(const Globals& g, const std::string& target, std::vector<Article>& articles, bool& is_feed);

// Reads one line of at most `max` bytes (the rest of a longer line is read and dropped); false at
// the end of input.
bool read_bounded_line(std::istream& in, std::string& line, size_t max, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* sb = in.rdbuf();
  bool any = false;
  for (int c = sb->sbumpc(); c != std::char_traits<char>::eof(); c = sb->sbumpc()) {
    any = true;
    if (c == '\n') return true;
    if (line.size() < max) line.push_back(static_cast<char>(c));
    else too_long = true;
  }
  return any;
}

// One JSON object per input line, one result per output line (pipeline/jsonl.h).
int cmd_extract_jsonl(const Extractor& ex, size_t max_bytes) {
  std::string line;
  int rc = kExitOk;
  size_t n = 0;
  bool too_long = false;
  while (read_bounded_line(std::cin, line, max_bytes, too_long)) {
    ++n;
    if (too_long) {
      std::fprintf(stderr, "error: line %zu: longer than the %zu-byte limit (--max-size)\n", n, max_bytes);
      std::cout << json{{"id", nullptr}, {"error", "line too long"}}.dump() << "\n";
      rc = kExitSomeFailed;
      continue;
    }
    JsonlAnswer answer = extract_jsonl_line(ex, line, n);
    if (!answer.error.empty()) {
      std::fprintf(stderr, "error: %s\n", answer.error.c_str());
      rc = kExitSomeFailed;
    }
    if (!answer.out.is_null()) std::cout << answer.out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  return rc;
}

int cmd_extract(const Globals& g, const std::string& target, bool as_json, bool jsonl) {
  std::vector<Article> articles;
  bool is_feed = false;
  if (!jsonl && !read_document_articles(g, target, articles, is_feed)) return kExitSomeFailed;
  auto kb = load_kb(g.kb);
  if (!kb.ok()) return report_error(kb.error());
  auto ex = Extractor::create(**kb);
  if (!ex.ok()) return report_error(ex.error());
  if (jsonl) return cmd_extract_jsonl(**ex, fetch_options(g).max_bytes);
  json all = json::array();
  for (const auto& a : articles) all.push_back(extraction_json((*ex)->extract(a), a, **kb));
  if (as_json) {
    std::cout << (is_feed ? all : all[0]).dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& x : all) {
    std::printf("kind: %s%s\n", x["kind"]["kind"].get<std::string>().c_str(),
                x["kind"]["cue"].get<std::string>().empty() ? "" : (" (" + x["kind"]["cue"].get<std::string>() + ")").c_str());
    for (const auto& key : {"responsible", "victims"}) {
      if (x[key].empty()) continue;
      std::printf("%s:", key);
      for (const auto& item : x[key]) std::printf(" %s;", item.value("name", std::string()).c_str());
      std::printf("\n");
    }
    if (!x["sponsor_states"].empty()) {
      std::printf("sponsor_states:");
      for (const auto& c : x["sponsor_states"]) std::printf(" %s;", c.get<std::string>().c_str());
      std::printf("\n");
    }
    for (const char* key : {"actors", "software", "countries", "organizations", "sectors", "vulnerabilities", "techniques"}) {
      if (x[key].empty()) continue;
      std::printf("%s:", key);
      for (const auto& item : x[key]) std::printf(" %s;", item.value("name", item.value("id", std::string())).c_str());
      std::printf("\n");
    }
    if (!x["indicators"].empty()) {
      std::printf("indicators:\n");
      for (const auto& i : x["indicators"])
        std::printf("  %-8s %-50s %s%s\n", i["type"].get<std::string>().c_str(), i["defanged"].get<std::string>().c_str(),
                    i["role"].get<std::string>().c_str(), i["malicious"].get<bool>() ? " (malicious)" : "");
    }
  }
  return kExitOk;
}

bool read_document_articles(const Globals& g, const std::string& target, std::vector<Article>& articles, bool& is_feed) {
  auto doc = read_document(target, fetch_options(g));
  if (!doc.ok()) {
    report_error((target == "-" ? std::string("<stdin>") : target) + ": " + doc.error());
    return false;
  }
  auto parsed = document_articles(doc->bytes, doc->info);
  if (!parsed.ok()) {
    report_error(doc->info.source + ": " + parsed.error());
    return false;
  }
  is_feed = parsed->is_feed;
  articles = std::move(parsed->articles);
  return true;
}

// Precision and recall of technique recognition on labelled sentences (JSON lines {"text", "techniques"}).
int cmd_eval_techniques(const Globals& g, const std::string& path, bool as_json) {
  std::vector<std::string> bad;
  auto examples = read_labelled_texts(path, &bad);
  if (!examples.ok()) return report_error(examples.error());
  for (const auto& e : bad) report_error(e);
  auto kb = load_kb(g.kb);
  if (!kb.ok()) return report_error(kb.error());
  // Labels from an older ATT&CK: a revoked id stands for its replacement.
  for (auto& e : *examples)
    for (auto& t : e.techniques)
      if (const Technique* known = (*kb)->technique(t)) t = known->id;
  TechniqueEval ev = evaluate_techniques((*kb)->technique_model, *examples);
  std::sort(ev.per_technique.begin(), ev.per_technique.end(), [](const auto& a, const auto& b) {
    return a.tp + a.fn > b.tp + b.fn || (a.tp + a.fn == b.tp + b.fn && a.id < b.id);
  });
  // Per tactic: the counts of its techniques (a technique of two tactics counts for both), so that a
  // reader can keep the tactics whose recognition it trusts.
  std::map<std::string, TechniqueEval::PerTechnique> per_tactic;
  for (const auto& t : ev.per_technique)
    if (const Technique* tech = (*kb)->technique(t.id))
      for (const auto& tactic : tech->tactics) {
        auto& p = per_tactic[tactic];
        p.id = tactic;
        p.tp += t.tp, p.fp += t.fp, p.fn += t.fn;
      }
  if (as_json) {
    json per = json::array(), tactics = json::array();
    for (const auto& t : ev.per_technique) {
      per.push_back({{"id", t.id}, {"tp", t.tp}, {"fp", t.fp}, {"fn", t.fn}, {"precision", t.precision()}, {"recall", t.recall()}});
    }
    for (const auto& [name, t] : per_tactic)
      tactics.push_back({{"tactic", name}, {"name", (*kb)->tactic(name) ? (*kb)->tactic(name)->name : std::string()}, {"tp", t.tp}, {"fp", t.fp}, {"fn", t.fn}, {"precision", t.precision()}, {"recall", t.recall()}});
    std::cout << json{{"examples", ev.examples}, {"precision", ev.precision}, {"recall", ev.recall}, {"f1", ev.f1},
                      {"threshold", (*kb)->technique_model.threshold}, {"per_technique", per}, {"per_tactic", tactics}}.dump(2) << "\n";
  } else {
    std::printf("%-8s %5s %5s %5s  %9s %6s  %s\n", "TACTIC", "TP", "FP", "FN", "PRECISION", "RECALL", "NAME");
    for (const auto& [id, t] : per_tactic) {
      const Tactic* tactic = (*kb)->tactic(id);
      std::printf("%-8s %5zu %5zu %5zu  %9.2f %6.2f  %s\n", id.c_str(), t.tp, t.fp, t.fn, t.precision(), t.recall(),
                  tactic ? tactic->name.c_str() : "");
    }
    std::printf("\n");
    std::printf("%-12s %5s %5s %5s  %9s %6s  %s\n", "TECHNIQUE", "TP", "FP", "FN", "PRECISION", "RECALL", "NAME");
    for (const auto& t : ev.per_technique) {
      const Technique* tech = (*kb)->technique(t.id);
      std::printf("%-12s %5zu %5zu %5zu  %9.2f %6.2f  %s\n", t.id.c_str(), t.tp, t.fp, t.fn, t.precision(), t.recall(),
                  tech ? tech->name.c_str() : "");
    }
    std::printf("%zu examples: precision %.3f, recall %.3f, F1 %.3f (micro-averaged; threshold %.3f)\n", ev.examples,
                ev.precision, ev.recall, ev.f1, (*kb)->technique_model.threshold);
  }
  return bad.empty() ? kExitOk : kExitSomeFailed;
}

// Per-field precision and recall of extraction against a labelled set (the devset's gold schema).
int cmd_eval_extraction(const Globals& g, const std::string& gold, const std::string& casie, bool as_json, bool verbose) {
  if (gold.empty() == casie.empty()) return report_error("eval extraction: give a gold file or --casie DIR (one of them)");
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  auto ev = casie.empty() ? evaluate_extraction(gold, *ctx->extractor) : evaluate_casie(casie, *ctx->extractor);
  if (!ev.ok()) return report_error(ev.error());
  for (const auto& u : ev->unreadable) report_error(u);
  if (as_json) {
    auto scores = [](const std::map<std::string, FieldScore>& fields) {
      json j = json::object();
      for (const auto& [name, s] : fields)
        j[name] = {{"tp", s.tp}, {"fp", s.fp}, {"fn", s.fn}, {"precision", s.precision()}, {"recall", s.recall()}, {"f1", s.f1()}};
      return j;
    };
    json by_lang = json::object();
    for (const auto& [lang, fields] : ev->countries_by_language) by_lang[lang] = scores(fields);
    json errors = json::array();
    for (const auto& e : ev->errors) errors.push_back({{"article", e.key}, {"file", e.file}, {"missed", e.missed}, {"false_positives", e.spurious}});
    json out = {{"articles", ev->articles}, {"fields", scores(ev->fields)}, {"by_language", by_lang}};
    if (verbose) out["errors"] = errors;
    std::cout << out.dump(2) << "\n";
    return ev->unreadable.empty() ? kExitOk : kExitSomeFailed;
  }
  std::printf("%zu articles\n%-20s %5s %5s %5s  %9s %6s %6s\n", ev->articles, "FIELD", "TP", "FP", "FN", "PRECISION", "RECALL", "F1");
  for (const auto& [name, s] : ev->fields)
    std::printf("%-20s %5zu %5zu %5zu  %9.3f %6.3f %6.3f\n", name.c_str(), s.tp, s.fp, s.fn, s.precision(), s.recall(), s.f1());
  for (const auto& [lang, fields] : ev->countries_by_language)
    for (const auto& [name, s] : fields)
      std::printf("%-20s %5zu %5zu %5zu  %9.3f %6.3f %6.3f\n", (name + " (" + lang + ")").c_str(), s.tp, s.fp, s.fn, s.precision(),
                  s.recall(), s.f1());
  if (verbose)
    for (const auto& e : ev->errors) {
      std::printf("\n%s %s\n", e.key.c_str(), e.file.c_str());
      for (const auto& [field, values] : e.missed)
        for (const auto& v : values) std::printf("  missed   %-18s %s\n", field.c_str(), v.c_str());
      for (const auto& [field, values] : e.spurious)
        for (const auto& v : values) std::printf("  spurious %-18s %s\n", field.c_str(), v.c_str());
    }
  return ev->unreadable.empty() ? kExitOk : kExitSomeFailed;
}

int cmd_parse(const Globals& g, const std::string& target, bool as_json) {
  std::vector<Article> articles;
  bool is_feed = false;
  if (!read_document_articles(g, target, articles, is_feed)) return kExitSomeFailed;
  if (as_json) {
    auto one = [&](const Article& a) {
      json j = cli::article_json(a, true);
      j.erase("ingested_at");
      j.erase("duplicate_of");
      j.erase("duplicate_similarity");
      j.erase("kind");
      return j;
    };
    if (is_feed) {
      json arr = json::array();
      for (const auto& a : articles) arr.push_back(one(a));
      std::cout << arr.dump(2) << "\n";
    } else {
      std::cout << one(articles.front()).dump(2) << "\n";
    }
  } else {
    for (size_t i = 0; i < articles.size(); ++i) {
      if (i) std::printf("\n----\n\n");
      cli::print_article(articles[i]);
    }
  }
  return kExitOk;
}

int cmd_articles(const Globals& g, bool as_json, size_t limit, const std::string& since, bool no_dups) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  ArticleQuery q;
  q.limit = limit;
  q.include_duplicates = !no_dups;
  if (!since_option(since, q.since)) return kExitUsage;
  auto list = store->list_articles(q);
  if (!list.ok()) return report_error(list.error());
  if (as_json) {
    json arr = json::array();
    for (const auto& a : *list) arr.push_back(cli::article_json(a, false));
    std::cout << arr.dump(2) << "\n";
  } else {
    cli::print_articles_table(*list);
  }
  return kExitOk;
}

int cmd_article(const Globals& g, const std::string& id, bool as_json, bool raw) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto a = store->get_article(id, raw);
  if (!a.ok()) return report_error(a.error());
  if (!*a) return report_error("no article " + id);
  const Article& art = **a;
  if (raw) {
    std::fwrite(art.raw.data(), 1, art.raw.size(), stdout);
  } else if (as_json) {
    json j = cli::article_json(art, true);
    // The extraction stored with the article, when it was made with the loaded KB and current rules.
    if (auto kb = load_kb(g.kb); kb.ok()) {
      auto x = read_stored_extraction(*store, **kb, art);
      if (x.ok() && *x) j["extraction"] = extraction_json(**x, art, **kb);
    }
    std::cout << j.dump(2) << "\n";
  } else {
    cli::print_article(art);
  }
  return kExitOk;
}

int cmd_feeds_add(const Globals& g, const std::vector<std::string>& targets, const std::string& title) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  int rc = kExitOk;
  for (const auto& t : targets) {
    std::vector<std::string> urls{t};
    if (!is_http_url(t)) {
      // A local OPML file registers every feed it lists.
      auto listed = read_opml_file(t, fetch_options(g).max_bytes);
      if (!listed.ok()) {
        rc = report_error(t + ": not a URL, and not a readable OPML list (" + listed.error() + ")");
        continue;
      }
      urls = std::move(listed).value();
    }
    for (const auto& u : urls) {
      auto f = store->add_feed(u, title);
      if (!f.ok()) rc = report_error(u + ": " + f.error());
      else if (!g.quiet) std::printf("feed %lld: %s\n", static_cast<long long>(f->id), f->url.c_str());
    }
  }
  return rc;
}

int cmd_feeds_list(const Globals& g, bool as_json) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto feeds = store->list_feeds();
  if (!feeds.ok()) return report_error(feeds.error());
  if (as_json) {
    json arr = json::array();
    for (const auto& f : *feeds) arr.push_back(cli::feed_json(f));
    std::cout << arr.dump(2) << "\n";
  } else {
    cli::print_feeds_table(*feeds);
  }
  return kExitOk;
}

int cmd_feeds_remove(const Globals& g, const std::vector<std::string>& targets) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  int rc = kExitOk;
  for (const auto& t : targets) {
    auto r = store->remove_feed(t);
    if (!r.ok() || !*r) {
      std::fprintf(stderr, "error: %s: %s\n", t.c_str(), r.ok() ? "no such feed" : r.error().c_str());
      rc = kExitSomeFailed;
    }
  }
  return rc;
}

int cmd_poll(const Globals& g, bool no_pages) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto ctx = extraction_context(g);
  return run_pipeline(g, *store, ctx ? &*ctx : nullptr, no_pages, [&](Pipeline& p) { p.poll_feeds(15 * 60, false, &g_stop); });
}

int cmd_watch(const Globals& g, const std::string& every, int rounds, bool no_pages) {
  auto interval = parse_duration_seconds(every);
  if (!interval || *interval <= 0) {
    std::fprintf(stderr, "error: --every: not a duration: %s (use e.g. 15m, 1h, 90s)\n", every.c_str());
    return kExitUsage;
  }
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  int rc = kExitOk;
  auto ctx = extraction_context(g);  // built once for all rounds
  for (int round = 0; !g_stop && (rounds <= 0 || round < rounds); ++round) {
    if (run_pipeline(g, *store, ctx ? &*ctx : nullptr, no_pages, [&](Pipeline& p) { p.poll_feeds(*interval, true, &g_stop); }) != kExitOk)
      rc = kExitSomeFailed;
    if (rounds > 0 && round + 1 >= rounds) break;
    // Sleep until the next feed is due (at most one interval), waking up for signals.
    auto feeds = store->list_feeds();
    long wait = feeds.ok() ? seconds_until_next_due(*feeds, *interval, std::time(nullptr)) : *interval;
    for (long s = 0; s < wait * 10 && !g_stop; ++s) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return rc;
}

// The parsed command line: the global options, each subcommand's options, and what to run.
struct Cli {
  Globals g;
  std::vector<std::string> targets;
  bool as_json = false, no_pages = false, raw = false, no_dups = false, jsonl = false, rebuild = false, explain = false,
       verbose = false;
  size_t limit = 0;
  std::string since, id, every = "15m", title, actor, inc_a, inc_b, format = "md", casie;
  int rounds = 0;
  std::function<int()> action;  // set by the callback of the subcommand given
  // Runs `fn` when `sub` is the command given (and none of its own subcommands is).
  void on(CLI::App* sub, std::function<int()> fn) {
    sub->callback([this, sub, fn] {
      if (sub->get_subcommands().empty()) action = fn;
    });
  }
};

void add_global_options(CLI::App& app, Globals& g) {
  app.add_option("--db", g.db, "Store path (default: $DOSSIER_DB, else $XDG_DATA_HOME/dossier/dossier.db)");
  app.add_flag("-q,--quiet", g.quiet, "No progress line, warnings or summary");
  app.add_flag("--allow-private", g.allow_private, "Allow fetching from loopback and private network addresses");
  app.add_flag("--no-robots", g.no_robots, "Do not consult robots.txt before fetching pages");
  app.add_option("--timeout", g.timeout_s, "Total time limit per HTTP request, seconds")->default_val(30)->check(CLI::PositiveNumber);
  app.add_option("--delay", g.delay_s, "Politeness delay between requests to one host, seconds")->default_val(1.0)->check(CLI::NonNegativeNumber);
  app.add_flag("--no-extract", g.no_extract, "Store articles without running extraction");
  app.add_option("--kb", g.kb, "Knowledge base file (default: $DOSSIER_KB, the user KB, or the shipped one)");
  app.add_option("--max-size", g.max_mib, "Largest document accepted, MiB")->default_val(20)->check(CLI::PositiveNumber);
  g.threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--threads", g.threads, "Worker threads that parse and extract during ingest (0: none)")->default_str("the number of cores");
}

const char* const kNoPagesHelp = "Do not fetch linked pages for summary-only feed items";
const char* const kDossiersHelp = "Regenerate the dossiers of the incidents that received articles";

// ingest, feeds, poll, watch.
void add_source_commands(CLI::App& app, Cli& c) {
  auto* ingest = app.add_subcommand("ingest", "Ingest files, directories, web pages, feeds and OPML lists");
  ingest->add_option("targets", c.targets, "Paths or URLs")->required();
  ingest->add_flag("--no-fetch-pages", c.no_pages, kNoPagesHelp);
  ingest->add_flag("--dossiers", c.g.dossiers, kDossiersHelp);
  c.on(ingest, [&c] { return cmd_ingest(c.g, c.targets, c.no_pages); });

  auto* feeds = app.add_subcommand("feeds", "Manage registered feeds");
  feeds->require_subcommand(1);
  auto* feeds_add = feeds->add_subcommand("add", "Register feeds (URLs, or a local OPML file)");
  feeds_add->add_option("urls", c.targets, "Feed URLs or OPML files")->required();
  feeds_add->add_option("--title", c.title, "Title to show for the feed");
  c.on(feeds_add, [&c] { return cmd_feeds_add(c.g, c.targets, c.title); });
  auto* feeds_list = feeds->add_subcommand("list", "List feeds with their polling state");
  feeds_list->add_flag("--json", c.as_json, "JSON output");
  c.on(feeds_list, [&c] { return cmd_feeds_list(c.g, c.as_json); });
  auto* feeds_remove = feeds->add_subcommand("remove", "Unregister feeds by URL or id");
  feeds_remove->add_option("feeds", c.targets, "Feed URLs or ids")->required();
  c.on(feeds_remove, [&c] { return cmd_feeds_remove(c.g, c.targets); });

  auto* poll = app.add_subcommand("poll", "Fetch every registered feed once");
  poll->add_flag("--no-fetch-pages", c.no_pages, kNoPagesHelp);
  poll->add_flag("--dossiers", c.g.dossiers, kDossiersHelp);
  c.on(poll, [&c] { return cmd_poll(c.g, c.no_pages); });
  auto* watch = app.add_subcommand("watch", "Poll feeds repeatedly, backing off from failing ones");
  watch->add_option("--every", c.every, "Interval between polls of a feed (e.g. 15m, 1h)")->default_val("15m");
  watch->add_option("--rounds", c.rounds, "Stop after this many rounds (0: run until interrupted)")->default_val(0);
  watch->add_flag("--no-fetch-pages", c.no_pages, kNoPagesHelp);
  watch->add_flag("--dossiers", c.g.dossiers, kDossiersHelp);
  c.on(watch, [&c] { return cmd_watch(c.g, c.every, c.rounds, c.no_pages); });
}

// articles, article, parse, extract.
void add_article_commands(CLI::App& app, Cli& c) {
  auto* articles = app.add_subcommand("articles", "List stored articles");
  articles->add_flag("--json", c.as_json, "JSON output");
  articles->add_option("--limit", c.limit, "At most this many");
  articles->add_option("--since", c.since, "Published (or ingested, if undated) at or after this date");
  articles->add_flag("--no-duplicates", c.no_dups, "Hide near-duplicate copies");
  c.on(articles, [&c] { return cmd_articles(c.g, c.as_json, c.limit, c.since, c.no_dups); });

  auto* article = app.add_subcommand("article", "Show one stored article");
  article->add_option("id", c.id, "Article id or unique prefix")->required();
  article->add_flag("--json", c.as_json, "JSON output");
  article->add_flag("--raw", c.raw, "Print the original bytes as received");
  c.on(article, [&c] { return cmd_article(c.g, c.id, c.as_json, c.raw); });

  auto* parse = app.add_subcommand("parse", "Print one document as an article, without touching the store");
  parse->add_option("source", c.id, "File, URL, or - for standard input")->required();
  parse->add_flag("--json", c.as_json, "JSON output");
  c.on(parse, [&c] { return cmd_parse(c.g, c.id, c.as_json); });

  auto* extract = app.add_subcommand("extract", "Print the intelligence extracted from one document (no store)");
  extract->add_option("source", c.id, "File, URL, or - for standard input");
  extract->add_flag("--json", c.as_json, "JSON output");
  extract->add_flag("--jsonl", c.jsonl, "Read JSON lines ({\"id\", \"text\"|\"html\"}) on standard input, write one result per line");
  c.on(extract, [&c] {
    if (!c.jsonl && c.id.empty()) {
      std::fprintf(stderr, "extract: give a FILE, URL or -, or --jsonl\n");
      return kExitUsage;
    }
    return cmd_extract(c.g, c.id, c.as_json, c.jsonl);
  });
}

// eval, cluster, incidents (merge, split, move), incident.
void add_incident_commands(CLI::App& app, Cli& c) {
  auto* eval = app.add_subcommand("eval", "Measure accuracy against labelled data");
  eval->require_subcommand(1);
  auto* eval_tech = eval->add_subcommand("techniques", "Precision and recall of technique recognition (JSON lines {text, techniques})");
  eval_tech->add_option("file", c.id, "Labelled JSON lines")->required();
  eval_tech->add_flag("--json", c.as_json, "JSON output");
  c.on(eval_tech, [&c] { return cmd_eval_techniques(c.g, c.id, c.as_json); });
  auto* eval_extract = eval->add_subcommand("extraction", "Per-field precision and recall of extraction against labelled articles (the devset's gold.json)");
  eval_extract->add_option("gold", c.id, "Gold file: a JSON object of labelled articles");
  eval_extract->add_option("--casie", c.casie, "Score against CASIE's annotations instead: DIR holds annotation/ and articles/");
  eval_extract->add_flag("--json", c.as_json, "JSON output");
  eval_extract->add_flag("-v,--verbose", c.verbose, "List each article's misses and false positives");
  c.on(eval_extract, [&c] { return cmd_eval_extraction(c.g, c.id, c.casie, c.as_json, c.verbose); });
  auto* eval_cluster = eval->add_subcommand("clustering", "B-cubed and pairwise precision, recall and F1 against labels (ARTICLE<TAB>LABEL lines)");
  eval_cluster->add_option("labels", c.id, "Labels file: article id, URL or ingested path, a tab, the incident label")->required();
  eval_cluster->add_flag("--json", c.as_json, "JSON output");
  eval_cluster->add_flag("-v,--verbose", c.verbose, "List each labelled incident with the incidents its articles went to");
  c.on(eval_cluster, [&c] { return cmd_eval_clustering(c.g, c.id, c.as_json, c.verbose); });

  auto* cluster = app.add_subcommand("cluster", "Group stored articles that are in no incident yet into incidents");
  cluster->add_flag("--rebuild", c.rebuild, "Forget every incident and cluster all articles again (analysts' corrections are replayed)");
  cluster->add_flag("--explain", c.explain, "Print where each article went and its best candidates with their scores");
  c.on(cluster, [&c] { return cmd_cluster(c.g, c.rebuild, c.explain); });

  auto* incidents = app.add_subcommand("incidents", "List incidents, or correct them (merge, split, move)");
  incidents->require_subcommand(0, 1);
  incidents->add_flag("--json", c.as_json, "JSON output");
  incidents->add_option("--actor", c.actor, "Only incidents naming this threat actor (any alias, or its id)");
  incidents->add_option("--since", c.since, "Only incidents last seen at or after this date");
  incidents->add_option("--limit", c.limit, "At most this many");
  c.on(incidents, [&c] { return cmd_incidents(c.g, c.as_json, c.actor, c.since, c.limit); });
  auto* merge = incidents->add_subcommand("merge", "Merge incident B into incident A");
  merge->add_option("a", c.inc_a, "Incident that remains")->required();
  merge->add_option("b", c.inc_b, "Incident merged into A")->required();
  c.on(merge, [&c] { return cmd_incidents_merge(c.g, c.inc_a, c.inc_b); });
  auto* split = incidents->add_subcommand("split", "Move the given articles out of incident A into a new incident");
  split->add_option("a", c.inc_a, "Incident")->required();
  split->add_option("articles", c.targets, "Article ids (or unique prefixes)")->required();
  c.on(split, [&c] { return cmd_incidents_split(c.g, c.inc_a, c.targets); });
  auto* move = incidents->add_subcommand("move", "Move an article to another incident");
  move->add_option("article", c.inc_a, "Article id (or unique prefix)")->required();
  move->add_option("to", c.inc_b, "Destination incident")->required();
  c.on(move, [&c] { return cmd_incidents_move(c.g, c.inc_a, c.inc_b); });

  auto* incident = app.add_subcommand("incident", "Show one incident and its articles");
  incident->add_option("id", c.id, "Incident id or unique prefix")->required();
  incident->add_flag("--json", c.as_json, "JSON output");
  c.on(incident, [&c] { return cmd_incident(c.g, c.id, c.as_json); });
}

// report, brief, keypoints, summarize.
void add_dossier_commands(CLI::App& app, Cli& c) {
  const std::tuple<const char*, const char*, DossierProduct> products[] = {
      {"report", "The dossier of an incident: key points, incident report, disagreements, recommendations, references", DossierProduct::Report},
      {"brief", "The multi-source brief of an incident, every sentence cited", DossierProduct::Brief},
      {"keypoints", "The key points of an incident, cited", DossierProduct::KeyPoints}};
  for (const auto& [name, help, product] : products) {
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("incident", c.id, "Incident id or unique prefix")->required();
    sub->add_option("--format", c.format, "md, json or html")->default_val("md");
    DossierProduct p = product;
    c.on(sub, [&c, p] { return cmd_dossier(c.g, c.id, c.format, p); });
  }
  auto* summarize = app.add_subcommand("summarize", "Ingest the given files into a temporary store and print the dossier of every incident");
  summarize->add_option("paths", c.targets, "Files, directories or URLs")->required();
  summarize->add_option("--format", c.format, "md, json or html")->default_val("md");
  summarize->add_flag("--no-fetch-pages", c.no_pages, kNoPagesHelp);
  c.on(summarize, [&c] { return cmd_summarize(c.g, c.targets, c.format, c.no_pages); });
}

}  // namespace

int main(int argc, char** argv) {
  init_xml_library();
  CLI::App app{"dossier: turns cybersecurity news into cited incident dossiers"};
  app.set_version_flag("--version", "dossier 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `dossier ingest DIR --quiet`
  Cli c;
  add_global_options(app, c.g);
  add_source_commands(app, c);
  add_article_commands(app, c);
  add_incident_commands(app, c);
  add_dossier_commands(app, c);
  cli::ServeArgs serve_args;
  cli::add_serve_commands(app, c.g, serve_args, [&c](CLI::App* sub, std::function<int()> fn) { c.on(sub, std::move(fn)); });
  cli::ExportArgs export_args;
  cli::add_export_commands(app, c.g, export_args, [&c](CLI::App* sub, std::function<int()> fn) { c.on(sub, std::move(fn)); });
  auto kb_cmd = cli::add_kb_commands(app, c.g.kb, c.g.allow_private, c.g.quiet);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (c.action) return c.action();
  if (*kb_cmd.kb && *kb_cmd.run) return (*kb_cmd.run)();
  return kExitUsage;
}
