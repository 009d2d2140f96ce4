// Incident clustering: golden cases (tests/golden/cluster), the sample corpus against its labels,
// the seed documents, streaming guarantees (determinism, no reshuffling, reloading from the store),
// near-duplicate copies, analysts' corrections and the evaluation metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "dossier/cluster/clusterer.h"
#include "dossier/cluster/evaluate.h"
#include "dossier/pipeline/pipeline.h"
#include "dossier/store/sqlite_store.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;
namespace fs = std::filesystem;

using Shared = SharedExtraction;
const Shared& shared() { return shared_extraction(); }

// Ingests `paths` (in this order) with extraction and clustering, as one run.
void ingest_and_cluster(Store& store, const std::vector<std::string>& paths, const ClusterOptions& clustering = {}) {
  const Shared& s = shared();
  PipelineOptions opts;
  opts.clustering = clustering;
  opts.fetch_linked_pages = false;
  opts.extractor = s.extractor.get();
  PipelineEvents ev;
  std::vector<std::string> errors;
  ev.on_error = [&](const std::string& item, const std::string& why) { errors.push_back(item + ": " + why); };
  ev.on_warning = [&](const std::string& item, const std::string& why) { errors.push_back(item + ": " + why); };
  auto pipeline = Pipeline::open(store, opts, ev);
  ASSERT_TRUE(pipeline.ok()) << pipeline.error();
  for (const auto& p : paths) (*pipeline)->ingest(p);
  (*pipeline)->finish();
  EXPECT_TRUE(errors.empty()) << errors.front();
}

// Incident of every stored article, keyed by the path it was ingested from.
std::map<std::string, std::string> incidents_by_source(Store& store) {
  std::map<std::string, std::string> out;
  auto all = store.list_articles({});
  if (!all.ok()) return out;
  for (const auto& a : *all) {
    auto m = store.membership(a.id);
    if (m.ok() && *m) out[a.fetch.source] = (*m)->incident_id;
  }
  return out;
}

// Two labelings describe the same partition of their common keys.
std::set<std::set<std::string>> partition(const std::map<std::string, std::string>& labels) {
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& [k, v] : labels) groups[v].insert(k);
  std::set<std::set<std::string>> out;
  for (auto& [v, g] : groups) out.insert(g);
  return out;
}

std::map<std::string, std::string> read_tsv(const fs::path& p) {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(p));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string rest = line.substr(tab + 1);
    out[line.substr(0, tab)] = rest.substr(0, rest.find('\t'));
  }
  return out;
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared().extractor) GTEST_SKIP() << "the shipped knowledge base could not be loaded";
    auto s = SqliteStore::open((dir_ / "db").string());
    ASSERT_TRUE(s.ok()) << s.error();
    store_ = std::move(s).value();
  }
  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(ClusterTest, GoldenCases) {
  size_t cases = 0;
  for (const auto& c : fs::directory_iterator(golden_dir() / "cluster")) {
    if (!c.is_directory()) continue;
    SCOPED_TRACE(c.path().filename().string());
    TempDir d;
    auto store = SqliteStore::open((d / "db").string());
    ASSERT_TRUE(store.ok());
    // Numbered subfolders are separate runs, in order; otherwise one run over the folder.
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(c.path()))
      if (e.is_directory()) runs.push_back(e.path());
    std::sort(runs.begin(), runs.end());
    if (runs.empty()) runs.push_back(c.path());
    for (const auto& r : runs) ingest_and_cluster(**store, {r.string()});
    auto want = read_tsv(c.path() / "expected.tsv");
    std::map<std::string, std::string> got;
    for (const auto& [source, incident] : incidents_by_source(**store))
      got[fs::relative(source, c.path()).string()] = incident;
    EXPECT_EQ(got.size(), want.size());
    EXPECT_EQ(partition(got), partition(want));
    ++cases;
  }
  EXPECT_GE(cases, 5u);
}

// The same victim (the headline's, and the incident's principal one) and the same actor join at
// any distance in time, whatever the other evidence: with a threshold no similarity reaches, the
// sanctions story 15 months on still joins the breach; the same gang against another victim, and
// the victim without the gang, stay apart.
TEST_F(ClusterTest, SameVictimAndActorJoinsWhateverTheOtherEvidence) {
  ClusterOptions strict;
  strict.join_threshold = 0.9;
  strict.undated_margin = 0.0;
  strict.bridge_threshold = 0;
  const fs::path dir = golden_dir() / "cluster" / "sanctions-months-later";
  TempDir d;
  auto store = SqliteStore::open((d / "db").string());
  ASSERT_TRUE(store.ok());
  ingest_and_cluster(**store, {(dir / "1" / "attack.txt").string()}, strict);
  ingest_and_cluster(**store, {(dir / "2" / "sanctions.txt").string()}, strict);
  auto got = incidents_by_source(**store);
  std::set<std::string> incidents;
  for (const auto& [source, incident] : got) incidents.insert(incident);
  EXPECT_EQ(incidents.size(), 1u);

  strict.same_victim_and_actor_joins = false;
  TempDir d2;
  auto off = SqliteStore::open((d2 / "db").string());
  ASSERT_TRUE(off.ok());
  ingest_and_cluster(**off, {(dir / "1" / "attack.txt").string()}, strict);
  ingest_and_cluster(**off, {(dir / "2" / "sanctions.txt").string()}, strict);
  incidents.clear();
  for (const auto& [source, incident] : incidents_by_source(**off)) incidents.insert(incident);
  EXPECT_EQ(incidents.size(), 2u);  // the rule, not the threshold, joined them above

  // The same gang against other victims (the golden case of two FIN7 victims) stays apart.
  strict.same_victim_and_actor_joins = true;
  TempDir d3;
  auto other = SqliteStore::open((d3 / "db").string());
  ASSERT_TRUE(other.ok());
  const fs::path two = golden_dir() / "cluster" / "same-actor-different-victims";
  ingest_and_cluster(**other, {(two / "a1.txt").string(), (two / "b1.txt").string()}, strict);
  incidents.clear();
  for (const auto& [source, incident] : incidents_by_source(**other)) incidents.insert(incident);
  EXPECT_EQ(incidents.size(), 2u);
}

TEST_F(ClusterTest, SyndicatedCopiesCountOnceAsSources) {
  ingest_and_cluster(*store_, {(golden_dir() / "cluster" / "syndicated-copy").string()});
  auto list = store_->list_incidents({});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().articles, 3);
  EXPECT_EQ(list->front().sources, 2);  // the copy is not an independent source
  EXPECT_EQ(list->front().first_seen, "2024-11-12T06:30:00Z");
  EXPECT_EQ(list->front().last_seen, "2024-11-14T15:00:00Z");
}

// The sample corpus against its labels: B-cubed F1 of at least 0.95, and the exact grouping kept as
// a golden file so that any change shows as a diff.
TEST_F(ClusterTest, SampleCorpus) {
  fs::path corpus = source_dir() / "examples" / "corpus";
  ingest_and_cluster(*store_, {corpus.string()});
  auto labels = read_tsv(source_dir() / "examples" / "labels.tsv");
  auto all = store_->list_articles({});
  ASSERT_TRUE(all.ok());
  std::map<std::string, std::string> truth, predicted, key_of;
  for (const auto& a : *all) {
    std::string ref = a.url.empty() ? fs::relative(a.fetch.source, source_dir()).string() : a.url;
    auto it = labels.find(ref);
    ASSERT_NE(it, labels.end()) << ref;
    truth[a.id] = it->second;
    auto m = store_->membership(a.id);
    ASSERT_TRUE(m.ok() && *m) << a.title;
    predicted[a.id] = (*m)->incident_id;
    key_of[a.id] = ref;
  }
  EXPECT_EQ(truth.size(), corpus_articles());
  ClusteringScores s = evaluate_clustering(truth, predicted);
  EXPECT_GE(s.bcubed_f1, 0.95) << "precision " << s.bcubed_precision << ", recall " << s.bcubed_recall;
  std::printf("sample corpus: B-cubed precision %.3f recall %.3f F1 %.3f; pairwise F1 %.3f; %zu incidents for %zu labelled\n",
              s.bcubed_precision, s.bcubed_recall, s.bcubed_f1, s.pairwise_f1, s.predicted_clusters, s.true_clusters);

  // Golden grouping: incidents numbered in order of the first article (by reference) they hold.
  std::vector<std::pair<std::string, std::string>> rows;  // (reference, article id)
  for (const auto& [id, ref] : key_of) rows.emplace_back(ref, id);
  std::sort(rows.begin(), rows.end());
  std::map<std::string, int> number;
  std::ostringstream text;
  text << "# article\tlabelled incident\tpredicted incident (numbered in order of first appearance)\n";
  for (const auto& [ref, id] : rows) {
    auto [it, fresh] = number.emplace(predicted[id], static_cast<int>(number.size()) + 1);
    text << ref << "\t" << truth[id] << "\t" << it->second << "\n";
  }
  fs::path golden = golden_dir() / "cluster" / "sample-corpus.tsv";
  if (std::getenv("DOSSIER_UPDATE_GOLDEN")) write_file(golden, text.str());
  EXPECT_EQ(text.str(), read_file(golden)) << "clustering of the sample corpus changed; see tests/golden/cluster/README.md";
}

TEST_F(ClusterTest, SeedDocumentsFormOneIncident) {
  fs::path seeds = shared_dir() / "seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "../shared/seeds is absent";
  ingest_and_cluster(*store_, {seeds.string()});
  auto list = store_->list_incidents({});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().sources, 5);
  ASSERT_FALSE(list->front().actors.empty());
  EXPECT_EQ(list->front().actors.front(), "G0128");  // APT31
}

// The same articles read in a different order give the same incidents, ids included.
TEST_F(ClusterTest, OrderOfReadingDoesNotMatter) {
  fs::path corpus = source_dir() / "examples" / "corpus";
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(corpus))
    if (e.is_regular_file()) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  ingest_and_cluster(*store_, files);
  std::reverse(files.begin(), files.end());
  auto other = SqliteStore::open((dir_ / "reversed").string());
  ASSERT_TRUE(other.ok());
  ingest_and_cluster(**other, files);
  auto a = incidents_by_source(*store_), b = incidents_by_source(**other);
  EXPECT_EQ(a, b);
}

// Adding articles never moves articles of incidents they do not join.
TEST_F(ClusterTest, NewArticlesDoNotReshuffleOtherIncidents) {
  fs::path corpus = source_dir() / "examples" / "corpus";
  std::vector<std::string> first, second;
  for (const auto& e : fs::directory_iterator(corpus))
    if (e.is_regular_file()) (e.path().filename().string() < "packet" ? first : second).push_back(e.path().string());
  ingest_and_cluster(*store_, first);
  auto before = incidents_by_source(*store_);
  auto versions = store_->list_incidents({});
  ASSERT_TRUE(versions.ok());
  ingest_and_cluster(*store_, second);
  auto after = incidents_by_source(*store_);
  for (const auto& [source, incident] : before) EXPECT_EQ(after.at(source), incident) << source;
  // Incidents that received no article kept their version.
  std::set<std::string> touched;
  for (const auto& [source, incident] : after)
    if (!before.count(source)) touched.insert(incident);
  for (const auto& r : *versions) {
    auto now = store_->get_incident(r.id, false);
    ASSERT_TRUE(now.ok() && *now);
    if (!touched.count(r.id)) {
      EXPECT_EQ((*now)->version, r.version) << r.title;
    }
  }
}

// A later run (a new process) finds the incidents of earlier runs in the store.
TEST_F(ClusterTest, LaterRunsJoinStoredIncidents) {
  fs::path c = golden_dir() / "cluster" / "follow-up-weeks-later";
  ingest_and_cluster(*store_, {(c / "1").string()});
  ingest_and_cluster(*store_, {(c / "2").string()});
  auto list = store_->list_incidents({});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().articles, 2);
  EXPECT_EQ(list->front().version, 2);  // created, then joined
}

// Two processes clustering into one store: each works on the incidents as the other committed
// them, even when it holds an older state of the same incident in memory.
TEST_F(ClusterTest, ClusterersOnOneStoreSeeEachOthersChanges) {
  auto article = [&](const std::string& name, const std::string& title, const std::string& date, const std::string& body) {
    write_file(dir_ / (name + ".txt"), "---\ntitle: \"" + title + "\"\noutlet: " + name + " News\nurl: https://" + name +
                                           ".example/story\ndate: " + date + "\n---\n\n" + body + "\n");
    return (dir_ / (name + ".txt")).string();
  };
  std::string first = article("healthwire", "Ransomware attack shuts down Kestrel Valley Medical Center systems", "2024-10-08T07:00:00Z",
                              "Kestrel Valley Medical Center diverted ambulances on Tuesday after a ransomware attack encrypted "
                              "its electronic health record servers. The hospital has not said who is behind the attack.");
  std::string claimed = article("datawatch", "Akira ransomware gang claims Kestrel Valley Medical Center attack", "2024-10-09T11:00:00Z",
                                "The Akira ransomware gang claimed the attack on Kestrel Valley Medical Center, which shut down "
                                "its electronic health record servers this week, and listed the hospital on its leak site.");
  std::string restored = article("valleytimes", "Kestrel Valley Medical Center restores health record servers after ransomware attack",
                                 "2024-10-11T09:00:00Z",
                                 "Kestrel Valley Medical Center said its electronic health record servers were restored on Friday, "
                                 "three days after the ransomware attack, and ambulances were no longer diverted.");
  auto second = SqliteStore::open((dir_ / "db").string());
  ASSERT_TRUE(second.ok()) << second.error();
  const Shared& s = shared();
  PipelineOptions opts;
  opts.fetch_linked_pages = false;
  opts.extractor = s.extractor.get();
  // One process founds the incident and keeps it in memory...
  auto other = Pipeline::open(**second, opts, {});
  ASSERT_TRUE(other.ok()) << other.error();
  (*other)->ingest(first);
  (*other)->finish();
  // ...another adds the claim of responsibility...
  ingest_and_cluster(*store_, {claimed});
  // ...and the first adds a later report: the incident keeps the actor the claim named.
  (*other)->ingest(restored);
  (*other)->finish();
  auto by_source = incidents_by_source(*store_);
  ASSERT_EQ(by_source.size(), 3u);
  EXPECT_EQ(by_source.at(first), by_source.at(claimed));
  EXPECT_EQ(by_source.at(first), by_source.at(restored));
  auto incident = store_->get_incident(by_source.at(first), false);
  ASSERT_TRUE(incident.ok() && *incident);
  EXPECT_NE(std::find((*incident)->actors.begin(), (*incident)->actors.end(), "G1024"), (*incident)->actors.end())
      << "actors: " << ::testing::PrintToString((*incident)->actors);
  EXPECT_EQ((*incident)->articles, 3);
}

TEST_F(ClusterTest, CorrectionsApplyAndSurviveARebuild) {
  fs::path c = golden_dir() / "cluster" / "same-actor-different-victims";
  ingest_and_cluster(*store_, {c.string()});
  auto by_source = incidents_by_source(*store_);
  auto file = [&](const char* name) { return (c / name).string(); };
  std::string northgate = by_source.at(file("a1.txt")), halvorsen = by_source.at(file("b1.txt"));
  ASSERT_NE(northgate, halvorsen);
  auto article_of = [&](const char* name) {
    for (const auto& a : *store_->list_articles({}))
      if (a.fetch.source == file(name)) return a.id;
    return std::string();
  };
  const Shared& s = shared();
  ProfileSource profiles = [&](const std::string& id) -> Result<ArticleProfile> {
    auto a = store_->get_article(id, false);
    if (!a.ok() || !*a) return Error{"not stored"};
    return profile_article(**a, s.extractor->extract(**a), *s.kb);
  };
  {
    auto cl = Clusterer::open(*store_, s.kb.get());
    ASSERT_TRUE(cl.ok());
    // Move one Halvorsen article to Northgate, then split it back out on its own.
    auto moved = (*cl)->move(article_of("b2.txt"), northgate, profiles);
    ASSERT_TRUE(moved.ok()) << moved.error();
    EXPECT_EQ(incidents_by_source(*store_).at(file("b2.txt")), northgate);
    EXPECT_FALSE((*cl)->move(article_of("b2.txt"), northgate, profiles).ok());  // already there
    auto split = (*cl)->split(northgate, {article_of("b2.txt").substr(0, 6)}, profiles);
    ASSERT_TRUE(split.ok()) << split.error();
    EXPECT_EQ(incidents_by_source(*store_).at(file("b2.txt")), *split);
    EXPECT_FALSE((*cl)->split(*split, {article_of("b2.txt")}, profiles).ok());  // would leave it empty
    // Merge Halvorsen into Northgate: the merged id resolves to the survivor.
    ASSERT_TRUE((*cl)->merge(northgate, halvorsen, profiles).ok());
    auto merged = store_->get_incident(halvorsen, false);
    ASSERT_TRUE(merged.ok() && *merged);
    EXPECT_EQ((*merged)->id, northgate);
    EXPECT_EQ((*merged)->articles, 3);
  }
  auto corrected = incidents_by_source(*store_);
  auto log = store_->corrections();
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 3u);

  // Rebuild from scratch: the automatic result, then the replayed corrections, equals what the
  // analyst left.
  ASSERT_TRUE(store_->clear_clustering().ok());
  {
    auto cl = Clusterer::open(*store_, s.kb.get());
    ASSERT_TRUE(cl.ok());
    auto ids = store_->unclustered_articles();
    ASSERT_TRUE(ids.ok());
    for (const auto& id : *ids) ASSERT_TRUE((*cl)->add(*profiles(id)).ok());
    ASSERT_TRUE((*cl)->flush().ok());
    EXPECT_EQ(partition(incidents_by_source(*store_)).size(), 2u);
    ASSERT_TRUE((*cl)->replay_corrections(profiles).ok());
  }
  EXPECT_EQ(incidents_by_source(*store_), corrected);
}

TEST(ClusterEvaluate, KnownScores) {
  std::map<std::string, std::string> truth = {{"a", "x"}, {"b", "x"}, {"c", "x"}, {"d", "y"}, {"e", "y"}};
  auto perfect = evaluate_clustering(truth, {{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "2"}, {"e", "2"}});
  EXPECT_DOUBLE_EQ(perfect.bcubed_f1, 1.0);
  EXPECT_DOUBLE_EQ(perfect.pairwise_f1, 1.0);
  // Everything in one cluster: B-cubed precision = (3*3/5 + 2*2/5) / 5 = 13/25, recall 1.
  auto one = evaluate_clustering(truth, {{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}, {"e", "1"}});
  EXPECT_NEAR(one.bcubed_precision, 13.0 / 25.0, 1e-12);
  EXPECT_DOUBLE_EQ(one.bcubed_recall, 1.0);
  // 4 true pairs; 10 predicted pairs, of which the 4 true ones.
  EXPECT_NEAR(one.pairwise_precision, 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(one.pairwise_recall, 1.0);
  // Singletons: precision 1; B-cubed recall = (3*(1/3) + 2*(1/2)) / 5 = 2/5; no predicted pairs.
  auto single = evaluate_clustering(truth, {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}});
  EXPECT_DOUBLE_EQ(single.bcubed_precision, 1.0);
  EXPECT_NEAR(single.bcubed_recall, 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(single.pairwise_recall, 0.0);
  // Items missing from the prediction do not count.
  auto partial = evaluate_clustering(truth, {{"a", "1"}, {"b", "1"}});
  EXPECT_EQ(partial.items, 2u);
}

TEST(ClusterProfile, ProperNames) {
  if (!shared().extractor) GTEST_SKIP();
  Article a;
  a.id = "t";
  a.title = "Northgate Logistics halts deliveries";
  a.text =
      "Hewlett Packard Enterprise said the intrusion began in May 2023. Investigators at the firm, Northgate Logistics, "
      "found a web shell, and Ivanti issued a fix.\n\nIvanti said CVE-2024-21887 was exploited, according to Bank of "
      "America analysts and the BBC, Reuters and Boots.";
  Extraction x = shared().extractor->extract(a);
  auto names = proper_names(a.text, x.sentences, x.mentions, *shared().kb, {});
  std::set<std::string> got(names.begin(), names.end());
  for (const char* want : {"hewlett packard enterprise", "hewlett", "packard", "northgate logistics", "northgate", "ivanti",
                           "bank of america", "bbc", "reuters"})
    EXPECT_TRUE(got.count(want)) << want;
  // Not names: an ordinary word opening a sentence, a month, a CVE id, a run across a comma.
  for (const char* not_a_name : {"investigators", "may", "may 2023", "cve", "bbc reuters", "bbc reuters and boots", "enterprise"})
    EXPECT_FALSE(got.count(not_a_name)) << not_a_name;

  ArticleProfile p = profile_article(a, x, *shared().kb);
  auto has = [&](const std::string& key, bool in_title) {
    return std::any_of(p.keys.begin(), p.keys.end(), [&](const ProfileKey& k) { return k.key == key && k.in_title == in_title; });
  };
  EXPECT_TRUE(has("name:northgate logistics", true));
  EXPECT_TRUE(has("cve:CVE-2024-21887", false));
  EXPECT_FALSE(p.dated());
}

}  // namespace
}  // namespace dossier
