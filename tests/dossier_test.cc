// The dossier (synthesize stage): the seed acceptance list, a citation on every sentence of every
// product over the whole sample corpus, golden files (Markdown and JSON) for the sample corpus's
// incidents, conflicts, changes between versions, the JSON schema, and escaping of hostile text.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "dossier/cluster/clusterer.h"
#include "dossier/pipeline/pipeline.h"
#include "dossier/store/sqlite_store.h"
#include "dossier/synthesize/claims.h"
#include "dossier/synthesize/dossier.h"
#include "dossier/util/fold.h"
#include "dossier/util/text.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

using Shared = SharedExtraction;
const Shared& shared() { return shared_extraction(); }

// A store holding `paths`, extracted and clustered.
std::unique_ptr<SqliteStore> ingest(const fs::path& db, const std::vector<std::string>& paths) {
  auto store = SqliteStore::open(db.string());
  if (!store.ok()) return nullptr;
  PipelineOptions opts;
  opts.fetch_linked_pages = false;
  opts.extractor = shared().extractor.get();
  auto pipeline = Pipeline::open(**store, opts);
  if (!pipeline.ok()) return nullptr;
  for (const auto& p : paths) (*pipeline)->ingest(p);
  (*pipeline)->finish();
  return std::move(store).value();
}

Dossier dossier_of(Store& store, const std::string& incident_id) {
  DossierInput in;
  in.incident = **store.get_incident(incident_id, false);
  for (const auto& m : *store.incident_members(incident_id)) {
    DossierArticle a;
    a.article = **store.get_article(m.article.id, false);
    a.extraction = shared().extractor->extract(a.article);
    in.articles.push_back(std::move(a));
  }
  Dossier d = build_dossier(in, *shared().kb);
  d.generated_at = "2026-01-01T00:00:00Z";  // fixed, for golden files
  return d;
}

// Every sentence the products print, with where it appears.
std::vector<std::pair<std::string, const Cited*>> product_sentences(const Dossier& d) {
  std::vector<std::pair<std::string, const Cited*>> out;
  auto add = [&](const std::string& where, const std::vector<Cited>& v) {
    for (const auto& c : v) out.emplace_back(where, &c);
  };
  add("key points", d.key_points);
  add("introduction", d.brief.introduction);
  for (const auto& [topic, items] : d.brief.description) add("description: " + topic, items);
  add("confirmed", d.brief.confirmed);
  add("single source", d.brief.single_source);
  add("unverified", d.brief.unverified);
  add("executive summary", d.report.executive_summary);
  for (const auto& f : d.report.details) add("details: " + f.label, f.values);
  for (const auto& f : d.report.attribution) add("attribution: " + f.label, f.values);
  for (const auto& e : d.report.timeline) out.emplace_back("timeline", &e.what);
  for (const auto& m : d.report.methodology) out.emplace_back("methodology", &m.evidence);
  for (const auto& [k, v] : d.report.impact) add("impact: " + k, v);
  add("response", d.report.response);
  add("reactions", d.report.reactions);
  add("lessons", d.report.lessons);
  return out;
}

// Checks that every sentence carries citations of real sources, and that a sentence taken from a
// claim cites only sources whose own sentences the claim records as stating it.
void expect_cited(const Dossier& d, const std::map<std::string, const Article*>& articles) {
  std::map<std::string, const Claim*> by_text;
  for (const auto& c : d.claims) by_text[c.text] = &c;
  for (const auto& c : d.claims)
    for (const auto& e : c.evidence) {
      const Article* a = articles.at(e.article_id);
      ASSERT_LE(e.end, a->text.size());
      EXPECT_EQ(a->text.substr(e.begin, e.end - e.begin), e.text);
      EXPECT_EQ(d.sources.at(static_cast<size_t>(e.ref - 1)).article_id, e.article_id);
    }
  for (const auto& [where, c] : product_sentences(d)) {
    SCOPED_TRACE(where + ": " + c->text);
    EXPECT_FALSE(c->refs.empty());
    for (int r : c->refs) {
      EXPECT_GE(r, 1);
      EXPECT_LE(r, static_cast<int>(d.sources.size()));
    }
    if (auto it = by_text.find(c->text); it != by_text.end()) {
      std::set<int> stated;
      for (const auto& e : it->second->evidence) stated.insert(e.ref);
      for (int r : c->refs) EXPECT_TRUE(stated.count(r)) << "cites [" << r << "] without a sentence of it";
    }
  }
  for (const auto& rec : d.recommendations)
    if (!rec.generic) {
      EXPECT_FALSE(rec.mitigation_id.empty());
    }
}

// Every paragraph and list item of the Markdown ends with citation markers, except the few lines
// that say nothing about the incident (headings, "Not reported", references, the header line).
void expect_markdown_cited(const std::string& md) {
  static const std::regex marker(R"(\[\d+\](\[\d+\])*\.?$)");
  static const std::regex inline_marker(R"(\[\d+\])");
  std::istringstream in(md);
  std::string line;
  bool references = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("Incident ", 0) == 0 || line.rfind("| ---", 0) == 0 || line.rfind("| Tactic", 0) == 0) {
      if (line.rfind("## References", 0) == 0) references = true;
      continue;
    }
    if (references) continue;
    bool quiet = line.find("Not reported in the sources") != std::string::npos || line.find("Not discussed in the sources") != std::string::npos ||
                 line.find("None reported in the sources") != std::string::npos || line == "- None." || line == "None." ||
                 line.find("No disagreement was found") != std::string::npos || line.find("No statement is made") != std::string::npos ||
                 line.find("Generic advice") != std::string::npos || line.rfind("Nothing has changed", 0) == 0 ||
                 line.find(" above are made by several sources") != std::string::npos ||
                 line.find(" above is made by several sources") != std::string::npos ||
                 line.find(" above are hedged or a denial") != std::string::npos || line.find(" above is hedged or a denial") != std::string::npos ||
                 line.find(" above rest on a single source") != std::string::npos || line.find(" above rests on a single source") != std::string::npos;
    if (quiet) continue;
    EXPECT_TRUE(std::regex_search(line, inline_marker)) << "uncited line: " << line;
  }
}

class DossierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared().extractor) GTEST_SKIP() << "the shipped knowledge base could not be loaded";
  }
  TempDir dir_;
};

TEST_F(DossierTest, SeedAcceptance) {
  fs::path seeds = shared_dir() / "seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "../shared/seeds is absent";
  auto store = ingest(dir_ / "db", {seeds.string()});
  ASSERT_TRUE(store);
  auto incidents = store->list_incidents({});
  ASSERT_EQ(incidents->size(), 1u);
  Dossier d = dossier_of(*store, incidents->front().id);
  ASSERT_EQ(d.sources.size(), 5u);
  std::map<std::string, const Article*> articles;
  std::vector<Article> held;
  for (const auto& s : d.sources) held.push_back(**store->get_article(s.article_id, false));
  for (const auto& a : held) articles[a.id] = &a;
  expect_cited(d, articles);
  std::string md = render_markdown(d, DossierProduct::Full);
  expect_markdown_cited(md);

  // A printed sentence containing every cue (folded), with each of its sources' texts containing
  // the first cue.
  auto stated = [&](std::vector<std::string> cues) {
    for (const auto& [where, c] : product_sentences(d)) {
      std::string f = " " + fold_name(c->text) + " ";
      if (!std::all_of(cues.begin(), cues.end(), [&](const std::string& q) { return f.find(fold_name(q)) != std::string::npos; })) continue;
      bool sourced = std::all_of(c->refs.begin(), c->refs.end(), [&](int r) {
        return fold_name(articles.at(d.sources[static_cast<size_t>(r - 1)].article_id)->text).find(fold_name(cues.front())) != std::string::npos;
      });
      if (sourced && !c->refs.empty()) return true;
    }
    return false;
  };
  // The campaign against the ministry's unclassified network.
  EXPECT_TRUE(stated({"unclassified", "Ministry of Foreign Affairs"})) << md;
  // APT31 under its aliases, linked to the Ministry of State Security, since 2022.
  ASSERT_FALSE(d.report.actors.empty());
  const ActorAttribution& apt31 = d.report.actors.front();
  EXPECT_EQ(apt31.attack_id, "G0128");
  std::set<std::string> aliases;
  for (const auto& a : apt31.aliases) aliases.insert(fold_name(a));
  EXPECT_TRUE(aliases.count("zirconium"));
  EXPECT_TRUE(aliases.count("judgment panda"));
  auto fact = [&](const std::vector<Fact>& facts, const std::string& label) {
    for (const auto& f : facts)
      if (f.label == label) return f;
    return Fact{};
  };
  auto fact_has = [&](const Fact& f, const std::string& text) {
    return std::any_of(f.values.begin(), f.values.end(), [&](const Cited& c) { return c.text.find(text) != std::string::npos && !c.refs.empty(); });
  };
  EXPECT_TRUE(fact_has(fact(d.report.attribution, "Sponsor named by the sources"), "Ministry of State Security"));
  EXPECT_TRUE(fact_has(fact(d.report.details, "Start of the activity"), "2022"));
  // The first official Czech attribution of a cyberattack to a state.
  EXPECT_TRUE(stated({"first", "attribut"}));
  // The investigating bodies.
  EXPECT_TRUE(stated({"Security Information Service", "Military Intelligence"}) || stated({"NUKIB", "BIS"}));
  // The ambassador summoned; the new secure communication system.
  EXPECT_TRUE(stated({"summon", "ambassador"}));
  EXPECT_TRUE(stated({"secure", "system", "new"}));
  // Solidarity of the EU, NATO and the United States.
  EXPECT_TRUE(stated({"solidarity", "EU"}) || stated({"solidarity", "European Union"}));
  EXPECT_TRUE(stated({"NATO"}));
  EXPECT_TRUE(stated({"United States", "support"}));
  // China's denial.
  EXPECT_TRUE(fact_has(fact(d.report.attribution, "Denials"), "groundless"));
  // 2022 against "last year".
  bool start_conflict = false;
  for (const auto& c : d.conflicts)
    if (c.subject == "When the activity began") {
      std::set<std::string> values;
      for (const auto& v : c.values) values.insert(fold_name(v.value + " " + v.as_written));
      start_conflict = std::any_of(values.begin(), values.end(), [](const std::string& v) { return v.find("2022") != std::string::npos; }) &&
                       std::any_of(values.begin(), values.end(), [](const std::string& v) { return v.find("last year") != std::string::npos; });
    }
  EXPECT_TRUE(start_conflict) << md;
  // Mitigations for APT31's known techniques, by id.
  bool grounded = false;
  for (const auto& r : d.recommendations)
    if (r.basis.find("G0128") != std::string::npos && r.mitigation_id.rfind("M1", 0) == 0 && !r.techniques.empty() &&
        r.techniques.front().rfind("T", 0) == 0)
      grounded = true;
  EXPECT_TRUE(grounded);
}

TEST_F(DossierTest, EverySentenceOfEveryProductIsCitedOverTheSampleCorpus) {
  auto store = ingest(dir_ / "db", {(source_dir() / "examples" / "corpus").string()});
  ASSERT_TRUE(store);
  auto incidents = store->list_incidents({});
  ASSERT_GE(incidents->size(), 15u);
  size_t sentences = 0;
  for (const auto& i : *incidents) {
    SCOPED_TRACE(i.title);
    Dossier d = dossier_of(*store, i.id);
    std::vector<Article> held;
    std::map<std::string, const Article*> articles;
    for (const auto& m : *store->incident_members(i.id)) held.push_back(**store->get_article(m.article.id, false));
    for (const auto& a : held) articles[a.id] = &a;
    expect_cited(d, articles);
    for (auto product : {DossierProduct::Full, DossierProduct::Brief, DossierProduct::Report, DossierProduct::KeyPoints})
      expect_markdown_cited(render_markdown(d, product));
    size_t standalone = std::count_if(d.claims.begin(), d.claims.end(), [](const Claim& c) { return !c.hedged && !opens_with_reference(c.text); });
    EXPECT_GE(d.key_points.size(), std::min<size_t>(3, standalone));
    EXPECT_LE(d.key_points.size(), 6u);
    sentences += product_sentences(d).size();
  }
  EXPECT_GT(sentences, 300u);
}

// Golden files: the dossier of each incident of the sample corpus, named after its label.
TEST_F(DossierTest, GoldenFilesForTheSampleCorpus) {
  auto store = ingest(dir_ / "db", {(source_dir() / "examples" / "corpus").string()});
  ASSERT_TRUE(store);
  std::map<std::string, std::string> label_of;  // article URL or path -> label
  {
    std::istringstream in(read_file(source_dir() / "examples" / "labels.tsv"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
      label_of[line.substr(0, t1)] = line.substr(t1 + 1, t2 - t1 - 1);
    }
  }
  fs::path dir = golden_dir() / "dossier";
  bool update = std::getenv("DOSSIER_UPDATE_GOLDEN") != nullptr;
  std::set<std::string> written;
  for (const auto& i : *store->list_incidents({})) {
    // The label most of its articles carry; a second incident with the same label is numbered.
    std::map<std::string, int> votes;
    for (const auto& m : *store->incident_members(i.id)) {
      std::string ref = m.article.url.empty() ? fs::relative(m.article.fetch.source, source_dir()).string() : m.article.url;
      ++votes[label_of[ref]];
    }
    std::string label = std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    std::string name = label;
    for (int n = 2; written.count(name); ++n) name = label + "-" + std::to_string(n);
    written.insert(name);
    Dossier d = dossier_of(*store, i.id);
    std::string md = render_markdown(d, DossierProduct::Full);
    std::string js = dossier_json(d).dump(2) + "\n";
    // No sentence twice in the brief (its assessment counts what the description said).
    std::set<std::string> said;
    auto once = [&](const std::vector<Cited>& items) {
      for (const auto& c : items) EXPECT_TRUE(said.insert(c.text).second) << name << ": stated twice in the brief: " << c.text;
    };
    once(d.brief.introduction);
    for (const auto& [topic, items] : d.brief.description) once(items);
    once(d.brief.confirmed);
    once(d.brief.single_source);
    once(d.brief.unverified);
    if (update) {
      write_file(dir / (name + ".md"), md);
      write_file(dir / (name + ".json"), js);
    }
    EXPECT_TRUE(md == read_file(dir / (name + ".md"))) << "tests/golden/dossier/" << name
                                                     << ".md changed; see the diff after DOSSIER_UPDATE_GOLDEN=1 (tests/golden/dossier/README.md)";
    EXPECT_TRUE(js == read_file(dir / (name + ".json"))) << "tests/golden/dossier/" << name << ".json changed";
  }
  EXPECT_GE(written.size(), 15u);
}

// A tiny validator for the subset of JSON Schema docs/dossier.schema.json uses (type, required,
// properties, items, enum).
void validate(const json& v, const json& schema, const json& root, const std::string& path) {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];  // "#/$defs/name"
    validate(v, root["$defs"][ref.substr(ref.rfind('/') + 1)], root, path);
    return;
  }
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_string()) types.push_back(schema["type"]);
    else for (const auto& t : schema["type"]) types.push_back(t);
    auto is = [&](const std::string& t) {
      if (t == "object") return v.is_object();
      if (t == "array") return v.is_array();
      if (t == "string") return v.is_string();
      if (t == "integer") return v.is_number_integer();
      if (t == "number") return v.is_number();
      if (t == "boolean") return v.is_boolean();
      if (t == "null") return v.is_null();
      return false;
    };
    ASSERT_TRUE(std::any_of(types.begin(), types.end(), is)) << path << " has the wrong type: " << v.dump().substr(0, 80);
  }
  if (schema.contains("enum")) {
    EXPECT_NE(std::find(schema["enum"].begin(), schema["enum"].end(), v), schema["enum"].end()) << path;
  }
  if (v.is_object()) {
    for (const auto& r : schema.value("required", json::array())) EXPECT_TRUE(v.contains(r.get<std::string>())) << path << " lacks " << r;
    json props = schema.value("properties", json::object());
    for (const auto& [k, sub] : props.items())
      if (v.contains(k)) validate(v[k], sub, root, path + "." + k);
  }
  if (v.is_array() && schema.contains("items"))
    for (size_t i = 0; i < v.size(); ++i) validate(v[i], schema["items"], root, path + "[" + std::to_string(i) + "]");
}

TEST_F(DossierTest, JsonFollowsTheDocumentedSchema) {
  json schema = json::parse(read_file(source_dir() / "docs" / "dossier.schema.json"));
  auto store = ingest(dir_ / "db", {(source_dir() / "examples" / "corpus").string()});
  for (const auto& i : *store->list_incidents({})) {
    SCOPED_TRACE(i.title);
    validate(dossier_json(dossier_of(*store, i.id)), schema, schema, "$");
  }
}

TEST_F(DossierTest, SourcesThatDisagreeAreShownSideBySide) {
  fs::path in = dir_ / "in";
  write_file(in / "a.txt", R"(---
title: "Breach at Kestrel Rail exposed passenger records"
outlet: Rail Security Desk
url: https://railsec.example/kestrel-breach
date: 2024-05-02T08:00:00Z
---

Kestrel Rail said attackers copied the records of at least eight thousand passengers from its booking platform.

The operator said the attack was carried out by APT28 and that the intrusion began in 2023.
)");
  write_file(in / "b.txt", R"(---
title: "Kestrel Rail says hackers took passenger data"
outlet: Transport Cyber Wire
url: https://transportcyber.example/kestrel-data
date: 2024-05-03T10:00:00Z
---

Kestrel Rail said attackers copied the records of 12000 passengers from its booking platform.

Investigators at the national cyber agency blamed APT29 for the operation, which they said began in 2022.
)");
  auto store = ingest(dir_ / "db", {in.string()});
  auto incidents = store->list_incidents({});
  ASSERT_EQ(incidents->size(), 1u);
  Dossier d = dossier_of(*store, incidents->front().id);
  std::set<std::string> subjects;
  for (const auto& c : d.conflicts) subjects.insert(c.subject.substr(0, c.subject.find(':')));
  EXPECT_TRUE(subjects.count("When the activity began")) << dossier_json(d)["conflicts"].dump(2);
  EXPECT_TRUE(subjects.count("Who is responsible")) << dossier_json(d)["conflicts"].dump(2);
  std::string md = render_markdown(d, DossierProduct::Report);
  EXPECT_NE(md.find("2022"), std::string::npos);
  EXPECT_NE(md.find("2023"), std::string::npos);
  EXPECT_NE(md.find("Where the sources disagree"), std::string::npos);
}

TEST_F(DossierTest, ANewVersionSaysWhatChanged) {
  fs::path c = golden_dir() / "cluster" / "follow-up-weeks-later";
  auto store = ingest(dir_ / "db", {(c / "1").string()});
  std::string id = store->list_incidents({})->front().id;
  Dossier first = dossier_of(*store, id);
  EXPECT_TRUE(first.changes.since.empty());
  json before = dossier_json(first);
  // The follow-up joins the incident; the next dossier says what it brought.
  {
    PipelineOptions opts;
    opts.extractor = shared().extractor.get();
    auto pipeline = Pipeline::open(*store, opts);
    ASSERT_TRUE(pipeline.ok()) << pipeline.error();
    (*pipeline)->ingest((c / "2").string());
    (*pipeline)->finish();
  }
  Dossier second = dossier_of(*store, id);
  EXPECT_GT(second.incident_version, first.incident_version);
  compare_with_previous(second, before, first.generated_at);
  EXPECT_EQ(second.changes.since, first.generated_at);
  ASSERT_EQ(second.changes.new_sources.size(), 1u);
  EXPECT_NE(second.changes.new_sources.front().find("Irish Data Watch"), std::string::npos);
  EXPECT_FALSE(second.changes.new_claims.empty());
  std::string md = render_markdown(second, DossierProduct::Report);
  EXPECT_NE(md.find("## Changes since 2026-01-01T00:00:00Z"), std::string::npos);
}

// The text the store keeps is dossier_json(d).dump(), byte for byte.
TEST_F(DossierTest, StoredJsonTextIsTheDumpOfTheJson) {
  auto store = ingest(dir_ / "db", {(source_dir() / "examples" / "corpus").string()});
  ASSERT_TRUE(store);
  size_t claims = 0;
  for (const auto& i : *store->list_incidents({})) {
    SCOPED_TRACE(i.title);
    Dossier d = dossier_of(*store, i.id);
    claims += d.claims.size();
    EXPECT_EQ(dossier_json_text(d), dossier_json(d).dump());
  }
  EXPECT_GT(claims, 100u);
}

TEST(DossierJson, TextEscapesLikeTheJsonLibrary) {
  Dossier d;
  d.incident_id = "0123456789abcdef";
  d.title = "Quotes \" and \\ and \x01";
  Claim c;
  c.id = "c1";
  c.text = std::string("Tab\there, newline\n, \b\f\r, \x1f, DEL \x7f, slash /, \"quoted\", back\\slash, ") + "\xc3\xa9t\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x92";
  c.topic = "activity";
  c.refs = {1, 3};
  c.centrality = 0.123456;
  c.evidence.push_back(Claim::Evidence{1, "a1", 4, 100, 180, c.text});
  c.evidence.push_back(Claim::Evidence{3, "a3", 0, 0, 12, std::string("nul \0 inside", 12)});
  d.claims.push_back(c);
  Claim z;
  z.id = "c2";
  z.text = "";
  z.hedged = true;
  z.centrality = 1e-7;
  d.claims.push_back(z);
  Claim big = c;
  big.id = "c3";
  big.centrality = 2.0 / 3.0;
  d.claims.push_back(big);
  EXPECT_EQ(dossier_json_text(d), dossier_json(d).dump());
  d.claims.clear();
  EXPECT_EQ(dossier_json_text(d), dossier_json(d).dump());
}

TEST(DossierRender, HostileTextIsEscaped) {
  Dossier d;
  d.incident_id = "0123456789abcdef";
  d.title = "Breach <script>alert(1)</script> | table";
  d.generated_at = "2026-01-01T00:00:00Z";
  d.sources.push_back(DossierSource{1, "a", "https://x.example/\"><img src=x onerror=alert(1)>", "Outlet", "Title <b>", "", {}});
  d.key_points.push_back(Cited{"Attackers used <iframe src=//evil.example> and *stars* | pipes.", {1}, false});
  std::string md = render_markdown(d, DossierProduct::Full);
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_EQ(md.find("<iframe"), std::string::npos);
  EXPECT_NE(md.find("&lt;iframe"), std::string::npos);
  EXPECT_NE(md.find("\\*stars\\*"), std::string::npos);
  std::string html = render_html(d, DossierProduct::Full);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(DossierClaims, CleanSentenceRemovesMarkersAndFillerOnly) {
  EXPECT_EQ(clean_sentence("However, the ministry [2] [4] confirmed the breach [7]."), "The ministry confirmed the breach.");
  EXPECT_EQ(clean_sentence("- Detection Method: Multiple agencies conducted the investigations."), "Multiple agencies conducted the investigations.");
  EXPECT_EQ(clean_sentence("The attack began in 2022."), "The attack began in 2022.");
  EXPECT_TRUE(is_non_statement("Lateral Movement: Not detailed."));
  EXPECT_FALSE(is_non_statement("No customer data was taken."));
  EXPECT_TRUE(is_hedged("The group is reportedly operated from Wuhan."));
  EXPECT_EQ(statement_topic("The embassy rejected the accusations as groundless."), "denial");
  EXPECT_EQ(statement_topic("The minister summoned the ambassador."), "response");
  EXPECT_EQ(statement_topic("NATO expressed its solidarity with Prague."), "reaction");
  EXPECT_TRUE(opens_with_reference("They have not published indicators."));
}

}  // namespace
}  // namespace dossier

namespace dossier {
namespace {

// Hostile source metadata (feed items and front matter are written by whoever runs the site) stays
// inert in every rendered form: only http(s) URLs become links, nothing starts Markdown links,
// images, raw HTML or autolinks, and HTML output has no live markup from the sources.
TEST(Render, HostileSourcesStayInert) {
  const std::vector<std::string> urls = {"javascript:alert(1)",
                                         "java\tscript:alert(1)",
                                         " JavaScript:alert(1)",
                                         "data:text/html;base64,PHNjcmlwdD4=",
                                         "vbscript:msgbox(1)",
                                         "https://ok.example/a><img src=x onerror=alert(1)>",
                                         "https://ok.example/\"onmouseover=\"alert(1)", "https://ok.example/story"};
  const std::vector<std::string> titles = {"[click](javascript:alert(1))", "![x](https://tracker.example/p.png)",
                                           "<script>alert(1)</script>", "<https://evil.example>", "a `code` *b* _c_ | d"};
  Dossier d;
  d.incident_id = "hostile";
  d.title = titles[0];
  int ref = 0;
  for (const auto& u : urls)
    for (const auto& t : titles) d.sources.push_back(DossierSource{++ref, "a" + std::to_string(ref), u, t, t, "2024-01-01"});
  std::string md = render_markdown(d, DossierProduct::Full);
  std::string html = render_html(d, DossierProduct::Full);
  // Markdown: no link or image opener, no raw tag, no autolink to anything but http(s).
  EXPECT_FALSE(std::regex_search(md, std::regex(R"((^|[^\\])\]\()"))) << md;  // no "](" that is not escaped
  EXPECT_FALSE(std::regex_search(md, std::regex(R"((^|[^\\])\[[^\]0-9])"))) << md;  // only citation markers open a bracket
  EXPECT_EQ(md.find("!["), std::string::npos) << md;
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_EQ(md.find("<img"), std::string::npos);
  EXPECT_EQ(md.find("<javascript"), std::string::npos);
  EXPECT_EQ(md.find("<data:"), std::string::npos);
  EXPECT_EQ(md.find("<https://evil"), std::string::npos);
  for (size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1))
    EXPECT_EQ(md.compare(at, 9, "<https://"), 0) << md.substr(at, 40);
  // HTML: every href is http(s) and quoted cleanly; no tag or handler from the sources.
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    std::string target = (*it)[1];
    EXPECT_EQ(target.rfind("https://ok.example/", 0), 0u) << target;
    EXPECT_EQ(target.find_first_of("<>\" \t"), std::string::npos) << target;
  }
  EXPECT_NE(html.find("href=\"https://ok.example/story\""), std::string::npos);  // a clean URL is still a link
  EXPECT_NE(md.find("<https://ok.example/story>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_EQ(html.find("href=\"data:"), std::string::npos);
  EXPECT_EQ(html.find(" onmouseover="), std::string::npos);
}

}  // namespace
}  // namespace dossier
