#include "cli/kb_commands.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "dossier/ingest/fetch.h"
#include "dossier/kb/build.h"
#include "dossier/kb/kb.h"
#include "dossier/pipeline/kb_update.h"
#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier::cli {
namespace {

using json = nlohmann::json;

json aliases_json(const std::vector<Alias>& aliases) {
  json arr = json::array();
  for (const auto& a : aliases)
    arr.push_back({{"name", a.name}, {"sources", alias_sources_text(a.sources)}, {"ambiguous", a.ambiguous}});
  return arr;
}

std::string country_name(const KnowledgeBase& kb, const std::string& code) {
  const Country* c = kb.country(code);
  return c ? c->name : code;
}

json actor_json(const KnowledgeBase& kb, const Actor& a) {
  json sponsors = json::array();
  for (const auto& id : a.sponsor_agencies)
    if (const Agency* g = kb.agency(id)) sponsors.push_back({{"id", g->id}, {"name", g->name}, {"acronyms", g->acronyms}});
  return {{"id", a.id},
          {"name", a.name},
          {"attack_id", a.attack_id},
          {"attack_name", a.attack_name},
          {"country", a.country},
          {"country_name", a.country.empty() ? "" : country_name(kb, a.country)},
          {"sponsor_state", a.sponsor_state},
          {"sponsor_agencies", sponsors},
          {"aliases", aliases_json(a.aliases)},
          {"target_sectors", a.target_sectors},
          {"techniques", a.techniques},
          {"software", a.software},
          {"stix_id", a.stix_id},
          {"misp_cluster", {{"galaxy", a.misp_galaxy}, {"uuid", a.misp_uuid}, {"value", a.misp_value}}}};
}

json technique_json(const KnowledgeBase& kb, const Technique& t) {
  json tactics = json::array(), mitigations = json::array();
  for (const auto& id : t.tactics)
    if (const Tactic* tc = kb.tactic(id)) tactics.push_back({{"id", tc->id}, {"name", tc->name}});
  for (const auto& id : t.mitigations)
    if (const Mitigation* m = kb.mitigation(id)) mitigations.push_back({{"id", m->id}, {"name", m->name}});
  json j = {{"id", t.id}, {"name", t.name}, {"tactics", tactics}, {"mitigations", mitigations},
            {"platforms", t.platforms}, {"deprecated", t.deprecated}, {"stix_id", t.stix_id}};
  if (!t.parent.empty()) {
    const Technique* p = kb.technique(t.parent);
    j["parent"] = {{"id", t.parent}, {"name", p ? p->name : ""}};
  }
  return j;
}

void print_aliases(const std::vector<Alias>& aliases) {
  for (const auto& a : aliases)
    std::printf("  %-28s %s%s\n", a.name.c_str(), alias_sources_text(a.sources).c_str(), a.ambiguous ? "  (ambiguous)" : "");
}

int not_found(const char* what, const std::string& q) {
  std::fprintf(stderr, "error: no %s named %s in the knowledge base\n", what, q.c_str());
  return 1;
}

// The KB, or null after printing why it cannot be loaded.
std::unique_ptr<KnowledgeBase> open_kb(const std::string& path) {
  auto kb = load_kb(path);
  if (!kb.ok()) {
    std::fprintf(stderr, "error: %s\n", kb.error().c_str());
    return nullptr;
  }
  return std::move(kb).value();
}

int build_and_save(const KbSources& src, const std::string& out, bool quiet, const std::string& heldout_path = {}) {
  std::vector<std::string> warnings;
  std::vector<LabelledText> heldout;
  auto t0 = std::chrono::steady_clock::now();
  auto kb = build_kb(src, &warnings, &heldout);
  if (kb.ok() && !heldout_path.empty()) {
    std::ofstream f(heldout_path);
    for (const auto& e : heldout) f << json{{"text", e.text}, {"techniques", e.techniques}}.dump() << "\n";
    if (!f) std::fprintf(stderr, "warning: cannot write %s\n", heldout_path.c_str());
  }
  for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!kb.ok()) {
    std::fprintf(stderr, "error: %s\n", kb.error().c_str());
    return 1;
  }
  if (auto st = (*kb)->save(out); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.error().c_str());
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet)
    std::fprintf(stderr, "built %s in %.1f s: %zu actors, %zu software, %zu techniques, %zu mitigations, %zu countries, %zu agencies, %zu sectors\n",
                 out.c_str(), secs, (*kb)->actors.size(), (*kb)->software.size(), (*kb)->techniques.size(),
                 (*kb)->mitigations.size(), (*kb)->countries.size(), (*kb)->agencies.size(), (*kb)->sectors.size());
  return 0;
}

int kb_build(const std::string& from, const std::string& out, const std::string& heldout, bool quiet) {
  KbSources src;
  src.dir = from;
  return build_and_save(src, out.empty() ? user_kb_path() : out, quiet, heldout);
}

int kb_update(const std::string& out, bool allow_private, bool quiet) {
  auto tmp = std::filesystem::temp_directory_path() / ("dossier-kb-" + std::to_string(getpid()));
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{tmp};
  KbDownload from;
  from.allow_private = allow_private;
  std::vector<std::string> warnings;
  auto st = download_kb_sources(tmp, from, &warnings);
  for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\nkb update: offline or unreachable; keeping the current knowledge base\n", st.error().c_str());
    return 1;
  }
  KbSources src;
  src.dir = tmp.string();
  return build_and_save(src, out.empty() ? user_kb_path() : out, quiet);
}

int kb_info(const std::string& kb_path, bool as_json) {
  std::string path = kb_path.empty() ? default_kb_path() : kb_path;
  auto t0 = std::chrono::steady_clock::now();
  auto kb = open_kb(path);
  if (!kb) return 1;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  size_t aliases = 0, ambiguous = 0;
  for (const auto& a : kb->actors)
    for (const auto& al : a.aliases) {
      ++aliases;
      ambiguous += al.ambiguous;
    }
  json j = {{"path", path},
            {"format", kb->info.format},
            {"built_at", kb->info.built_at},
            {"attack_version", kb->info.attack_version},
            {"misp_versions", kb->info.misp_versions},
            {"load_ms", ms},
            {"counts",
             {{"actors", kb->actors.size()},
              {"actor_aliases", aliases},
              {"ambiguous_actor_aliases", ambiguous},
              {"software", kb->software.size()},
              {"tactics", kb->tactics.size()},
              {"techniques", kb->techniques.size()},
              {"mitigations", kb->mitigations.size()},
              {"campaigns", kb->campaigns.size()},
              {"revoked_ids", kb->revoked.size()},
              {"countries", kb->countries.size()},
              {"agencies", kb->agencies.size()},
              {"sectors", kb->sectors.size()}}},
            {"technique_model",
             {{"techniques", kb->technique_model.labels.size()},
              {"features", kb->technique_model.vocab.size()},
              {"threshold", kb->technique_model.threshold},
              {"train_examples", kb->technique_model.train_examples},
              {"heldout_examples", kb->technique_model.heldout_examples},
              {"heldout_precision", kb->technique_model.heldout_precision},
              {"heldout_recall", kb->technique_model.heldout_recall}}}};
  if (as_json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("knowledge base  %s\nbuilt           %s\nATT&CK          %s\nMISP            %s\nloaded in       %.1f ms\n",
                path.c_str(), kb->info.built_at.c_str(), kb->info.attack_version.c_str(), kb->info.misp_versions.c_str(), ms);
    for (auto& [k, v] : j["counts"].items()) std::printf("%-24s %s\n", k.c_str(), v.dump().c_str());
    const auto& tm = kb->technique_model;
    std::printf("technique model          %zu techniques, %zu features, trained on %u examples; held-out (%u): "
                "precision %.2f, recall %.2f at threshold %.3f\n",
                tm.labels.size(), tm.vocab.size(), tm.train_examples, tm.heldout_examples, tm.heldout_precision,
                tm.heldout_recall, tm.threshold);
  }
  return 0;
}

int kb_actor(const KnowledgeBase& kb, const std::string& q, bool as_json) {
  auto found = kb.find_actors(q);
  if (found.empty()) return not_found("actor", q);
  if (as_json) {
    json arr = json::array();
    for (const Actor* a : found) arr.push_back(actor_json(kb, *a));
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const Actor* a : found) {
    std::printf("%s", a->name.c_str());
    if (!a->attack_id.empty()) std::printf(" (%s, ATT&CK name %s)", a->attack_id.c_str(), a->attack_name.c_str());
    std::printf("\n");
    if (!a->country.empty()) std::printf("origin: %s (%s)\n", country_name(kb, a->country).c_str(), a->country.c_str());
    if (!a->sponsor_state.empty()) std::printf("suspected state sponsor: %s\n", country_name(kb, a->sponsor_state).c_str());
    for (const auto& id : a->sponsor_agencies)
      if (const Agency* g = kb.agency(id)) std::printf("sponsoring organisation: %s\n", g->name.c_str());
    std::printf("aliases (source):\n");
    print_aliases(a->aliases);
    if (!a->techniques.empty()) std::printf("techniques used: %zu; software used: %zu\n", a->techniques.size(), a->software.size());
    if (found.size() > 1) std::printf("\n");
  }
  if (found.size() > 1) std::printf("%zu actors share this name\n", found.size());
  return 0;
}

int kb_software(const KnowledgeBase& kb, const std::string& q, bool as_json) {
  auto found = kb.find_software(q);
  if (found.empty()) return not_found("software", q);
  if (as_json) {
    json arr = json::array();
    for (const Software* s : found)
      arr.push_back({{"id", s->id}, {"name", s->name}, {"kind", s->kind}, {"attack_id", s->attack_id},
                     {"aliases", aliases_json(s->aliases)}, {"techniques", s->techniques}, {"stix_id", s->stix_id},
                     {"misp_cluster", {{"galaxy", s->misp_galaxy}, {"uuid", s->misp_uuid}, {"value", s->misp_value}}}});
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const Software* s : found) {
    std::printf("%s (%s, %s)\naliases (source):\n", s->name.c_str(), s->id.c_str(), s->kind.c_str());
    print_aliases(s->aliases);
  }
  return 0;
}

int kb_technique(const KnowledgeBase& kb, const std::string& q, bool as_json) {
  auto found = kb.find_techniques(q);
  if (found.empty()) return not_found("technique", q);
  std::string asked = q;
  for (auto& c : asked) c = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(c)));
  auto rev = kb.revoked.find(asked);
  if (as_json) {
    json arr = json::array();
    for (const Technique* t : found) {
      json j = technique_json(kb, *t);
      if (rev != kb.revoked.end()) j["revoked_id"] = asked;
      arr.push_back(j);
    }
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  if (rev != kb.revoked.end()) std::printf("%s is revoked; replaced by %s\n", asked.c_str(), found.front()->id.c_str());
  for (const Technique* t : found) {
    json j = technique_json(kb, *t);
    std::printf("%s %s%s\n", t->id.c_str(), t->name.c_str(), t->deprecated ? " (deprecated)" : "");
    if (j.contains("parent")) std::printf("parent: %s %s\n", t->parent.c_str(), j["parent"]["name"].get<std::string>().c_str());
    for (const auto& tc : j["tactics"]) std::printf("tactic: %s %s\n", tc["id"].get<std::string>().c_str(), tc["name"].get<std::string>().c_str());
    for (const auto& m : j["mitigations"]) std::printf("mitigation: %s %s\n", m["id"].get<std::string>().c_str(), m["name"].get<std::string>().c_str());
  }
  return 0;
}

int kb_country(const KnowledgeBase& kb, const std::string& q, bool as_json) {
  auto found = kb.find_countries(q);
  if (found.empty()) return not_found("country", q);
  if (as_json) {
    json arr = json::array();
    for (const Country* c : found)
      arr.push_back({{"code", c->code}, {"code3", c->code3}, {"name", c->name}, {"official_name", c->official_name},
                     {"aliases", aliases_json(c->aliases)}});
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const Country* c : found) {
    std::printf("%s (%s, %s)\n", c->name.c_str(), c->code.c_str(), c->code3.c_str());
    if (!c->official_name.empty()) std::printf("official name: %s\n", c->official_name.c_str());
    std::printf("also known as:\n");
    print_aliases(c->aliases);
  }
  return 0;
}

int kb_agency(const KnowledgeBase& kb, const std::string& q, bool as_json) {
  auto found = kb.find_agencies(q);
  if (found.empty()) return not_found("agency", q);
  if (as_json) {
    json arr = json::array();
    for (const Agency* g : found)
      arr.push_back({{"id", g->id}, {"name", g->name}, {"acronyms", g->acronyms}, {"country", g->country},
                     {"country_name", country_name(kb, g->country)}, {"kind", g->kind}, {"aliases", aliases_json(g->aliases)}});
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const Agency* g : found) {
    std::string acr;
    for (const auto& a : g->acronyms) acr += (acr.empty() ? "" : ", ") + a;
    std::printf("%s%s — %s, %s\n", g->name.c_str(), acr.empty() ? "" : (" (" + acr + ")").c_str(),
                country_name(kb, g->country).c_str(), g->kind.c_str());
  }
  return 0;
}

int kb_alias(const std::string& kb_path, const std::string& op, const std::string& actor, const std::string& alias) {
  auto kb = open_kb(kb_path);
  if (!kb) return 1;
  auto found = kb->find_actors(actor);
  if (found.empty()) return not_found("actor", actor);
  std::filesystem::create_directories(std::filesystem::path(local_overrides_path()).parent_path());
  std::ofstream(local_overrides_path(), std::ios::app) << op << "\t" << found.front()->id << "\t" << alias << "\n";
  std::printf("%s: %s %s %s\n", local_overrides_path().c_str(), op.c_str(), found.front()->name.c_str(), alias.c_str());
  return 0;
}

}  // namespace

KbCommand add_kb_commands(CLI::App& app, const std::string& kb_path, const bool& allow_private, const bool& quiet) {
  KbCommand cmd;
  cmd.kb = app.add_subcommand("kb", "Build, update, inspect and correct the knowledge base");
  cmd.kb->require_subcommand(1);
  struct State {
    std::string from, out, query, alias, heldout;
    bool json = false;
  };
  auto state = std::make_shared<State>();
  std::function<int()>* run = cmd.run.get();  // owned by cmd.run, which main keeps alive

  auto* build = cmd.kb->add_subcommand("build", "Compile the KB from ATT&CK and MISP files");
  build->add_option("--from", state->from, "Directory with attack/ and misp-galaxy/ (like ../shared/kb)")->required();
  build->add_option("--out", state->out, "Where to write the KB (default: the user KB, " + user_kb_path() + ")");
  build->add_option("--heldout", state->heldout, "Also write the technique model's held-out examples here (JSON lines)");
  build->callback([=, &quiet] { *run = [=, &quiet] { return kb_build(state->from, state->out, state->heldout, quiet); }; });

  auto* update = cmd.kb->add_subcommand("update", "Download the newest ATT&CK and MISP files and rebuild the KB");
  update->add_option("--out", state->out, "Where to write the KB (default: the user KB)");
  update->callback([=, &quiet, &allow_private] { *run = [=, &quiet, &allow_private] { return kb_update(state->out, allow_private, quiet); }; });

  auto* info = cmd.kb->add_subcommand("info", "Versions and counts of the loaded KB");
  info->add_flag("--json", state->json, "JSON output");
  info->callback([=, &kb_path] { *run = [=, &kb_path] { return kb_info(kb_path, state->json); }; });

  auto add_lookup = [&](const char* name, const char* help, int (*fn)(const KnowledgeBase&, const std::string&, bool)) {
    auto* sub = cmd.kb->add_subcommand(name, help);
    sub->add_option("query", state->query, "Name, alias or id")->required();
    sub->add_flag("--json", state->json, "JSON output");
    sub->callback([=, &kb_path] {
      *run = [=, &kb_path] {
        auto kb = open_kb(kb_path);
        return kb ? fn(*kb, state->query, state->json) : 1;
      };
    });
  };
  add_lookup("actor", "Show a threat actor by any of its names", kb_actor);
  add_lookup("software", "Show malware or a tool by any of its names", kb_software);
  add_lookup("technique", "Show an ATT&CK technique by id or name", kb_technique);
  add_lookup("country", "Show a country by name, adjective, code or capital", kb_country);
  add_lookup("agency", "Show a government cyber body by name or acronym", kb_agency);

  auto* alias = cmd.kb->add_subcommand("alias", "Add or veto an actor alias locally (kept in " + local_overrides_path() + ")");
  alias->require_subcommand(1);
  for (const char* op : {"add", "veto"}) {
    auto* sub = alias->add_subcommand(op, std::string(op) == "add" ? "Teach the KB that ALIAS names ACTOR" : "Remove ALIAS from ACTOR");
    sub->add_option("actor", state->query, "The actor (any name or id)")->required();
    sub->add_option("alias", state->alias, "The alias")->required();
    std::string opname = op;
    sub->callback([=, &kb_path] { *run = [=, &kb_path] { return kb_alias(kb_path, opname, state->query, state->alias); }; });
  }
  return cmd;
}

}  // namespace dossier::cli
