// The sectors of an article's victims: what the victims' names say ("Colonial Pipeline", "British
// Library", "Barracuda Networks") and what the text says of them where it names them ("Medibank,
// Australia's largest health insurer", "the satellite operator Viasat", "Kaseya, which sells IT
// management software"). Sectors the text names elsewhere (the security firm that investigated,
// the government that attributed) are not the victims'.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "dossier/extract/victims.h"
#include "dossier/util/fold.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); }

// Whole-word occurrences of `needle` in `hay` (exact case: names are capitalised).
std::vector<size_t> occurrences(std::string_view hay, std::string_view needle) {
  std::vector<size_t> out;
  if (needle.empty()) return out;
  for (size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) {
    bool left = p == 0 || !word_char(hay[p - 1]);
    size_t e = p + needle.size();
    bool right = e >= hay.size() || !word_char(hay[e]);
    if (left && right) out.push_back(p);
  }
  return out;
}

// The forms a story names a victim by: in full, without its corporate suffix, and by its first
// word when that is distinctive ("Colonial" for "Colonial Pipeline Company").
std::vector<std::string> forms_of(const std::string& name) {
  static const char* const kSuffixes[] = {" Company", " Co.", " Inc.", " Inc", " Ltd", " Ltd.", " Limited", " plc", " PLC", " Group",
                                          " Corporation", " Corp.", " Corp", " LLC", " AG", " SA", " S.A.", " GmbH", " Holdings"};
  std::vector<std::string> out{name};
  std::string base = name;
  for (bool again = true; again;) {
    again = false;
    for (const char* s : kSuffixes) {
      std::string suf = s;
      if (base.size() > suf.size() + 2 && base.compare(base.size() - suf.size(), suf.size(), suf) == 0) {
        base = base.substr(0, base.size() - suf.size());
        again = true;
      }
    }
  }
  if (base != name) out.push_back(base);
  size_t sp = base.find(' ');
  if (sp != std::string::npos && sp >= 4 && std::isupper(static_cast<unsigned char>(base[0]))) out.push_back(base.substr(0, sp));
  return out;
}

// Whether the text between a victim's name and a sector phrase after it describes the victim:
// an appositive or a relative clause ("Medibank, Australia's largest", "Kaseya, which sells"),
// not a new clause about someone else ("..., said the cybersecurity firm").
bool describes_after(std::string_view between) {
  if (between.size() > 90) return false;
  // "<Org>'s VSA remote management software": what it makes or runs.
  if (between.rfind("'s ", 0) == 0 || between.rfind("\u2019s ", 0) == 0) {
    if (between.size() > 50) return false;
    for (char c : between)
      if (c == ',' || c == '.' || c == ';' || c == ':' || c == '(' || c == '"') return false;
    return true;
  }
  for (char c : between)
    if (c == '.' || c == ';' || c == ':' || c == '"') return false;
  std::string l = " " + ascii_lower(between) + " ";
  for (const char* stop : {" said ", " says ", " told ", " according ", " and ", " but ", " while ", " by ", " after ", " before ",
                           " hired ", " brought in ", " called in ", " with help ", " working with "})
    if (l.find(stop) != std::string::npos) return false;
  std::string t = trim(between);
  // An appositive or clause opens right after the name.
  return t.empty() || t[0] == ',' || t[0] == '(' || l.rfind(" is ", 0) == 0 || l.rfind(" was ", 0) == 0 || l.rfind(" a ", 0) == 0 ||
         l.rfind(" an ", 0) == 0 || l.rfind(" the ", 0) == 0;
}

// Whether the text between a sector phrase and the victim's name after it makes the phrase a
// title of the name ("the Australian health insurer Medibank", "fuel pipeline operator Colonial").
bool describes_before(std::string_view between) {
  if (between.size() > 30) return false;
  for (char c : between)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || (c & 0x80))) return false;
  return true;
}

}  // namespace

void find_victim_sectors(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<EntityMention>& mentions,
                         const KnowledgeBase& kb, Events& events) {
  std::unordered_map<std::string, std::string> by_word;  // folded name word -> sector id
  for (const auto& s : kb.sectors)
    for (const auto& w : s.name_words) by_word.emplace(fold_name(w), s.id);
  std::vector<const EntityMention*> sector_mentions;
  for (const auto& m : mentions)
    if (m.kind == EntityKind::Sector && !m.ids.empty()) sector_mentions.push_back(&m);
  auto add = [&](std::vector<std::string>& into, const std::string& id) {
    if (std::find(into.begin(), into.end(), id) == into.end()) into.push_back(id);
  };
  for (auto& v : events.victims) {
    // The name's own words ("Pipeline", "Library"), one or two at a time ("City of").
    std::vector<std::string> words;
    {
      std::string folded = fold_name(v.name);
      for (auto w : split_words(folded)) words.emplace_back(w);
    }
    for (size_t i = 0; i < words.size(); ++i) {
      if (auto it = by_word.find(words[i]); it != by_word.end()) add(v.sectors, it->second);
      if (i + 1 < words.size())
        if (auto it = by_word.find(words[i] + " " + words[i + 1]); it != by_word.end()) add(v.sectors, it->second);
    }
    // What the text says of it where it names it.
    for (const auto& form : forms_of(v.name))
      for (size_t at : occurrences(text, form)) {
        size_t end = at + form.size();
        for (const EntityMention* m : sector_mentions) {
          if (m->begin >= end && m->begin - end <= 90 && describes_after(text.substr(end, m->begin - end)))
            add(v.sectors, m->ids.front());
          else if (m->end <= at && at - m->end <= 30 && describes_before(text.substr(m->end, at - m->end)))
            add(v.sectors, m->ids.front());
        }
      }
    // A vendor: the text speaks of its app, software, patch or build ("3CX's desktop apps",
    // "Kaseya ships its patch", "Kaseya VSA servers").
    bool vendor = false;
    for (const auto& form : forms_of(v.name)) {
      for (size_t at : occurrences(text, form)) {
        std::string after = ascii_lower(text.substr(at + form.size(), std::min<size_t>(60, text.size() - at - form.size())));
        // Up to three words after the name (a possessive or a product name between).
        std::vector<std::string> ws;
        std::string cur;
        for (char c : after) {
          if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
            cur += c;
          } else {
            if (!cur.empty()) ws.push_back(cur);
            cur.clear();
            if (c == '.' || c == ',' || c == ';' || c == ':' || ws.size() >= 4) break;
          }
        }
        static const std::set<std::string> kVendorWords = {"app", "apps", "application", "applications", "software", "softphone",
                                                           "patch", "patches", "firmware", "appliance", "appliances", "product",
                                                           "products", "platform", "build", "builds", "installer", "client",
                                                           "update", "updates", "hotfix", "sdk", "api"};
        for (size_t i = 0; i < ws.size() && i < 4; ++i)
          if (kVendorWords.count(ws[i]) && !(i == 0 && ws[i] == "s")) vendor = true;
        if (vendor) break;
      }
      if (vendor) break;
    }
    if (vendor)
      for (const auto& s : kb.sectors)
        if (std::find(s.name_words.begin(), s.name_words.end(), "Software") != s.name_words.end()) add(v.sectors, s.id);
    for (const auto& s : v.sectors) add(events.victim_sectors, s);
  }
  // "the insurer said", "The retailer has": a story names its victim again by what it is.
  // Only a business's kind: "the government said" is a state speaking, not the victim.
  auto public_body = [&](std::string id) {
    static const std::set<std::string> kPublic = {"government-and-administrations", "diplomacy", "judicial-power-justice", "defense",
                                                  "civil-society"};
    for (int depth = 0; depth < 5 && !id.empty(); ++depth) {
      if (kPublic.count(id)) return true;
      const Sector* s = nullptr;
      for (const auto& x : kb.sectors)
        if (x.id == id) s = &x;
      if (!s) return false;
      id = s->parent;
    }
    return false;
  };
  if (!events.victims.empty())
    for (const EntityMention* m : sector_mentions) {
      if (m->begin < 4 || public_body(m->ids.front())) continue;
      std::string_view before = text.substr(m->begin - 4, 4);
      if (before != "the " && before != "The ") continue;
      std::string after = ascii_lower(text.substr(m->end, std::min<size_t>(12, text.size() - m->end)));
      bool subject = false;
      for (const char* v : {" said", " says", " has ", " had ", " was ", " is ", " confirmed", " told", " added", " reported",
                            " disclosed", " declined", " refused", " warned", " estimated", ","})
        if (after.rfind(v, 0) == 0) subject = true;
      if (!subject) continue;
      add(events.victims.front().sectors, m->ids.front());
      add(events.victim_sectors, m->ids.front());
    }
  // Sectors the text says were targeted, named or not: "targeting government agencies", "attacks
  // on hospitals", "victims include universities", "including infectious disease researchers, law
  // firms, universities", "Hospitals, schools and government bodies were hit".
  static const char* const kTargeting[] = {"target", "targets", "targeted", "targeting", "attacked", "attacking", "attacks on",
                                           "attack on", "breached", "breaching", "compromised", "compromising", "hit", "hitting",
                                           "infiltrated", "victims include", "victims included", "victims such as", "victims were",
                                           "affected", "disrupted", "against", "including", "such as", "spied on", "gone after",
                                           "went after", "going after", "among them", "breach", "hack", "hacked", "hacking",
                                           "infect", "infected", "infecting", "penetrated", "intrusions at", "intrusion at",
                                           "breach at", "breaches at", "breach of", "hack of", "attack against", "attacks against"};
  static const char* const kTargetedAfter[] = {"targeted", "hit", "attacked", "affected", "breached", "compromised", "victims",
                                               "targets", "among the victims", "disrupted", "struck"};
  // A stretch that is only a list of short items: no sentence punctuation, items of a few words.
  auto list_only = [](std::string_view stretch, size_t max_items) {
    if (stretch.find_first_of(".;:()\"") != std::string_view::npos) return false;
    size_t items = 1, words = 0;
    bool in_word = false;
    for (char c : stretch) {
      if (c == ',') {
        ++items;
        words = 0;
        in_word = false;
        continue;
      }
      bool w = !std::isspace(static_cast<unsigned char>(c));
      if (w && !in_word && ++words > 5) return false;
      in_word = w;
    }
    return items <= max_items;
  };
  for (const EntityMention* m : sector_mentions) {
    if (m->sentence >= sentences.size()) continue;
    // A modifier, not the organisations: "court-authorised wiretaps", "bank-grade".
    if (m->end < text.size() && text[m->end] == '-') continue;
    size_t sb = sentences[m->sentence].begin, se = sentences[m->sentence].end;
    size_t from = std::max(sb, m->begin > 160 ? m->begin - 160 : size_t{0});
    std::string before = " " + ascii_lower(text.substr(from, m->begin - from));
    bool targeted = false;
    for (const char* c : kTargeting) {
      std::string cue = std::string(" ") + c + " ";
      size_t at = before.rfind(cue);
      if (at == std::string::npos) continue;
      if (list_only(std::string_view(before).substr(at + cue.size()), 7)) targeted = true;
    }
    if (!targeted && m->end < se) {
      std::string after = ascii_lower(text.substr(m->end, std::min<size_t>(120, se - m->end)));
      for (const char* verb : {" were ", " was ", " are ", " have been ", " had been ", " has been "}) {
        size_t at = after.find(verb);
        if (at == std::string::npos || !list_only(std::string_view(after).substr(0, at), 6)) continue;
        std::string rest = after.substr(at + std::string(verb).size(), 40);
        for (const char* t : kTargetedAfter)
          if (rest.find(t) != std::string::npos && rest.find(t) < 25) targeted = true;
      }
    }
    if (targeted) add(events.victim_sectors, m->ids.front());
  }
}

}  // namespace dossier
