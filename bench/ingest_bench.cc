// Ingest-stage benchmarks: HTML extraction, feed parsing, plain text, decoding, near-duplicate
// signatures and store writes, over generated documents. Throughput is reported as bytes/s (MB/s of
// input) and items/s; peak_rss_mb is the process's peak resident set at the end of each benchmark.
//
//   build/bench/dossier_bench                       # all
//   build/bench/dossier_bench --benchmark_filter=Html
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <filesystem>

#include "dossier/extract/extract.h"
#include "dossier/extract/indicators.h"
#include "dossier/kb/kb.h"
#include "dossier/ingest/document.h"
#include "dossier/ingest/encoding.h"
#include "dossier/ingest/feed.h"
#include "dossier/ingest/html.h"
#include "dossier/util/minhash.h"
#include "dossier/ingest/plaintext.h"
#include "dossier/store/sqlite_store.h"
#include "generate.h"

namespace {

using namespace dossier;

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

const std::vector<bench::GeneratedPage>& pages() {
  static const std::vector<bench::GeneratedPage> p = [] {
    bench::Generator g(42);
    std::vector<bench::GeneratedPage> out;
    for (int i = 0; i < 64; ++i) out.push_back(g.page(20'000 + static_cast<size_t>(i) * 2'000));  // 20-150 KB
    return out;
  }();
  return p;
}

void BM_HtmlExtraction(benchmark::State& state) {
  init_xml_library();
  size_t bytes = 0, n = 0, i = 0;
  for (auto _ : state) {
    const auto& p = pages()[i++ % pages().size()];
    ParsedText ex = parse_html_article(p.html, "https://bench.example/a");
    benchmark::DoNotOptimize(ex.text.data());
    bytes += p.html.size();
    ++n;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_HtmlExtraction)->Unit(benchmark::kMillisecond);

void BM_FeedParsing(benchmark::State& state) {
  init_xml_library();
  bench::Generator g(7);
  std::string feed = g.rss(static_cast<size_t>(state.range(0)));
  size_t items = 0;
  for (auto _ : state) {
    auto f = parse_feed(feed, "https://bench.example/feed");
    benchmark::DoNotOptimize(f.ok());
    items += f->items.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(feed.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_FeedParsing)->Arg(200)->Unit(benchmark::kMillisecond);

void BM_FeedItemsToArticles(benchmark::State& state) {
  init_xml_library();
  bench::Generator g(7);
  std::string feed_xml = g.rss(200);
  auto feed = parse_feed(feed_xml, "https://bench.example/feed");
  FetchInfo info;
  info.source = "https://bench.example/feed";
  size_t items = 0;
  for (auto _ : state) {
    for (const auto& it : feed->items) {
      Article a = article_from_feed_item(it, *feed, info);
      finalize_article(a);
      benchmark::DoNotOptimize(a.id.data());
      ++items;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(feed_xml.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(items));
}
BENCHMARK(BM_FeedItemsToArticles)->Unit(benchmark::kMillisecond);

void BM_PlainText(benchmark::State& state) {
  bench::Generator g(3);
  std::string text = "A headline for the benchmark\n\n";
  while (text.size() < 8000) text += g.paragraph() + "\n\n";
  for (auto _ : state) {
    ParsedText ex = parse_plain_text(text);
    benchmark::DoNotOptimize(ex.text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlainText);

void BM_DecodeWindows1252(benchmark::State& state) {
  std::string page = pages()[0].html;
  for (auto& c : page)
    if (c == 'x') c = static_cast<char>(0xE9);  // non-ASCII bytes force detection and conversion
  for (auto _ : state) {
    Decoded d = decode_to_utf8(page, "");
    benchmark::DoNotOptimize(d.text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(page.size() * state.iterations()));
}
BENCHMARK(BM_DecodeWindows1252);

void BM_MinHash(benchmark::State& state) {
  bench::Generator g(5);
  std::string text;
  while (text.size() < 6000) text += g.paragraph() + "\n\n";
  for (auto _ : state) benchmark::DoNotOptimize(minhash_signature(text));
  state.SetBytesProcessed(static_cast<int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MinHash);

void BM_StoreWrites(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / "dossier-bench-store";
  std::filesystem::remove_all(dir);
  auto store = SqliteStore::open((dir / "bench.db").string());
  bench::Generator g(11);
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    Article a;
    a.text = g.paragraph() + "\n\n" + g.paragraph() + "\n\n" + g.paragraph();
    a.raw = "<html>" + a.text + "</html>";
    a.url = a.canonical_url = "https://bench.example/" + std::to_string(i++);
    finalize_article(a);
    auto sig = minhash_signature(a.text);
    auto dup = (*store)->find_near_duplicate(*sig, kDefaultDuplicateThreshold);
    benchmark::DoNotOptimize(dup.ok());
    (void)(*store)->put_article(a, sig);
    bytes += a.raw.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(i));
  state.counters["peak_rss_mb"] = peak_rss_mb();
  store = Error{"closed"};
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StoreWrites)->Unit(benchmark::kMicrosecond);

}  // namespace

void BM_IndicatorScan(benchmark::State& state) {
  static auto scanner = IndicatorScanner::create();
  bench::Generator g(9);
  std::string text;
  while (text.size() < 64 * 1024) text += g.paragraph() + "\n\n";
  size_t found = 0;
  for (auto _ : state) {
    auto inds = (*scanner)->scan(text);
    found = inds.size();
    benchmark::DoNotOptimize(inds.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(text.size() * state.iterations()));
  state.counters["indicators_per_64k"] = static_cast<double>(found);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_IndicatorScan);

// Full extraction (sentences, indicators, KB entities, dates, people, events, techniques) of
// generated articles with the shipped KB.
void BM_Extraction(benchmark::State& state) {
  static auto kb = load_kb(std::string(DOSSIER_SOURCE_DIR) + "/data/kb/dossier-kb.bin");
  static auto ex = Extractor::create(**kb);
  bench::Generator g(13);
  std::vector<Article> articles(32);
  size_t bytes = 0;
  for (auto& a : articles) {
    while (a.text.size() < 4000) a.text += g.paragraph() + "\n\n";
    a.published = "2024-03-01T10:00:00Z";
    bytes += a.text.size();
  }
  size_t n = 0;
  for (auto _ : state) {
    for (const auto& a : articles) benchmark::DoNotOptimize((*ex)->extract(a).mentions.size());
    n += articles.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes * state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_Extraction)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
