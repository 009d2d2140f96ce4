#include "dossier/extract/events.h"

#include <hs.h>
#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"
#include "dossier/util/vectorscan.h"

namespace dossier {
namespace {

struct Tok {
  std::string text;  // as written
  std::string lower;
  size_t begin, end;
};

// Words (letters, digits, hyphens, apostrophes inside words) and single punctuation marks.
std::vector<Tok> tokenize(std::string_view s, size_t base) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (ascii::is_space(c)) { ++i; continue; }
    // Citation markers ("[4]") are invisible to the patterns: "the ambassador [1] [3], Feng Biao".
    if (c == '[') {
      size_t k = i + 1;
      while (k < s.size() && ascii::is_digit(static_cast<unsigned char>(s[k]))) ++k;
      if (k > i + 1 && k < s.size() && s[k] == ']') {
        i = k + 1;
        continue;
      }
    }
    size_t b = i;
    // U+2000..U+203F (E2 80 xx / E2 81 xx: quotes, dashes, ellipsis) are punctuation, not letters.
    bool general_punct = c == 0xE2 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) == 0x80 || static_cast<unsigned char>(s[i + 1]) == 0x81);
    if ((ascii::is_alnum(c) || c >= 0x80) && !general_punct) {
      while (i < s.size()) {
        unsigned char d = s[i];
        if (ascii::is_alnum(d) || (d >= 0x80 && !(d == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80))) { ++i; continue; }
        if ((d == '-' || d == '\'' || d == '.') && i + 1 < s.size() && ascii::is_alnum(static_cast<unsigned char>(s[i + 1]))) { ++i; continue; }
        // U+2019 inside a word (EU’s)
        if (d == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 && static_cast<unsigned char>(s[i + 2]) == 0x99 &&
            i + 3 < s.size() && ascii::is_alpha(static_cast<unsigned char>(s[i + 3]))) { i += 3; continue; }
        break;
      }
    } else {
      i += (c == 0xE2 && i + 2 < s.size()) ? 3 : 1;
    }
    if (i == b) ++i;  // never stall on a byte no rule consumed
    std::string t(s.substr(b, i - b));
    out.push_back(Tok{t, ascii_lower(t), base + b, base + i});
  }
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

const char* const kOrgPhrases[] = {"ministry of foreign affairs", "foreign ministry", "foreign office", "ministry of defence",
                                   "ministry of defense", "defence ministry", "defense ministry", "ministry of interior",
                                   "interior ministry", "ministry of justice", "ministry of finance", "finance ministry",
                                   "embassy", "parliament", "government"};
const char* const kTargetCues[] = {"against", "targeting", "targeted", "breach", "breached", "compromised", "attack on",
                                   "hack of", "intrusion at", "infiltrat", "hacked", "accessed", "reached", "infect",
                                   "attack to", "intrusion", "espionage"};
const char* const kAttributionCues[] = {"attributed", "attribute", "blamed", "accused", "linked to", "tied to", "behind",
                                        "responsible for", "carried out by", "conducted by", "operated by", "sponsored",
                                        "state-backed", "working for", "works for", "on behalf of", "named", "identified"};
const char* const kStrongConfidence[] = {"high degree of certainty", "high confidence", "moderate confidence", "low confidence",
                                         "almost certainly"};
const char* const kDenialCues[] = {"denied", "denies", "deny", "rejected the accusation", "rejected the claim", "rejected the allegation",
                                   "groundless", "baseless", "unfounded", "dismissed the accusation", "dismissed the claim",
                                   "refuted", "smear", "opposes all forms", "staunch opponent"};

enum CueGroup : uint32_t { kOrg = 1, kTarget = 2, kAttribution = 4, kStrong = 8, kDenial = 16, kTitle = 32 };

// Which cue groups each sentence contains (a superset is harmless: it only lets a rule run).
class CueScanner {
 public:
  static const CueScanner& get() {
    static const CueScanner s;
    return s;
  }
  std::vector<uint32_t> masks(std::string_view text, const std::vector<Sentence>& sentences) const {
    std::vector<uint32_t> out(sentences.size(), 0);
    if (!db_ || sentences.empty()) return out;
    hs_scratch_t* scratch = db_.scratch();
    if (!scratch) {
      std::fill(out.begin(), out.end(), ~0u);
      return out;
    }
    struct Ctx {
      const CueScanner* self;
      const std::vector<Sentence>* sentences;
      std::vector<uint32_t>* out;
      size_t cursor = 0;
    } ctx{this, &sentences, &out};
    hs_scan(
        db_.get(), text.data(), static_cast<unsigned>(std::min<size_t>(text.size(), UINT32_MAX)), 0, scratch,
        [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* c) -> int {
          auto* x = static_cast<Ctx*>(c);
          const auto& ss = *x->sentences;
          size_t at = to == 0 ? 0 : static_cast<size_t>(to) - 1;
          while (x->cursor + 1 < ss.size() && ss[x->cursor + 1].begin <= at) ++x->cursor;
          (*x->out)[x->cursor] |= x->self->groups_[id];
          return 0;
        },
        &ctx);
    return out;
  }

 private:
  CueScanner() {
    std::vector<std::string> lits;
    auto add = [&](const char* const* b, const char* const* e, uint32_t g) {
      for (auto p = b; p != e; ++p) {
        lits.emplace_back(*p);
        groups_.push_back(g);
      }
    };
    add(std::begin(kOrgPhrases), std::end(kOrgPhrases), kOrg);
    add(std::begin(kTargetCues), std::end(kTargetCues), kTarget);
    add(std::begin(kAttributionCues), std::end(kAttributionCues), kAttribution);
    add(std::begin(kStrongConfidence), std::end(kStrongConfidence), kStrong);
    add(std::begin(kDenialCues), std::end(kDenialCues), kDenial);
    add(std::begin(kTitleWords), std::end(kTitleWords), kTitle);
    std::vector<const char*> exprs;
    std::vector<size_t> lens;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < lits.size(); ++i) {
      exprs.push_back(lits[i].c_str());
      lens.push_back(lits[i].size());
      flags.push_back(HS_FLAG_CASELESS);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    hs_database_t* db = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                             nullptr, &db, &err) == HS_SUCCESS)
      db_ = VectorscanDb(db);
    else
      hs_free_compile_error(err);
  }
  VectorscanDb db_;
  std::vector<uint32_t> groups_;
};

}  // namespace

Events find_events(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<EntityMention>& mentions,
                   const KnowledgeBase& kb) {
  Events ev;
  std::string subject_country;  // the country the article has been talking about ("its foreign ministry")
  // Every rule needs its cue in the sentence: one scan of the text says which sentences have which.
  std::vector<uint32_t> masks = CueScanner::get().masks(text, sentences);
  std::vector<std::vector<const EntityMention*>> by_sentence(sentences.size());
  for (const auto& m : mentions)
    if (m.sentence < by_sentence.size()) by_sentence[m.sentence].push_back(&m);
  for (size_t si = 0; si < sentences.size(); ++si) {
    const Sentence& s = sentences[si];
    const uint32_t mask = masks[si];
    std::string_view st = text.substr(s.begin, s.end - s.begin);
    auto toks = (mask & kTitle) ? tokenize(st, s.begin) : std::vector<Tok>{};  // people need a title word
    std::string lower = mask ? ascii_lower(st) : std::string();
    const std::vector<const EntityMention*>& here = by_sentence[si];
    auto span = [&](size_t b, size_t e) { return Span{si, b, e}; };
    std::vector<std::string> countries;
    for (const auto* m : here)
      if (m->kind == EntityKind::Country) countries.push_back(m->ids.front());
    if (!countries.empty()) subject_country = countries.front();

    // ---- People ----
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
      p.evidence = span(toks[eb].begin, toks[ee].end);
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

    // ---- Organizations by pattern ----
    struct OrgPattern {
      const char* phrase;
      const char* name;
      const char* kind;
    };
    static const OrgPattern orgs[] = {
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
    for (const auto& o : orgs) {
      if (!(mask & kOrg)) break;
      size_t pos = 0;
      while ((pos = lower.find(o.phrase, pos)) != std::string::npos) {
        size_t b = s.begin + pos, e = b + std::strlen(o.phrase);
        size_t at = pos;
        pos += std::strlen(o.phrase);
        // Whole words only: "parliament" is not in "parliamentarians".
        if ((at > 0 && ascii::is_alpha(static_cast<unsigned char>(lower[at - 1]))) ||
            (pos < lower.size() && ascii::is_alpha(static_cast<unsigned char>(lower[pos])) && lower[pos] != 's'))
          continue;
        if (pos + 1 < lower.size() && lower[pos] == 's' && ascii::is_alpha(static_cast<unsigned char>(lower[pos + 1]))) continue;
        if (std::string(o.kind) == "government" && lower.compare(pos - std::strlen(o.phrase), 0, "") == 0 && pos < lower.size() &&
            ascii::is_alpha(static_cast<unsigned char>(lower[pos])))
          continue;
        Organization org;
        org.name = o.name;
        org.kind = o.kind;
        org.evidence = span(b, e);
        // The owner: a country written just before ("Czech", "China's"), or "of <Country>" after.
        const EntityMention* owner = nullptr;
        for (const auto* m : here)
          if (m->kind == EntityKind::Country && m->end <= b && b - m->end <= 12) owner = m;
        if (!owner)
          for (const auto* m : here)
            if (m->kind == EntityKind::Country && m->begin >= e && m->begin - e <= 5 && lower.compare(e - s.begin, 4, " of ") == 0) owner = m;
        auto earlier = std::find_if(ev.organizations.begin(), ev.organizations.end(),
                                    [&](const Organization& x) { return x.name == o.name && x.kind != "embassy"; });
        if (owner) org.country = owner->ids.front();
        else if (earlier != ev.organizations.end() && std::string(o.kind) != "embassy") org.country = earlier->country;
        else if (lower.compare(pos - std::strlen(o.phrase) >= 4 ? pos - std::strlen(o.phrase) - 4 : 0, 4, "its ") == 0) org.country = subject_country;
        else if (std::string(o.kind) != "embassy") org.country = subject_country;
        // "embassy in Prague": where it is.
        if (std::string(o.kind) == "embassy")
          for (const auto* m : here)
            if (m->kind == EntityKind::Country && m->begin >= e && m->begin - e <= 5 && lower.compare(e - s.begin, 4, " in ") == 0)
              org.located = m->ids.front();
        if (org.country.empty()) continue;
        bool dup = std::any_of(ev.organizations.begin(), ev.organizations.end(), [&](const Organization& x) {
          return x.name == org.name && x.country == org.country && x.located == org.located;
        });
        if (!dup) ev.organizations.push_back(std::move(org));
      }
    }

    // ---- Victims and affected systems ----
    static const char* target_cues[] = {"against", "targeting", "targeted", "breach", "breached", "compromised", "attack on",
                                        "hack of", "intrusion at", "infiltrat", "hacked", "accessed", "reached", "infect",
                                        "attack to", "intrusion", "espionage"};
    bool targeted = (mask & kTarget) &&
                    std::any_of(std::begin(target_cues), std::end(target_cues), [&](const char* c) { return lower.find(c) != std::string::npos; });
    if (targeted) {
      std::vector<std::string> systems;
      static const char* heads[] = {"network", "email system", "mail server", "servers", "systems", "mailboxes",
                                    "email accounts", "database", "portal"};
      for (const char* h : heads) {
        size_t p = lower.find(std::string(" ") + h);
        if (p == std::string::npos) continue;
        // Up to three modifier words before the head ("unclassified communication network").
        size_t b = p;
        int words = 0;
        while (b > 0 && words < 3) {
          size_t q = lower.rfind(' ', b - 1);
          std::string w = lower.substr(q == std::string::npos ? 0 : q + 1, b - (q == std::string::npos ? 0 : q + 1));
          // Modifiers are adjectives and nouns: stop at function words, possessives, and verb forms
          // (-ing, and -ed unless a known adjective such as "unclassified").
          static const char* stops[] = {"its", "the", "an", "a", "of", "in", "on", "all", "as", "for", "to", "by", "with",
                                        "at", "from", "and", "or", "their", "his", "her", "our", "into"};
          static const char* ed_adjectives[] = {"unclassified", "classified", "isolated", "segmented", "shared", "connected", "air-gapped", "restricted"};
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
        std::string phrase = trim(std::string(st.substr(b, p + 1 + std::strlen(h) - b)));
        bool known = std::any_of(systems.begin(), systems.end(), [&](const std::string& x) { return iequals(x, phrase); });
        if (!known) systems.push_back(phrase);
      }
      std::string activity;
      struct Kind { const char* cue; const char* kind; };
      static const Kind kinds[] = {{"espionage", "espionage"}, {"spying", "espionage"}, {"ransomware", "ransomware"},
                                   {"encrypted", "ransomware"}, {"exfiltrat", "data theft"}, {"stole", "data theft"},
                                   {"stolen", "data theft"}, {"data theft", "data theft"}, {"ddos", "ddos"},
                                   {"denial-of-service", "ddos"}, {"supply-chain", "supply chain"}, {"supply chain", "supply chain"},
                                   {"wiper", "wiper"}, {"destructive", "wiper"}};
      for (const auto& k : kinds)
        if (lower.find(k.cue) != std::string::npos) { activity = k.kind; break; }
      bool victim_here = false;
      for (const auto& org : ev.organizations)
        if (org.evidence.sentence == si && org.kind != "embassy" && org.kind != "government") {
          victim_here = true;
          Victim v;
          v.name = org.name;
          v.country = org.country;
          v.systems = systems;
          v.activity = activity;
          v.evidence = span(s.begin, s.end);
          bool dup = std::any_of(ev.victims.begin(), ev.victims.end(), [&](const Victim& x) { return x.name == v.name && x.country == v.country; });
          if (!dup) ev.victims.push_back(std::move(v));
          else
            for (auto& x : ev.victims)
              if (x.name == v.name && x.country == v.country) {
                for (const auto& sys : systems)
                  if (std::find(x.systems.begin(), x.systems.end(), sys) == x.systems.end()) x.systems.push_back(sys);
                if (x.activity.empty()) x.activity = activity;
              }
        }
      // Systems and the kind of activity named without the organization belong to the main victim.
      if (!victim_here && !ev.victims.empty()) {
        Victim& main = ev.victims.front();
        for (const auto& sys : systems)
          if (std::find(main.systems.begin(), main.systems.end(), sys) == main.systems.end()) main.systems.push_back(sys);
        if (main.activity.empty()) main.activity = activity;
      }
    }

    // ---- Attribution ----
    static const char* attribution_cues[] = {"attributed", "attribute", "blamed", "accused", "linked to", "tied to", "behind",
                                             "responsible for", "carried out by", "conducted by", "operated by", "sponsored",
                                             "state-backed", "working for", "works for", "on behalf of", "named", "identified"};
    bool attributive = (mask & kAttribution) && std::any_of(std::begin(attribution_cues), std::end(attribution_cues),
                                                            [&](const char* c) { return lower.find(c) != std::string::npos; });
    std::vector<const EntityMention*> actors_here;
    for (const auto* m : here)
      if (m->kind == EntityKind::Actor) actors_here.push_back(m);
    if (attributive && !actors_here.empty()) {
      Attribution a;
      for (const auto* m : actors_here)
        if (std::find(a.actors.begin(), a.actors.end(), m->ids.front()) == a.actors.end()) a.actors.push_back(m->ids.front());
      size_t first_actor = actors_here.front()->begin;
      for (const auto* m : here) {
        if (m->kind == EntityKind::Agency) {
          const Agency* g = kb.agency(m->ids.front());
          bool intel = g && (g->kind == "intelligence" || g->kind == "military");
          // Intelligence bodies after the actor, or owned by another country, are sponsors; bodies
          // before the actor are the ones attributing.
          const Actor* act = kb.actor(a.actors.front());
          bool actors_country = g && act && g->country == act->country;
          if (intel && (m->begin > first_actor || actors_country) && actors_country) a.sponsor_agencies.push_back(g->id);
          else if (m->begin < first_actor) a.attributors.push_back(m->ids.front());
        } else if (m->kind == EntityKind::Country) {
          // The sponsor is written as one: "Chinese state-sponsored", "China's ministry", "sponsored
          // by China", or as the object of an accusation ("accused the Chinese government").
          // A country before the actor that is none of these is the one attributing.
          std::string after = ascii_lower(text.substr(m->end, std::min<size_t>(32, text.size() - m->end)));
          std::string before = ascii_lower(text.substr(m->begin >= 24 ? m->begin - 24 : 0, std::min<size_t>(m->begin, 24)));
          bool accused = before.find("accused") != std::string::npos || before.find("blamed") != std::string::npos ||
                         before.find("charged") != std::string::npos || before.find("condemned") != std::string::npos;
          bool sponsor_form = accused || after.rfind(" state", 0) == 0 || after.rfind("-backed", 0) == 0 ||
                              after.rfind("-linked", 0) == 0 || after.rfind("-based", 0) == 0 || after.rfind("'s ministry", 0) == 0 ||
                              after.rfind("\xe2\x80\x99s ministry", 0) == 0 || after.rfind(" government of sponsor", 0) == 0 ||
                              before.find("sponsored by") != std::string::npos || before.find("backed by") != std::string::npos;
          if (sponsor_form) {
            if (a.sponsor_state.empty()) a.sponsor_state = m->ids.front();
          } else if (m->begin < first_actor && !after.empty() && (after.rfind("'s ", 0) == 0 || after.rfind("\xe2\x80\x99s ", 0) == 0)) {
            // A possessive ("China's ambassador") modifies a noun; it is not the one attributing.
          } else if (m->begin < first_actor &&
                     std::find(a.attributors.begin(), a.attributors.end(), m->ids.front()) == a.attributors.end()) {
            a.attributors.push_back(m->ids.front());
          }
        }
      }
      // "The government attributed ...": the government of the article's victim.
      if (a.attributors.empty() && !ev.victims.empty() &&
          (lower.find("government") < s.end - s.begin || lower.find("authorities") != std::string::npos ||
           lower.find("officials") != std::string::npos) &&
          lower.find("government") < lower.find(ascii_lower(actors_here.front()->text)))
        a.attributors.push_back(ev.victims.front().country);
      if (a.sponsor_state.empty() && !a.sponsor_agencies.empty())
        if (const Agency* g = kb.agency(a.sponsor_agencies.front())) a.sponsor_state = g->country;
      static const char* confidence[] = {"high degree of certainty", "high confidence", "moderate confidence", "low confidence",
                                         "with confidence", "almost certainly", "highly likely", "likely", "suspected", "believed to",
                                         "assessed", "reportedly", "allegedly", "linked to", "possibly"};
      for (const char* c : confidence)
        if (lower.find(c) != std::string::npos) { a.confidence = c; break; }
      a.evidence = span(s.begin, s.end);
      ev.attributions.push_back(std::move(a));
    }

    // A later sentence may state the attribution's confidence ("officials are highly confident of
    // Moscow's part in it"): it completes the attribution whose sponsor or actor it names.
    if ((mask & kStrong) && !ev.attributions.empty() && ev.attributions.back().evidence.sentence != si) {
      static const char* strong[] = {"high degree of certainty", "high confidence", "moderate confidence", "low confidence", "almost certainly"};
      for (const char* c : strong)
        if (lower.find(c) != std::string::npos) {
          Attribution& last = ev.attributions.back();
          bool names_it = false;
          for (const auto* m : here)
            names_it |= (m->kind == EntityKind::Country && m->ids.front() == last.sponsor_state) ||
                        (m->kind == EntityKind::Actor && std::find(last.actors.begin(), last.actors.end(), m->ids.front()) != last.actors.end());
          if (names_it && (last.confidence.empty() || last.confidence == "reportedly" || last.confidence == "linked to")) last.confidence = c;
          break;
        }
    }

    // ---- Denials ----
    static const char* denial_cues[] = {"denied", "denies", "deny", "rejected the accusation", "rejected the claim", "rejected the allegation",
                                        "groundless", "baseless", "unfounded", "dismissed the accusation", "dismissed the claim",
                                        "refuted", "smear", "opposes all forms", "staunch opponent"};
    for (const char* c : denial_cues) {
      if (!(mask & kDenial)) break;
      size_t p = lower.find(c);
      if (p == std::string::npos) continue;
      Denial d;
      // The denier: a country or body written before the cue (the Chinese Embassy, Beijing).
      // The denier is the sentence's subject: the first country or body named before the cue.
      for (const auto* m : here)
        if ((m->kind == EntityKind::Country || m->kind == EntityKind::Agency) && m->begin < s.begin + p) {
          d.who = m->ids.front();
          break;
        }
      if (d.who.empty()) continue;
      size_t end = std::min(st.size(), p + 60);
      size_t stop = st.find_first_of(",.;", p + std::strlen(c));
      if (stop != std::string_view::npos && stop < end) end = stop;
      d.wording = trim(std::string(st.substr(p, end - p)));
      d.evidence = span(s.begin, s.end);
      ev.denials.push_back(std::move(d));
      break;
    }
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
