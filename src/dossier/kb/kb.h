// The knowledge base (KB): threat actors under all their names, software, ATT&CK tactics,
// techniques, mitigations and campaigns, countries, government cyber bodies and sectors.
//
// It is compiled once from MITRE ATT&CK, the MISP galaxies, ISO 3166 and the project's curated
// tables (build.h), saved as one compact versioned file (zstd-compressed binary), and loaded once
// per process; every pipeline stage reads it. Guarantees:
//  - one canonical actor per ATT&CK intrusion set, with every alias and its provenance (which
//    source says A is also B); names shared by several entities or that are ordinary English words
//    are marked ambiguous, so extraction asks for context before believing them;
//  - revoked and deprecated ATT&CK objects are never matched by name, but a revoked id resolves to
//    its replacement;
//  - look-ups are case- and accent-insensitive (NÚKIB = nukib) and return every match, best first.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dossier/kb/technique_model.h"
#include "dossier/util/fold.h"
#include "dossier/util/result.h"

namespace dossier {

// Where an alias comes from (a bit set: several sources may agree).
enum AliasSource : uint8_t {
  kFromAttack = 1,
  kFromMisp = 2,
  kFromMicrosoft = 4,
  kFromCurated = 8,
  kFromLocal = 16,
  kFromIsoTranslations = 32,  // iso-codes' translations of country names (de, fr, es, cs, ...)
};
std::string alias_sources_text(uint8_t sources);  // "ATT&CK, MISP"

struct Alias {
  std::string name;
  uint8_t sources = 0;
  bool ambiguous = false;  // shared with another entity, or an ordinary word
};

struct Actor {
  std::string id;           // ATT&CK id (G0128) or "MISP-" + the last 12 hex digits of the MISP cluster uuid
  std::string name;         // canonical display name (the most recognised: APT31, not ZIRCONIUM)
  std::string attack_id;    // G id, empty for actors ATT&CK does not know
  std::string attack_name;  // ATT&CK's own name
  std::vector<Alias> aliases;        // every name, the display name included
  std::string country;               // ISO 3166-1 alpha-2 of the suspected origin
  std::string sponsor_state;         // alpha-2 of the suspected state sponsor, if a source says so
  std::vector<std::string> sponsor_agencies;  // agency ids named as sponsor in ATT&CK's description
  std::vector<std::string> target_sectors;
  std::vector<std::string> techniques;  // ATT&CK `uses` (technique ids)
  std::vector<std::string> software;    // ATT&CK `uses` (software ids)
  std::string stix_id;                  // ATT&CK's intrusion-set id ("intrusion-set--UUID"), if ATT&CK knows it
  // The MISP galaxy cluster that names it (threat-actor first, else ATT&CK's own as MISP ships
  // it): galaxy type, cluster uuid and value, as a MISP event's galaxy tag needs them.
  std::string misp_galaxy, misp_uuid, misp_value;
};

struct Software {
  std::string id;  // ATT&CK S id, or "MISP-" + the last 12 hex digits of the MISP cluster uuid
  std::string name;
  std::string kind;  // malware, tool, ransomware
  std::string attack_id;
  std::vector<Alias> aliases;
  std::vector<std::string> techniques;
  std::string stix_id;  // ATT&CK's malware or tool id, if ATT&CK knows it
  std::string misp_galaxy, misp_uuid, misp_value;  // as for Actor
};

struct Tactic {
  std::string id;  // TA0001
  std::string name;
  std::string shortname;  // initial-access
};

struct Technique {
  std::string id;  // T1566 or T1566.001
  std::string name;
  std::string parent;                    // for sub-techniques
  std::vector<std::string> tactics;      // tactic ids
  std::vector<std::string> mitigations;  // mitigation ids
  std::vector<std::string> platforms;
  bool deprecated = false;
  std::string stix_id;  // ATT&CK's attack-pattern id; MISP's mitre-attack-pattern cluster shares its uuid
  std::string stix_created, stix_modified;  // of ATT&CK's object, so that an export names its version
};

struct Mitigation {
  std::string id;  // M1049
  std::string name;
  std::vector<std::string> techniques;
  std::string stix_id;  // ATT&CK's course-of-action id
  std::string stix_created, stix_modified;
};

struct Campaign {
  std::string id;  // C0022
  std::string name;
  std::vector<std::string> aliases;
  std::string actor;  // actor id it is attributed to
  std::string first_seen, last_seen;
};

struct Country {
  std::string code;   // ISO 3166-1 alpha-2
  std::string code3;  // alpha-3
  std::string name;   // everyday English name (Czechia, Russia, United States)
  std::string official_name;
  std::string region;
  std::vector<Alias> aliases;  // names, adjectives, demonyms, capitals as metonyms
};

struct Agency {
  std::string id;  // stable slug: country code + acronym or name
  std::string name;
  std::vector<std::string> acronyms;
  std::string country;  // alpha-2; "EU", "NATO", "UN" for international bodies
  std::string kind;     // intelligence, cyber-agency, cert, law-enforcement, military, international
  std::vector<Alias> aliases;
};

struct Sector {
  std::string id;  // slug of the OpenCTI name
  std::string name;
  std::string parent;
  std::vector<std::string> aliases;
  std::vector<std::string> cues;  // phrases that reveal the sector in text ("foreign ministry")
  std::vector<std::string> name_words;  // words of an organisation's name that tell it ("Pipeline", "Library")
};

// A MISP warning list: values that look like indicators but are known benign or special.
struct Warninglist {
  std::string name;         // "tranco10k", "public-dns-v4", ...
  std::string type;         // string, hostname, cidr, substring
  std::string values;  // lower-case, one per line (one allocation: the KB must load fast)
};

struct KbInfo {
  uint32_t format = 0;
  std::string built_at;
  std::string attack_version;
  std::string misp_versions;  // "threat-actor 349, microsoft-activity-group 23, ..."
  std::string sources;
};


class KnowledgeBase {
 public:
  static constexpr uint32_t kFormat = 6;  // 2: the technique model; 3: common words; 4: STIX ids, MISP clusters; 5: sector name words; 6: technique cues

  KbInfo info;
  // Names this KB's content (not stored in the file): a hash of the file it was loaded from and of
  // the local overrides applied to it; empty for a KB built in memory. Stored extractions record
  // it, so that a different KB makes them stale (extract/codec.h).
  std::string fingerprint;
  std::vector<Actor> actors;
  std::vector<Software> software;
  std::vector<Tactic> tactics;
  std::vector<Technique> techniques;
  std::vector<Mitigation> mitigations;
  std::vector<Campaign> campaigns;
  std::vector<Country> countries;
  std::vector<Agency> agencies;
  std::vector<Sector> sectors;
  std::unordered_map<std::string, std::string> revoked;  // old ATT&CK id -> replacement id
  TechniqueModel technique_model;  // recognises techniques from described behaviour
  std::vector<Warninglist> warninglists;
  // Ordinary English words (lower-case entries of Debian's wamerican list), sorted, one per line:
  // a capitalised word that is one of these is not a name just because it opens a sentence.
  std::string common_words;

  // Builds the look-up indexes. Called by load(); call it after changing the vectors.
  void index();

  // Every entity one of whose names folds to the same text, best first (exact display name, then
  // unambiguous aliases). Technique look-up accepts ids (revoked ones resolve to the replacement)
  // and names ("Spearphishing Attachment").
  std::vector<const Actor*> find_actors(std::string_view name) const;
  std::vector<const Software*> find_software(std::string_view name) const;
  std::vector<const Technique*> find_techniques(std::string_view id_or_name) const;
  std::vector<const Country*> find_countries(std::string_view name) const;
  std::vector<const Agency*> find_agencies(std::string_view name) const;
  std::vector<const Sector*> find_sectors(std::string_view name) const;

  const Actor* actor(std::string_view id) const;
  const Software* software_by_id(std::string_view id) const;
  const Technique* technique(std::string_view id) const;  // resolves revoked ids
  const Tactic* tactic(std::string_view id) const;
  const Mitigation* mitigation(std::string_view id) const;
  const Country* country(std::string_view code) const;
  const Agency* agency(std::string_view id) const;
  const Sector* sector(std::string_view id) const;
  // The sector a folded word or two of an organisation's name tells ("pipeline", "city of"), if any.
  const Sector* sector_of_name_word(std::string_view folded) const;
  // `folded_word` is a lower-case ordinary English word.
  bool is_common_word(std::string_view folded_word) const;

  // Local analyst corrections: "add ACTOR ALIAS" / "veto ACTOR ALIAS" lines (tab-separated).
  void apply_local_overrides(const std::vector<std::pair<std::string, std::pair<std::string, std::string>>>& ops);

  Status save(const std::string& path) const;
  static Result<std::unique_ptr<KnowledgeBase>> load(const std::string& path);

 private:
  template <typename T>
  using Index = std::unordered_map<std::string, std::vector<const T*>>;
  Index<Actor> actor_names_;
  Index<Software> software_names_;
  Index<Technique> technique_names_;
  Index<Country> country_names_;
  Index<Agency> agency_names_;
  Index<Sector> sector_names_;
  std::unordered_map<std::string, const Actor*> actor_ids_;
  std::unordered_map<std::string, const Software*> software_ids_;
  std::unordered_map<std::string, const Technique*> technique_ids_;
  std::unordered_map<std::string, const Tactic*> tactic_ids_;
  std::unordered_map<std::string, const Mitigation*> mitigation_ids_;
  std::unordered_map<std::string, const Country*> country_codes_;
  std::unordered_map<std::string, const Agency*> agency_ids_;
  std::unordered_map<std::string, const Sector*> sector_ids_, sector_name_words_;
  absl::flat_hash_set<std::string_view> common_words_;  // views into common_words
};

// Where the KB is read from: $DOSSIER_KB, else $XDG_DATA_HOME/dossier/kb.bin if present (written by
// `kb build` / `kb update`), else the KB shipped with dossier (data/kb/dossier-kb.bin).
std::string default_kb_path();
std::string shipped_kb_path();
std::string user_kb_path();
std::string local_overrides_path();  // $XDG_DATA_HOME/dossier/kb-local.tsv

// Loads the KB at `path` (or default_kb_path()) and applies the local overrides file.
Result<std::unique_ptr<KnowledgeBase>> load_kb(const std::string& path = {});

}  // namespace dossier
