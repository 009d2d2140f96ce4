// The incident commands end to end through the binary: ingest clusters, `incidents` lists and
// filters, `incident` shows, the JSON has its documented fields, corrections persist and survive
// `cluster --rebuild`, and `eval clustering` scores the sample corpus against its labels.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

class IncidentCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = q(dir_ / "db");
    std::string out;
    ASSERT_EQ(run_command(bin() + " --db " + db_ + " ingest " + q(source_dir() / "examples" / "corpus"), &out), 0) << out;
    EXPECT_NE(out.find("clustered"), std::string::npos) << out;
  }
  json run_json(const std::string& args) {
    std::string out;
    EXPECT_EQ(run_command(bin() + " --db " + db_ + " " + args + " 2>/dev/null", &out), 0) << out;
    return json::parse(out, nullptr, false);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(IncidentCli, ListShowAndFilter) {
  json all = run_json("incidents --json");
  ASSERT_TRUE(all.is_array());
  ASSERT_GE(all.size(), 15u);
  size_t articles = 0;
  for (const auto& i : all) {
    for (const char* k : {"id", "title", "first_seen", "last_seen", "sources", "articles", "actors", "article_count"})
      EXPECT_TRUE(i.contains(k)) << k;
    articles += i["articles"].size();
    for (const auto& a : i["articles"])
      for (const char* k : {"id", "url", "title"}) EXPECT_TRUE(a.contains(k)) << k;
    EXPECT_LE(i["sources"].get<int>(), i["article_count"].get<int>());
    EXPECT_LE(i["first_seen"].get<std::string>(), i["last_seen"].get<std::string>());
  }
  EXPECT_EQ(articles, corpus_articles());  // every article is in exactly one incident

  // --actor takes any alias: Judgment Panda is APT31 (Czech ministry and Finnish parliament).
  json apt31 = run_json("incidents --json --actor 'Judgment Panda'");
  ASSERT_EQ(apt31.size(), 2u);
  for (const auto& i : apt31) EXPECT_EQ(i["actors"][0]["name"], "APT31");
  json recent = run_json("incidents --json --since 2025-01-01");
  for (const auto& i : recent) EXPECT_GE(i["last_seen"].get<std::string>(), "2025-01-01");
  EXPECT_LT(recent.size(), all.size());

  std::string id = apt31[0]["id"];
  json one = run_json("incident " + id.substr(0, 6) + " --json");
  EXPECT_EQ(one["id"], id);
  EXPECT_EQ(one["articles"].size(), apt31[0]["articles"].size());
  std::string out;
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " incident " + id, &out), 0);
  EXPECT_NE(out.find("APT31"), std::string::npos) << out;
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " incident ffffffffffffffff", &out), 1);
  EXPECT_NE(out.find("no incident"), std::string::npos) << out;
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " incidents --actor 'No Such Group'", &out), 1);
}

TEST_F(IncidentCli, EvalClusteringOnTheSampleCorpus) {
  std::string out;
  ASSERT_EQ(run_command("cd " + q(source_dir()) + " && " + bin() + " --db " + db_ + " eval clustering examples/labels.tsv --json", &out), 0) << out;
  json j = json::parse(out);
  EXPECT_EQ(j["matched"], corpus_articles());
  EXPECT_TRUE(j["unmatched"].empty());
  EXPECT_GE(j["bcubed"]["f1"].get<double>(), 0.95);
  EXPECT_GT(j["pairwise"]["f1"].get<double>(), 0.0);
  ASSERT_EQ(run_command("cd " + q(source_dir()) + " && " + bin() + " --db " + db_ + " eval clustering examples/labels.tsv", &out), 0);
  EXPECT_NE(out.find("B-cubed"), std::string::npos) << out;
  EXPECT_NE(run_command(bin() + " --db " + db_ + " eval clustering /nonexistent.tsv", &out), 0);
}

TEST_F(IncidentCli, CorrectionsPersistAndSurviveRebuild) {
  json all = run_json("incidents --json");
  ASSERT_GE(all.size(), 3u);
  std::string a = all[0]["id"], b = all[1]["id"];
  size_t a_articles = all[0]["articles"].size(), b_articles = all[1]["articles"].size();
  std::string out;
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " incidents merge " + a + " " + b, &out), 0) << out;
  json merged = run_json("incident " + b + " --json");  // B's id now leads to A
  EXPECT_EQ(merged["id"], a);
  EXPECT_EQ(merged["articles"].size(), a_articles + b_articles);

  std::string moved = merged["articles"][0]["id"];
  std::string other = all[2]["id"];
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " incidents move " + moved + " " + other, &out), 0) << out;
  json target = run_json("incident " + other + " --json");
  bool found = false;
  for (const auto& art : target["articles"])
    if (art["id"] == moved) found = art["pinned"].get<bool>();
  EXPECT_TRUE(found);

  std::string split_out = merged["articles"][1]["id"];
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " incidents split " + a + " " + split_out, &out), 0) << out;
  EXPECT_NE(out.find("into incident"), std::string::npos);

  auto snapshot = [&] {
    std::set<std::pair<std::string, std::string>> s;
    for (const auto& i : run_json("incidents --json"))
      for (const auto& art : i["articles"]) s.emplace(art["id"].get<std::string>(), i["id"].get<std::string>());
    return s;
  };
  auto before = snapshot();
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " cluster --rebuild", &out), 0) << out;
  EXPECT_EQ(snapshot(), before);

  // Bad corrections are refused with a reason.
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " incidents merge " + a + " " + a, &out), 1);
  EXPECT_NE(out.find("same incident"), std::string::npos) << out;
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " incidents move 0000000000000000 " + a, &out), 1);
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " incidents split " + a + " 0000000000000000", &out), 1);
}

TEST_F(IncidentCli, ClusterPicksUpArticlesStoredWithoutExtraction) {
  TempDir d;
  std::string db = q(d / "db"), out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " --no-extract ingest " + q(source_dir() / "examples" / "corpus"), &out), 0) << out;
  EXPECT_EQ(out.find("clustered"), std::string::npos) << out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " incidents --json", &out), 0);
  EXPECT_EQ(json::parse(out).size(), 0u);
  ASSERT_EQ(run_command(bin() + " --db " + db + " cluster", &out), 0) << out;
  EXPECT_NE(out.find("clustered " + std::to_string(corpus_articles()) + " articles"), std::string::npos) << out;
  ASSERT_EQ(run_command(bin() + " --db " + db + " cluster", &out), 0) << out;
  EXPECT_NE(out.find("clustered 0 articles"), std::string::npos) << out;
}

TEST_F(IncidentCli, DossierCommands) {
  json all = run_json("incidents --json --actor APT31");
  ASSERT_FALSE(all.empty());
  std::string id = all[0]["id"];
  json report = run_json("report " + id + " --format json");
  for (const char* k : {"incident", "sources", "key_points", "brief", "report", "conflicts", "recommendations", "claims"})
    EXPECT_TRUE(report.contains(k)) << k;
  EXPECT_EQ(report["incident"]["id"], id);
  EXPECT_GE(report["key_points"].size(), 3u);
  std::string out;
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " report " + id.substr(0, 6), &out), 0) << out;
  for (const char* h : {"## Key points", "## Incident report", "### Attribution", "### Recommendations", "## References"})
    EXPECT_NE(out.find(h), std::string::npos) << h;
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " brief " + id, &out), 0) << out;
  EXPECT_NE(out.find("### Introduction"), std::string::npos);
  EXPECT_NE(out.find("[1]"), std::string::npos);
  EXPECT_EQ(out.find("## Incident report"), std::string::npos);
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " keypoints " + id + " --format json", &out), 0) << out;
  json kp = json::parse(out);
  EXPECT_TRUE(kp.contains("key_points"));
  EXPECT_FALSE(kp.contains("report"));
  ASSERT_EQ(run_command(bin() + " --db " + db_ + " report " + id + " --format html", &out), 0) << out;
  EXPECT_EQ(out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(out.find("</html>"), std::string::npos);
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " report " + id + " --format pdf", &out), 2);
  EXPECT_EQ(run_command(bin() + " --db " + db_ + " report ffffffffffff", &out), 1);
}

TEST(DossierCli, SummarizeFilesWithoutAStore) {
  std::string out;
  auto folder = golden_dir() / "cluster" / "same-actor-different-victims";
  ASSERT_EQ(run_command(bin() + " summarize " + q(folder) + " --format json 2>/dev/null", &out), 0) << out;
  json all = json::parse(out);
  ASSERT_TRUE(all.is_array());
  EXPECT_EQ(all.size(), 2u);  // Northgate and Halvorsen
  ASSERT_EQ(run_command(bin() + " summarize " + q(folder / "a1.txt") + " " + q(folder / "a2.txt"), &out), 0) << out;
  EXPECT_NE(out.find("Northgate"), std::string::npos);
  EXPECT_NE(out.find("## Brief"), std::string::npos);
  EXPECT_NE(out.find("FIN7"), std::string::npos);
  EXPECT_EQ(run_command(bin() + " summarize /nonexistent/file.txt", &out), 1);
}

}  // namespace
}  // namespace dossier
