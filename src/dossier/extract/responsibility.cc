#include "dossier/extract/responsibility.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "dossier/util/ascii.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

const char* const kResponsibility[] = {"attributed", "attribute", "blamed", "behind", "responsible", "claimed", "claims",
                                       "carried out by", "conducted by", "linked to", "tied to", "tracked as", "known as",
                                       "accused", "deployed", "operated by", "affiliate", "was used", "used by", "gang",
                                       "group", "operators", "hackers", "threat actor", "crew", "cartel", "leak site",
                                       "posted", "listed", "ransom", "exploiting", "exploited", "demanded", "negotiat",
                                       // naming the actor of this activity: "FireEye tracks the operator as UNC2452",
                                       // "most researchers call it Sandworm", "affiliated with Lapsus$"
                                       " tracks ", " tracked ", " call it ", " calls it ", " dubbed ", "designation",
                                       "affiliated with", "-linked"};
const char* const kHarm[] = {"attack", "breach", "ransomware", "hack", "compromis", "intrusion", "encrypt", "stole",
                             "exfiltrat", "leak", "extort", "target", "exploit", "backdoor", "malware", "wiper", "espionage"};
const char* const kBackground[] = {" after ", "earlier", "previous", "last year", "successor", "predecessor", "rebrand",
                                   "similar", " like ", "prior", "months ago", "years ago", "formerly", "once ", "history",
                                   "also known for", "resembl", "comparison", "unlike", "same group that"};

template <size_t N>
bool any_of(const std::string& s, const char* const (&cues)[N]) {
  return std::any_of(std::begin(cues), std::end(cues), [&](const char* c) { return s.find(c) != std::string::npos; });
}

// A name written as a product ("SolarWinds' Orion platform", "the Orion software"): the name of
// malware it shares is not meant.
bool written_as_product(std::string_view text, const EntityMention& m) {
  static const char* const product[] = {" platform", " software", " server", " servers", " product", " network management",
                                        " appliance", " app ", " application", " update", " client", " suite", " library",
                                        " version", " build"};
  std::string after = " " + ascii_lower(text.substr(m.end, std::min<size_t>(24, text.size() - m.end)));
  bool product_after = std::any_of(std::begin(product), std::end(product), [&](const char* p) { return after.rfind(p, 0) == 0; });
  bool possessive_before = m.begin >= 2 && (text.substr(m.begin - 2, 2) == "' " || text.substr(m.begin - 3, 3) == "'s " ||
                                            (m.begin >= 5 && text.substr(m.begin - 5, 5) == "\xe2\x80\x99s "));
  // "SolarWinds Orion": a capitalised word just before, in the same phrase, names the vendor.
  size_t k = m.begin;
  while (k > 0 && text[k - 1] == ' ') --k;
  size_t w = k;
  while (w > 0 && ascii::is_alpha(static_cast<unsigned char>(text[w - 1]))) --w;
  // A month or a weekday before it is a date ("On 1 February LockBit offered").
  static const char* const calendar[] = {"january", "february", "march", "april", "may", "june", "july", "august",
                                         "september", "october", "november", "december", "monday", "tuesday", "wednesday",
                                         "thursday", "friday", "saturday", "sunday", "jan", "feb", "mar", "apr", "jun",
                                         "jul", "aug", "sep", "sept", "oct", "nov", "dec"};
  const std::string before_word = ascii_lower(text.substr(w, k - w));
  bool date_before = std::any_of(std::begin(calendar), std::end(calendar), [&](const char* c) { return before_word == c; });
  bool vendor_before = w < k && k < m.begin && ascii::is_upper(static_cast<unsigned char>(text[w])) &&
                       !(w >= 2 && (text[w - 2] == '.' || text[w - 1] == '\n')) && w > 0 &&
                       !is_stop_word(before_word) && !date_before;
  return product_after || possessive_before || vendor_before;
}

// The KB id a mention names as an actor or a ransomware brand, if any.
std::string actor_id(const EntityMention& m, const KnowledgeBase& kb) {
  if (m.ids.empty()) return {};
  if (m.kind == EntityKind::Actor) {
    const Actor* a = named_actor(m, kb);
    return a ? a->id : std::string();
  }
  if (m.kind == EntityKind::Software && m.ids.size() == 1)
    if (names_ransomware(m, kb)) return m.ids.front();
  return {};
}

// States the text holds responsible in its own words, with or without a group's name: "blamed
// Russia for", "Russia was responsible", "on behalf of the Chinese government", "a North Korean
// nexus", "likely Russian in origin", "Russia's GRU", "PRC-sponsored", "Kremlin-backed"; and,
// in a sentence about state activity, "a China-based espionage actor". A state named before an
// attribution ("The UK blamed ...") is the one attributing, and one named as the place attacked
// ("an attack on Ukrainian ...") is neither.
std::vector<std::string> states_held_responsible(std::string_view text, const std::vector<Sentence>& sentences,
                                                 const std::vector<EntityMention>& mentions, const std::vector<std::string>& lower) {
  static const char* const strong_after[] = {"-sponsored", "-backed", "-nexus", " nexus", "-affiliated", " state-sponsored",
                                             " state hackers", " state actor", " state-backed", " government hackers",
                                             " government-backed", " military intelligence", " intelligence service",
                                             "'s gru", "'s svr", "'s fsb", "'s mss", "'s military", "'s foreign intelligence",
                                             "\xe2\x80\x99s gru", "\xe2\x80\x99s svr", "\xe2\x80\x99s fsb", "\xe2\x80\x99s mss",
                                             " was responsible", " was behind", " is behind", " were behind", " in origin",
                                             " state-linked", "-linked state", " nation-state", " hackers working for",
                                             " government-linked", " government-sponsored", " intelligence services"};
  static const char* const weak_after[] = {"-based", "-linked", " linked", "-aligned", " hackers", " actor", " actors",
                                           " threat actor", " apt", " espionage", " cyberespionage", " spies"};
  static const char* const before[] = {"blamed ", "attributed to ", "attributed it to ", "attributes it to ", "attributed the attack to ",
                                       "on behalf of ", "on behalf of the ", "working for ", "working for the ", "sponsored by ",
                                       "sponsored by the ", "backed by ", "backed by the ", "accused ", "responsibility to ",
                                       "pointed the finger at "};
  static const char* const weak_before[] = {" from ", "groups in ", "actors in ", "hackers in ", "operators in "};
  static const char* const state_context[] = {"state", "espionage", "government", "nation", "military", "intelligence", "apt",
                                              "nexus", "spy", "spies", "sponsor"};
  std::vector<std::string> out;
  const EntityMention* last = nullptr;  // the last state held responsible
  for (const auto& m : mentions) {
    if (m.kind != EntityKind::Country || m.ids.size() != 1 || m.sentence >= sentences.size() || sentences[m.sentence].heading) continue;
    std::string after = ascii_lower(text.substr(m.end, std::min<size_t>(40, text.size() - m.end)));
    size_t from = m.begin >= 40 ? m.begin - 40 : 0;
    std::string prior = ascii_lower(text.substr(from, m.begin - from));
    auto starts = [&](const char* c) { return after.rfind(c, 0) == 0; };
    auto ends = [&](const char* c) {
      std::string_view cv(c);
      return prior.size() >= cv.size() && prior.compare(prior.size() - cv.size(), cv.size(), cv) == 0;
    };
    bool strong = std::any_of(std::begin(strong_after), std::end(strong_after), starts) ||
                  std::any_of(std::begin(before), std::end(before), ends);
    bool weak = (std::any_of(std::begin(weak_after), std::end(weak_after), starts) ||
                 std::any_of(std::begin(weak_before), std::end(weak_before), ends)) &&
                any_of(lower[m.sentence], state_context);
    // Listed after a state already held responsible: "from China (HAFNIUM) and Iran".
    bool listed = false;
    if (last && last->sentence == m.sentence && last->end <= m.begin) {
      std::string gap;
      int depth = 0;
      for (char c : ascii_lower(text.substr(last->end, m.begin - last->end))) {
        if (c == '(') ++depth;
        else if (c == ')') --depth;
        else if (depth == 0) gap += c;
      }
      listed = gap == " and " || gap == ", " || gap == ", and " || gap == " or " || gap == "  and " || gap == " as well as ";
    }
    if (!(strong || weak || listed) || any_of(lower[m.sentence], kBackground)) continue;
    last = &m;
    if (std::find(out.begin(), out.end(), m.ids.front()) == out.end()) out.push_back(m.ids.front());
  }
  return out;
}

}  // namespace

void find_responsibility(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<EntityMention>& mentions,
                         const KnowledgeBase& kb, Events& events) {
  std::map<std::string, double> score;
  std::vector<std::string> order;  // first mention first, for ties
  std::set<size_t> attributing;
  for (const auto& a : events.attributions) attributing.insert(a.evidence.sentence);
  std::vector<std::string> lower(sentences.size());
  for (size_t i = 0; i < sentences.size(); ++i) lower[i] = " " + ascii_lower(text.substr(sentences[i].begin, sentences[i].end - sentences[i].begin)) + " ";
  // A name the text writes as a product once ("SolarWinds' Orion platform") is the product
  // everywhere in it ("legitimate Orion communications").
  std::set<std::string> products;
  for (const auto& m : mentions)
    if (std::string id = actor_id(m, kb); !id.empty() && written_as_product(text, m)) products.insert(id);
  std::set<std::pair<std::string, size_t>> counted;  // (actor, sentence): one score per sentence
  for (const auto& m : mentions) {
    std::string id = actor_id(m, kb);
    if (products.count(id)) continue;
    if (id.empty() || m.sentence >= sentences.size() || !counted.insert({id, m.sentence}).second) continue;
    if (std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);
    const std::string& l = lower[m.sentence];
    double w = 0.5;  // named in passing
    // About another incident when the cue comes before the name ("after an attack by X last
    // year"), not after it ("X demanded a ransom after the company declined").
    size_t at = m.begin - sentences[m.sentence].begin + 1;  // in " sentence "
    bool background = std::any_of(std::begin(kBackground), std::end(kBackground), [&](const char* c) {
      size_t f = l.find(c);
      return f != std::string::npos && f < at;
    });
    if (background) w = 0;
    else if (attributing.count(m.sentence) || any_of(l, kResponsibility)) w = 3;
    else if (any_of(l, kHarm)) w = 2;
    if (sentences[m.sentence].heading && w > 0) w = std::max(w, 1.0);
    score[id] += w;
  }
  double best = 0;
  for (const auto& [id, s] : score) best = std::max(best, s);
  // The only actor the article names outside background, in a sentence about the attack, is the
  // one it reports as responsible even without an attributing word.
  const size_t named = std::count_if(score.begin(), score.end(), [](const auto& e) { return e.second > 0; });
  const double needed = named == 1 ? 2 : 3;
  std::vector<std::string> responsible;
  for (const auto& id : order)
    if (score[id] >= needed && score[id] >= 0.4 * best) responsible.push_back(id);
  std::stable_sort(responsible.begin(), responsible.end(), [&](const std::string& a, const std::string& b) { return score[a] > score[b]; });
  events.responsible = responsible;

  // Sponsor states: as the attributions word them, and the KB's sponsor (or origin) of a
  // responsible group when the text names that country.
  std::set<std::string> named_countries;
  for (const auto& m : mentions)
    if (m.kind == EntityKind::Country && m.ids.size() == 1) named_countries.insert(m.ids.front());
  std::vector<std::string> states;
  for (const auto& code : states_held_responsible(text, sentences, mentions, lower)) states.push_back(code);
  for (const auto& a : events.attributions)
    if (!a.sponsor_state.empty() && std::find(states.begin(), states.end(), a.sponsor_state) == states.end()) states.push_back(a.sponsor_state);
  for (const auto& id : responsible)
    if (const Actor* a = kb.actor(id)) {
      const std::string& state = !a->sponsor_state.empty() ? a->sponsor_state : a->country;
      if (!state.empty() && named_countries.count(state) && std::find(states.begin(), states.end(), state) == states.end())
        states.push_back(state);
    }
  events.sponsor_states = states;
}

}  // namespace dossier
