// The export stage: deterministic ids, STIX patterns and observables, golden exports of the
// sample corpus's dossiers, and exports of a stored incident through the CLI (stable bytes, cited
// sources with their hashes, TLP, ids kept when the incident grows), validated against the OASIS
// schemas when they are beside the checkout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "dossier/export/export.h"
#include "dossier/util/hash.h"
#include "test_util.h"

namespace dossier {
namespace {

using nlohmann::json;
using testing::bin;
using testing::golden_dir;
using testing::q;
using testing::read_file;
using testing::run_command;
using testing::shared_dir;
using testing::shared_extraction;
using testing::source_dir;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

TEST(ExportIds, Uuid5MatchesTheRfcExample) {
  // RFC 9562 / RFC 4122: the DNS namespace and "www.example.com".
  EXPECT_EQ(uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  EXPECT_NE(uuid5(kDossierNamespace, "a"), uuid5(kDossierNamespace, "b"));
  std::string u = uuid5(kDossierNamespace, "report:x");
  EXPECT_EQ(u[14], '5');
  EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
}

TEST(ExportIds, TimestampsHaveMilliseconds) {
  EXPECT_EQ(stix_timestamp("2025-05-28T14:10:00Z"), "2025-05-28T14:10:00.000Z");
  EXPECT_EQ(stix_timestamp("2025-05-28"), "2025-05-28T00:00:00.000Z");
  EXPECT_EQ(stix_timestamp("2025-05-28T14:10:00.5Z"), "2025-05-28T14:10:00.500Z");
  EXPECT_EQ(stix_timestamp("2025-05-28T14:10Z"), "2025-05-28T14:10:00.000Z");
  EXPECT_EQ(stix_timestamp("last week"), "");
}

TEST(ExportIds, TlpLevels) {
  EXPECT_EQ(parse_tlp("TLP:AMBER+STRICT"), Tlp::AmberStrict);
  EXPECT_EQ(parse_tlp("white"), Tlp::Clear);
  EXPECT_EQ(parse_tlp(" Red "), Tlp::Red);
  EXPECT_FALSE(parse_tlp("purple"));
  EXPECT_LT(Tlp::Green, Tlp::Amber);
  EXPECT_EQ(tlp_name(Tlp::AmberStrict), "amber+strict");
}

TEST(ExportIds, PatternsAndObservables) {
  auto ip = stix_observable("ipv4", "198.51.100.7");
  EXPECT_EQ(ip.pattern, "[ipv4-addr:value = '198.51.100.7']");
  EXPECT_EQ(ip.object["type"], "ipv4-addr");
  // The observable's id: UUIDv5 in the OASIS namespace over its id-contributing properties in
  // canonical JSON.
  EXPECT_EQ(ip.object["id"], "ipv4-addr--" + uuid5(kStixObservableNamespace, R"({"value":"198.51.100.7"})"));
  auto sha = stix_observable("sha256", std::string(64, 'A'));
  EXPECT_EQ(sha.pattern, "[file:hashes.'SHA-256' = '" + std::string(64, 'a') + "']");
  EXPECT_EQ(sha.object["id"], "file--" + uuid5(kStixObservableNamespace, R"({"hashes":{"SHA-256":")" + std::string(64, 'a') + "\"}}"));
  EXPECT_EQ(stix_observable("md5", std::string(32, 'b')).pattern, "[file:hashes.MD5 = '" + std::string(32, 'b') + "']");
  // Quotes and backslashes in a value are escaped inside the pattern's string literal.
  EXPECT_EQ(stix_observable("url", "http://bad.example/a'b\\c").pattern, R"([url:value = 'http://bad.example/a\'b\\c'])");
  EXPECT_EQ(stix_observable("registry-key", R"(HKLM\Software\Run)").pattern, R"([windows-registry-key:key = 'HKLM\\Software\\Run'])");
  EXPECT_EQ(stix_observable("asn", "AS13335").pattern, "[autonomous-system:number = 13335]");
  EXPECT_EQ(stix_observable("domain", "Evil.Example").object["value"], "evil.example");
  // No STIX observable for a wallet: no pattern.
  EXPECT_EQ(stix_observable("bitcoin", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT").pattern, "");
}

// The exports of three of the sample corpus's golden dossiers, with a fixed context: compared with
// tests/golden/export/ (DOSSIER_UPDATE_GOLDEN=1 rewrites them).
TEST(ExportGolden, SampleDossiers) {
  const auto& sx = shared_extraction();
  if (!sx.kb) GTEST_SKIP() << "the shipped knowledge base could not be loaded";
  bool update = std::getenv("DOSSIER_UPDATE_GOLDEN") != nullptr;
  for (const char* name : {"czech-mfa-apt31", "microsoft-midnight-blizzard", "change-healthcare-alphv"}) {
    json d = json::parse(read_file(golden_dir() / "dossier" / (std::string(name) + ".json")));
    ExportContext ctx;
    ctx.kb = sx.kb.get();
    ctx.created = "2025-06-01T09:00:00Z";
    ctx.modified = "2025-06-02T10:30:00Z";
    const std::pair<const char*, json> outputs[] = {{"stix", stix_bundle(d, ctx)},
                                                     {"misp", misp_event(d, ctx)},
                                                     {"navigator", navigator_layer({d}, d["incident"]["title"], *sx.kb)}};
    for (const auto& [format, out] : outputs) {
      fs::path golden = golden_dir() / "export" / (std::string(name) + "." + format + ".json");
      std::string text = out.dump(2) + "\n";
      if (update) write_file(golden, text);
      EXPECT_TRUE(text == read_file(golden)) << golden << " changed; see the diff after DOSSIER_UPDATE_GOLDEN=1";
    }
  }
}

class ExportStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared_extraction().kb) GTEST_SKIP() << "the shipped knowledge base could not be loaded";
    db_ = (dir_.path() / "d.db").string();
  }
  std::string dossier(const std::string& args, int want = 0) {
    std::string out;
    int rc = run_command(bin() + " --db " + q(db_) + " -q " + args + " 2>&1", &out);
    EXPECT_EQ(rc, want) << args << ": " << out.substr(0, 500);
    return out;
  }
  std::string only_incident() {
    json list = json::parse(dossier("incidents --json"));
    EXPECT_EQ(list.size(), 1u);
    return list.empty() ? "" : list[0]["id"].get<std::string>();
  }
  static const json* find(const json& bundle, const std::string& type, const std::string& name) {
    for (const auto& o : bundle["objects"])
      if (o["type"] == type && o.value("name", "") == name) return &o;
    return nullptr;
  }
  static bool related(const json& bundle, const std::string& rel, const std::string& src, const std::string& dst) {
    for (const auto& o : bundle["objects"])
      if (o["type"] == "relationship" && o["relationship_type"] == rel && o["source_ref"] == src && o["target_ref"] == dst) return true;
    return false;
  }
  // Validates bundles with scripts/validate-stix against the OASIS schemas, when both the
  // schemas and Debian's python3-jsonschema are there.
  void validate(const std::vector<fs::path>& files) {
    fs::path schemas = shared_dir() / "stix2-json-schemas" / "schemas";
    std::string cmd = (source_dir() / "scripts" / "validate-stix").string() + " " + q(schemas);
    for (const auto& f : files) cmd += " " + q(f);
    std::string out;
    int rc = run_command(cmd + " 2>&1", &out);
    if (rc == 77) {
      std::printf("STIX schema validation skipped: %s", out.c_str());
      return;
    }
    EXPECT_EQ(rc, 0) << out;
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(ExportStore, BundleOfAStoredIncident) {
  fs::path fixtures = source_dir() / "tests" / "fixtures" / "export";
  dossier("ingest " + q(fixtures / "nordvik-1.txt") + " " + q(fixtures / "nordvik-2.txt"));
  std::string id = only_incident();
  ASSERT_FALSE(id.empty());
  std::string first = dossier("export " + id + " --format stix");
  // An unchanged incident exports byte for byte the same.
  EXPECT_EQ(first, dossier("export " + id));
  json b = json::parse(first);
  write_file(dir_.path() / "nordvik.stix.json", first);
  validate({dir_.path() / "nordvik.stix.json"});

  const json* set = find(b, "intrusion-set", "APT44");
  ASSERT_TRUE(set);
  auto aliases = (*set)["aliases"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(aliases.begin(), aliases.end(), "Sandworm"), aliases.end());
  const json* sponsor = nullptr;
  for (const auto& o : b["objects"])
    if (o["type"] == "threat-actor") sponsor = &o;
  ASSERT_TRUE(sponsor);
  EXPECT_NE((*sponsor)["name"].get<std::string>().find("General Staff"), std::string::npos);
  bool attributed = false;
  for (const auto& o : b["objects"])
    if (o["type"] == "relationship" && o["relationship_type"] == "attributed-to") {
      attributed = true;
      EXPECT_EQ(o["source_ref"], (*set)["id"]);
      EXPECT_EQ(o["target_ref"], (*sponsor)["id"]);
      EXPECT_EQ(o["confidence"], 85);  // "high confidence"
      EXPECT_NE(o["description"].get<std::string>().find("high confidence"), std::string::npos);
    }
  EXPECT_TRUE(attributed);
  const json* victim = find(b, "identity", "Nordvik Energi");
  ASSERT_TRUE(victim);
  EXPECT_EQ((*victim)["identity_class"], "organization");
  EXPECT_TRUE(related(b, "targets", (*set)["id"], (*victim)["id"]));
  const json* norway = find(b, "location", "Norway");
  ASSERT_TRUE(norway);
  EXPECT_EQ((*norway)["country"], "NO");
  const json* russia = find(b, "location", "Russia");
  ASSERT_TRUE(russia);
  EXPECT_TRUE(related(b, "originates-from", (*set)["id"], (*russia)["id"]));
  const json* vuln = find(b, "vulnerability", "CVE-2024-3400");
  ASSERT_TRUE(vuln);
  EXPECT_EQ((*vuln)["external_references"][0]["source_name"], "cve");
  // The technique as ATT&CK publishes it: its own id and creator, and an ATT&CK mitigation of it.
  const json* ap = find(b, "attack-pattern", "Spearphishing Attachment");
  ASSERT_TRUE(ap);
  EXPECT_EQ((*ap)["id"], shared_extraction().kb->technique("T1566.001")->stix_id);
  EXPECT_EQ((*ap)["external_references"][0]["external_id"], "T1566.001");
  EXPECT_TRUE(related(b, "uses", (*set)["id"], (*ap)["id"]));
  bool mitigated = false;
  for (const auto& o : b["objects"])
    if (o["type"] == "relationship" && o["relationship_type"] == "mitigates" && o["target_ref"] == (*ap)["id"]) mitigated = true;
  EXPECT_TRUE(mitigated);
  // Indicators: a pattern over the refanged value, the observable beside it, never observed-data.
  std::set<std::string> patterns;
  for (const auto& o : b["objects"]) {
    EXPECT_NE(o["type"], "observed-data");
    if (o["type"] == "indicator") {
      patterns.insert(o["pattern"]);
      EXPECT_TRUE(related(b, "indicates", o["id"], (*set)["id"])) << o["pattern"];
    }
  }
  EXPECT_TRUE(patterns.count("[domain-name:value = 'update-nordvik.com']"));
  EXPECT_TRUE(patterns.count("[ipv4-addr:value = '203.0.113.45']"));
  EXPECT_EQ(patterns.size(), 3u);
  // The report: the brief with its markers, both sources in citation order with the SHA-256 of
  // the bytes ingested, everything in object_refs, TLP:CLEAR by default.
  const json* report = nullptr;
  for (const auto& o : b["objects"])
    if (o["type"] == "report") report = &o;
  ASSERT_TRUE(report);
  EXPECT_NE((*report)["description"].get<std::string>().find("[1]"), std::string::npos);
  ASSERT_EQ((*report)["external_references"].size(), 2u);
  EXPECT_EQ((*report)["external_references"][0]["source_name"], "Grid Security Weekly");
  EXPECT_EQ((*report)["external_references"][0]["hashes"]["SHA-256"], sha256_hex(read_file(fixtures / "nordvik-1.txt")));
  EXPECT_EQ((*report)["published"], "2025-03-11T08:00:00.000Z");
  for (const auto& o : b["objects"]) {
    if (o["type"] == "report" || o["type"] == "marking-definition" || o["id"] == (*report)["created_by_ref"]) continue;
    bool listed = false;
    for (const auto& r : (*report)["object_refs"]) listed |= r == o["id"];
    EXPECT_TRUE(listed) << o["id"];
  }
  EXPECT_EQ((*report)["object_marking_refs"][0], "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");

  // A TLP set on the incident marks every object of the incident dossier writes; the objects all
  // incidents share (actor, sponsor, countries, CVE: KB facts, same content in every bundle) stay
  // TLP:CLEAR.
  dossier("incidents tlp " + id + " amber");
  json amber = json::parse(dossier("export " + id));
  size_t marked = 0;
  for (const auto& o : amber["objects"]) {
    if (o.value("created_by_ref", "") != (*report)["created_by_ref"]) continue;
    bool shared = o["created"] == "2024-01-01T00:00:00.000Z";
    EXPECT_EQ(o["object_marking_refs"][0], shared ? "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
                                                  : "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421")
        << o["id"];
    marked += !shared;
  }
  EXPECT_GT(marked, 10u);
  write_file(dir_.path() / "amber.stix.json", amber.dump());
  validate({dir_.path() / "amber.stix.json"});
  dossier("incidents tlp " + id + " purple", 1);

  // A third article joins: the incident's objects keep their ids and `modified` moves on.
  write_file(dir_.path() / "nordvik-3.txt",
             "---\ntitle: \"Nordvik Energi restores billing after Sandworm wiper attack\"\noutlet: \"Power Ops Journal\"\n"
             "url: https://powerops.example/nordvik-energi-restores-billing\ndate: 2025-04-02T09:00:00Z\n---\n\n"
             "Nordvik Energi said its billing systems were restored three weeks after the Sandworm wiper attack that Norway "
             "attributed to Russia's GRU.\n\nThe company said the attackers had exploited CVE-2024-3400 on its firewall.\n");
  dossier("ingest " + q(dir_.path() / "nordvik-3.txt"));
  ASSERT_EQ(only_incident(), id);
  json grown = json::parse(dossier("export " + id));
  const json* set2 = find(grown, "intrusion-set", "APT44");
  ASSERT_TRUE(set2);
  EXPECT_EQ(*set2, *set);  // shared: the same object in every bundle
  const json* report2 = nullptr;
  for (const auto& o : grown["objects"])
    if (o["type"] == "report") report2 = &o;
  ASSERT_TRUE(report2);
  EXPECT_EQ((*report2)["id"], (*report)["id"]);
  EXPECT_EQ((*report2)["created"], (*report)["created"]);
  EXPECT_GT((*report2)["modified"].get<std::string>(), (*report)["modified"].get<std::string>());
  EXPECT_EQ((*report2)["external_references"].size(), 3u);
  // The incident's relationships keep their ids too.
  std::set<std::string> before, after;
  for (const auto& o : b["objects"])
    if (o["type"] == "relationship") before.insert(o["id"]);
  for (const auto& o : grown["objects"])
    if (o["type"] == "relationship") after.insert(o["id"]);
  for (const auto& r : before) EXPECT_TRUE(after.count(r)) << r;
}

TEST_F(ExportStore, MispEventAndNavigatorLayer) {
  fs::path fixtures = source_dir() / "tests" / "fixtures" / "export";
  dossier("ingest " + q(fixtures));
  std::string id = only_incident();
  ASSERT_FALSE(id.empty());
  json e = json::parse(dossier("export " + id + " --format misp"))["Event"];
  // The published format: info, date, threat level 1-4, analysis 0-2, uuids, attributes with a
  // type, category and to_ids, galaxy clusters as tags.
  EXPECT_EQ(e["info"], "Sandworm wiper hits Norwegian utility Nordvik Energi");
  EXPECT_EQ(e["date"], "2025-03-11");
  EXPECT_EQ(e["threat_level_id"], "2");  // two independent sources
  EXPECT_EQ(e["analysis"], "1");
  std::map<std::string, bool> to_ids;
  for (const auto& a : e["Attribute"]) {
    to_ids[a["value"]] = a["to_ids"];
    EXPECT_EQ(a["uuid"].get<std::string>().size(), 36u);
    EXPECT_NE(a["comment"].get<std::string>().find("Reported by [1]"), std::string::npos);
  }
  EXPECT_TRUE(to_ids.at("update-nordvik.com"));   // called malicious by the sources
  EXPECT_FALSE(to_ids.at("3f1c5e2a9b7d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6"));
  EXPECT_FALSE(to_ids.at("CVE-2024-3400"));
  std::set<std::string> tags;
  for (const auto& t : e["Tag"]) tags.insert(t["name"]);
  EXPECT_TRUE(tags.count("tlp:clear"));
  EXPECT_TRUE(tags.count("misp-galaxy:threat-actor=\"Sandworm\"")) << json(tags).dump();
  EXPECT_TRUE(tags.count("misp-galaxy:mitre-attack-pattern=\"Spearphishing Attachment - T1566.001\""));
  for (const auto& g : e["Galaxy"])
    for (const auto& c : g["GalaxyCluster"])
      if (c["type"] == "mitre-attack-pattern") {
        // "Spearphishing Attachment - T1566.001": the cluster's uuid is ATT&CK's own for that id.
        const std::string value = c["value"];
        const Technique* t = shared_extraction().kb->technique(value.substr(value.rfind(' ') + 1));
        ASSERT_NE(t, nullptr) << value;
        EXPECT_EQ("attack-pattern--" + c["uuid"].get<std::string>(), t->stix_id) << value;
      }
  ASSERT_EQ(e["EventReport"].size(), 1u);
  EXPECT_NE(e["EventReport"][0]["content"].get<std::string>().find("## References"), std::string::npos);

  // Navigator: the layer format's fields, the technique scored by its sources, its evidence as
  // the comment; the actor's layer covers its incidents.
  json layer = json::parse(dossier("export " + id + " --format navigator"));
  EXPECT_EQ(layer["domain"], "enterprise-attack");
  EXPECT_EQ(layer["versions"]["layer"], "4.5");
  bool found = false;
  for (const auto& t : layer["techniques"])
    if (t["techniqueID"] == "T1566.001") {
      found = true;
      EXPECT_EQ(t["tactic"], "initial-access");
      EXPECT_GE(t["score"].get<int>(), 1);
      EXPECT_NE(t["comment"].get<std::string>().find("[1]"), std::string::npos);
    }
  EXPECT_TRUE(found);
  json actor = json::parse(dossier("export --actor Sandworm --format navigator"));
  EXPECT_EQ(actor["techniques"], layer["techniques"]);
  dossier("export --actor Sandworm --format stix", 1);
  dossier("export " + id + " --format pdf", 1);
}

// The seeds' incident (when ../shared/seeds is there): APT31 attributed to China's Ministry of
// State Security, targeting the Czech foreign ministry, the report citing its five sources.
TEST_F(ExportStore, SeedIncident) {
  fs::path seeds = shared_dir() / "seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "no ../shared/seeds";
  dossier("ingest " + q(seeds));
  json list = json::parse(dossier("incidents --json"));
  ASSERT_FALSE(list.empty());
  std::string out = dossier("export " + list[0]["id"].get<std::string>());
  write_file(dir_.path() / "seeds.stix.json", out);
  validate({dir_.path() / "seeds.stix.json"});
  json b = json::parse(out);
  const json* apt31 = find(b, "intrusion-set", "APT31");
  ASSERT_TRUE(apt31);
  auto aliases = (*apt31)["aliases"].get<std::vector<std::string>>();
  for (const char* a : {"Zirconium", "Judgment Panda"})
    EXPECT_TRUE(std::any_of(aliases.begin(), aliases.end(), [&](const std::string& x) { return strcasecmp(x.c_str(), a) == 0; })) << a;
  const json* mss = find(b, "threat-actor", "Ministry of State Security");
  ASSERT_TRUE(mss);
  EXPECT_TRUE(related(b, "attributed-to", (*apt31)["id"], (*mss)["id"]));
  const json* china = find(b, "location", "China");
  ASSERT_TRUE(china);
  EXPECT_TRUE(related(b, "originates-from", (*apt31)["id"], (*china)["id"]));
  const json* czechia = find(b, "location", "Czechia");
  ASSERT_TRUE(czechia);
  EXPECT_TRUE(related(b, "targets", (*apt31)["id"], (*czechia)["id"]));
  bool ministry = false;
  for (const auto& o : b["objects"])
    if (o["type"] == "identity" && o["name"].get<std::string>().find("Ministry of Foreign Affairs") != std::string::npos) {
      ministry = true;
      EXPECT_TRUE(related(b, "targets", (*apt31)["id"], o["id"]));
    }
  EXPECT_TRUE(ministry);
  for (const auto& o : b["objects"])
    if (o["type"] == "report") EXPECT_EQ(o["external_references"].size(), 5u);
}

// Every incident of the sample corpus exports as a bundle that validates, alone and all together.
TEST_F(ExportStore, SampleCorpusBundlesValidate) {
  dossier("ingest " + q(source_dir() / "examples" / "corpus"));
  json list = json::parse(dossier("incidents --json"));
  ASSERT_GE(list.size(), 15u);
  std::vector<fs::path> files;
  for (const auto& i : list) {
    fs::path f = dir_.path() / (i["id"].get<std::string>() + ".json");
    write_file(f, dossier("export " + i["id"].get<std::string>()));
    files.push_back(f);
  }
  fs::path all = dir_.path() / "all.json";
  write_file(all, dossier("export --all"));
  files.push_back(all);
  json b = json::parse(read_file(all));
  std::set<std::string> ids;
  size_t reports = 0;
  for (const auto& o : b["objects"]) {
    EXPECT_TRUE(ids.insert(o["id"].get<std::string>() + o.value("modified", "")).second) << o["id"];
    reports += o["type"] == "report";
  }
  EXPECT_EQ(reports, list.size());
  validate(files);
}

}  // namespace
}  // namespace dossier
