#include "dossier/kb/build.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/hash.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

#ifndef DOSSIER_DATA_DIR
#define DOSSIER_DATA_DIR "data"
#endif

namespace dossier {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

Result<json> read_json(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{"cannot read " + path};
  json j = json::parse(f, nullptr, false);
  if (j.is_discarded()) return Error{path + ": not valid JSON"};
  return j;
}

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (!line.empty() && line.back() == '\t') cols.emplace_back();
    rows.push_back(std::move(cols));
  }
  return rows;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) {
    part = trim(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool active(const json& o) { return !o.value("revoked", false) && !o.value("x_mitre_deprecated", false); }

std::string attack_id(const json& o) {
  auto refs = o.find("external_references");
  if (refs == o.end() || !refs->is_array()) return {};
  for (const auto& r : *refs) {
    std::string src = str(r, "source_name");
    if (src == "mitre-attack" || src == "mitre-mobile-attack" || src == "mitre-ics-attack") return str(r, "external_id");
  }
  return {};
}

std::string uuid_of(const std::string& stix_id) {
  size_t p = stix_id.find("--");
  return p == std::string::npos ? stix_id : stix_id.substr(p + 2);
}

// Ids for entities only MISP knows: the uuid's last 12 hex digits (its random part).
std::string misp_id(const std::string& uuid) { return "MISP-" + (uuid.size() > 12 ? uuid.substr(uuid.size() - 12) : uuid); }

std::string slug(const std::string& s) {
  std::string f = fold_name(s);
  for (auto& c : f)
    if (c == ' ') c = '-';
  return f;
}

void add_alias(std::vector<Alias>& aliases, const std::string& name_in, uint8_t source) {
  std::string name = collapse_whitespace(name_in);
  if (name.empty()) return;
  static const std::regex attack_ref("^[GSTMC][0-9]{4}(\\.[0-9]{3})?$");
  if (std::regex_match(name, attack_ref)) return;  // ids are not names
  std::string f = fold_name(name);
  for (auto& a : aliases) {
    if (fold_name(a.name) == f) {
      a.sources |= source;
      return;
    }
  }
  aliases.push_back(Alias{name, source, false});
}

// The most recognised name: an APT number that ATT&CK gives and no other actor shares, then
// MISP's name for the group (unless another actor also uses it), then ATT&CK's.
std::string display_name(const Actor& a, const std::string& misp_value) {
  static const std::regex apt("^APT ?([0-9]{1,3})$", std::regex::icase);
  std::smatch m;
  for (const auto& al : a.aliases)
    if (std::regex_match(al.name, m, apt) && (al.sources & kFromAttack) && !al.ambiguous) return "APT" + m[1].str();
  if (!misp_value.empty()) {
    for (const auto& al : a.aliases)
      if (fold_name(al.name) == fold_name(misp_value) && !al.ambiguous) return misp_value;
  }
  if (!a.attack_name.empty()) return a.attack_name;
  if (!misp_value.empty()) return misp_value;
  return a.aliases.empty() ? a.id : a.aliases.front().name;
}

// "Ministry of State Security (MSS)": an acronym is mostly capitals ("(Russia)" is not one).
bool looks_like_acronym(const std::string& s) {
  size_t upper = 0, letters = 0;
  for (unsigned char c : s) {
    if (ascii::is_alpha(c)) ++letters;
    if (ascii::is_upper(c)) ++upper;
  }
  return upper >= 2 && upper * 2 >= letters;
}

// The English part of a MISP agency label: footnotes and the native-script name after a dash removed.
std::string english_part(const std::string& s) {
  std::string e = s.substr(0, s.find(" \xE2\x80\x93 "));
  e = e.substr(0, e.find(" - "));
  e = std::regex_replace(e, std::regex("\\[[0-9]+\\]"), "");
  return collapse_whitespace(e);
}

struct Builder {
  KnowledgeBase kb;
  std::vector<std::string>* warnings;
  std::unordered_map<std::string, size_t> actor_by_uuid;     // intrusion-set / MISP cluster uuid -> actor
  std::unordered_map<std::string, size_t> software_by_uuid;  // ATT&CK software uuid -> software
  std::unordered_map<std::string, std::string> misp_value;   // actor id -> MISP threat-actor value
  std::unordered_map<std::string, std::string> descriptions;  // actor id -> ATT&CK + MISP descriptions (transient)
  std::vector<std::string> misp_versions;
  std::vector<LabelledText> technique_examples;

  void warn(const std::string& w) {
    if (warnings) warnings->push_back(w);
  }

  std::unordered_map<std::string, std::vector<size_t>> actor_name_index() const {
    std::unordered_map<std::string, std::vector<size_t>> idx;
    for (size_t i = 0; i < kb.actors.size(); ++i) {
      std::set<std::string> names;
      for (const auto& al : kb.actors[i].aliases) names.insert(fold_name(al.name));
      for (const auto& n : names) idx[n].push_back(i);
    }
    return idx;
  }

  Status load_attack(const std::string& path) {
    auto bundle = read_json(path);
    if (!bundle.ok()) return Error{bundle.error()};
    const json& objects = (*bundle)["objects"];
    if (!objects.is_array()) return Error{path + ": not a STIX bundle"};
    std::unordered_map<std::string, std::string> ext;   // stix id -> ATT&CK id
    std::unordered_map<std::string, std::string> type;  // stix id -> type
    std::unordered_map<std::string, bool> is_active;
    std::unordered_map<std::string, std::string> tactic_by_short;
    for (const auto& o : objects) {
      std::string id = str(o, "id"), t = str(o, "type");
      type[id] = t;
      ext[id] = attack_id(o);
      is_active[id] = active(o);
      if (t == "x-mitre-collection") kb.info.attack_version = str(o, "x_mitre_version");
      if (t == "x-mitre-tactic" && active(o)) {
        kb.tactics.push_back(Tactic{ext[id], str(o, "name"), str(o, "x_mitre_shortname")});
        tactic_by_short[str(o, "x_mitre_shortname")] = ext[id];
      }
    }
    std::unordered_map<std::string, size_t> tech_index, mitig_index, campaign_index;
    for (const auto& o : objects) {
      std::string id = str(o, "id"), t = str(o, "type"), aid = ext[id];
      if (aid.empty()) continue;
      if (t == "attack-pattern" && !o.value("revoked", false)) {
        Technique tech;
        tech.id = aid;
        tech.name = str(o, "name");
        tech.stix_id = id;
        tech.stix_created = str(o, "created");
        tech.stix_modified = str(o, "modified");
        tech.deprecated = o.value("x_mitre_deprecated", false);
        size_t dot = aid.find('.');
        if (dot != std::string::npos) tech.parent = aid.substr(0, dot);
        if (o.contains("kill_chain_phases"))
          for (const auto& k : o["kill_chain_phases"]) {
            auto tac = tactic_by_short.find(str(k, "phase_name"));
            if (tac != tactic_by_short.end()) tech.tactics.push_back(tac->second);
          }
        if (o.contains("x_mitre_platforms"))
          for (const auto& p : o["x_mitre_platforms"]) tech.platforms.push_back(p.get<std::string>());
        if (!tech.deprecated) {
          // The opening of the technique's description names what it looks like in practice.
          std::string d = clean_attack_text(str(o, "description"));
          size_t cut = 0;
          for (int k = 0; k < 3 && cut != std::string::npos; ++k) cut = d.find(". ", cut + 1);
          technique_examples.push_back(LabelledText{d.substr(0, cut == std::string::npos ? d.size() : cut + 1), {tech.id}, false});
        }
        tech_index[id] = kb.techniques.size();
        kb.techniques.push_back(std::move(tech));
      } else if (t == "course-of-action" && active(o) && aid[0] == 'M') {
        mitig_index[id] = kb.mitigations.size();
        kb.mitigations.push_back(Mitigation{aid, str(o, "name"), {}, id, str(o, "created"), str(o, "modified")});
      } else if (t == "intrusion-set" && active(o)) {
        Actor a;
        a.id = a.attack_id = aid;
        a.attack_name = str(o, "name");
        a.stix_id = id;
        // MISP ships ATT&CK's groups as its mitre-intrusion-set galaxy, with ATT&CK's uuids.
        a.misp_galaxy = "mitre-intrusion-set";
        a.misp_uuid = uuid_of(id);
        a.misp_value = a.attack_name + " - " + aid;
        if (o.contains("aliases"))
          for (const auto& al : o["aliases"]) add_alias(a.aliases, al.get<std::string>(), kFromAttack);
        descriptions[a.id] = str(o, "description");
        actor_by_uuid[uuid_of(id)] = kb.actors.size();
        kb.actors.push_back(std::move(a));
      } else if ((t == "malware" || t == "tool") && active(o)) {
        Software s;
        s.id = s.attack_id = aid;
        s.name = str(o, "name");
        s.kind = t;
        s.stix_id = id;
        s.misp_galaxy = "mitre-" + t;
        s.misp_uuid = uuid_of(id);
        s.misp_value = s.name + " - " + aid;
        add_alias(s.aliases, s.name, kFromAttack);
        if (o.contains("x_mitre_aliases"))
          for (const auto& al : o["x_mitre_aliases"]) add_alias(s.aliases, al.get<std::string>(), kFromAttack);
        software_by_uuid[uuid_of(id)] = kb.software.size();
        kb.software.push_back(std::move(s));
      } else if (t == "campaign" && active(o)) {
        Campaign c;
        c.id = aid;
        c.name = str(o, "name");
        if (o.contains("aliases"))
          for (const auto& al : o["aliases"])
            if (al.get<std::string>() != c.name) c.aliases.push_back(al.get<std::string>());
        c.first_seen = str(o, "first_seen").substr(0, 10);
        c.last_seen = str(o, "last_seen").substr(0, 10);
        campaign_index[id] = kb.campaigns.size();
        kb.campaigns.push_back(std::move(c));
      }
    }
    std::unordered_map<std::string, size_t> tech_by_id;
    for (size_t i = 0; i < kb.techniques.size(); ++i) tech_by_id[kb.techniques[i].id] = i;
    for (const auto& o : objects) {
      if (str(o, "type") != "relationship" || o.value("revoked", false)) continue;
      std::string rel = str(o, "relationship_type"), src = str(o, "source_ref"), dst = str(o, "target_ref");
      if (rel == "revoked-by") {
        if (!ext[src].empty() && !ext[dst].empty() && ext[src] != ext[dst]) kb.revoked[ext[src]] = ext[dst];
        continue;
      }
      if (!is_active[src] || !is_active[dst]) continue;
      const std::string& st = type[src];
      const std::string& dt = type[dst];
      if (rel == "uses" && st == "intrusion-set" && actor_by_uuid.count(uuid_of(src))) {
        Actor& a = kb.actors[actor_by_uuid[uuid_of(src)]];
        if (dt == "attack-pattern") a.techniques.push_back(ext[dst]);
        else if (dt == "malware" || dt == "tool") a.software.push_back(ext[dst]);
      } else if (rel == "uses" && (st == "malware" || st == "tool") && dt == "attack-pattern" &&
                 software_by_uuid.count(uuid_of(src))) {
        kb.software[software_by_uuid[uuid_of(src)]].techniques.push_back(ext[dst]);
      } else if (rel == "mitigates" && mitig_index.count(src) && tech_index.count(dst)) {
        kb.mitigations[mitig_index[src]].techniques.push_back(ext[dst]);
        kb.techniques[tech_index[dst]].mitigations.push_back(ext[src]);
      } else if (rel == "attributed-to" && campaign_index.count(src) && actor_by_uuid.count(uuid_of(dst))) {
        kb.campaigns[campaign_index[src]].actor = kb.actors[actor_by_uuid[uuid_of(dst)]].id;
      }
      // Every procedure example (a `uses` description) is labelled training text for the technique
      // model; every tenth, by a hash of the relationship id, is held back for evaluation.
      if (rel == "uses" && dt == "attack-pattern" && tech_index.count(dst) && !str(o, "description").empty()) {
        bool heldout = hash64(str(o, "id")) % 10 == 0;
        technique_examples.push_back(LabelledText{clean_attack_text(str(o, "description")), {ext[dst]}, heldout});
      }
    }
    return {};
  }

  // Joins a MISP or Microsoft cluster to an actor: by related uuid, else by a shared name.
  std::optional<size_t> join(const json& cluster, const std::unordered_map<std::string, std::vector<size_t>>& names) {
    if (cluster.contains("related"))
      for (const auto& r : cluster["related"]) {
        auto it = actor_by_uuid.find(str(r, "dest-uuid"));
        if (it != actor_by_uuid.end()) return it->second;
      }
    std::vector<std::string> cand{str(cluster, "value")};
    if (cluster.contains("meta") && cluster["meta"].contains("synonyms"))
      for (const auto& s : cluster["meta"]["synonyms"])
        if (s.is_string()) cand.push_back(s.get<std::string>());
    for (const auto& c : cand) {
      auto it = names.find(fold_name(c));
      if (it != names.end() && it->second.size() == 1) return it->second.front();
    }
    return std::nullopt;
  }

  // The actor a MISP/Microsoft cluster belongs to (joined, or new), with the cluster's value and
  // synonyms added as aliases from `source`.
  Actor& actor_for_cluster(const json& c, const std::unordered_map<std::string, std::vector<size_t>>& names, uint8_t source) {
    auto joined = join(c, names);
    size_t idx;
    if (joined) {
      idx = *joined;
    } else {
      Actor a;
      a.id = misp_id(str(c, "uuid"));
      idx = kb.actors.size();
      kb.actors.push_back(std::move(a));
    }
    actor_by_uuid[str(c, "uuid")] = idx;
    Actor& a = kb.actors[idx];
    add_alias(a.aliases, str(c, "value"), source);
    const json meta = c.value("meta", json::object());
    if (meta.contains("synonyms"))
      for (const auto& syn : meta["synonyms"])
        if (syn.is_string()) add_alias(a.aliases, syn.get<std::string>(), source);
    if (a.country.empty()) a.country = str(meta, "country");
    return a;
  }

  std::string country_code_for_name(const std::string& name) {
    if (name.empty() || iequals(name, "Unknown")) return {};
    std::string base = name.substr(0, name.find(" ("));  // "Iran (Islamic Republic of)"
    for (const std::string& cand : {name, base}) {
      auto found = kb.find_countries(cand);
      if (!found.empty()) return found.front()->code;
    }
    return {};
  }

  void load_misp_actors(const std::string& dir) {
    if (auto j = read_json(dir + "/mitre-intrusion-set.json"); j.ok()) {
      misp_versions.push_back("mitre-intrusion-set " + std::to_string((*j).value("version", 0)));
      for (const auto& c : (*j)["values"]) {
        auto it = actor_by_uuid.find(str(c, "uuid"));
        if (it == actor_by_uuid.end()) continue;
        if (c.contains("meta") && c["meta"].contains("synonyms"))
          for (const auto& s : c["meta"]["synonyms"]) add_alias(kb.actors[it->second].aliases, s.get<std::string>(), kFromMisp);
      }
    } else {
      warn(j.error());
    }
    auto ta = read_json(dir + "/threat-actor.json");
    if (!ta.ok()) {
      warn(ta.error());
    } else {
      misp_versions.push_back("threat-actor " + std::to_string((*ta).value("version", 0)));
      auto names = actor_name_index();
      for (const auto& c : (*ta)["values"]) {
        std::string value = str(c, "value");
        if (value.empty()) continue;
        Actor& a = actor_for_cluster(c, names, kFromMisp);
        if (!misp_value.count(a.id)) misp_value[a.id] = value;
        // The threat-actor galaxy is the one MISP users tag events with: its cluster is preferred.
        if (a.misp_galaxy != "threat-actor") {
          a.misp_galaxy = "threat-actor";
          a.misp_uuid = str(c, "uuid");
          a.misp_value = value;
        }
        const json meta = c.value("meta", json::object());
        if (a.sponsor_state.empty()) a.sponsor_state = country_code_for_name(str(meta, "cfr-suspected-state-sponsor"));
        for (const char* key : {"targeted-sector", "cfr-target-category"})
          if (meta.contains(key) && meta[key].is_array())
            for (const auto& s : meta[key])
              if (s.is_string() && std::find(a.target_sectors.begin(), a.target_sectors.end(), s.get<std::string>()) == a.target_sectors.end())
                a.target_sectors.push_back(s.get<std::string>());
        descriptions[a.id] += "\n" + str(c, "description");
      }
    }
    auto ms = read_json(dir + "/microsoft-activity-group.json");
    if (!ms.ok()) {
      warn(ms.error());
      return;
    }
    misp_versions.push_back("microsoft-activity-group " + std::to_string((*ms).value("version", 0)));
    auto names = actor_name_index();
    for (const auto& c : (*ms)["values"]) {
      std::string value = str(c, "value");
      Actor& a = actor_for_cluster(c, names, kFromMicrosoft);
      if (!misp_value.count(a.id) && a.attack_name.empty()) misp_value[a.id] = value;
      if (a.misp_galaxy.empty()) {
        a.misp_galaxy = "microsoft-activity-group";
        a.misp_uuid = str(c, "uuid");
        a.misp_value = value;
      }
    }
  }

  void load_misp_software(const std::string& dir) {
    std::unordered_map<std::string, std::vector<size_t>> names;
    auto rebuild = [&] {
      names.clear();
      for (size_t i = 0; i < kb.software.size(); ++i)
        for (const auto& al : kb.software[i].aliases) names[fold_name(al.name)].push_back(i);
    };
    rebuild();
    for (const auto& [file, kind] : std::vector<std::pair<std::string, std::string>>{
             {"malpedia", "malware"}, {"ransomware", "ransomware"}, {"tool", "tool"}}) {
      auto j = read_json(dir + "/" + file + ".json");
      if (!j.ok()) {
        warn(j.error());
        continue;
      }
      misp_versions.push_back(file + " " + std::to_string((*j).value("version", 0)));
      for (const auto& c : (*j)["values"]) {
        std::string value = trim(str(c, "value"));  // "Payload " in malpedia
        if (value.empty()) continue;
        std::vector<std::string> all{value};
        const json meta = c.value("meta", json::object());
        if (meta.contains("synonyms"))
          for (const auto& s : meta["synonyms"])
            if (s.is_string()) all.push_back(s.get<std::string>());
        std::optional<size_t> idx;
        if (c.contains("related"))
          for (const auto& r : c["related"]) {
            auto it = software_by_uuid.find(str(r, "dest-uuid"));
            if (it != software_by_uuid.end()) { idx = it->second; break; }
          }
        for (size_t k = 0; !idx && k < all.size(); ++k) {
          auto it = names.find(fold_name(all[k]));
          if (it != names.end() && it->second.size() == 1) idx = it->second.front();
        }
        if (!idx) {
          Software s;
          s.id = misp_id(str(c, "uuid"));
          s.name = value;
          s.kind = kind;
          idx = kb.software.size();
          kb.software.push_back(std::move(s));
        }
        software_by_uuid[str(c, "uuid")] = *idx;
        Software& s = kb.software[*idx];
        // MISP's own galaxies (malpedia, ransomware, tool) before ATT&CK's as MISP ships it; for
        // ransomware, the ransomware galaxy.
        if (s.misp_galaxy.empty() || s.misp_galaxy.rfind("mitre-", 0) == 0 || (kind == "ransomware" && s.misp_galaxy == "malpedia")) {
          s.misp_galaxy = file;
          s.misp_uuid = str(c, "uuid");
          s.misp_value = value;
        }
        for (const auto& n : all) {
          add_alias(s.aliases, n, kFromMisp);
          names[fold_name(n)];
          auto& v = names[fold_name(n)];
          if (std::find(v.begin(), v.end(), *idx) == v.end()) v.push_back(*idx);
        }
        if (kind == "ransomware" && s.kind == "malware") s.kind = "ransomware";
      }
    }
  }

  // A gettext catalogue (.mo) as original -> translation; empty when it cannot be read.
  static std::unordered_map<std::string, std::string> read_catalogue(const std::string& path) {
    std::unordered_map<std::string, std::string> out;
    std::ifstream f(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (data.size() < 28) return out;
    auto u32 = [&](size_t at, bool swap) -> uint32_t {
      if (at + 4 > data.size()) return 0;
      uint32_t v;
      std::memcpy(&v, data.data() + at, 4);
      return swap ? __builtin_bswap32(v) : v;
    };
    uint32_t magic = u32(0, false);
    bool swap = magic == 0xde120495u;
    if (magic != 0x950412deu && !swap) return out;
    uint32_t n = u32(8, swap), originals = u32(12, swap), translations = u32(16, swap);
    auto str_at = [&](uint32_t table, uint32_t i) -> std::string {
      uint32_t len = u32(table + 8 * i, swap), off = u32(table + 8 * i + 4, swap);
      if (static_cast<size_t>(off) + len > data.size()) return {};
      return data.substr(off, len);
    };
    for (uint32_t i = 0; i < n && i < 100000; ++i) {
      std::string o = str_at(originals, i), t = str_at(translations, i);
      if (!o.empty() && !t.empty() && t.find('\0') == std::string::npos) out.emplace(std::move(o), std::move(t));
    }
    return out;
  }

  // Country names in other languages, as aliases: "Deutschland", "Chine", "Rusko".
  void load_country_translations(const KbSources& src, const json& iso) {
    for (const auto& lang : src.country_languages) {
      auto catalogue = read_catalogue(src.locale_dir + "/" + lang + "/LC_MESSAGES/iso_3166-1.mo");
      if (catalogue.empty()) {
        warn("no iso-codes translations for " + lang + " under " + src.locale_dir);
        continue;
      }
      size_t i = 0;
      for (const auto& c : iso["3166-1"]) {
        Country& k = kb.countries[i++];
        for (const char* field : {"name", "common_name"}) {
          auto it = catalogue.find(str(c, field));
          if (it != catalogue.end()) add_alias(k.aliases, it->second, kFromIsoTranslations);
        }
      }
    }
  }

  void load_countries(const KbSources& src) {
    auto iso = read_json(src.iso_3166_path);
    if (!iso.ok()) {
      warn(iso.error() + " (install Debian's iso-codes)");
    } else {
      for (const auto& c : (*iso)["3166-1"]) {
        Country k;
        k.code = str(c, "alpha_2");
        k.code3 = str(c, "alpha_3");
        k.official_name = str(c, "official_name");
        k.name = str(c, "common_name").empty() ? str(c, "name") : str(c, "common_name");
        add_alias(k.aliases, str(c, "name"), kFromCurated);
        kb.countries.push_back(std::move(k));
      }
      load_country_translations(src, *iso);
    }
    std::unordered_map<std::string, size_t> by_code;
    for (size_t i = 0; i < kb.countries.size(); ++i) by_code[kb.countries[i].code] = i;
    for (const auto& row : read_tsv(src.curated_dir + "/countries.tsv")) {
      if (row.size() < 3) continue;
      auto it = by_code.find(row[0]);
      if (it == by_code.end()) continue;
      Country& c = kb.countries[it->second];
      add_alias(c.aliases, row[1], kFromCurated);
      for (auto& al : c.aliases)
        if (fold_name(al.name) == fold_name(row[1]) && row.size() > 3 && row[3] == "1") al.ambiguous = true;
      // A curated everyday name replaces ISO's formal one ("Czechia" for "Czech Republic" stays; "Russia" for
      // "Russian Federation").
      if (row[2] == "name" && (c.name.find(',') != std::string::npos || c.name.find('(') != std::string::npos ||
                               c.name == "Russian Federation" || c.name == "Viet Nam" || c.name == "Türkiye" ||
                               c.name == "Korea, Republic of"))
        c.name = row[1];
    }
    // Capitals as metonyms ("Moscow said ..."): ambiguous unless curated otherwise.
    if (auto mc = read_json(src.dir + "/misp-galaxy/country.json"); mc.ok()) {
      for (const auto& c : (*mc)["values"]) {
        const json meta = c.value("meta", json::object());
        auto it = by_code.find(str(meta, "ISO"));
        std::string cap = str(meta, "Capital");
        if (it == by_code.end() || cap.empty()) continue;
        auto& aliases = kb.countries[it->second].aliases;
        bool known = std::any_of(aliases.begin(), aliases.end(), [&](const Alias& a) { return fold_name(a.name) == fold_name(cap); });
        if (!known) aliases.push_back(Alias{cap, kFromMisp, true});
      }
    }
    kb.index();
  }

  void load_agencies(const KbSources& src) {
    std::unordered_map<std::string, size_t> by_name;
    for (const auto& row : read_tsv(src.curated_dir + "/agencies.tsv")) {
      if (row.size() < 4) continue;
      Agency g;
      g.country = row[0];
      g.acronyms = split(row[1], ',');
      g.name = row[2];
      g.kind = row[3];
      if (row.size() > 4)
        for (const auto& al : split(row[4], '|')) add_alias(g.aliases, al, kFromCurated);
      g.id = ascii_lower(g.country) + "-" + slug(g.acronyms.empty() ? g.name : g.acronyms.front());
      by_name[g.country + "|" + fold_name(g.name)] = kb.agencies.size();
      for (const auto& ac : g.acronyms) by_name[g.country + "|" + fold_name(ac)] = kb.agencies.size();
      kb.agencies.push_back(std::move(g));
    }
    auto j = read_json(src.dir + "/misp-galaxy/intelligence-agencies.json");
    if (!j.ok()) {
      warn(j.error());
      return;
    }
    misp_versions.push_back("intelligence-agencies " + std::to_string((*j).value("version", 0)));
    static const std::regex acronym("\\(([A-Z][A-Za-z0-9&./\\-]{1,11})\\)");
    for (const auto& c : (*j)["values"]) {
      std::string value = str(c, "value");
      const json meta = c.value("meta", json::object());
      std::string desc = str(c, "description");
      // "Ministry of State Security (MSS) - ..." : the English name and acronym before the dash.
      std::string english = english_part(desc);
      std::smatch m;
      std::string acr;
      for (auto it = std::sregex_iterator(english.begin(), english.end(), acronym); it != std::sregex_iterator(); ++it)
        if (looks_like_acronym((*it)[1].str())) {
          acr = (*it)[1].str();
          break;
        }
      std::string country = str(meta, "country");
      // Wikipedia titles carry a disambiguating country: "Military Intelligence (Czech Republic)".
      std::string name = std::regex_replace(english_part(value), std::regex(" \\([^)]*\\)$"), "");
      // The same body in both tables: same country and the same name or acronym.
      auto it = by_name.find(country + "|" + fold_name(name));
      if (it == by_name.end() && !acr.empty()) it = by_name.find(country + "|" + fold_name(acr));
      Agency* g;
      if (it != by_name.end()) {
        g = &kb.agencies[it->second];
        if (fold_name(name) != fold_name(g->name)) add_alias(g->aliases, name, kFromMisp);
      } else {
        Agency a;
        a.name = name;
        a.country = country;
        a.kind = "intelligence";
        a.id = ascii_lower(country) + "-" + slug(acr.empty() ? name : acr);
        by_name[country + "|" + fold_name(name)] = kb.agencies.size();
        if (!acr.empty()) by_name[country + "|" + fold_name(acr)] = kb.agencies.size();
        kb.agencies.push_back(std::move(a));
        g = &kb.agencies.back();
      }
      if (!acr.empty() && std::none_of(g->acronyms.begin(), g->acronyms.end(), [&](const std::string& x) { return iequals(x, acr); }))
        g->acronyms.push_back(acr);
      std::string eng_name = trim(std::regex_replace(english, acronym, ""));
      if (!eng_name.empty() && fold_name(eng_name) != fold_name(g->name)) add_alias(g->aliases, eng_name, kFromMisp);
      if (meta.contains("synonyms"))
        for (const auto& s : meta["synonyms"])
          if (s.is_string()) add_alias(g->aliases, s.get<std::string>(), kFromMisp);
    }
    // Make ids unique (two bodies of one country may share an acronym).
    std::unordered_map<std::string, int> seen;
    for (auto& g : kb.agencies)
      if (int n = seen[g.id]++; n > 0) g.id += "-" + std::to_string(n + 1);
  }

  void load_sectors(const KbSources& src) {
    for (const auto& row : read_tsv(src.curated_dir + "/sectors.tsv")) {
      if (row.empty()) continue;
      Sector s;
      s.name = row[0];
      s.id = slug(s.name);
      if (row.size() > 1) s.parent = row[1].empty() ? "" : slug(row[1]);
      if (row.size() > 2) s.aliases = split(row[2], '|');
      if (row.size() > 3) s.cues = split(row[3], '|');
      if (row.size() > 4) s.name_words = split(row[4], '|');
      kb.sectors.push_back(std::move(s));
    }
  }

  // Cue phrases for techniques in the wording of news (technique_cues.tsv: id, name, cues, context
  // words the document must hold, phrases that cancel the cues; lists |-separated).
  // A cue for a technique ATT&CK does not have, or that cannot match, is reported and skipped.
  void load_technique_cues(const KbSources& src) {
    std::unordered_set<std::string> known;
    for (const auto& t : kb.techniques) known.insert(t.id);
    for (const auto& row : read_tsv(src.curated_dir + "/technique_cues.tsv")) {
      if (row.size() < 3) continue;
      std::string id = trim(row[0]);
      for (int hops = 0; hops < 4 && !known.count(id) && kb.revoked.count(id); ++hops) id = kb.revoked.at(id);
      if (!known.count(id)) {
        if (warnings) warnings->push_back("technique_cues.tsv: " + id + " is not an ATT&CK technique");
        continue;
      }
      auto add = [&](size_t col, TechniqueCue::Kind kind) {
        if (row.size() <= col) return;
        for (const auto& cue : split(row[col], '|')) {
          auto c = parse_technique_cue(id, cue, kind);
          if (!c.ok()) {
            if (warnings) warnings->push_back("technique_cues.tsv: " + id + ": " + c.error());
            continue;
          }
          kb.technique_model.cues.push_back(std::move(*c));
        }
      };
      add(2, TechniqueCue::Kind::cue);
      add(3, TechniqueCue::Kind::context);
      add(4, TechniqueCue::Kind::unless);
    }
    kb.technique_model.build_index();
  }

  // Origin country from ATT&CK's prose when no structured source gives one ("operating out of
  // China", "a North Korean state-sponsored group"): the first country or adjective named.
  void derive_countries_and_sponsors() {
    std::vector<std::pair<std::string, std::string>> country_terms;  // folded term, code
    for (const auto& c : kb.countries) {
      country_terms.push_back({fold_name(c.name), c.code});
      for (const auto& al : c.aliases)
        if (!al.ambiguous && utf8_length(al.name) > 3) country_terms.push_back({fold_name(al.name), c.code});
    }
    std::sort(country_terms.begin(), country_terms.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    for (auto& a : kb.actors) {
      std::string desc = fold_name(descriptions[a.id].substr(0, 600));
      std::string padded = " " + desc + " ";
      if (a.country.empty()) {
        size_t best = std::string::npos;
        for (const auto& [term, code] : country_terms) {
          size_t p = padded.find(" " + term + " ");
          if (p != std::string::npos && p < best) {
            best = p;
            a.country = code;
          }
        }
      }
      // Sponsoring agencies of the actor's country named in the descriptions.
      std::string full = " " + fold_name(descriptions[a.id]) + " ";
      for (const auto& g : kb.agencies) {
        if (g.country != a.country || (g.kind != "intelligence" && g.kind != "military")) continue;
        bool named = full.find(" " + fold_name(g.name) + " ") != std::string::npos;
        for (const auto& ac : g.acronyms)
          named |= ac.size() >= 3 && descriptions[a.id].find("(" + ac + ")") != std::string::npos;
        if (named && std::find(a.sponsor_agencies.begin(), a.sponsor_agencies.end(), g.id) == a.sponsor_agencies.end())
          a.sponsor_agencies.push_back(g.id);
      }
      if (a.sponsor_state.empty() && !a.sponsor_agencies.empty()) a.sponsor_state = a.country;
    }
  }

  void mark_ambiguous(const std::string& dictionary_path) {
    std::unordered_set<std::string> words, proper;  // ordinary words; names of people, places and things
    std::ifstream f(dictionary_path);
    std::string w;
    while (std::getline(f, w)) {
      if (w.empty() || w.find('\'') != std::string::npos) continue;
      if (ascii::is_lower(static_cast<unsigned char>(w[0]))) words.insert(w);
      else proper.insert(fold_name(w));
    }
    if (words.empty()) warn("no word list at " + dictionary_path + " (install Debian's wamerican)");
    std::vector<std::string> sorted(words.begin(), words.end());
    std::sort(sorted.begin(), sorted.end());
    kb.common_words.clear();
    for (const auto& w : sorted) kb.common_words += fold_name(w) + "\n";
    // A group's ATT&CK name or alias that another group's MISP cluster also lists ("APT41" among
    // APT17's synonyms) belongs to the ATT&CK group alone.
    std::unordered_map<std::string, int> attack_owners;
    for (const auto& a : kb.actors) {
      std::set<std::string> mine;
      for (const auto& al : a.aliases)
        if (al.sources & kFromAttack) mine.insert(fold_name(al.name));
      for (const auto& n : mine) ++attack_owners[n];
    }
    for (auto& a : kb.actors)
      std::erase_if(a.aliases, [&](const Alias& al) {
        std::string f = fold_name(al.name);
        return !(al.sources & kFromAttack) && attack_owners[f] == 1 && fold_name(a.name) != f;
      });
    std::unordered_map<std::string, int> owners;  // folded name -> number of actors and software using it
    for (const auto& a : kb.actors) {
      std::set<std::string> mine;
      for (const auto& al : a.aliases) mine.insert(fold_name(al.name));
      for (const auto& n : mine) ++owners[n];
    }
    for (const auto& s : kb.software) {
      std::set<std::string> mine;
      for (const auto& al : s.aliases) mine.insert(fold_name(al.name));
      for (const auto& n : mine) ++owners[n];
    }
    auto judge = [&](Alias& al) {
      std::string f = fold_name(al.name);
      bool common = words.count(f) > 0 || f.size() <= 2 || std::all_of(f.begin(), f.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)) || c == ' '; });
      al.ambiguous = al.ambiguous || common || owners[f] > 1;
    };
    for (auto& a : kb.actors) for (auto& al : a.aliases) judge(al);
    // A translated country name that is an English word, or another country's English name or
    // code ("Chile" is not ambiguous; "Mali" is), counts only in context like any ambiguous name.
    std::unordered_map<std::string, int> country_names;
    for (const auto& c : kb.countries) {
      std::set<std::string> mine;
      for (const auto& al : c.aliases) mine.insert(fold_name(al.name));
      mine.insert(fold_name(c.name));
      for (const auto& n : mine) ++country_names[n];
    }
    for (auto& c : kb.countries)
      for (auto& al : c.aliases)
        if (al.sources == kFromIsoTranslations) {
          std::string f = fold_name(al.name);
          al.ambiguous = al.ambiguous || words.count(f) > 0 || f.size() <= 3 || country_names[f] > 1;
        }
    for (auto& s : kb.software) for (auto& al : s.aliases) judge(al);
    // A program named like a person, a place or a holiday ("Christmas", "Orion", "Phobos") needs
    // its kind beside it too; groups keep such names ("Lazarus") as names.
    for (auto& s : kb.software)
      for (auto& al : s.aliases)
        if (proper.count(fold_name(al.name))) al.ambiguous = true;
    // Agencies: an acronym or name used by bodies of several countries needs context (NCSC, NCA).
    std::unordered_map<std::string, std::set<std::string>> agency_owners;
    for (const auto& g : kb.agencies) {
      agency_owners[fold_name(g.name)].insert(g.country);
      for (const auto& ac : g.acronyms) agency_owners[fold_name(ac)].insert(g.country);
    }
    for (auto& g : kb.agencies) {
      for (const auto& ac : g.acronyms)
        if (agency_owners[fold_name(ac)].size() > 1 || words.count(fold_name(ac))) add_alias(g.aliases, ac, kFromCurated);
      for (auto& al : g.aliases) {
        std::string f = fold_name(al.name);
        al.ambiguous = agency_owners[f].size() > 1 || words.count(f) > 0 || f.size() <= 2 || f.rfind("the ", 0) == 0;
      }
    }
  }

  void finish() {
    for (auto& a : kb.actors) {
      a.name = display_name(a, misp_value.count(a.id) ? misp_value[a.id] : "");
      std::sort(a.techniques.begin(), a.techniques.end());
      a.techniques.erase(std::unique(a.techniques.begin(), a.techniques.end()), a.techniques.end());
      std::sort(a.software.begin(), a.software.end());
      a.software.erase(std::unique(a.software.begin(), a.software.end()), a.software.end());
    }
    for (auto& s : kb.software) {
      std::sort(s.techniques.begin(), s.techniques.end());
      s.techniques.erase(std::unique(s.techniques.begin(), s.techniques.end()), s.techniques.end());
    }
    for (auto& t : kb.techniques) std::sort(t.mitigations.begin(), t.mitigations.end());
    for (auto& m : kb.mitigations) std::sort(m.techniques.begin(), m.techniques.end());
    auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
    std::sort(kb.techniques.begin(), kb.techniques.end(), by_id);
    std::sort(kb.tactics.begin(), kb.tactics.end(), by_id);
    std::sort(kb.mitigations.begin(), kb.mitigations.end(), by_id);
    std::sort(kb.campaigns.begin(), kb.campaigns.end(), by_id);
    // ATT&CK actors first (by G id), then the others by name: stable and readable.
    std::sort(kb.actors.begin(), kb.actors.end(), [](const Actor& a, const Actor& b) {
      if (a.attack_id.empty() != b.attack_id.empty()) return !a.attack_id.empty();
      return a.attack_id.empty() ? a.name < b.name : a.attack_id < b.attack_id;
    });
    std::sort(kb.software.begin(), kb.software.end(), [](const Software& a, const Software& b) {
      if (a.attack_id.empty() != b.attack_id.empty()) return !a.attack_id.empty();
      return a.attack_id.empty() ? a.name < b.name : a.attack_id < b.attack_id;
    });
    kb.info.format = KnowledgeBase::kFormat;
    kb.info.built_at = now_iso8601();
    std::string mv;
    for (const auto& v : misp_versions) mv += (mv.empty() ? "" : ", ") + v;
    kb.info.misp_versions = mv;
    kb.info.sources = "MITRE ATT&CK Enterprise; MISP galaxies; ISO 3166-1 (iso-codes); OpenCTI sectors; curated tables";
    kb.index();
  }
};

}  // namespace

std::string default_curated_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (const char* rel : {"../share/dossier/curated", "../data/curated"}) {
      auto p = exe.parent_path() / rel;
      if (std::filesystem::exists(p, ec)) return p.lexically_normal().string();
    }
  return std::string(DOSSIER_DATA_DIR) + "/curated";
}

Result<std::unique_ptr<KnowledgeBase>> build_kb(const KbSources& sources_in, std::vector<std::string>* warnings,
                                                std::vector<LabelledText>* heldout_out) {
  KbSources src = sources_in;
  if (src.curated_dir.empty()) src.curated_dir = default_curated_dir();
  Builder b;
  b.warnings = warnings;
  b.load_countries(src);
  if (auto st = b.load_attack(src.dir + "/attack/enterprise-attack.json"); !st.ok()) return Error{st.error()};
  b.load_agencies(src);
  b.load_misp_actors(src.dir + "/misp-galaxy");
  b.load_misp_software(src.dir + "/misp-galaxy");
  b.load_sectors(src);
  b.derive_countries_and_sponsors();
  b.mark_ambiguous(src.dictionary_path);
  b.finish();
  b.kb.technique_model = train_technique_model(b.technique_examples);
  b.load_technique_cues(src);
  // MISP warning lists (second-level-tlds repeats what the Public Suffix List already decides).
  std::error_code ec;
  std::vector<fs::path> lists;
  for (const auto& e : fs::directory_iterator(src.dir + "/misp-warninglists", ec))
    if (e.path().extension() == ".json" && e.path().stem() != "second-level-tlds") lists.push_back(e.path());
  std::sort(lists.begin(), lists.end());
  if (lists.empty() && warnings) warnings->push_back("no MISP warning lists under " + src.dir + "/misp-warninglists");
  for (const auto& path : lists) {
    auto j = read_json(path.string());
    if (!j.ok() || !(*j).contains("list")) continue;
    Warninglist w;
    w.name = path.stem().string();
    w.type = str(*j, "type");
    if (w.type != "string" && w.type != "hostname" && w.type != "cidr" && w.type != "substring") continue;
    for (const auto& v : (*j)["list"])
      if (v.is_string()) {
        std::string value = ascii_lower(trim(v.get<std::string>()));
        if (value.empty() || value.find('\n') != std::string::npos) continue;
        w.values += value;
        w.values += '\n';
      }
    b.kb.warninglists.push_back(std::move(w));
  }
  if (heldout_out)
    for (const auto& e : b.technique_examples)
      if (e.heldout) heldout_out->push_back(e);
  auto kb = std::make_unique<KnowledgeBase>(std::move(b.kb));
  kb->index();  // the indexes point into the moved vectors' elements; rebuild to be safe
  return kb;
}

}  // namespace dossier
