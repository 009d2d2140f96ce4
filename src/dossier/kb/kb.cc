#include "dossier/kb/kb.h"
#include "dossier/util/bytes.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dossier/util/ascii.h"
#include "dossier/util/hash.h"
#include "dossier/util/text.h"

#ifndef DOSSIER_DATA_DIR
#define DOSSIER_DATA_DIR "data"
#endif

namespace dossier {

std::string alias_sources_text(uint8_t s) {
  std::string out;
  auto add = [&](uint8_t bit, const char* name) {
    if (!(s & bit)) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  add(kFromAttack, "ATT&CK");
  add(kFromMisp, "MISP");
  add(kFromMicrosoft, "Microsoft");
  add(kFromCurated, "curated");
  add(kFromLocal, "local");
  add(kFromIsoTranslations, "iso-codes translations");
  return out;
}

namespace {

// ---- Serialisation: one visitor per struct, shared by writer and reader. ----

// The visitors drive the shared codec (util/bytes.h) through one function per struct.
class Writer {
 public:
  static constexpr bool kReading = false;
  void varint(uint64_t v) { w_.varint(v); }
  void operator()(std::string& s) { w_.str(s); }
  void operator()(uint8_t& v) { w_.u8(v); }
  void operator()(bool& v) { w_.boolean(v); }
  void operator()(uint32_t& v) { w_.varint(v); }
  void operator()(float& v) { w_.f32(v); }
  template <typename T>
  void operator()(std::vector<T>& v) {
    w_.varint(v.size());
    for (auto& e : v) (*this)(e);
  }
  void operator()(std::unordered_map<std::string, std::string>& m) {
    std::vector<std::pair<std::string, std::string>> sorted(m.begin(), m.end());
    std::sort(sorted.begin(), sorted.end());
    w_.varint(sorted.size());
    for (auto& [k, v] : sorted) {
      w_.str(k);
      w_.str(v);
    }
  }
  template <typename T>
  void operator()(T& v) {
    visit(*this, v);
  }
  std::string& buffer() { return w_.buffer(); }

 private:
  ByteWriter w_;
};

class Reader {
 public:
  static constexpr bool kReading = true;
  explicit Reader(std::string_view data) : r_(data) {}
  bool failed() const { return !r_.ok(); }
  uint64_t varint() { return r_.varint(); }
  void operator()(std::string& s) { s = r_.str(); }
  void operator()(uint8_t& v) { v = r_.u8(); }
  void operator()(bool& v) { v = r_.boolean(); }
  void operator()(uint32_t& v) { v = static_cast<uint32_t>(r_.varint()); }
  void operator()(float& v) { v = r_.f32(); }
  template <typename T>
  void operator()(std::vector<T>& v) {
    size_t n = r_.count(1);
    v.clear();
    v.resize(n);
    for (auto& e : v) {
      (*this)(e);
      if (failed()) return;
    }
  }
  void operator()(std::unordered_map<std::string, std::string>& m) {
    for (size_t n = r_.count(2); n > 0 && !failed(); --n) {
      std::string k = r_.str();
      m.emplace(std::move(k), r_.str());
    }
  }
  template <typename T>
  void operator()(T& v) {
    visit(*this, v);
  }

 private:
  ByteReader r_;
};

template <typename A> void visit(A& a, Alias& x) { a(x.name); a(x.sources); a(x.ambiguous); }
template <typename A> void visit(A& a, Actor& x) {
  a(x.id); a(x.name); a(x.attack_id); a(x.attack_name); a(x.aliases); a(x.country); a(x.sponsor_state);
  a(x.sponsor_agencies); a(x.target_sectors); a(x.techniques); a(x.software); a(x.stix_id); a(x.misp_galaxy); a(x.misp_uuid);
  a(x.misp_value);
}
template <typename A> void visit(A& a, Software& x) {
  a(x.id); a(x.name); a(x.kind); a(x.attack_id); a(x.aliases); a(x.techniques); a(x.stix_id); a(x.misp_galaxy); a(x.misp_uuid);
  a(x.misp_value);
}
template <typename A> void visit(A& a, Tactic& x) { a(x.id); a(x.name); a(x.shortname); }
template <typename A> void visit(A& a, Technique& x) {
  a(x.id); a(x.name); a(x.parent); a(x.tactics); a(x.mitigations); a(x.platforms); a(x.deprecated); a(x.stix_id);
  a(x.stix_created); a(x.stix_modified);
}
template <typename A> void visit(A& a, Mitigation& x) { a(x.id); a(x.name); a(x.techniques); a(x.stix_id); a(x.stix_created); a(x.stix_modified); }
template <typename A> void visit(A& a, Campaign& x) { a(x.id); a(x.name); a(x.aliases); a(x.actor); a(x.first_seen); a(x.last_seen); }
template <typename A> void visit(A& a, Country& x) { a(x.code); a(x.code3); a(x.name); a(x.official_name); a(x.region); a(x.aliases); }
template <typename A> void visit(A& a, Agency& x) { a(x.id); a(x.name); a(x.acronyms); a(x.country); a(x.kind); a(x.aliases); }
template <typename A> void visit(A& a, Sector& x) { a(x.id); a(x.name); a(x.parent); a(x.aliases); a(x.cues); a(x.name_words); }
template <typename A> void visit(A& a, TechniquePosting& x) { a(x.technique); a(x.weight); }
template <typename A> void visit(A& a, TechniqueCue& x) {
  a(x.technique); a(x.slots);
  auto kind = static_cast<uint8_t>(x.kind);
  a(kind);
  x.kind = static_cast<TechniqueCue::Kind>(kind);
}
template <typename A> void visit(A& a, TechniqueModel& x) {
  a(x.labels); a(x.vocab); a(x.idf); a(x.postings); a(x.threshold); a(x.heldout_precision); a(x.heldout_recall);
  a(x.train_examples); a(x.heldout_examples); a(x.cues); a(x.cue_score);
}
template <typename A> void visit(A& a, Warninglist& x) { a(x.name); a(x.type); a(x.values); }
template <typename A> void visit(A& a, KbInfo& x) { a(x.format); a(x.built_at); a(x.attack_version); a(x.misp_versions); a(x.sources); }

template <typename A>
void visit_kb(A& a, KnowledgeBase& kb) {
  a(kb.info);
  a(kb.actors);
  a(kb.software);
  a(kb.tactics);
  a(kb.techniques);
  a(kb.mitigations);
  a(kb.campaigns);
  a(kb.countries);
  a(kb.agencies);
  a(kb.sectors);
  a(kb.revoked);
  a(kb.technique_model);
  a(kb.warninglists);
  a(kb.common_words);
}

constexpr char kMagic[8] = {'D', 'O', 'S', 'S', 'I', 'E', 'R', 'K'};

template <typename T>
void add_name(std::unordered_map<std::string, std::vector<const T*>>& idx, const std::string& name, const T* e) {
  std::string f = fold_name(name);
  if (f.empty()) return;
  auto& v = idx[f];
  if (std::find(v.begin(), v.end(), e) == v.end()) v.push_back(e);
}

template <typename T>
std::vector<const T*> lookup(const std::unordered_map<std::string, std::vector<const T*>>& idx, std::string_view name) {
  auto it = idx.find(fold_name(name));
  if (it == idx.end()) return {};
  std::vector<const T*> out = it->second;
  // Best first: entities whose display name is the query.
  std::string f = fold_name(name);
  std::stable_sort(out.begin(), out.end(), [&](const T* a, const T* b) {
    return (fold_name(a->name) == f) > (fold_name(b->name) == f);
  });
  return out;
}

template <typename T>
const T* by_id(const std::unordered_map<std::string, const T*>& idx, std::string_view id) {
  auto it = idx.find(std::string(id));
  return it == idx.end() ? nullptr : it->second;
}

std::string data_home() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/dossier";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/dossier";
  return ".";
}

}  // namespace

bool KnowledgeBase::is_common_word(std::string_view w) const {
  return common_words_.contains(w);
}

void KnowledgeBase::index() {
  common_words_.clear();
  common_words_.reserve(static_cast<size_t>(std::count(common_words.begin(), common_words.end(), '\n')) + 1);
  for (size_t p = 0; p < common_words.size();) {
    size_t q = common_words.find('\n', p);
    if (q == std::string::npos) q = common_words.size();
    if (q > p) common_words_.emplace(common_words.data() + p, q - p);
    p = q + 1;
  }
  actor_names_.clear();
  software_names_.clear();
  technique_names_.clear();
  country_names_.clear();
  agency_names_.clear();
  sector_names_.clear();
  actor_ids_.clear();
  software_ids_.clear();
  technique_ids_.clear();
  tactic_ids_.clear();
  mitigation_ids_.clear();
  country_codes_.clear();
  agency_ids_.clear();
  for (const auto& a : actors) {
    actor_ids_[a.id] = &a;
    if (!a.attack_id.empty()) actor_ids_[a.attack_id] = &a;
    add_name(actor_names_, a.name, &a);
    for (const auto& al : a.aliases) add_name(actor_names_, al.name, &a);
    add_name(actor_names_, a.id, &a);
  }
  for (const auto& s : software) {
    software_ids_[s.id] = &s;
    add_name(software_names_, s.name, &s);
    for (const auto& al : s.aliases) add_name(software_names_, al.name, &s);
    add_name(software_names_, s.id, &s);
  }
  for (const auto& t : techniques) {
    technique_ids_[t.id] = &t;
    if (!t.deprecated) add_name(technique_names_, t.name, &t);
  }
  for (const auto& t : tactics) tactic_ids_[t.id] = &t;
  for (const auto& m : mitigations) mitigation_ids_[m.id] = &m;
  for (const auto& c : countries) {
    country_codes_[c.code] = &c;
    add_name(country_names_, c.name, &c);
    add_name(country_names_, c.official_name, &c);
    add_name(country_names_, c.code3, &c);
    for (const auto& al : c.aliases) add_name(country_names_, al.name, &c);
  }
  for (const auto& g : agencies) {
    agency_ids_[g.id] = &g;
    add_name(agency_names_, g.name, &g);
    for (const auto& ac : g.acronyms) add_name(agency_names_, ac, &g);
    for (const auto& al : g.aliases) add_name(agency_names_, al.name, &g);
  }
  technique_model.build_index();
  sector_ids_.clear();
  sector_name_words_.clear();
  for (const auto& s : sectors) {
    sector_ids_[s.id] = &s;
    for (const auto& w : s.name_words) sector_name_words_.emplace(fold_name(w), &s);
    add_name(sector_names_, s.name, &s);
    for (const auto& al : s.aliases) add_name(sector_names_, al, &s);
  }
}

std::vector<const Actor*> KnowledgeBase::find_actors(std::string_view name) const {
  if (const Actor* a = actor(name)) return {a};
  return lookup(actor_names_, name);
}
std::vector<const Software*> KnowledgeBase::find_software(std::string_view name) const {
  if (const Software* s = software_by_id(name)) return {s};
  return lookup(software_names_, name);
}
std::vector<const Technique*> KnowledgeBase::find_techniques(std::string_view id_or_name) const {
  std::string id = trim(id_or_name);
  for (auto& c : id) c = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(c)));
  if (const Technique* t = technique(id)) return {t};
  return lookup(technique_names_, id_or_name);
}
std::vector<const Country*> KnowledgeBase::find_countries(std::string_view name) const {
  std::string code = trim(name);
  if (code.size() == 2) {
    for (auto& c : code) c = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(c)));
    if (const Country* c = country(code)) return {c};
  }
  return lookup(country_names_, name);
}
std::vector<const Agency*> KnowledgeBase::find_agencies(std::string_view name) const { return lookup(agency_names_, name); }
std::vector<const Sector*> KnowledgeBase::find_sectors(std::string_view name) const { return lookup(sector_names_, name); }

const Actor* KnowledgeBase::actor(std::string_view id) const { return by_id(actor_ids_, id); }
const Software* KnowledgeBase::software_by_id(std::string_view id) const { return by_id(software_ids_, id); }
const Technique* KnowledgeBase::technique(std::string_view id) const {
  std::string key(id);
  for (int hops = 0; hops < 4; ++hops) {  // revoked chains are short; bounded anyway
    auto r = revoked.find(key);
    if (r == revoked.end()) break;
    key = r->second;
  }
  return by_id(technique_ids_, key);
}
const Tactic* KnowledgeBase::tactic(std::string_view id) const { return by_id(tactic_ids_, id); }
const Mitigation* KnowledgeBase::mitigation(std::string_view id) const { return by_id(mitigation_ids_, id); }
const Country* KnowledgeBase::country(std::string_view code) const { return by_id(country_codes_, code); }
const Agency* KnowledgeBase::agency(std::string_view id) const { return by_id(agency_ids_, id); }
const Sector* KnowledgeBase::sector(std::string_view id) const { return by_id(sector_ids_, id); }
const Sector* KnowledgeBase::sector_of_name_word(std::string_view folded) const { return by_id(sector_name_words_, folded); }

void KnowledgeBase::apply_local_overrides(
    const std::vector<std::pair<std::string, std::pair<std::string, std::string>>>& ops) {
  for (const auto& [op, target] : ops) {
    const auto& [actor_ref, alias] = target;
    fingerprint = hex_id(fingerprint + "\n" + op + "\t" + actor_ref + "\t" + alias);
    auto found = find_actors(actor_ref);
    if (found.empty()) continue;
    Actor* a = const_cast<Actor*>(found.front());
    std::string f = fold_name(alias);
    auto it = std::find_if(a->aliases.begin(), a->aliases.end(), [&](const Alias& al) { return fold_name(al.name) == f; });
    if (op == "add") {
      if (it == a->aliases.end()) a->aliases.push_back(Alias{alias, kFromLocal, false});
      else it->sources |= kFromLocal;
    } else if (op == "veto" && it != a->aliases.end()) {
      a->aliases.erase(it);
    }
  }
  index();
}

Status KnowledgeBase::save(const std::string& path) const {
  Writer w;
  KnowledgeBase& self = const_cast<KnowledgeBase&>(*this);  // the visitor is shared with the reader
  visit_kb(w, self);
  std::string out(kMagic, sizeof kMagic);
  uint32_t fmt = kFormat;
  out.append(reinterpret_cast<const char*>(&fmt), sizeof fmt);
  out += zstd_compress(w.buffer(), 19);
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Error{"cannot write " + tmp};
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f) return Error{"cannot write " + tmp};
  }
  std::filesystem::rename(tmp, path, ec);  // atomic replace: a reader never sees half a KB
  if (ec) return Error{"cannot replace " + path + ": " + ec.message()};
  return {};
}

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{"cannot read knowledge base " + path};
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (data.size() < sizeof kMagic + 4 || data.compare(0, sizeof kMagic, std::string(kMagic, sizeof kMagic)) != 0)
    return Error{path + " is not a dossier knowledge base"};
  uint32_t fmt = 0;
  std::memcpy(&fmt, data.data() + sizeof kMagic, sizeof fmt);
  if (fmt != kFormat)
    return Error{path + " has knowledge-base format " + std::to_string(fmt) + ", this dossier reads " +
                 std::to_string(kFormat) + "; rebuild it with `dossier kb build`"};
  auto raw = zstd_decompress(std::string_view(data).substr(sizeof kMagic + 4));
  if (!raw.ok()) return Error{path + ": " + raw.error()};
  auto kb = std::make_unique<KnowledgeBase>();
  Reader r(raw.value());
  visit_kb(r, *kb);
  if (r.failed()) return Error{path + ": truncated or corrupt knowledge base"};
  kb->index();
  kb->fingerprint = hex_id(data);
  return kb;
}

std::string shipped_kb_path() {
  // Next to the executable's install prefix first, then the source tree the binary was built from.
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const char* rel : {"../share/dossier/dossier-kb.bin", "../data/kb/dossier-kb.bin"}) {
      auto p = exe.parent_path() / rel;
      if (std::filesystem::exists(p, ec)) return p.lexically_normal().string();
    }
  }
  return std::string(DOSSIER_DATA_DIR) + "/kb/dossier-kb.bin";
}

std::string user_kb_path() { return data_home() + "/kb.bin"; }
std::string local_overrides_path() { return data_home() + "/kb-local.tsv"; }

std::string default_kb_path() {
  if (const char* env = std::getenv("DOSSIER_KB"); env && *env) return env;
  std::error_code ec;
  if (std::filesystem::exists(user_kb_path(), ec)) return user_kb_path();
  return shipped_kb_path();
}

Result<std::unique_ptr<KnowledgeBase>> load_kb(const std::string& path) {
  auto kb = KnowledgeBase::load(path.empty() ? default_kb_path() : path);
  if (!kb.ok()) return kb;
  std::ifstream f(local_overrides_path());
  if (f) {
    std::vector<std::pair<std::string, std::pair<std::string, std::string>>> ops;
    std::string line;
    while (std::getline(f, line)) {
      std::vector<std::string> parts;
      std::stringstream ss(line);
      std::string part;
      while (std::getline(ss, part, '\t')) parts.push_back(part);
      if (parts.size() == 3 && (parts[0] == "add" || parts[0] == "veto")) ops.push_back({parts[0], {parts[1], parts[2]}});
    }
    if (!ops.empty()) (*kb)->apply_local_overrides(ops);
  }
  return kb;
}

}  // namespace dossier
