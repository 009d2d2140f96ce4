// The sectors of an article's victims: what the victims' names say ("Colonial Pipeline", "British
// Library", "Barracuda Networks") and what the text says of them where it names them ("Medibank,
// Australia's largest health insurer", "the satellite operator Viasat", "Kaseya, which sells IT
// management software"). Sectors the text names elsewhere (the security firm that investigated,
// the government that attributed) are not the victims'.
#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

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
  std::vector<const EntityMention*> sector_mentions;
  for (const auto& m : mentions)
    if (m.kind == EntityKind::Sector && !m.ids.empty()) sector_mentions.push_back(&m);
  auto add = [&](std::vector<std::string>& into, const std::string& id) {
    if (std::find(into.begin(), into.end(), id) == into.end()) into.push_back(id);
  };
  // A sector phrase, and the sectors its own words name ("health insurer": insurance as well).
  auto add_phrase = [&](std::vector<std::string>& into, const EntityMention& m) {
    add(into, m.ids.front());
    std::string folded = fold_name(m.text);
    for (auto w : split_words(folded))
      if (const Sector* s = kb.sector_of_name_word(w)) add(into, s->id);
  };
  for (auto& v : events.victims) {
    // The name's own words ("Pipeline", "Library"), one or two at a time ("City of").
    std::vector<std::string> words;
    {
      std::string folded = fold_name(v.name);
      for (auto w : split_words(folded)) words.emplace_back(w);
    }
    for (size_t i = 0; i < words.size(); ++i) {
      if (const Sector* s = kb.sector_of_name_word(words[i])) add(v.sectors, s->id);
      if (i + 1 < words.size())
        if (const Sector* s = kb.sector_of_name_word(words[i] + " " + words[i + 1])) add(v.sectors, s->id);
    }
    // What the text says of it where it names it.
    for (const auto& form : forms_of(v.name))
      for (size_t at : occurrences(text, form)) {
        size_t end = at + form.size();
        for (const EntityMention* m : sector_mentions) {
          if (m->begin >= end && m->begin - end <= 90 && describes_after(text.substr(end, m->begin - end)))
            add_phrase(v.sectors, *m);
          else if (m->end <= at && at - m->end <= 30 && describes_before(text.substr(m->end, at - m->end)))
            add_phrase(v.sectors, *m);
        }
      }
    // A vendor: the text speaks of its app, software, patch or build ("3CX's desktop apps",
    // "Kaseya ships its patch", "Kaseya VSA servers", "the 3CX supply-chain attack").
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
                                                           "update", "updates", "hotfix", "sdk", "api", "supply-chain",
                                                           "desktop", "gateway", "gateways", "plugin", "extension"};
        for (size_t i = 0; i < ws.size() && i < 4; ++i)
          if (kVendorWords.count(ws[i]) && !(i == 0 && ws[i] == "s")) vendor = true;
        if (vendor) break;
      }
      if (vendor) break;
    }
    if (vendor)
      if (const Sector* s = kb.sector_of_name_word("software")) add(v.sectors, s->id);
    for (const auto& s : v.sectors) add(events.victim_sectors, s);
  }
  // "the insurer said", "The retailer has": a story names its victim again by what it is.
  // Only a business's kind: "the government said" is a state speaking, not the victim.
  auto public_body = [&](std::string id) {
    static const std::set<std::string> kPublic = {"government-and-administrations", "diplomacy", "judicial-power-justice", "defense",
                                                  "civil-society"};
    for (int depth = 0; depth < 5 && !id.empty(); ++depth) {
      if (kPublic.count(id)) return true;
      const Sector* s = kb.sector(id);
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
      add_phrase(events.victims.front().sectors, *m);
      add_phrase(events.victim_sectors, *m);
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
    // Back from the sector phrase, word by word, while the stretch is still a list: a cue there
    // (one or two words) makes the phrase a target.
    static const std::unordered_set<std::string> kCues(std::begin(kTargeting), std::end(kTargeting));
    bool targeted = false;
    {
      std::string_view b(before);
      size_t end = b.size();
      std::string_view next_word;  // the word after the current one (towards the sector)
      while (end > 0 && !targeted) {
        size_t e = end;
        while (e > 0 && b[e - 1] == ' ') --e;
        size_t st = e;
        while (st > 0 && b[st - 1] != ' ') --st;
        if (st == e) break;
        std::string_view w = b.substr(st, e - st);
        if (!list_only(b.substr(e), 7)) break;
        if (kCues.count(std::string(w)) || (!next_word.empty() && kCues.count(std::string(w) + " " + std::string(next_word))))
          targeted = true;
        next_word = w;
        end = st;
      }
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
    if (!targeted) continue;
    add(events.victim_sectors, m->ids.front());
    // A victim described rather than named: "an intrusion at a Polish water utility", "attacks on a
    // Dutch think tank", "six federal agencies were breached". One organisation with
    // an article, or several qualified by their country; a bare list of sectors ("including law
    // firms, universities") says who is at risk, not who was hit.
    size_t start = m->begin;
    std::string country;
    for (const auto& c : mentions)
      if (c.kind == EntityKind::Country && c.ids.size() == 1 && c.end + 1 == m->begin && text[c.end] == ' ') {
        start = c.begin;
        country = c.ids.front();
      }
    // It must end in a noun for organisations ("energy company", "think tank", "federal agencies"),
    // the sector's phrase's own or the next word ("telecommunications companies"); a sector word
    // alone ("government", "healthcare") names no organisation.
    static const std::set<std::string> kHeads = {
        "company", "companies", "firm", "firms", "provider", "providers", "operator", "operators", "carrier", "carriers",
        "agency", "agencies", "organisation", "organisations", "organization", "organizations", "entities", "entity",
        "institution", "institutions", "bodies", "body", "ministry", "ministries", "tank", "tanks", "hospital", "hospitals",
        "university", "universities", "bank", "banks", "insurer", "insurers", "utility", "utilities", "school", "schools",
        "department", "departments", "council", "councils", "municipality", "municipalities", "maker", "makers", "group",
        "groups", "contractor", "contractors", "manufacturer", "manufacturers", "retailer", "retailers", "office", "offices",
        "network", "networks", "administration", "authority", "authorities", "government", "governments", "clinic", "clinics"};
    size_t end = m->end;
    auto last_word = [&](size_t to) {
      size_t b = to;
      while (b > start && std::isalpha(static_cast<unsigned char>(text[b - 1]))) --b;
      return ascii_lower(text.substr(b, to - b));
    };
    if (!kHeads.count(last_word(end))) {
      size_t nb = end;
      while (nb < text.size() && text[nb] == ' ') ++nb;
      size_t ne = nb;
      while (ne < text.size() && std::isalpha(static_cast<unsigned char>(text[ne]))) ++ne;
      if (nb == end + 1 && kHeads.count(ascii_lower(text.substr(nb, ne - nb)))) end = ne;
      else continue;
    }
    // A bare "government" or "governments" is a state, not an organisation hit: only with its
    // country ("the Norwegian government").
    if (public_body(m->ids.front()) && country.empty() && last_word(end).rfind("government", 0) == 0) continue;
    std::string phrase(text.substr(start, end - start));
    std::string lower = ascii_lower(phrase);
    if (lower.rfind("federal ", 0) == 0 && country.empty()) country = "US";
    std::string lead = " " + ascii_lower(text.substr(start >= 4 ? start - 4 : 0, start >= 4 ? 4 : start));
    auto ends = [&](const char* w) {
      std::string t = w;
      return lead.size() >= t.size() && lead.compare(lead.size() - t.size(), t.size(), t) == 0;
    };
    bool one = ends(" a ") || ends(" an ");
    bool qualified = !country.empty();
    if (!one && !qualified) continue;
    // Not again when the sentence already names it ("the Norwegian foreign ministry": the
    // Ministry of Foreign Affairs of Norway, found as an organisation).
    bool known = std::any_of(events.victims.begin(), events.victims.end(), [&](const Victim& v) {
      return fold_name(v.name) == fold_name(phrase) ||
             (v.evidence.sentence == m->sentence && ((!country.empty() && v.country == country) ||
                                                     std::find(v.sectors.begin(), v.sectors.end(), m->ids.front()) != v.sectors.end()));
    });
    if (known) continue;
    Victim v;
    v.name = phrase;
    v.country = country;
    v.evidence = Span{m->sentence, sentences[m->sentence].begin, sentences[m->sentence].end};
    v.sectors.push_back(m->ids.front());
    events.victims.push_back(std::move(v));
  }
}

}  // namespace dossier
