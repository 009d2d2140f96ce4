// `dossier kb ...` end to end: look-ups on the shipped KB, local alias corrections, and `kb update`
// against a local mirror (and with no network).
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using namespace dossier::testing;

// Every command runs with a private data home so that no test touches the user's KB or overrides.
struct Env {
  TempDir home;
  std::string prefix() const { return "XDG_DATA_HOME=" + q(home.path()) + " DOSSIER_KB= "; }
};

TEST(KbCli, AcceptanceLookups) {
  Env env;
  std::string out;
  for (const char* name : {"Zirconium", "'Judgment Panda'", "'violet typhoon'", "TA412"}) {
    ASSERT_EQ(run_command(env.prefix() + bin() + " kb actor " + name + " --json", &out), 0) << out;
    json j = json::parse(out);
    EXPECT_EQ(j[0]["id"], "G0128") << name;
    EXPECT_EQ(j[0]["name"], "APT31") << name;
    EXPECT_EQ(j[0]["country_name"], "China") << name;
    EXPECT_GE(j[0]["aliases"].size(), 8u) << name;
  }
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb technique T1566.001", &out), 0);
  EXPECT_NE(out.find("Spearphishing Attachment"), std::string::npos);
  EXPECT_NE(out.find("parent: T1566 Phishing"), std::string::npos);
  EXPECT_NE(out.find("tactic: TA0001 Initial Access"), std::string::npos);
  EXPECT_NE(out.find("mitigation: M1017 User Training"), std::string::npos);
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb technique T1086", &out), 0);
  EXPECT_NE(out.find("T1086 is revoked; replaced by T1059.001"), std::string::npos) << out;
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb agency NUKIB", &out), 0);
  EXPECT_NE(out.find("National Cyber and Information Security Agency"), std::string::npos);
  EXPECT_NE(out.find("Czechia"), std::string::npos);
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb agency 'Security Information Service' --json", &out), 0);
  json ag = json::parse(out);
  EXPECT_TRUE(std::any_of(ag.begin(), ag.end(), [](const json& a) { return a["country"] == "CZ"; }));
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb country 'Czech Republic'", &out), 0);
  EXPECT_EQ(out.rfind("Czechia (CZ, CZE)", 0), 0u) << out;
  EXPECT_EQ(run_command(env.prefix() + bin() + " kb actor 'No Such Group Anywhere'", &out), 1);
  EXPECT_NE(out.find("no actor named"), std::string::npos);
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb info --json", &out), 0);
  json info = json::parse(out);
  EXPECT_EQ(info["attack_version"], "19.1");
  EXPECT_GE(info["counts"]["actors"].get<int>(), 1000);
}

TEST(KbCli, LocalAliasAddAndVeto) {
  Env env;
  std::string out;
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb alias add APT31 'Copper Lantern'", &out), 0) << out;
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb actor 'copper lantern' --json", &out), 0) << out;
  json j = json::parse(out);
  EXPECT_EQ(j[0]["id"], "G0128");
  bool local = false;
  for (const auto& a : j[0]["aliases"]) local |= a["name"] == "Copper Lantern" && a["sources"] == "local";
  EXPECT_TRUE(local);
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb alias veto APT31 TA412", &out), 0) << out;
  EXPECT_EQ(run_command(env.prefix() + bin() + " kb actor TA412", &out), 1);
  // Another data home does not see these corrections.
  Env other;
  EXPECT_EQ(run_command(other.prefix() + bin() + " kb actor TA412", &out), 0);
}

TEST(KbCli, UpdateFromAMirrorAndOffline) {
  Env env;
  httplib::Server svr;
  auto fixtures = source_dir() / "tests" / "fixtures" / "kb";
  ASSERT_TRUE(svr.set_mount_point("/kb", fixtures.string()));
  int port = svr.bind_to_any_port("127.0.0.1");
  std::thread t([&] { svr.listen_after_bind(); });
  while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::string base = "http://127.0.0.1:" + std::to_string(port) + "/kb";
  auto out_kb = env.home / "updated.bin";
  std::string out;
  int rc = run_command("DOSSIER_KB_ATTACK_URL=" + base + "/attack/enterprise-attack.json DOSSIER_KB_MISP_BASE=" + base +
                           "/misp-galaxy DOSSIER_KB_WARNINGLISTS_BASE=" + base + "/no-such-lists " + env.prefix() + bin() +
                           " --allow-private kb update --out " + q(out_kb),
                       &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("warning: warning list tranco10k not updated"), std::string::npos) << out;  // optional lists
  ASSERT_EQ(run_command(env.prefix() + bin() + " --kb " + q(out_kb) + " kb actor 'Paper Kite' --json", &out), 0) << out;
  EXPECT_EQ(json::parse(out)[0]["id"], "G9001");
  // No network (a closed port): the update says so and keeps the KB it had.
  rc = run_command("DOSSIER_KB_ATTACK_URL=http://127.0.0.1:9/x.json " + env.prefix() + bin() +
                       " --allow-private kb update --out " + q(out_kb),
                   &out);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("keeping the current knowledge base"), std::string::npos) << out;
  ASSERT_EQ(run_command(env.prefix() + bin() + " --kb " + q(out_kb) + " kb actor 'Paper Kite'", &out), 0);
  svr.stop();
  t.join();
}

TEST(KbCli, BuildFromSharedSourcesWhenPresent) {
  auto kb_dir = shared_dir() / "kb";
  if (!std::filesystem::exists(kb_dir / "attack" / "enterprise-attack.json")) GTEST_SKIP() << "../shared/kb not present";
  Env env;
  std::string out;
  auto out_kb = env.home / "built.bin";
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb build --from " + q(kb_dir) + " --out " + q(out_kb), &out), 0) << out;
  // The build is deterministic apart from its timestamp: same counts as the shipped KB.
  std::string shipped, built;
  ASSERT_EQ(run_command(env.prefix() + bin() + " kb info --json", &shipped), 0);
  ASSERT_EQ(run_command(env.prefix() + bin() + " --kb " + q(out_kb) + " kb info --json", &built), 0);
  EXPECT_EQ(json::parse(shipped)["counts"], json::parse(built)["counts"]);
}

}  // namespace
}  // namespace dossier
