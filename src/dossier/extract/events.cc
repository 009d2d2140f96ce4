#include "dossier/extract/events.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"
#include "dossier/util/tokens.h"
#include "dossier/util/cue_words.h"
#include "dossier/util/cues.h"

namespace dossier {
namespace {

struct Tok {
  std::string text;  // as written
  std::string lower;
  size_t begin, end;
};

// Words (letters, digits, hyphens, apostrophes and dots inside words, "EU’s") and single
// punctuation marks; citation markers ("[4]") are invisible to the patterns: "the ambassador [1]
// [3], Feng Biao".
std::vector<Tok> tokenize(std::string_view s, size_t base) {
  static constexpr TokenRules rules{"-'.", false, true, false, true, true};
  std::vector<Tok> out;
  for_each_token(s, rules, base, [&](const Token& t) { out.push_back(Tok{std::string(t.text), ascii_lower(t.text), t.begin, t.end}); });
  return out;
}

bool capitalised(const std::string& w) {
  if (w.empty()) return false;
  utf8proc_int32_t cp = 0;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(w.data()), static_cast<utf8proc_ssize_t>(w.size()), &cp);
  return cp > 0 && utf8proc_isupper(cp);
}

const char* const kTitleWords[] = {"minister", "president", "ambassador", "secretary", "director", "spokesperson", "spokesman",
                                   "spokeswoman", "chief", "chancellor", "commissioner", "senator", "premier", "envoy",
                                   "representative", "general", "governor", "mayor", "ceo", "head", "chairman", "chairwoman",
                                   "chair", "diplomat", "official", "prosecutor", "attorney", "deputy"};

bool is_title_word(const std::string& l) {
  static const std::unordered_set<std::string_view> titles(std::begin(kTitleWords), std::end(kTitleWords));
  return titles.count(l) > 0;
}

// Words that start a capitalised run but are not part of a name.
bool stop_word(const std::string& l) {
  static const std::unordered_set<std::string_view> stops = {
      "the", "a", "an", "and", "of", "in", "on", "for", "to", "said", "says", "told", "he", "she",
      "it", "they", "we", "this", "that", "with", "by", "as", "at", "from", "but", "while", "after"};
  return stops.count(l) > 0;
}

std::string join(const std::vector<Tok>& t, size_t from, size_t to) {
  std::string s;
  for (size_t k = from; k < to; ++k) {
    if (k > from && t[k].text != "," && t[k].text != "." && t[k].text != "'s") s += ' ';
    s += t[k].text;
  }
  return s;
}

const EntityMention* mention_at(const std::vector<const EntityMention*>& ms, size_t pos) {
  for (const auto* m : ms)
    if (pos >= m->begin && pos < m->end) return m;
  return nullptr;
}

std::string entity_label(const EntityMention& m, const KnowledgeBase& kb) {
  if (m.kind == EntityKind::Country) {
    const Country* c = kb.country(m.ids.front());
    return c ? c->name : m.text;
  }
  if (m.kind == EntityKind::Agency) {
    const Agency* g = kb.agency(m.ids.front());
    return g ? g->name : m.text;
  }
  return m.text;
}


// ---- The cues of each rule, found for every sentence by one caseless scan of the text ----

const char* const kTargetCues[] = {"against", "targeting", "targeted", "breach", "breached", "compromised", "attack on",
                                   "hack of", "intrusion at", "infiltrat", "hacked", "accessed", "reached", "infect",
                                   "attack to", "intrusion", "espionage"};
const char* const kAttributionCues[] = {"attributed", "attribute", "blamed", "accused", "linked to", "tied to", "behind",
                                        "responsible for", "carried out by", "conducted by", "operated by", "sponsored",
                                        "state-backed", "working for", "works for", "on behalf of", "named", "identified"};
const char* const kStrongConfidence[] = {"high degree of certainty", "high confidence", "moderate confidence", "low confidence",
                                         "almost certainly"};
// Confidence wording of an attribution, strongest first.
const char* const kConfidence[] = {"high degree of certainty", "high confidence", "moderate confidence", "low confidence",
                                   "with confidence", "almost certainly", "highly likely", "likely", "suspected", "believed to",
                                   "assessed", "reportedly", "allegedly", "linked to", "possibly"};

// Organisations found by their name's pattern, with the name and kind they are reported under.
struct OrgPattern {
  const char* phrase;
  const char* name;
  const char* kind;
};
const OrgPattern kOrgPatterns[] = {
    {"ministry of foreign affairs", "Ministry of Foreign Affairs", "ministry"},
    {"foreign ministry", "Ministry of Foreign Affairs", "ministry"},
    {"foreign office", "Ministry of Foreign Affairs", "ministry"},
    {"ministry of defence", "Ministry of Defence", "ministry"},
    {"ministry of defense", "Ministry of Defence", "ministry"},
    {"defence ministry", "Ministry of Defence", "ministry"},
    {"defense ministry", "Ministry of Defence", "ministry"},
    {"ministry of interior", "Ministry of the Interior", "ministry"},
    {"interior ministry", "Ministry of the Interior", "ministry"},
    {"ministry of justice", "Ministry of Justice", "ministry"},
    {"ministry of finance", "Ministry of Finance", "ministry"},
    {"finance ministry", "Ministry of Finance", "ministry"},
    {"embassy", "Embassy", "embassy"},
    {"parliament", "Parliament", "parliament"},
    {"government", "Government", "government"},
};

enum CueGroup : uint32_t { kOrg, kTarget, kAttribution, kStrong, kDenial, kTitle };
constexpr uint32_t bit(CueGroup g) { return 1u << g; }

// Which cue groups each sentence contains (a superset is harmless: it only lets a rule run).
const CueSet& event_cues() {
  static const CueSet cues([] {
    std::vector<std::vector<std::string>> groups(6);
    for (const auto& o : kOrgPatterns) groups[kOrg].emplace_back(o.phrase);
    groups[kTarget] = cue_group(kTargetCues);
    groups[kAttribution] = cue_group(kAttributionCues);
    groups[kStrong] = cue_group(kStrongConfidence);
    groups[kDenial] = cue_group(cue_words::kDenial);
    groups[kTitle] = cue_group(kTitleWords);
    return groups;
  }());
  return cues;
}

template <size_t N>
bool contains_any(const std::string& lower, const char* const (&cues)[N]) {
  return std::any_of(std::begin(cues), std::end(cues), [&](const char* c) { return lower.find(c) != std::string::npos; });
}

// One sentence as the rules read it.
struct SentenceView {
  size_t index;
  const Sentence& s;
  std::string_view text;  // the sentence
  std::string lower;      // lower-cased, when some cue is present
  uint32_t mask;          // cue groups present
  std::vector<Tok> toks;  // when a title word is present
  const std::vector<const EntityMention*>& here;  // its entity mentions
  Span span(size_t b, size_t e) const { return Span{index, b, e}; }
};

// ---- People ----
// "<Country or body> <Title words> <Name>", "<Name>, the <role>," and "the <role>, <Name>".
void find_people(const SentenceView& v, const KnowledgeBase& kb, Events& ev) {
  const auto& toks = v.toks;
  const auto& here = v.here;
  // A name is two to four capitalised words that are not function words or known entities.
  auto name_token = [&](size_t k) {
    return capitalised(toks[k].text) && !stop_word(toks[k].lower) && !mention_at(here, toks[k].begin);
  };
  // A person from a name span and a role span; the organization is the first entity in the role.
  auto add_person = [&](size_t nb, size_t ne, size_t rb, size_t re, size_t eb, size_t ee) {
    Person p;
    p.name = join(toks, nb, ne);
    p.role = join(toks, rb, re);
    for (size_t k = rb; k < re; ++k)
      if (const EntityMention* m = mention_at(here, toks[k].begin)) {
        p.organization = entity_label(*m, kb);
        break;
      }
    p.evidence = v.span(toks[eb].begin, toks[ee].end);
    ev.people.push_back(std::move(p));
  };
  for (size_t i = 0; i < toks.size(); ++i) {
    // "<Country or body> <Title words> <Name>": Czech Foreign Minister Jan Lipavsky.
    if (is_title_word(toks[i].lower) && capitalised(toks[i].text)) {
      size_t tb = i;
      while (tb > 0 && name_token(tb - 1)) --tb;
      size_t te = i + 1;
      while (te < toks.size() && is_title_word(toks[te].lower) && capitalised(toks[te].text)) ++te;
      size_t nb = te, ne = te;
      while (ne < toks.size() && name_token(ne) && !is_title_word(toks[ne].lower) && ne - nb < 4) ++ne;
      if (ne - nb >= 2) {
        size_t ob = tb;  // entities written just before the title belong to the role
        while (ob > 0 && mention_at(here, toks[ob - 1].begin)) --ob;
        add_person(nb, ne, ob, te, ob, ne - 1);
        i = ne;
        continue;
      }
    }
    // "<Name>, the <role>,": Kaja Kallas, the EU's top diplomat.
    if (toks[i].text == "," && i >= 2 && i + 2 < toks.size() && toks[i + 1].lower == "the") {
      size_t ne = i, nb = i;
      while (nb > 0 && name_token(nb - 1) && ne - nb < 4) --nb;
      size_t re = i + 2;
      while (re < toks.size() && toks[re].text != "," && toks[re].text != "." && re - i < 10) ++re;
      bool role_has_title = false;
      for (size_t k = i + 2; k < re; ++k) role_has_title |= is_title_word(toks[k].lower);
      if (ne - nb >= 2 && role_has_title && re < toks.size()) {
        add_person(nb, ne, i + 2, re, nb, re - 1);
        continue;
      }
    }
    // "the <role>, <Name>": the ambassador, Feng Biao.
    if (toks[i].lower == "the" && i + 3 < toks.size()) {
      size_t re = i + 1;
      while (re < toks.size() && toks[re].text != "," && re - i < 6) ++re;
      bool titled = re > i + 1 && is_title_word(toks[re - 1].lower);
      if (titled && re + 2 < toks.size()) {
        size_t nb = re + 1, ne = nb;
        while (ne < toks.size() && name_token(ne) && ne - nb < 4) ++ne;
        if (ne - nb >= 2) add_person(nb, ne, i + 1, re, i, ne - 1);
      }
    }
  }
}

// ---- Organizations by pattern ----
// Whether the pattern found at [at, end) of the lower-cased sentence stands as whole words:
// "parliament" is not in "parliamentarians".
bool whole_phrase(const std::string& lower, size_t at, size_t end) {
  if ((at > 0 && ascii::is_alpha(static_cast<unsigned char>(lower[at - 1]))) ||
      (end < lower.size() && ascii::is_alpha(static_cast<unsigned char>(lower[end])) && lower[end] != 's'))
    return false;
  return !(end + 1 < lower.size() && lower[end] == 's' && ascii::is_alpha(static_cast<unsigned char>(lower[end + 1])));
}

// The country an organisation belongs to, and where it is ("embassy in Prague").
void place_organization(Organization& org, const SentenceView& v, size_t at, size_t end, const std::string& subject_country,
                        const Events& ev) {
  const size_t b = v.s.begin + at, e = v.s.begin + end;
  const bool embassy = org.kind == "embassy";
  // The owner: a country written just before ("Czech", "China's"), or "of <Country>" after.
  const EntityMention* owner = nullptr;
  for (const auto* m : v.here)
    if (m->kind == EntityKind::Country && m->end <= b && b - m->end <= 12) owner = m;
  if (!owner)
    for (const auto* m : v.here)
      if (m->kind == EntityKind::Country && m->begin >= e && m->begin - e <= 5 && v.lower.compare(end, 4, " of ") == 0) owner = m;
  auto earlier = std::find_if(ev.organizations.begin(), ev.organizations.end(),
                              [&](const Organization& x) { return x.name == org.name && x.kind != "embassy"; });
  if (owner) org.country = owner->ids.front();
  else if (earlier != ev.organizations.end() && !embassy) org.country = earlier->country;
  else if (v.lower.compare(at >= 4 ? at - 4 : 0, 4, "its ") == 0) org.country = subject_country;
  else if (!embassy) org.country = subject_country;
  if (embassy)
    for (const auto* m : v.here)
      if (m->kind == EntityKind::Country && m->begin >= e && m->begin - e <= 5 && v.lower.compare(end, 4, " in ") == 0)
        org.located = m->ids.front();
}

void find_organizations(const SentenceView& v, const std::string& subject_country, Events& ev) {
  if (!(v.mask & bit(kOrg))) return;
  for (const auto& o : kOrgPatterns) {
    const size_t len = std::strlen(o.phrase);
    size_t pos = 0;
    while ((pos = v.lower.find(o.phrase, pos)) != std::string::npos) {
      size_t at = pos;
      pos += len;
      if (!whole_phrase(v.lower, at, pos)) continue;
      // "governments" is no one government.
      if (std::strcmp(o.kind, "government") == 0 && pos < v.lower.size() && ascii::is_alpha(static_cast<unsigned char>(v.lower[pos])))
        continue;
      Organization org;
      org.name = o.name;
      org.kind = o.kind;
      org.evidence = v.span(v.s.begin + at, v.s.begin + pos);
      place_organization(org, v, at, pos, subject_country, ev);
      if (org.country.empty()) continue;
      bool dup = std::any_of(ev.organizations.begin(), ev.organizations.end(), [&](const Organization& x) {
        return x.name == org.name && x.country == org.country && x.located == org.located;
      });
      if (!dup) ev.organizations.push_back(std::move(org));
    }
  }
}

// ---- Victims and affected systems ----
// Systems named in the sentence, with up to three modifier words before the head noun
// ("unclassified communication network").
std::vector<std::string> systems_named(const SentenceView& v) {
  std::vector<std::string> systems;
  static const char* heads[] = {"network", "email system", "mail server", "servers", "systems", "mailboxes",
                                "email accounts", "database", "portal"};
  // Modifiers are adjectives and nouns: stop at function words, possessives, and verb forms (-ing,
  // and -ed unless a known adjective such as "unclassified").
  static const char* stops[] = {"its", "the", "an", "a", "of", "in", "on", "all", "as", "for", "to", "by", "with",
                                "at", "from", "and", "or", "their", "his", "her", "our", "into"};
  static const char* ed_adjectives[] = {"unclassified", "classified", "isolated", "segmented", "shared", "connected", "air-gapped", "restricted"};
  const std::string& lower = v.lower;
  for (const char* h : heads) {
    size_t p = lower.find(std::string(" ") + h);
    if (p == std::string::npos) continue;
    size_t b = p;
    int words = 0;
    while (b > 0 && words < 3) {
      size_t q = lower.rfind(' ', b - 1);
      std::string w = lower.substr(q == std::string::npos ? 0 : q + 1, b - (q == std::string::npos ? 0 : q + 1));
      bool stop = w.empty() || w.find(',') != std::string::npos || w.find('\'') != std::string::npos ||
                  w.find("\xe2\x80\x99") != std::string::npos || std::any_of(std::begin(stops), std::end(stops), [&](const char* x) { return w == x; });
      bool verbish = (w.size() > 4 && w.compare(w.size() - 3, 3, "ing") == 0) ||
                     (w.size() > 3 && w.compare(w.size() - 2, 2, "ed") == 0 &&
                      std::none_of(std::begin(ed_adjectives), std::end(ed_adjectives), [&](const char* x) { return w == x; }));
      if (stop || verbish) break;
      b = q == std::string::npos ? 0 : q;
      ++words;
    }
    if (words == 0) continue;
    std::string phrase = trim(std::string(v.text.substr(b, p + 1 + std::strlen(h) - b)));
    bool known = std::any_of(systems.begin(), systems.end(), [&](const std::string& x) { return iequals(x, phrase); });
    if (!known) systems.push_back(phrase);
  }
  return systems;
}

// The kind of activity a sentence names, if any.
std::string activity_named(const std::string& lower) {
  struct Kind { const char* cue; const char* kind; };
  static const Kind kinds[] = {{"espionage", "espionage"}, {"spying", "espionage"}, {"ransomware", "ransomware"},
                               {"encrypted", "ransomware"}, {"exfiltrat", "data theft"}, {"stole", "data theft"},
                               {"stolen", "data theft"}, {"data theft", "data theft"}, {"ddos", "ddos"},
                               {"denial-of-service", "ddos"}, {"supply-chain", "supply chain"}, {"supply chain", "supply chain"},
                               {"wiper", "wiper"}, {"destructive", "wiper"}};
  for (const auto& k : kinds)
    if (lower.find(k.cue) != std::string::npos) return k.kind;
  return {};
}

// Adds systems and the activity to a victim, without repeating a system.
void complete_victim(Victim& x, const std::vector<std::string>& systems, const std::string& activity) {
  for (const auto& sys : systems)
    if (std::find(x.systems.begin(), x.systems.end(), sys) == x.systems.end()) x.systems.push_back(sys);
  if (x.activity.empty()) x.activity = activity;
}

void find_victims(const SentenceView& v, Events& ev) {
  if (!(v.mask & bit(kTarget)) || !contains_any(v.lower, kTargetCues)) return;
  std::vector<std::string> systems = systems_named(v);
  std::string activity = activity_named(v.lower);
  bool victim_here = false;
  for (const auto& org : ev.organizations) {
    if (org.evidence.sentence != v.index || org.kind == "embassy" || org.kind == "government") continue;
    victim_here = true;
    auto same = [&](const Victim& x) { return x.name == org.name && x.country == org.country; };
    auto known = std::find_if(ev.victims.begin(), ev.victims.end(), same);
    if (known != ev.victims.end()) {
      complete_victim(*known, systems, activity);
      continue;
    }
    Victim vic;
    vic.name = org.name;
    vic.country = org.country;
    vic.systems = systems;
    vic.activity = activity;
    vic.evidence = v.span(v.s.begin, v.s.end);
    ev.victims.push_back(std::move(vic));
  }
  // Systems and the kind of activity named without the organization belong to the main victim.
  if (!victim_here && !ev.victims.empty()) complete_victim(ev.victims.front(), systems, activity);
}

// ---- Attribution ----
// Whether a country mention is written as the sponsor: "Chinese state-sponsored", "China's
// ministry", "sponsored by China", or the object of an accusation ("accused the Chinese government").
bool written_as_sponsor(std::string_view text, const EntityMention& m) {
  std::string after = ascii_lower(text.substr(m.end, std::min<size_t>(32, text.size() - m.end)));
  std::string before = ascii_lower(text.substr(m.begin >= 24 ? m.begin - 24 : 0, std::min<size_t>(m.begin, 24)));
  bool accused = before.find("accused") != std::string::npos || before.find("blamed") != std::string::npos ||
                 before.find("charged") != std::string::npos || before.find("condemned") != std::string::npos;
  return accused || after.rfind(" state", 0) == 0 || after.rfind("-backed", 0) == 0 || after.rfind("-linked", 0) == 0 ||
         after.rfind("-based", 0) == 0 || after.rfind("'s ministry", 0) == 0 || after.rfind("\xe2\x80\x99s ministry", 0) == 0 ||
         after.rfind(" government of sponsor", 0) == 0 || before.find("sponsored by") != std::string::npos ||
         before.find("backed by") != std::string::npos;
}

// Who attributed, and the sponsor, from the bodies and countries of the sentence.
void attribution_parties(Attribution& a, const SentenceView& v, std::string_view text, size_t first_actor, const KnowledgeBase& kb) {
  for (const auto* m : v.here) {
    if (m->kind == EntityKind::Agency) {
      const Agency* g = kb.agency(m->ids.front());
      bool intel = g && (g->kind == "intelligence" || g->kind == "military");
      // Intelligence bodies of the actor's country are sponsors; bodies before the actor are the
      // ones attributing.
      const Actor* act = kb.actor(a.actors.front());
      bool actors_country = g && act && g->country == act->country;
      if (intel && actors_country) a.sponsor_agencies.push_back(g->id);
      else if (m->begin < first_actor) a.attributors.push_back(m->ids.front());
    } else if (m->kind == EntityKind::Country) {
      // A country before the actor that is not the sponsor is the one attributing, unless it is a
      // possessive ("China's ambassador") that modifies a noun.
      std::string after = ascii_lower(text.substr(m->end, std::min<size_t>(32, text.size() - m->end)));
      bool possessive = !after.empty() && (after.rfind("'s ", 0) == 0 || after.rfind("\xe2\x80\x99s ", 0) == 0);
      if (written_as_sponsor(text, *m)) {
        if (a.sponsor_state.empty()) a.sponsor_state = m->ids.front();
      } else if (m->begin < first_actor && !possessive &&
                 std::find(a.attributors.begin(), a.attributors.end(), m->ids.front()) == a.attributors.end()) {
        a.attributors.push_back(m->ids.front());
      }
    }
  }
}

void find_attribution(const SentenceView& v, std::string_view text, const KnowledgeBase& kb, Events& ev) {
  if (!(v.mask & bit(kAttribution)) || !contains_any(v.lower, kAttributionCues)) return;
  std::vector<const EntityMention*> actors_here;
  for (const auto* m : v.here)
    if (m->kind == EntityKind::Actor) actors_here.push_back(m);
  if (actors_here.empty()) return;
  const std::string& lower = v.lower;
  Attribution a;
  for (const auto* m : actors_here)
    if (std::find(a.actors.begin(), a.actors.end(), m->ids.front()) == a.actors.end()) a.actors.push_back(m->ids.front());
  attribution_parties(a, v, text, actors_here.front()->begin, kb);
  // "The government attributed ...": the government of the article's victim.
  if (a.attributors.empty() && !ev.victims.empty() &&
      (lower.find("government") < v.s.end - v.s.begin || lower.find("authorities") != std::string::npos ||
       lower.find("officials") != std::string::npos) &&
      lower.find("government") < lower.find(ascii_lower(actors_here.front()->text)))
    a.attributors.push_back(ev.victims.front().country);
  if (a.sponsor_state.empty() && !a.sponsor_agencies.empty())
    if (const Agency* g = kb.agency(a.sponsor_agencies.front())) a.sponsor_state = g->country;
  for (const char* c : kConfidence)
    if (lower.find(c) != std::string::npos) {
      a.confidence = c;
      break;
    }
  a.evidence = v.span(v.s.begin, v.s.end);
  ev.attributions.push_back(std::move(a));
}

// A later sentence may state the attribution's confidence ("officials are highly confident of
// Moscow's part in it"): it completes the attribution whose sponsor or actor it names.
void complete_confidence(const SentenceView& v, Events& ev) {
  if (!(v.mask & bit(kStrong)) || ev.attributions.empty() || ev.attributions.back().evidence.sentence == v.index) return;
  for (const char* c : kStrongConfidence) {
    if (v.lower.find(c) == std::string::npos) continue;
    Attribution& last = ev.attributions.back();
    bool names_it = false;
    for (const auto* m : v.here)
      names_it |= (m->kind == EntityKind::Country && m->ids.front() == last.sponsor_state) ||
                  (m->kind == EntityKind::Actor && std::find(last.actors.begin(), last.actors.end(), m->ids.front()) != last.actors.end());
    if (names_it && (last.confidence.empty() || last.confidence == "reportedly" || last.confidence == "linked to")) last.confidence = c;
    return;
  }
}

// ---- Denials ----
// The denier is the sentence's subject: the first country or body named before the cue (the
// Chinese Embassy, Beijing).
void find_denial(const SentenceView& v, Events& ev) {
  if (!(v.mask & bit(kDenial))) return;
  for (const char* c : cue_words::kDenial) {
    size_t p = v.lower.find(c);
    if (p == std::string::npos) continue;
    Denial d;
    for (const auto* m : v.here)
      if ((m->kind == EntityKind::Country || m->kind == EntityKind::Agency) && m->begin < v.s.begin + p) {
        d.who = m->ids.front();
        break;
      }
    if (d.who.empty()) continue;
    size_t end = std::min(v.text.size(), p + 60);
    size_t stop = v.text.find_first_of(",.;", p + std::strlen(c));
    if (stop != std::string_view::npos && stop < end) end = stop;
    d.wording = trim(std::string(v.text.substr(p, end - p)));
    d.evidence = v.span(v.s.begin, v.s.end);
    ev.denials.push_back(std::move(d));
    return;
  }
}

}  // namespace

Events find_events(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<EntityMention>& mentions,
                   const KnowledgeBase& kb) {
  Events ev;
  std::string subject_country;  // the country the article has been talking about ("its foreign ministry")
  // Every rule needs its cue in the sentence: one scan of the text says which sentences have which.
  std::vector<size_t> begins;
  for (const auto& s : sentences) begins.push_back(s.begin);
  std::vector<uint32_t> masks = event_cues().find_in_spans(text, begins);
  std::vector<std::vector<const EntityMention*>> by_sentence(sentences.size());
  for (const auto& m : mentions)
    if (m.sentence < by_sentence.size()) by_sentence[m.sentence].push_back(&m);
  for (size_t si = 0; si < sentences.size(); ++si) {
    const Sentence& s = sentences[si];
    const uint32_t mask = masks[si];
    std::string_view st = text.substr(s.begin, s.end - s.begin);
    SentenceView v{si, s, st, mask ? ascii_lower(st) : std::string(), mask,
                   (mask & bit(kTitle)) ? tokenize(st, s.begin) : std::vector<Tok>{},  // people need a title word
                   by_sentence[si]};
    for (const auto* m : v.here)
      if (m->kind == EntityKind::Country) {
        subject_country = m->ids.front();
        break;
      }
    find_people(v, kb, ev);
    find_organizations(v, subject_country, ev);
    find_victims(v, ev);
    find_attribution(v, text, kb, ev);
    complete_confidence(v, ev);
    find_denial(v, ev);
  }
  // One entry per person and role (the first mention is the evidence).
  std::vector<Person> people;
  for (auto& p : ev.people)
    if (std::none_of(people.begin(), people.end(), [&](const Person& q) { return q.name == p.name && q.role == p.role; }))
      people.push_back(std::move(p));
  ev.people = std::move(people);
  return ev;
}

}  // namespace dossier
