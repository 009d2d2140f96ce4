// The stage benchmark behind bench/run: each stage of the pipeline over a generated corpus
// (bench/corpus.h), measured in its own process so that its peak RSS is its own.
//
//   build/bench/stages [--size N] [--stage NAME]... [--scaling 10000,100000,1000000] [--json FILE]
//
// Stages: feed_parsing, html_extraction, indicator_scan, full_extraction, clustering,
// dossier_generation, store_writes, end_to_end. For each: articles/s and MB/s (of the stage's input: feed XML, HTML, article text,
// document bytes), per-article latency percentiles (p50, p99), and peak RSS. The corpus is generated
// in the same process while the stage runs; only the stage's own calls are timed, except for
// end_to_end, which is wall time from document bytes in memory to a committed store (documents
// are generated ahead, untimed, in chunks of 1,000). Scaling: clustering and
// end to end run up to the largest size, and the per-article cost is measured over the last tenth
// of the articles before each size is reached (at least 4,000 articles, at most half of them).
#include <CLI/CLI.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "corpus.h"
#include "dossier/cluster/clusterer.h"
#include "dossier/cluster/evaluate.h"
#include "dossier/extract/extract.h"
#include "dossier/ingest/document.h"
#include "dossier/ingest/feed.h"
#include "dossier/ingest/html.h"
#include "dossier/util/minhash.h"
#include "dossier/store/sqlite_store.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/pipeline/pipeline.h"
#include "dossier/util/hash.h"
#include "dossier/util/time.h"

namespace {

using namespace dossier;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// A benchmark whose store or clusterer fails measures nothing: it stops with the reason.
template <typename R>
void must(const R& r, const char* what) {
  if (r.ok()) return;
  std::fprintf(stderr, "bench: %s: %s\n", what, r.error().c_str());
  std::exit(1);
}

double peak_rss_mb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

struct Measure {
  size_t articles = 0;
  size_t bytes = 0;
  double busy = 0;  // seconds spent in the stage's calls
  std::vector<float> latency_ms;

  void add(size_t n, size_t b, double s) {
    articles += n;
    bytes += b;
    busy += s;
    for (size_t i = 0; i < n; ++i) latency_ms.push_back(static_cast<float>(s * 1000 / static_cast<double>(n)));
  }
  json report() {
    std::sort(latency_ms.begin(), latency_ms.end());
    auto pct = [&](double p) { return latency_ms.empty() ? 0.0 : latency_ms[std::min(latency_ms.size() - 1, static_cast<size_t>(p * latency_ms.size()))]; };
    return {{"articles", articles},
            {"mb", bytes / 1e6},
            {"seconds", busy},
            {"articles_per_s", busy > 0 ? articles / busy : 0},
            {"mb_per_s", busy > 0 ? bytes / 1e6 / busy : 0},
            {"p50_ms", pct(0.50)},
            {"p99_ms", pct(0.99)},
            {"peak_rss_mb", peak_rss_mb()}};
  }
};

struct Options {
  size_t size = 10000;
  size_t max_coverage = 40;
  uint64_t seed = 1;
  double rate = 1000;
  std::string kb;
  std::vector<size_t> scaling;
  size_t threads = 2;
};

Article article_of(const bench::GeneratedItem& it) {
  Article a;
  a.url = a.canonical_url = it.url;
  a.title = it.title;
  a.outlet = it.outlet;
  a.published = it.published;
  a.text = it.text;
  finalize_article(a);
  return a;
}

json run_stage(const std::string& stage, const Options& o) {
  auto kb = load_kb(o.kb);
  if (!kb.ok()) return {{"error", kb.error()}};
  init_xml_library();
  bench::CorpusOptions co;
  co.seed = o.seed;
  co.articles = o.size;
  co.articles_per_day = o.rate;
  co.max_coverage = o.max_coverage;
  bench::CorpusGenerator gen(**kb, co);
  bench::GeneratedDocument d;
  Measure m;

  if (stage == "feed_parsing") {
    while (gen.next(d)) {
      if (d.kind != "rss" && d.kind != "atom") continue;
      auto t0 = Clock::now();
      auto f = parse_feed(d.bytes, d.url);
      double s = seconds(Clock::now() - t0);
      if (f.ok()) m.add(f->items.size(), d.bytes.size(), s);
    }
    return m.report();
  }
  if (stage == "html_extraction") {
    while (gen.next(d)) {
      if (d.kind != "html") continue;
      auto t0 = Clock::now();
      ParsedText x = parse_html_article(d.bytes, d.url);
      double s = seconds(Clock::now() - t0);
      if (!x.text.empty()) m.add(1, d.bytes.size(), s);
    }
    return m.report();
  }
  auto ex = Extractor::create(**kb);
  if (!ex.ok()) return {{"error", ex.error()}};
  if (stage == "indicator_scan") {
    auto scanner = IndicatorScanner::create();
    if (!scanner.ok()) return {{"error", scanner.error()}};
    while (gen.next(d))
      for (const auto& it : d.items) {
        auto t0 = Clock::now();
        auto found = (*scanner)->scan(it.text);
        m.add(1, it.text.size(), seconds(Clock::now() - t0));
      }
    return m.report();
  }
  if (stage == "full_extraction") {
    while (gen.next(d))
      for (const auto& it : d.items) {
        Article a = article_of(it);
        auto t0 = Clock::now();
        Extraction x = (*ex)->extract(a);
        m.add(1, it.text.size(), seconds(Clock::now() - t0));
      }
    return m.report();
  }

  char tmpl[] = "/tmp/dossier-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl) ? tmpl : "/tmp";
  std::string db = dir + "/bench.db";
  auto store = SqliteStore::open(db);
  if (!store.ok()) return {{"error", store.error()}};
  auto cleanup = [&] {
    std::filesystem::remove_all(dir);
  };
  // Ingest as the CLI does it, pages already in hand.
  auto pipeline_options = [&] {
    PipelineOptions po;
    po.fetch_linked_pages = false;
    po.extractor = ex->get();
    po.threads = o.threads;
    return po;
  };

  if (stage == "store_writes") {
    while (gen.next(d))
      for (const auto& it : d.items) {
        Article a = article_of(it);
        auto t0 = Clock::now();
        auto sig = minhash_signature(a.text);
        if (sig) {
          auto dup = (*store)->find_near_duplicate(*sig, kDefaultDuplicateThreshold);
          if (dup.ok() && *dup) a.duplicate_of = (*dup)->id;
        }
        auto put = (*store)->put_article(a, sig);
        m.add(1, it.text.size(), seconds(Clock::now() - t0));
      }
    cleanup();
    return m.report();
  }

  // Scaling points: the per-article cost over the last tenth before each size, and over at least
  // 4,000 articles (at most half of them), so that work done every few batches (document
  // frequencies folded, a WAL checkpoint) is sampled at small sizes too, not caught or missed by
  // a single batch.
  auto window_start = [](size_t p) { return p - std::min(p / 2, std::max<size_t>(p / 10, 4000)); };
  std::vector<size_t> points = o.scaling;
  points.erase(std::remove_if(points.begin(), points.end(), [&](size_t p) { return p > o.size; }), points.end());
  json scaling = json::object();
  auto record_point = [&](size_t done, const std::vector<std::pair<size_t, double>>& marks) {
    for (size_t p : points) {
      if (done < p || scaling.contains(std::to_string(p))) continue;
      // marks: (articles done, cumulative seconds); cost between window_start(p) and p.
      double t_lo = 0, t_hi = 0;
      size_t n_lo = 0, n_hi = 0;
      for (const auto& [n, t] : marks) {
        if (n <= window_start(p)) n_lo = n, t_lo = t;
        if (n <= p) n_hi = n, t_hi = t;
      }
      if (n_hi > n_lo)
        scaling[std::to_string(p)] = {{"per_article_ms", (t_hi - t_lo) * 1000 / static_cast<double>(n_hi - n_lo)},
                                      {"peak_rss_mb", peak_rss_mb()}};
    }
  };

  if (stage == "clustering") {
    auto cl = Clusterer::open(**store, kb->get());
    if (!cl.ok()) return {{"error", cl.error()}};
    std::vector<std::pair<size_t, double>> marks;
    double cumulative = 0;
    size_t done = 0;
    // The same cost in three parts: profiling, placement (scoring and assigning), and the rest of
    // the flush (loading incidents, writing them, the commit).
    struct Parts {
      size_t done;
      double profile, place, write;
    };
    std::vector<Parts> parts;
    double profile_total = 0, place_total = 0, write_total = 0;
    // Quality against the generator's labels, so that a faster clusterer is not a worse one. Kept
    // as hashes while the stage runs (a million string pairs would weigh in its peak RSS); the
    // label maps are built after the report.
    std::vector<std::pair<uint64_t, uint32_t>> truth_ids;     // article id hash, label number
    std::vector<std::pair<uint64_t, uint64_t>> predicted_ids;  // article id hash, incident id hash
    std::unordered_map<std::string, uint32_t> label_number;
    auto flush = [&] {
      auto t0 = Clock::now();
      must((*cl)->flush(), "clustering");
      double commit = seconds(Clock::now() - t0);
      auto decisions = (*cl)->take_decisions();
      double placed = 0;
      for (const auto& dec : decisions) {
        placed += dec.micros / 1e6;
        predicted_ids.emplace_back(hash64(dec.article_id), hash64(dec.incident_id));
      }
      // The commit is shared by the batch's articles.
      double per_commit = decisions.empty() ? 0 : (commit - placed) / static_cast<double>(decisions.size());
      for (const auto& dec : decisions) m.latency_ms.push_back(static_cast<float>(dec.micros / 1000 + per_commit * 1000));
      m.busy += commit;
      cumulative += commit;
      done += decisions.size();
      place_total += placed;
      write_total += commit - placed;
      parts.push_back({done, profile_total, place_total, write_total});
      marks.emplace_back(done, cumulative);
      record_point(done, marks);
      for (size_t p : points) {
        auto key = std::to_string(p);
        if (!scaling.contains(key) || scaling[key].contains("write_ms")) continue;
        const Parts* lo = nullptr;
        const Parts* hi = nullptr;
        for (const auto& x : parts) {
          if (x.done <= window_start(p)) lo = &x;
          if (x.done <= p) hi = &x;
        }
        if (!lo || !hi || hi->done <= lo->done) continue;
        double n = static_cast<double>(hi->done - lo->done);
        scaling[key]["profile_ms"] = (hi->profile - lo->profile) * 1000 / n;
        scaling[key]["placement_ms"] = (hi->place - lo->place) * 1000 / n;
        scaling[key]["write_ms"] = (hi->write - lo->write) * 1000 / n;
      }
    };
    size_t queued = 0, batch_writes = 0;
    bool batch_open = false;
    auto close_batch = [&] {
      if (batch_open) must((*store)->end_batch(), "commit");
      batch_open = false;
      batch_writes = 0;
    };
    while (gen.next(d))
      for (const auto& it : d.items) {
        Article a = article_of(it);
        truth_ids.emplace_back(hash64(a.id), label_number.emplace(it.label, static_cast<uint32_t>(label_number.size())).first->second);
        // Store the article (not timed: that is store_writes), extract (not timed), then profile and
        // cluster. Articles are written as ingest writes them, PipelineOptions::batch to a transaction,
        // so that the log the clustering commits share (and their checkpoints) is the pipeline's.
        if (!batch_open) batch_open = (*store)->begin_batch().ok();
        must((*store)->put_article(a, std::nullopt), "store");
        if (batch_open && ++batch_writes >= PipelineOptions{}.batch) close_batch();
        Extraction x = (*ex)->extract(a);
        auto t0 = Clock::now();
        ArticleProfile p = profile_article(a, x, **kb);
        double s = seconds(Clock::now() - t0);
        m.busy += s;
        cumulative += s;
        profile_total += s;
        m.articles += 1;
        m.bytes += it.text.size();
        must((*cl)->add(std::move(p)), "clustering");
        if (++queued % 1000 == 0) {
          close_batch();
          flush();
        }
      }
    close_batch();
    flush();
    json r = m.report();
    r["scaling"] = scaling;
    r["incidents_in_memory"] = (*cl)->loaded_incidents();
    std::map<std::string, std::string> truth, predicted;
    for (const auto& [a, l] : truth_ids) truth[std::to_string(a)] = std::to_string(l);
    for (const auto& [a, i] : predicted_ids) predicted[std::to_string(a)] = std::to_string(i);
    ClusteringScores q = evaluate_clustering(truth, predicted);
    r["quality"] = {{"items", q.items},
                    {"true_incidents", q.true_clusters},
                    {"predicted_incidents", q.predicted_clusters},
                    {"bcubed_precision", q.bcubed_precision},
                    {"bcubed_recall", q.bcubed_recall},
                    {"bcubed_f1", q.bcubed_f1},
                    {"pairwise_f1", q.pairwise_f1}};
    cleanup();
    return r;
  }

  if (stage == "dossier_generation") {
    // The corpus is ingested and clustered first (untimed); then the dossier of every incident with
    // more than one article is generated as `dossier report` does (articles read back and
    // extracted, claims, products, JSON stored) and rendered in Markdown. One "article" is one
    // member of an incident; latency percentiles are per incident.
    {
      auto ing = Pipeline::open(**store, pipeline_options());
      if (!ing.ok()) return {{"error", ing.error()}};
      while (gen.next(d)) {
        FetchInfo info;
        info.source = info.final_url = d.url;
        info.content_type = d.kind == "html" ? "text/html" : d.kind == "text" ? "text/plain" : "application/xml";
        (*ing)->ingest_bytes(d.bytes, info);
      }
      (*ing)->finish();
    }
    auto incidents = (*store)->list_incidents(IncidentQuery{});
    if (!incidents.ok()) return {{"error", incidents.error()}};
    std::vector<std::pair<int64_t, double>> by_size;  // (articles, ms)
    for (const auto& inc : *incidents) {
      if (inc.articles < 2) continue;
      auto t0 = Clock::now();
      auto dz = generate_dossier(**store, **ex, inc.id);
      if (!dz.ok()) return {{"error", dz.error()}};
      std::string md = render_markdown(*dz, DossierProduct::Full);
      double s = seconds(Clock::now() - t0);
      m.articles += static_cast<size_t>(inc.articles);
      m.bytes += md.size();
      m.busy += s;
      m.latency_ms.push_back(static_cast<float>(s * 1000));
      by_size.emplace_back(inc.articles, s * 1000);
    }
    json r = m.report();
    r["mb_per_s"] = nullptr;  // the input is an incident, not bytes
    std::sort(by_size.begin(), by_size.end());
    r["incidents"] = by_size.size();
    if (!by_size.empty()) {
      r["largest_incident_articles"] = by_size.back().first;
      r["largest_incident_ms"] = by_size.back().second;
    }
    // Incidents of 40 and of 50 or more articles (the target names 50): their mean time, and per
    // article (--max-coverage 60 makes some of 50 or more).
    for (int64_t at_least : {40, 50}) {
      double ms = 0, arts = 0;
      size_t n = 0;
      for (const auto& [a, t] : by_size)
        if (a >= at_least) ms += t, arts += static_cast<double>(a), ++n;
      if (!n) continue;
      std::string k = std::to_string(at_least);
      r["incidents_" + k + "_plus"] = n;
      r["incident_" + k + "_plus_mean_ms"] = ms / static_cast<double>(n);
      r["ms_per_member_" + k + "_plus"] = ms / arts;
    }
    cleanup();
    return r;
  }

  if (stage == "end_to_end") {
    auto pipeline = Pipeline::open(**store, pipeline_options());
    if (!pipeline.ok()) return {{"error", pipeline.error()}};
    Pipeline& ing = **pipeline;
    std::vector<std::pair<size_t, double>> marks;
    double cumulative = 0;
    size_t done = 0;
    // Documents are generated ahead in chunks, untimed ("text already fetched"); each chunk is then
    // ingested and committed, timed from its first byte to its commit.
    std::vector<bench::GeneratedDocument> chunk;
    size_t chunk_bytes = 0;
    auto run_chunk = [&] {
      auto start = Clock::now();
      for (const auto& doc : chunk) {
        FetchInfo info;
        info.source = doc.url;
        info.final_url = doc.url;
        info.content_type = doc.kind == "html" ? "text/html" : doc.kind == "text" ? "text/plain" : "application/xml";
        info.fetched_at = now_iso8601();
        auto t0 = Clock::now();
        ing.ingest_bytes(doc.bytes, info);
        m.add(doc.items.size(), doc.bytes.size(), seconds(Clock::now() - t0));
        done += doc.items.size();
      }
      auto t0 = Clock::now();
      ing.drain();
      m.busy += seconds(Clock::now() - t0);
      cumulative += seconds(Clock::now() - start);
      marks.emplace_back(done, cumulative);
      record_point(done, marks);
      chunk.clear();
      chunk_bytes = 0;
    };
    while (gen.next(d)) {
      chunk_bytes += d.bytes.size();
      chunk.push_back(std::move(d));
      if (chunk.size() >= 1000 || chunk_bytes >= (256u << 20)) run_chunk();
    }
    run_chunk();
    auto t0 = Clock::now();
    ing.finish();
    m.busy += seconds(Clock::now() - t0);
    json r = m.report();
    r["scaling"] = scaling;
    r["threads"] = o.threads;
    r["stored"] = ing.counts().stored;
    r["failed"] = ing.counts().failed;
    cleanup();
    return r;
  }
  cleanup();
  return {{"error", "unknown stage " + stage}};
}

// Runs a stage in a child process and returns its report.
json in_child(const std::string& stage, const Options& o) {
  int fd[2];
  if (pipe(fd) != 0) return {{"error", "pipe"}};
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    std::string out = run_stage(stage, o).dump();
    size_t off = 0;
    while (off < out.size()) {
      ssize_t n = write(fd[1], out.data() + off, out.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fd[1]);
    _exit(0);
  }
  close(fd[1]);
  std::string text;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return {{"error", "stage process failed"}};
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dossier stage benchmarks over a generated corpus"};
  Options o;
  std::vector<std::string> stages;
  std::string json_path, scaling = "10000,100000";
  app.add_option("--size", o.size, "Articles per stage")->default_val(10000);
  app.add_option("--stage", stages, "Stages to run (default: all)");
  app.add_option("--scaling", scaling, "Sizes at which clustering and end-to-end cost per article is reported (comma-separated)");
  app.add_option("--seed", o.seed, "Corpus seed")->default_val(1);
  app.add_option("--rate", o.rate, "Articles published per day in the corpus")->default_val(1000);
  app.add_option("--max-coverage", o.max_coverage, "Articles of the most covered incidents in the corpus")->default_val(40);
  app.add_option("--kb", o.kb, "Knowledge base (default: the shipped one)");
  o.threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--threads", o.threads, "Ingest worker threads for end_to_end (default: the number of cores)");
  app.add_option("--json", json_path, "Also write the results as JSON to this file");
  CLI11_PARSE(app, argc, argv);
  std::stringstream ss(scaling);
  for (std::string t; std::getline(ss, t, ',');)
    if (!t.empty()) o.scaling.push_back(std::stoul(t));
  if (stages.empty())
    stages = {"feed_parsing", "html_extraction", "indicator_scan", "full_extraction", "clustering", "dossier_generation", "store_writes",
              "end_to_end"};
  json result = {{"size", o.size}, {"seed", o.seed}, {"rate_per_day", o.rate}, {"stages", json::object()}, {"scaling", json::object()}};
  std::printf("%-19s %10s %12s %9s %9s %9s %12s\n", "stage", "articles", "articles/s", "MB/s", "p50 ms", "p99 ms", "peak RSS MB");
  for (const auto& s : stages) {
    json r = in_child(s, o);
    if (r.contains("error")) {
      std::printf("%-19s error: %s\n", s.c_str(), r["error"].get<std::string>().c_str());
      result["stages"][s] = r;
      continue;
    }
    if (r.contains("scaling")) {
      result["scaling"][s] = r["scaling"];
      r.erase("scaling");
    }
    result["stages"][s] = r;
    char mb[32] = "-";
    if (r["mb_per_s"].is_number()) std::snprintf(mb, sizeof mb, "%.1f", r["mb_per_s"].get<double>());
    std::printf("%-19s %10zu %12.0f %9s %9.3f %9.3f %12.0f\n", s.c_str(), r["articles"].get<size_t>(), r["articles_per_s"].get<double>(), mb,
                r["p50_ms"].get<double>(), r["p99_ms"].get<double>(), r["peak_rss_mb"].get<double>());
    if (r.contains("largest_incident_ms")) {
      std::string line = std::to_string(r["incidents"].get<size_t>()) + " incidents; largest (" +
                         std::to_string(r["largest_incident_articles"].get<long long>()) + " articles) ";
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f ms", r["largest_incident_ms"].get<double>());
      line += buf;
      for (const char* k : {"40", "50"})
        if (r.contains(std::string("incident_") + k + "_plus_mean_ms")) {
          std::snprintf(buf, sizeof buf, "; %s+ articles: %zu, mean %.1f ms", k, r[std::string("incidents_") + k + "_plus"].get<size_t>(),
                        r[std::string("incident_") + k + "_plus_mean_ms"].get<double>());
          line += buf;
        }
      std::printf("%-19s %s\n", "", line.c_str());
    }
    if (r.contains("quality")) {
      const json& q = r["quality"];
      std::printf("%-19s against the corpus labels: B-cubed P %.3f R %.3f F1 %.3f, pairwise F1 %.3f (%zu incidents found, %zu labelled)\n",
                  "", q["bcubed_precision"].get<double>(), q["bcubed_recall"].get<double>(), q["bcubed_f1"].get<double>(),
                  q["pairwise_f1"].get<double>(), q["predicted_incidents"].get<size_t>(), q["true_incidents"].get<size_t>());
    }
    std::fflush(stdout);
  }
  if (!result["scaling"].empty() && !o.scaling.empty()) {
    std::printf("\nper-article cost (ms) as the store grows\n%-19s", "stage");
    for (size_t p : o.scaling) std::printf(" %10zu", p);
    std::printf("\n");
    for (const auto& [stage, points] : result["scaling"].items()) {
      std::printf("%-19s", stage.c_str());
      for (size_t p : o.scaling) {
        std::string k = std::to_string(p);
        if (points.contains(k)) std::printf(" %10.3f", points[k]["per_article_ms"].get<double>());
        else std::printf(" %10s", "-");
      }
      std::printf("\n");
      // The parts of clustering's cost.
      for (const char* part : {"profile_ms", "placement_ms", "write_ms"}) {
        bool any = false;
        for (size_t p : o.scaling) any |= points.contains(std::to_string(p)) && points[std::to_string(p)].contains(part);
        if (!any) continue;
        std::printf("  %-17s", part);
        for (size_t p : o.scaling) {
          std::string k = std::to_string(p);
          if (points.contains(k) && points[k].contains(part)) std::printf(" %10.3f", points[k][part].get<double>());
          else std::printf(" %10s", "-");
        }
        std::printf("\n");
      }
    }
  }
  if (!json_path.empty()) {
    std::ofstream f(json_path);
    f << result.dump(2) << "\n";
  }
  return 0;
}
