// The pipeline stage: extraction stored once at ingest and read back by the dossier and by
// clustering (extracted again only when the extractor's version changed), the same store whatever
// the number of worker threads, and summarize without a store.
#include "dossier/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include "dossier/extract/codec.h"
#include "dossier/pipeline/dossiers.h"
#include "dossier/pipeline/jobs.h"
#include "dossier/pipeline/stored.h"
#include "dossier/store/sqlite_store.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;
namespace fs = std::filesystem;

using Shared = SharedExtraction;
const Shared& shared() { return shared_extraction(); }

PipelineCounts ingest(Store& store, const std::vector<std::string>& targets, size_t threads = 0) {
  PipelineOptions o;
  o.fetch_linked_pages = false;
  o.extractor = shared().extractor.get();
  o.threads = threads;
  auto p = Pipeline::open(store, o);
  EXPECT_TRUE(p.ok()) << p.error();
  for (const auto& t : targets) (*p)->ingest(t);
  (*p)->finish();
  return (*p)->counts();
}

std::string affected(const Dossier& d) {
  for (const auto& f : d.report.details)
    if (f.label == "Affected organisation") {
      std::string s;
      for (const auto& v : f.values) s += v.text + "; ";
      return s;
    }
  return {};
}

TEST(Pipeline, DossierReadsTheStoredExtractionAndExtractsAgainOnlyForAnotherVersion) {
  ASSERT_TRUE(shared().extractor);
  TempDir dir;
  auto store = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(store.ok());
  std::string file = (source_dir() / "examples" / "corpus" / "ledger-ivanti-epmm-norway.html").string();
  PipelineCounts c = ingest(**store, {file});
  ASSERT_EQ(c.stored, 1u);
  EXPECT_EQ(c.clustered, 1u);
  auto articles = (*store)->list_articles(ArticleQuery{});
  ASSERT_TRUE(articles.ok() && articles->size() == 1);
  auto article = (*store)->get_article(articles->front().id, false);
  ASSERT_TRUE(article.ok() && *article);
  const KnowledgeBase& kb = *shared().kb;
  auto stored = (*store)->get_extraction((*article)->id);
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_EQ((*stored)->version, extractor_version(kb));

  // A victim no extractor would find, written into the stored extraction: the dossier shows it,
  // so the dossier read the stored extraction instead of extracting again.
  auto x = decode_extraction((*stored)->data, (*article)->text.size());
  ASSERT_TRUE(x.ok()) << x.error();
  x->events.victims.insert(x->events.victims.begin(), Victim{"Zzyzx Widget Works", "", {}, "", Span{0, 0, 0}});
  ASSERT_TRUE((*store)->put_extraction((*article)->id, StoredExtraction{extractor_version(kb), encode_extraction(*x), ""}).ok());
  auto incidents = (*store)->list_incidents({});
  ASSERT_TRUE(incidents.ok() && incidents->size() == 1);
  auto d = generate_dossier(**store, *shared().extractor, incidents->front().id);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_NE(affected(*d).find("Zzyzx Widget Works"), std::string::npos) << affected(*d);

  // Made by another version of the extractor: extracted again, and the fresh one stored.
  ASSERT_TRUE((*store)->put_extraction((*article)->id, StoredExtraction{"r0-stale", encode_extraction(*x), ""}).ok());
  d = generate_dossier(**store, *shared().extractor, incidents->front().id);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(affected(*d).find("Zzyzx"), std::string::npos);
  stored = (*store)->get_extraction((*article)->id);
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_EQ((*stored)->version, extractor_version(kb));

  // Bytes that do not decode are treated as absent, never trusted.
  ASSERT_TRUE((*store)->put_extraction((*article)->id, StoredExtraction{extractor_version(kb), "\x01garbage", ""}).ok());
  auto again = stored_extraction(**store, *shared().extractor, **article);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE(again->sentences.empty());
}

TEST(Pipeline, ClusteringStoredArticlesExtractsThoseStoredWithoutExtraction) {
  ASSERT_TRUE(shared().extractor);
  TempDir dir;
  auto store = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(store.ok());
  PipelineOptions o;  // no extractor: stored only
  o.fetch_linked_pages = false;
  {
    auto p = Pipeline::open(**store, o);
    ASSERT_TRUE(p.ok());
    (*p)->ingest((source_dir() / "examples" / "corpus" / "baltic-finland-apt31.txt").string());
    (*p)->finish();
    EXPECT_EQ((*p)->counts().stored, 1u);
    EXPECT_EQ((*p)->counts().clustered, 0u);
  }
  auto ids = (*store)->unclustered_articles();
  ASSERT_TRUE(ids.ok() && ids->size() == 1);
  EXPECT_FALSE(*(*store)->get_extraction(ids->front()));
  auto run = cluster_stored(**store, *shared().extractor, false, false);
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->decisions.size(), 1u);
  EXPECT_TRUE(*(*store)->get_extraction(ids->front()));
  EXPECT_TRUE((*(*store)->unclustered_articles()).empty());
}

TEST(Pipeline, StoriesThatReportNoIncidentStayBrowsableArticles) {
  ASSERT_TRUE(shared().extractor);
  TempDir dir;
  write_file(dir / "in" / "tips.txt",
             "Five ways to make your backups survive ransomware\n\nBackups are the last line of defence. Here are tips "
             "that any team can apply this week, from offline copies to restore drills.\n");
  write_file(dir / "in" / "breach.txt",
             "Harbourline Freight says hackers stole customer records\n\nHarbourline Freight was breached in March, the "
             "company said on Friday. The intruders copied customer records before they were found.\n");
  auto store = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(store.ok());
  ingest(**store, {(dir / "in").string()});
  auto all = (*store)->list_articles(ArticleQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  for (const auto& a : *all) {
    auto m = (*store)->membership(a.id);
    ASSERT_TRUE(m.ok());
    if (a.title.rfind("Five ways", 0) == 0) {
      EXPECT_EQ(a.kind, "opinion");
      EXPECT_FALSE(*m);  // in no incident
    } else {
      EXPECT_EQ(a.kind, "incident");
      EXPECT_TRUE(*m);
    }
  }
  // Not waiting to be clustered either: a later `cluster` leaves it alone.
  EXPECT_TRUE((*(*store)->unclustered_articles()).empty());
}

// Incident of every article, by article id.
std::map<std::string, std::string> grouping(Store& store) {
  std::map<std::string, std::string> out;
  auto all = store.list_articles(ArticleQuery{});
  for (const auto& a : *all) {
    auto m = store.membership(a.id);
    out[a.id] = m.ok() && *m ? (*m)->incident_id : "";
  }
  return out;
}

TEST(Pipeline, WorkerThreadsLeaveTheSameStore) {
  ASSERT_TRUE(shared().extractor);
  TempDir dir;
  auto one = SqliteStore::open((dir / "one").string());
  auto two = SqliteStore::open((dir / "two").string());
  ASSERT_TRUE(one.ok() && two.ok());
  std::string corpus = (source_dir() / "examples" / "corpus").string();
  PipelineCounts a = ingest(**one, {corpus}, 0), b = ingest(**two, {corpus}, 2);
  EXPECT_EQ(a.stored, b.stored);
  EXPECT_EQ(a.duplicates, b.duplicates);
  EXPECT_EQ(a.clustered, b.clustered);
  EXPECT_EQ(grouping(**one), grouping(**two));
  // Extraction on a worker is extraction on the calling thread: the same bytes are stored for
  // every article (a worker's first article once lost its indicators to a moved scratch).
  auto articles = (*one)->list_articles({});
  ASSERT_TRUE(articles.ok());
  ASSERT_FALSE(articles->empty());
  for (const auto& art : *articles) {
    auto x1 = (*one)->get_extraction(art.id), x2 = (*two)->get_extraction(art.id);
    ASSERT_TRUE(x1.ok() && x2.ok() && *x1 && *x2) << art.id;
    EXPECT_EQ((*x1)->data, (*x2)->data) << art.id << " " << art.title;
  }
}

TEST(Pipeline, SummarizeNeedsNoStoreAndReportsBadItems) {
  ASSERT_TRUE(shared().extractor);
  TempDir dir;
  write_file(dir / "in" / "good.txt", read_file(source_dir() / "examples" / "corpus" / "baltic-finland-apt31.txt"));
  write_file(dir / "in" / "empty.txt", "");
  PipelineOptions o;
  o.extractor = shared().extractor.get();
  o.fetch_linked_pages = false;
  std::vector<std::string> errors;
  PipelineEvents ev;
  ev.on_error = [&](const std::string& item, const std::string& why) { errors.push_back(item + ": " + why); };
  auto s = summarize({(dir / "in").string()}, o, ev);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->dossiers.size(), 1u);
  EXPECT_EQ(s->counts.failed, 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("empty.txt"), std::string::npos);
  auto none = summarize({(dir / "in" / "empty.txt").string()}, o);
  EXPECT_FALSE(none.ok());
}

}  // namespace
}  // namespace dossier

#include "dossier/pipeline/eval_extraction.h"

namespace dossier {
namespace {

TEST(EvalExtraction, ScoresEachFieldOnALabelledSetWrittenForTheTest) {
  ASSERT_TRUE(shared().extractor);
  TempDir dir;
  write_file(dir / "articles" / "1.txt",
             "Harbourline Freight was breached last month, the company confirmed on Friday, and the LockBit ransomware gang "
             "claimed responsibility for the attack on its leak site. The intruders used CVE-2023-4966 to get in. "
             "Investigators listed the command server 198.51.100[.]23 among the indicators, and the company's customers in "
             "Germany were told to reset their passwords.\n");
  write_file(dir / "gold.json", R"({
    "1": {"formats": {"txt": "articles/1.txt"}, "language": "en",
          "actors": ["LockBit"], "other_actors_mentioned": [], "attributed_country": null,
          "victims": ["Harbourline Freight Ltd"], "sectors": [], "countries_mentioned": ["Germany", "France"],
          "cves": ["CVE-2023-4966"], "iocs": {"ipv4": ["198.51.100.23"], "domain": []}, "attack_techniques": []},
    "2": {"formats": {"txt": "articles/missing.txt"}}
  })");
  auto ev = evaluate_extraction((dir / "gold.json").string(), *shared().extractor);
  ASSERT_TRUE(ev.ok()) << ev.error();
  EXPECT_EQ(ev->articles, 1u);
  ASSERT_EQ(ev->unreadable.size(), 1u);  // the article whose file is missing is named, the run goes on
  auto f = [&](const char* name) { return ev->fields[name]; };
  EXPECT_EQ(f("victims").tp, 1u);  // "Harbourline Freight" is "Harbourline Freight Ltd"
  EXPECT_EQ(f("responsible_actors").tp, 1u);
  EXPECT_EQ(f("cves").tp, 1u);
  EXPECT_EQ(f("indicators").tp, 1u);  // asserted (defanged) in a documentation range: an indicator
  EXPECT_EQ(f("countries").tp, 1u);
  EXPECT_EQ(f("countries").fn, 1u);  // France is not named
  EXPECT_DOUBLE_EQ(f("countries").recall(), 0.5);
  ASSERT_EQ(ev->errors.size(), 1u);
  EXPECT_EQ(ev->errors[0].missed["countries"], std::vector<std::string>{"France"});
  EXPECT_FALSE(evaluate_extraction((dir / "nothing.json").string(), *shared().extractor).ok());
}

TEST(EvalExtraction, CasieAnnotationsGiveNamedVictimsAttackersAndCves) {
  TempDir tmp;
  auto dir = tmp.path();
  std::filesystem::create_directories(dir / "annotation");
  std::filesystem::create_directories(dir / "articles");
  write_file(dir / "articles" / "7.txt",
             "Hackers breached Dunmore Savings Bank and stole customer records, the bank said on Monday. The LockBit gang "
             "claimed the attack. The intruders exploited CVE-2023-4966 in an unpatched gateway.\n");
  // Victims named ("Dunmore Savings Bank") and unnamed ("the bank", "customers"), an attacker the KB
  // knows, one it does not, and a CVE.
  write_file(dir / "annotation" / "7.json", R"({"sourcefile": "7.txt", "cyberevent": {"hopper": [{"events": [
    {"argument": [
      {"role": {"type": "Victim"}, "type": "Organization", "text": "Dunmore Savings Bank"},
      {"role": {"type": "Victim"}, "type": "Organization", "text": "the bank"},
      {"role": {"type": "Victim"}, "type": "Person", "text": "customers"},
      {"role": {"type": "Attacker"}, "type": "Organization", "text": "The LockBit gang"},
      {"role": {"type": "Attacker"}, "type": "Person", "text": "Hackers"},
      {"role": {"type": "CVE"}, "type": "CVE", "text": "CVE-2023-4966"}]}]}]}})");
  write_file(dir / "annotation" / "8.json", "{not json");
  auto ev = evaluate_casie(dir.string(), *shared().extractor);
  ASSERT_TRUE(ev.ok()) << ev.error();
  EXPECT_EQ(ev->articles, 1u);
  EXPECT_EQ(ev->unreadable.size(), 1u);
  auto f = [&](const char* name) { return ev->fields[name]; };
  EXPECT_EQ(f("victims").tp, 1u);
  EXPECT_EQ(f("victims").fn, 0u);  // "the bank" and "customers" name nobody
  EXPECT_EQ(f("attackers").tp, 1u);
  EXPECT_EQ(f("attackers").fn, 0u);  // "Hackers" is no known actor
  EXPECT_EQ(f("cves").tp, 1u);
  EXPECT_FALSE(evaluate_casie((dir / "none").string(), *shared().extractor).ok());
}

TEST(EvalExtraction, TheDevsetWhenPresent) {
  auto gold = shared_dir() / "devset" / "a" / "gold.json";
  if (!std::filesystem::exists(gold)) GTEST_SKIP() << "../shared/devset not present";
  ASSERT_TRUE(shared().extractor);
  auto ev = evaluate_extraction(gold.string(), *shared().extractor);
  ASSERT_TRUE(ev.ok()) << ev.error();
  EXPECT_GE(ev->articles, 30u);
  // Floors well below today's figures (README): a regression, not noise, fails them.
  EXPECT_GE(ev->fields["cves"].f1(), 0.9);
  EXPECT_GE(ev->fields["indicators"].f1(), 0.85);
  EXPECT_GE(ev->fields["victims"].recall(), 0.3);
  EXPECT_GE(ev->fields["responsible_actors"].recall(), 0.5);
}

}  // namespace
}  // namespace dossier
