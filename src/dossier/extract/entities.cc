#include "dossier/extract/entities.h"

#include <hs.h>
#include <utf8proc.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/fold.h"
#include "dossier/util/text.h"
#include "dossier/util/vectorscan.h"

namespace dossier {

std::string_view entity_kind_name(EntityKind k) {
  switch (k) {
    case EntityKind::Actor: return "actor";
    case EntityKind::Software: return "software";
    case EntityKind::Country: return "country";
    case EntityKind::Agency: return "agency";
    case EntityKind::Sector: return "sector";
    case EntityKind::Blocker: return "blocker";
  }
  return "entity";
}


struct EntityMatcher::Impl {
  VectorscanDb db;
};

EntityMatcher::~EntityMatcher() = default;

namespace {

bool short_acronym(const std::string& name) {
  // Up to five characters ("APT", "NCSC", "ALPHV"): a longer name in capitals is a vendor's code
  // name, which the press writes in any case ("HAFNIUM", "Hafnium"; "LAPSUS$", "Lapsus$").
  if (name.size() > 5 || name.size() < 2) return false;
  bool upper = false;
  for (unsigned char c : name) {
    if (ascii::is_lower(c)) return false;
    if (ascii::is_upper(c)) upper = true;
  }
  return upper;
}

// A word that names a kind of threat ("ransomware", "group", "botnet").
bool is_kind_word(std::string_view w) {
  static const char* const kinds[] = {"ransomware", "malware", "group", "gang", "apt", "actor", "actors", "hackers", "hacker",
                                      "operators", "operator", "affiliate", "affiliates", "backdoor", "trojan", "loader",
                                      "implant", "botnet", "wiper", "variant", "strain", "family", "crew", "team", "campaign",
                                      "rat", "stealer", "infostealer", "worm", "spyware", "payload", "cartel", "syndicate",
                                      "locker", "encryptor", "decryptor", "threat", "brand", "operation", "ransom", "groups",
                                      "gangs", "families", "botnets", "miners", "miner", "trojans", "backdoors"};
  std::string l = ascii_lower(w);
  return std::any_of(std::begin(kinds), std::end(kinds), [&](const char* k) { return l == k; });
}

// "Khonsari ransomware", "a new ransomware family, Khonsari", "ransomware Khonsari": the word
// just after the name, or just before it (past a comma, "family", "strain" or "variant").
bool ransomware_beside(std::string_view text, size_t b, size_t e) {
  auto word_at = [&](size_t from) {
    size_t w = from;
    while (w < text.size() && ascii::is_alnum(static_cast<unsigned char>(text[w]))) ++w;
    return ascii_lower(text.substr(from, w - from));
  };
  size_t k = e;
  while (k < text.size() && (text[k] == ' ' || text[k] == '-')) ++k;
  if (word_at(k) == "ransomware") return true;
  size_t j = b;
  for (int n = 0; n < 2; ++n) {
    while (j > 0 && (text[j - 1] == ' ' || text[j - 1] == ',' || text[j - 1] == '-')) --j;
    size_t w = j;
    while (w > 0 && ascii::is_alnum(static_cast<unsigned char>(text[w - 1]))) --w;
    if (w == j) return false;
    std::string before = ascii_lower(text.substr(w, j - w));
    if (before == "ransomware") return true;
    if (before != "family" && before != "strain" && before != "variant") return false;
    j = w;
  }
  return false;
}

// A one-word name of a program or group that opens a longer proper name in running text ("Royal
// Mail", "Hive Systems", "Akira Bank") names something else; a kind word after it ("Royal
// Ransomware", "Conti Team") keeps it, and so does a heading, where every word is capitalised.
bool part_of_longer_name(std::string_view text, const std::vector<Sentence>& sentences, const EntityMention& m) {
  if (m.text.find(' ') != std::string::npos || m.text.empty() || !ascii::is_upper(static_cast<unsigned char>(m.text[0]))) return false;
  if (std::none_of(m.text.begin(), m.text.end(), [](char c) { return ascii::is_lower(static_cast<unsigned char>(c)); })) return false;
  if (sentences.empty() || m.sentence >= sentences.size() || sentences[m.sentence].heading) return false;
  if (m.end + 2 > text.size() || text[m.end] != ' ' || !ascii::is_upper(static_cast<unsigned char>(text[m.end + 1]))) return false;
  size_t w = m.end + 1;
  while (w < text.size() && ascii::is_alnum(static_cast<unsigned char>(text[w]))) ++w;
  if (w < m.end + 3) return false;  // "Royal A" (an initial) tells nothing
  return !is_kind_word(text.substr(m.end + 1, w - m.end - 1));
}

// Whether a word naming a kind of threat stands beside the name at [b, e): within two words after
// it ("Play ransomware", "Lazarus hackers") or just before it ("ransomware Locker", "the group
// Callisto").
bool kind_beside(std::string_view text, size_t b, size_t e) {
  // Words after the name.
  size_t k = e;
  for (int n = 0; n < 2; ++n) {
    while (k < text.size() && (text[k] == ' ' || text[k] == '-' || text[k] == '\'' || text[k] == ',')) ++k;
    size_t w = k;
    while (w < text.size() && ascii::is_alnum(static_cast<unsigned char>(text[w]))) ++w;
    if (w == k) break;
    if (is_kind_word(text.substr(k, w - k))) return true;
    k = w;
  }
  // Words before it.
  size_t j = b;
  for (int n = 0; n < 2; ++n) {
    while (j > 0 && (text[j - 1] == ' ' || text[j - 1] == '-' || text[j - 1] == ',')) --j;  // "a second group, RansomHub"
    size_t w = j;
    while (w > 0 && ascii::is_alnum(static_cast<unsigned char>(text[w - 1]))) --w;
    if (w == j) break;
    if (is_kind_word(text.substr(w, j - w))) return true;
    j = w;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<EntityMatcher>> EntityMatcher::create(const KnowledgeBase& kb) {
  std::unique_ptr<EntityMatcher> m(new EntityMatcher());
  m->kb_ = &kb;
  std::unordered_map<std::string, size_t> by_name;
  auto add = [&](const std::string& name, EntityKind kind, const std::string& id, bool ambiguous) {
    std::string f = fold_name(name);
    if (f.size() < 2) return;
    auto [it, fresh] = by_name.emplace(f, m->targets_.size());
    if (fresh) m->targets_.emplace_back();
    auto& list = m->targets_[it->second];
    for (auto& t : list)
      if (t.kind == kind && t.id == id) {
        t.ambiguous = t.ambiguous && ambiguous;
        return;
      }
    list.push_back(Target{kind, id, ambiguous, false, short_acronym(name)});
  };
  for (const auto& a : kb.actors)
    for (const auto& al : a.aliases) add(al.name, EntityKind::Actor, a.id, al.ambiguous);
  for (const auto& s : kb.software)
    for (const auto& al : s.aliases)
      if (utf8_length(al.name) >= 4) add(al.name, EntityKind::Software, s.id, al.ambiguous);
  for (const auto& c : kb.countries) {
    add(c.name, EntityKind::Country, c.code, false);
    for (const auto& al : c.aliases) add(al.name, EntityKind::Country, c.code, al.ambiguous);
  }
  for (const auto& g : kb.agencies) {
    add(g.name, EntityKind::Agency, g.id, false);
    for (const auto& ac : g.acronyms) add(ac, EntityKind::Agency, g.id, false);
    for (const auto& al : g.aliases) add(al.name, EntityKind::Agency, g.id, al.ambiguous);
  }
  for (const auto& s : kb.sectors)
    for (const auto& cue : s.cues) add(cue, EntityKind::Sector, s.id, false);
  for (const char* place : {"North America", "South America", "Latin America", "Central America", "North American",
                            "Latin American", "South American", "New Mexico", "New Jersey", "New England", "New South Wales",
                            "Western Sahara", "South China Sea", "East China Sea", "Hong Kong dollar", "Turkish Airlines",
                            "Georgia Tech", "American Express", "Bank of America", "Jersey City"})
    add(place, EntityKind::Blocker, place, false);
  // A name several entities of one kind share is ambiguous for all of them; a name that is also a
  // place or a government body ("Czech") is ambiguous as an actor or a program.
  for (auto& list : m->targets_) {
    bool place = std::any_of(list.begin(), list.end(), [](const Target& t) {
      return t.kind == EntityKind::Country || t.kind == EntityKind::Agency;
    });
    for (auto& t : list) {
      if (std::count_if(list.begin(), list.end(), [&](const Target& o) { return o.kind == t.kind; }) > 1) t.ambiguous = true;
      if (place && (t.kind == EntityKind::Actor || t.kind == EntityKind::Software)) t.ambiguous = t.place_name = true;
    }
  }

  std::vector<std::string> literals(m->targets_.size());
  for (const auto& [name, id] : by_name) literals[id] = " " + name + " ";
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> ids, flags;
  for (size_t i = 0; i < literals.size(); ++i) {
    exprs.push_back(literals[i].data());
    lens.push_back(literals[i].size());
    ids.push_back(static_cast<unsigned>(i));
    flags.push_back(0);
    m->lengths_.push_back(literals[i].size());
  }
  m->impl_ = std::make_unique<Impl>();
  hs_compile_error_t* err = nullptr;
  hs_database_t* db = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()),
                           HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    std::string msg = err && err->message ? err->message : "unknown error";
    hs_free_compile_error(err);
    return Error{"entity names do not compile: " + msg};
  }
  m->impl_->db = VectorscanDb(db);
  if (!m->impl_->db.scratch()) return Error{"cannot allocate Vectorscan scratch"};
  return m;
}

std::vector<EntityMention> EntityMatcher::match(std::string_view text, const std::vector<Sentence>& sentences) const {
  FoldedText f = fold_with_offsets(text);
  struct Hit {
    unsigned id;
    size_t from, to;  // folded offsets of the name without its padding
  };
  std::vector<Hit> hits;
  hs_scratch_t* scratch = impl_->db.scratch();
  if (!scratch) return {};
  struct Ctx {
    std::vector<Hit>* hits;
    const std::vector<size_t>* lengths;
  } ctx{&hits, &lengths_};
  hs_scan(
      impl_->db.get(), f.folded.data(), static_cast<unsigned>(std::min<size_t>(f.folded.size(), UINT32_MAX)), 0, scratch,
      [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* c) -> int {
        auto* x = static_cast<Ctx*>(c);
        size_t len = (*x->lengths)[id];
        x->hits->push_back(Hit{id, static_cast<size_t>(to - len + 1), static_cast<size_t>(to - 1)});
        return 0;
      },
      &ctx);

  // Longest match wins; among equal spans, the earlier one.
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::make_tuple(a.from, b.to) < std::make_tuple(b.from, a.to);
  });
  std::vector<Hit> chosen;
  size_t covered = 0;
  for (const auto& h : hits) {
    if (h.from < covered) continue;
    chosen.push_back(h);
    covered = h.to;
  }

  static const char* cues[] = {"group", "actor", "hacker", "apt", "threat", "campaign", "attribut", "espionage", "malware",
                               "ransomware", "backdoor", "trojan", "loader", "implant", "state-sponsored", "state sponsored",
                               "linked to", "tracked as", "known as", "cyber", "intrusion", "breach", "attack", "operat",
                               "gang", "crew", "extortion", "affiliated"};

  std::vector<EntityMention> out;
  std::unordered_set<std::string> sure;  // entity ids matched by an unambiguous name
  struct Pending {
    EntityMention m;
    bool needs_context;
    bool has_context;
  };
  std::vector<Pending> pending;
  for (const auto& h : chosen) {
    size_t b = f.origin[h.from], e = f.origin[h.to];
    // Extend the end to the last byte of the last code point.
    while (e < text.size() && (static_cast<unsigned char>(text[e]) & 0xC0) == 0x80) ++e;
    std::string original(text.substr(b, e - b));
    const auto& targets = targets_[h.id];
    std::vector<const Target*> ok;
    bool has_lower = std::any_of(original.begin(), original.end(), [](char c) { return ascii::is_lower(static_cast<unsigned char>(c)); });
    for (const auto& t : targets)
      if (!t.upper_only || !has_lower) ok.push_back(&t);
    if (ok.empty()) continue;
    if (std::any_of(ok.begin(), ok.end(), [](const Target* t) { return t->kind == EntityKind::Blocker; })) continue;
    // One mention per kind (a name may be both an actor and a malware family).
    for (EntityKind kind : {EntityKind::Actor, EntityKind::Software, EntityKind::Agency, EntityKind::Country, EntityKind::Sector}) {
      EntityMention m;
      m.kind = kind;
      bool ambiguous = false, place_name = false;
      for (const Target* t : ok)
        if (t->kind == kind) {
          m.ids.push_back(t->id);
          ambiguous |= t->ambiguous;
          place_name |= t->place_name;
        }
      if (m.ids.empty()) continue;
      m.text = original;
      m.begin = b;
      m.end = e;
      m.sentence = sentence_index(sentences, b);
      m.ambiguous = ambiguous;
      if ((kind == EntityKind::Software || kind == EntityKind::Actor) && part_of_longer_name(text, sentences, m)) continue;
      if (kind == EntityKind::Software) m.called_ransomware = ransomware_beside(text, b, e);
      if (kind == EntityKind::Country && e < text.size() && text[e] == '$') continue;  // "US$1 million" is a currency
      bool context = false;
      // A single-word name of a program or group is a proper noun: written all in lower case in
      // running text ("one incident responder said") it is an ordinary word unless the sentence is
      // about threats.
      bool lower_case_name = !ambiguous && (kind == EntityKind::Software || kind == EntityKind::Actor) &&
                             original.find(' ') == std::string::npos &&
                             std::none_of(original.begin(), original.end(), [](char c) { return ascii::is_upper(static_cast<unsigned char>(c)); });
      if (lower_case_name) {
        std::string sent = sentences.empty() ? ascii_lower(text) :
            ascii_lower(text.substr(sentences[m.sentence].begin, sentences[m.sentence].end - sentences[m.sentence].begin));
        context = std::any_of(std::begin(cues), std::end(cues), [&](const char* c) { return sent.find(c) != std::string::npos; });
        ambiguous = true;
      } else if (ambiguous) {
        std::string sent = sentences.empty() ? ascii_lower(text) :
            ascii_lower(text.substr(sentences[m.sentence].begin, sentences[m.sentence].end - sentences[m.sentence].begin));
        bool capitalised = ascii::is_upper(static_cast<unsigned char>(original[0])) != 0;
        bool cue = std::any_of(std::begin(cues), std::end(cues), [&](const char* c) { return sent.find(c) != std::string::npos; });
        // Multi-word agency names are specific whatever their case ("ministry of state security");
        // which country's body is meant is decided below from the countries in the sentence.
        bool specific_agency = kind == EntityKind::Agency && original.find(' ') != std::string::npos;
        // A program or group whose name is an ordinary word ("Play", "Locker", "Android") needs its
        // kind written beside it ("the Play ransomware gang", "Locker malware"), not only somewhere
        // in a sentence about attacks.
        // Written in capitals ("HAFNIUM") the name is the vendor's label, not the word.
        bool all_caps = std::none_of(original.begin(), original.end(), [](char c) { return ascii::is_lower(static_cast<unsigned char>(c)); });
        // A program's ambiguous name (an ordinary word, a person's or a place's name, another
        // program's) always; a group's when it is an ordinary word.
        bool ordinary = kb_ && kb_->is_common_word(fold_name(original));
        if (!all_caps && (kind == EntityKind::Software || (kind == EntityKind::Actor && ordinary))) cue = kind_beside(text, b, e);
        context = specific_agency || (capitalised && (cue || kind == EntityKind::Country || kind == EntityKind::Agency));
        if (place_name) context = false;  // "Czech" the malware needs an unambiguous mention elsewhere
      } else if (m.ids.size() == 1) {
        sure.insert(m.ids[0]);
      }
      pending.push_back(Pending{std::move(m), ambiguous, context});
    }
  }
  // A body's name that holds its country's name ("the US Department of Justice", "the Australian
  // Federal Police") names the country too.
  bool appended = false;  // such country mentions follow the others: sorted back into place below
  if (kb_) {
    const size_t n = pending.size();
    for (size_t i = 0; i < n; ++i) {
      if (pending[i].m.kind != EntityKind::Agency || pending[i].m.ids.size() != 1) continue;
      const Agency* g = kb_->agency(pending[i].m.ids.front());
      const Country* c = g ? kb_->country(g->country) : nullptr;
      if (!c) continue;
      const std::string& name = pending[i].m.text;
      auto word_at = [&](size_t at, size_t len) {
        bool start = at == 0 || !ascii::is_alnum(static_cast<unsigned char>(name[at - 1]));
        bool end = at + len == name.size() || !ascii::is_alnum(static_cast<unsigned char>(name[at + len]));
        return start && end;
      };
      for (const auto& al : c->aliases) {
        if (al.ambiguous || al.name.size() < 2) continue;
        size_t at = name.find(al.name);
        if (at == std::string::npos || !word_at(at, al.name.size())) continue;
        Pending country = pending[i];
        country.m.kind = EntityKind::Country;
        country.m.ids = {c->code};
        country.m.text = al.name;
        country.m.begin = pending[i].m.begin + at;
        country.m.end = country.m.begin + al.name.size();
        country.needs_context = country.has_context = false;
        pending.push_back(std::move(country));
        appended = true;
        break;
      }
    }
  }
  // Countries named in each sentence, read before any pending mention is moved to the output.
  std::unordered_map<size_t, std::unordered_set<std::string>> countries_in_sentence;
  for (const auto& p : pending)
    if (p.m.kind == EntityKind::Country) countries_in_sentence[p.m.sentence].insert(p.m.ids.begin(), p.m.ids.end());
  // A name listed beside a sure one ("Tick, LuckyMouse, Calypso and the Winnti Group") is of its kind.
  for (size_t i = 0; i < pending.size(); ++i) {
    auto& p = pending[i];
    if (!p.needs_context || p.has_context || (p.m.kind != EntityKind::Actor && p.m.kind != EntityKind::Software)) continue;
    if (!ascii::is_upper(static_cast<unsigned char>(p.m.text[0]))) continue;  // "a payload, Industroyer2": a common noun
    auto listed_with = [&](const Pending& o, size_t from, size_t to) {
      if ((o.needs_context && !o.has_context) || o.m.sentence != p.m.sentence || (o.m.kind != EntityKind::Actor && o.m.kind != EntityKind::Software) ||
          from > to)
        return false;
      std::string gap = ascii_lower(text.substr(from, to - from));
      return gap == ", " || gap == " and " || gap == ", and " || gap == " or " || gap == " and the " || gap == ", the ";
    };
    for (size_t j = 0; j < pending.size() && !p.has_context; ++j)
      if (j != i && (listed_with(pending[j], pending[j].m.end, p.m.begin) || listed_with(pending[j], p.m.end, pending[j].m.begin)))
        p.has_context = true;
  }
  for (auto& p : pending) {
    if (p.needs_context && !p.has_context) {
      bool confirmed = std::any_of(p.m.ids.begin(), p.m.ids.end(), [&](const std::string& id) { return sure.count(id) > 0; });
      if (!confirmed) continue;
    }
    // An agency name several countries use: keep the bodies of countries named in the sentence.
    if (p.m.kind == EntityKind::Agency && p.m.ids.size() > 1 && kb_) {
      const auto& here = countries_in_sentence[p.m.sentence];
      std::vector<std::string> local;
      for (const auto& id : p.m.ids)
        if (const Agency* g = kb_->agency(id); g && here.count(g->country)) local.push_back(id);
      if (!local.empty()) p.m.ids = local;
    }
    // When several entities share the name, keep those the text confirms elsewhere, if any.
    if (p.m.ids.size() > 1) {
      std::vector<std::string> confirmed;
      for (const auto& id : p.m.ids)
        if (sure.count(id)) confirmed.push_back(id);
      if (!confirmed.empty()) p.m.ids = confirmed;
    }
    out.push_back(std::move(p.m));
  }
  if (appended)
    std::stable_sort(out.begin(), out.end(), [](const EntityMention& x, const EntityMention& y) { return x.begin < y.begin; });
  return out;
}

bool names_ransomware(const EntityMention& m, const KnowledgeBase& kb) {
  if (m.kind != EntityKind::Software || m.ids.size() != 1) return false;
  if (m.called_ransomware) return true;
  const Software* sw = kb.software_by_id(m.ids.front());
  return sw && sw->kind == "ransomware";
}

const Actor* named_actor(const EntityMention& m, const KnowledgeBase& kb) {
  const Actor* pick = nullptr;
  for (const auto& id : m.ids) {
    const Actor* c = kb.actor(id);
    if (!c || (m.ids.size() > 1 && c->attack_id.empty())) continue;
    if (pick) return nullptr;
    pick = c;
  }
  return pick;
}

}  // namespace dossier
