#include "dossier/extract/victims.h"

#include <utf8proc.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "dossier/util/ascii.h"
#include "dossier/util/cues.h"
#include "dossier/util/fold.h"
#include "dossier/util/text.h"
#include "dossier/util/tokens.h"

namespace dossier {
namespace {

struct Word {
  std::string_view text;
  std::string lower;
  size_t begin, end;
  bool cap = false;      // capitalised, or a brand with a capital ("3CX", "eBay")
  bool covered = false;  // inside a KB actor, software or agency mention
  bool country = false;  // inside a country mention ("British", "Australia")
  bool word = true;      // false for a punctuation mark
  bool software = false; // inside a KB software mention only ("Royal" of "Royal Mail")
};

bool capitalised(std::string_view w) {
  auto c0 = static_cast<unsigned char>(w[0]);
  if (c0 < 0x80 && !ascii::is_digit(c0)) return ascii::is_upper(c0);
  utf8proc_int32_t cp = 0;
  if (utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(w.data()), static_cast<utf8proc_ssize_t>(w.size()), &cp) <= 0)
    return false;
  if (utf8proc_isupper(cp)) return true;
  // "3CX": digits then capitals.
  bool digit = ascii::is_digit(static_cast<unsigned char>(w[0]));
  return digit && std::any_of(w.begin(), w.end(), [](char c) { return ascii::is_upper(static_cast<unsigned char>(c)); });
}

// Whether a word is in one of the lists below (a hashed set per list, built once).
template <const auto& List>
bool one_of(std::string_view w) {
  static const std::unordered_set<std::string_view> set(std::begin(List), std::end(List));
  return set.count(w) > 0;
}

// Participles of harm: "<Org> was breached", "hit by".
const char* const kHarmed[] = {"breached", "hacked", "hit", "attacked", "compromised", "targeted", "disrupted", "infiltrated",
                               "struck", "crippled", "extorted", "encrypted", "impacted", "affected", "paralysed", "paralyzed"};
// What an attacker does to a victim: "hackers breached <Org>", "compromising <Org>'s networks".
const char* const kHarming[] = {"breached", "hacked", "hit", "attacked", "compromised", "targeted", "infiltrated", "struck",
                                "crippled", "disrupted", "extorted", "breaching", "hacking", "hitting", "attacking",
                                "compromising", "targeting", "infiltrating", "striking", "crippling", "disrupting", "penetrated"};
// The harm as a noun: "an attack on <Org>", "the <Org> breach".
const char* const kHarmNouns[] = {"attack", "attacks", "cyberattack", "cyber-attack", "breach", "breaches", "intrusion", "hack",
                                  "incident", "compromise", "ransomware", "outage", "extortion", "infection", "cyberattacks",
                                  "ransom"};
const char* const kAuxiliaries[] = {"was", "were", "is", "are", "has", "have", "had", "been", "being", "also", "reportedly",
                                    "itself", "later", "allegedly", "recently", "then", "first", "getting", "got", "particularly",
                                    "badly", "severely", "hard", "seriously", "heavily", "apparently", "possibly"};
const char* const kDisclosed[] = {"disclosed", "confirmed", "reported", "suffered", "experienced", "detected", "discovered",
                                  "announced", "revealed", "acknowledged", "admitted", "notified", "identified", "fell"};
const char* const kFindings[] = {"reported", "detected", "discovered", "revealed", "identified", "announced"};
const char* const kSaid[] = {"said", "says", "told"};
// Words opening an appositive after a name: "<Org>, which ...", "<Org>, a subsidiary of ...".
const char* const kAppositive[] = {"which", "a", "an", "the", "one", "whose", "who"};
// What a harmed organisation had to do: "shut down", "halted", "lost", "took ... offline".
const char* const kConsequences[] = {"shut", "halted", "halts", "closed", "suspended", "lost", "took", "taken", "pulled",
                                     "paid", "pays", "refused", "forced", "declined",
                                     "isolated", "disconnected", "postponed", "cancelled", "canceled", "diverted",
                                     "struggled", "struggling", "restored", "restoring", "recovering", "recovered"};
// Taking data away: "stolen from <Org>".
const char* const kTaken[] = {"stole", "stolen", "stealing", "exfiltrated", "leaked", "dumped", "took", "taken", "downloaded",
                              "siphoned", "swiped", "copied", "obtained"};
// Words between a possessive and the asset: "<Org>'s nearly 4,000 employees".
const char* const kAssetModifiers[] = {"nearly", "about", "some", "more", "than", "over", "around", "own", "entire",
                                       "internal", "corporate", "computer", "it", "payroll", "customer", "online"};
// The organisation's own people: "customers of <Org>".
const char* const kPeopleOf[] = {"customers", "users", "clients", "subscribers", "employees", "staff", "patients",
                                 "members", "students", "policyholders", "passengers", "account"};
// Nouns that list victims, and the verbs that join the list to them.
const char* const kVictimNouns[] = {"victim", "victims", "casualty", "casualties", "targets", "target"};
const char* const kBeOrInclude[] = {"was", "were", "is", "are", "include", "included", "includes", "including", "among"};
const char* const kAssets[] = {"network", "networks", "systems", "system", "servers", "data", "customers", "employees",
                               "infrastructure", "email", "website", "services", "operations", "stores", "databases",
                               "database", "accounts", "records", "computers", "pipeline", "it", "environment", "staff"};
// Sentence cues of harm, for possessives ("<Org>'s systems" in a sentence about the attack).
const char* const kHarmCues[] = {"attack", "breach", "ransomware", "hack", "compromis", "intrusion", "encrypt", "stolen",
                                 "exfiltrat", "leak", "outage", "offline", "incident", "malicious", "malware", "disrupt",
                                 "knocked out", "wiper", "extort", "stole", "theft", "sabotage", "tamper", "phish",
                                 "scam", "fraud", "stopped working", "went down", "crashed",
                                 // the same in the other languages of the news: de, fr, es, it, pt, nl, cs, pl
                                 "angriff", "störung", "erpress", "attaque", "piratage", "rançongiciel", "ataque",
                                 "ciber", "attacco", "aanval", "útok", "napaden", "atak", "włam"};
// Sentence cues of an earlier, other incident.
const char* const kBackground[] = {" after ", "earlier", "previous", "last year", "recent", "similar", " comes ", "follows",
                                   "following", " like ", "prior", "months ago", "years ago", " also "};
// Firms and agencies that investigate and report: a victim only when the text says they were hit.
const char* const kResponders[] = {"mandiant", "crowdstrike", "huntress", "sophos", "eset", "kaspersky", "symantec",
                                   "sentinelone", "bitdefender", "advintel", "group-ib", "ioactive", "trendmicro",
                                   "positive technologies", "virustotal", "akamai", "malwarebytes", "avast", "mcafee", "f-secure",
                                   "fortinet", "zscaler", "lookout", "netscout", "arbor networks", "imperva", "radware", "palo alto networks", "unit 42", "recorded future", "check point",
                                   "trend micro", "talos", "secureworks", "proofpoint", "dragos", "emsisoft", "darktrace",
                                   "volexity", "rapid7", "tenable", "trellix", "bleepingcomputer", "reuters", "fbi", "cisa",
                                   "ncsc", "europol", "interpol", "police"};
// Words after a name that make it a product, not an organisation ("Exchange servers", "VSA software").
const char* const kProductNext[] = {"server", "servers", "software", "appliance", "appliances", "platform", "app", "application",
                                    "client", "clients", "version", "versions", "vulnerability", "vulnerabilities", "flaw",
                                    "flaws", "bug", "instance", "instances", "product", "products", "agent", "update",
                                    "updates", "devices", "device", "framework", "plugin", "module", "desktop"};
// What a vendor does about its product: "<Org> patched", "<Org> released a fix".
const char* const kVendorNext[] = {"patched", "fixed", "released", "issued", "shipped", "published", "pushed", "patches",
                                   "fixes", "releases", "issues", "ships", "publishes", "pushes", "addresses", "addressed",
                                   "warns", "warned", "urges", "urged", "plugs", "plugged"};
const char* const kFixVerbs[] = {"patched", "fixed", "patches", "fixes", "plugs", "plugged"};
const char* const kFixes[] = {"patch", "patches", "fix", "fixes", "update", "updates", "hotfix", "advisory", "mitigations"};
// Words just before a name that make it a person ("ambassador Feng Biao"), an operation
// ("Operation Cronos") or a product ("a flaw in MOVEit Transfer", "pushed through Kaseya VSA").
const char* const kNotOrganisationBefore[] = {"ambassador", "minister", "president", "spokesperson", "spokesman", "spokeswoman",
                                              "chief", "ceo", "director", "officer", "secretary", "commissioner", "envoy",
                                              "researcher", "analyst", "operation", "flaw", "flaws", "vulnerability",
                                              "vulnerabilities", "bug", "bugs", "zero-day", "exploit", "exploited",
                                              "exploiting", "through", "via", "founder", "professor", "mr", "ms", "dr",
                                              "citizen", "national", "suspect", "resident", "hacker"};
// Words before a name that make it the product a flaw is in ("a vulnerability in MOVEit").
const char* const kFlawWords[] = {"flaw", "flaws", "vulnerability", "vulnerabilities", "bug", "bugs", "zero-day",
                                  "exploit", "exploited", "exploiting"};
// Words a capitalised run may start with that are not part of a name.
const char* const kLeading[] = {"the", "a", "an", "in", "on", "at", "after", "for", "when", "while", "by", "as", "but",
                                "and", "since", "before", "during", "with", "from", "meanwhile", "however", "both", "its",
                                "their", "his", "her", "our", "this", "that", "these", "those", "some", "all",
                                // articles and prepositions of the other languages of the news
                                "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "im", "am", "beim",
                                "le", "la", "les", "l", "un", "une", "du", "au", "aux", "el", "los", "las", "una", "del",
                                "il", "lo", "gli", "het", "een", "o", "os", "em", "na", "no", "ve", "v", "z"};
// Days and months, which a run of capitals may start with ("On 30 March Viasat said").
const char* const kDateWords[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                                  "february", "march", "april", "june", "july", "august", "september", "october",
                                  "november", "december", "beyond", "run"};
// Words that are never a victim's name on their own.
const char* const kNotNames[] = {"ceo", "cto", "ciso", "mr", "ms", "mrs", "dr", "chief", "president", "minister",
                                 "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                                 "february", "march", "april", "may", "june", "july", "august", "september", "october",
                                 "november", "december", "internet", "windows", "linux", "macos", "vpn", "it", "us", "uk",
                                 "eu", "key", "points", "update", "updates", "ransomware", "the", "i", "we", "they"};

// Byte spans no victim name may touch: indicators (CVE ids, file names, domains), sorted by start.
struct Spans {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t longest = 0;
};

std::vector<Word> words_of(std::string_view text, const Sentence& s, const std::vector<const EntityMention*>& here,
                           const Spans& excluded) {
  static constexpr TokenRules rules{"&.-", false, false, true, true, true};
  std::vector<Word> out;
  // Spans are sorted by their start, and none is longer than the longest one: those that can
  // touch this sentence start at most that far before it.
  size_t reach = excluded.longest;
  auto first_excluded = std::lower_bound(excluded.spans.begin(), excluded.spans.end(), std::make_pair(s.begin >= reach ? s.begin - reach : 0, size_t{0}));
  for_each_token(text.substr(s.begin, s.end - s.begin), rules, s.begin, [&](const Token& t) {
    if (!t.word && (t.text == "'" || t.text == "\xe2\x80\x99")) return;  // a possessive's apostrophe: its word follows
    Word w{t.text, ascii_lower(t.text), t.begin, t.end};
    w.word = t.word;
    w.cap = t.word && capitalised(t.text);
    for (const auto* m : here)
      if (t.begin >= m->begin && t.end <= m->end) {
        if (m->kind == EntityKind::Country) w.country = true;
        else if (m->kind == EntityKind::Software && !w.covered) w.covered = w.software = true;
        else if (m->kind != EntityKind::Sector) w.covered = true, w.software = false;
      }
    for (auto it = first_excluded; it != excluded.spans.end() && it->first < t.end; ++it)
      if (t.begin < it->second) w.covered = true;
    out.push_back(std::move(w));
  });
  return out;
}

// Only white space between two words.
bool adjacent(std::string_view text, const Word& a, const Word& b) {
  for (size_t k = a.end; k < b.begin; ++k)
    if (!ascii::is_space(static_cast<unsigned char>(text[k]))) return false;
  return true;
}

bool possessive_after(std::string_view text, size_t end) {
  return text.substr(end, 2) == "'s" || text.substr(end, 4) == "\xe2\x80\x99s";
}

struct Candidate {
  size_t b, e;  // word range
  std::string name;
  std::string folded;  // fold_name(name)
};

// Capitalised runs that can name an organisation.
// A single word that names a product, a file or a code, not an organisation: letters then digits
// ("Win32k", "Log4Shell"), or an ordinary word in capitals ("TRADER"), or a short acronym ("VSA").
bool product_like(const Word& w, const KnowledgeBase& kb) {
  std::string_view t = w.text;
  bool letter_first = !t.empty() && !ascii::is_digit(static_cast<unsigned char>(t[0]));
  bool has_digit = std::any_of(t.begin(), t.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); });
  if (letter_first && has_digit) return true;
  bool all_caps = std::none_of(t.begin(), t.end(), [](char c) { return ascii::is_lower(static_cast<unsigned char>(c)); });
  return all_caps && !has_digit && (t.size() <= 3 || kb.is_common_word(w.lower));
}

// "China-based", "state-backed": a compound adjective, no name.
bool adjective(std::string_view lower) {
  for (std::string_view tail : {"-based", "-linked", "-backed", "-sponsored", "-affiliated", "-speaking", "-style", "-owned"})
    if (lower.size() > tail.size() && lower.substr(lower.size() - tail.size()) == tail) return true;
  return false;
}

std::vector<Candidate> organisations(std::string_view text, const std::vector<Word>& w, const KnowledgeBase& kb,
                                     const std::set<std::string>& people) {
  std::vector<Candidate> out;
  size_t i = 0;
  // A software name that opens a longer name is part of it ("Royal Mail", "Conti Group").
  auto usable = [&](size_t k) {
    if (!w[k].covered) return true;
    return w[k].software && k + 1 < w.size() && w[k + 1].cap && !w[k + 1].covered && adjacent(text, w[k], w[k + 1]);
  };
  while (i < w.size()) {
    if (!w[i].cap || !usable(i)) {
      ++i;
      continue;
    }
    size_t b = i, e = i + 1;
    while (e < w.size() && adjacent(text, w[e - 1], w[e])) {
      if (w[e].cap && !w[e].covered && !possessive_after(text, w[e - 1].end)) {
        ++e;
        continue;
      }
      // "A, B and C" is a list, not one name.
      bool listed = b > 0 && w[b - 1].lower == ",";
      bool connector = w[e].lower == "of" || w[e].lower == "&" || (w[e].lower == "and" && !listed) || w[e].lower == "for";
      if (connector && e + 1 < w.size() && w[e + 1].cap && !w[e + 1].covered && adjacent(text, w[e], w[e + 1])) {
        e += 2;
        continue;
      }
      break;
    }
    i = e;
    while (b < e && (one_of<kLeading>(w[b].lower) || one_of<kDateWords>(w[b].lower))) ++b;
    if (b == e || e - b > 6) continue;
    // A country word alone is a place ("Australia"); before a name it is part of it ("British Library").
    if (w[e - 1].country || (e - b == 1 && w[b].country)) continue;
    if (e - b == 1 && (one_of<kNotNames>(w[b].lower) || w[b].lower.size() < 2 || product_like(w[b], kb) || adjective(w[b].lower)))
      continue;
    // A single ordinary word opening the sentence is just that ("Problems began ...").
    if (e - b == 1 && b == 0 && kb.is_common_word(fold_name(w[b].text))) continue;
    if (std::all_of(w.begin() + static_cast<long>(b), w.begin() + static_cast<long>(e),
                    [&](const Word& x) { return one_of<kNotNames>(x.lower); }))
      continue;
    bool excluded_before = false;
    for (size_t k = b; k-- > 0 && k + 3 >= b;) {
      if (one_of<kNotOrganisationBefore>(w[k].lower)) excluded_before = true;
      if (!w[k].word) break;  // a comma or full stop ends the context
    }
    if (excluded_before || one_of<kNotOrganisationBefore>(w[b].lower)) continue;
    // A product, not its vendor: "Exchange Server", "VSA servers".
    // "3CX's desktop app" names the vendor, which owns the product.
    if (one_of<kProductNext>(w[e - 1].lower) ||
        (e < w.size() && one_of<kProductNext>(w[e].lower) && !possessive_after(text, w[e - 1].end)))
      continue;
    std::string name(text.substr(w[b].begin, w[e - 1].end - w[b].begin));
    std::string folded = fold_name(name);
    if (people.count(folded)) continue;
    out.push_back(Candidate{b, e, std::move(name), std::move(folded)});
  }
  return out;
}

// Whether the sentence ties the organisation at words [b, e) to a harm.
bool harmed(const std::vector<Word>& w, size_t b, size_t e, const std::string& lower_sentence, bool responder, std::string_view text) {
  auto word = [&](size_t k) -> const std::string& {
    static const std::string none;
    return k < w.size() ? w[k].lower : none;
  };
  // "<Org>, which runs ..., was hit": the verb after an appositive is the name's.
  size_t after = e;
  if (word(e) == "," && e + 1 < w.size() && (one_of<kAppositive>(word(e + 1)))) {
    for (size_t j = e + 2; j < e + 30 && j < w.size(); ++j)
      if (word(j) == ",") {
        after = j + 1;
        break;
      }
  }
  // "<Org> was breached", "<Org> hit by".
  size_t k = after;
  while (k < after + 3 && one_of<kAuxiliaries>(word(k))) ++k;
  // "<Org> shut down its lines after a cyberattack", "<Org> lost remote monitoring in the attack":
  // what the organisation had to do, in a sentence whose harm follows.
  if (one_of<kConsequences>(word(k)) && !responder)
    for (size_t j = k + 1; j < k + 25 && j < w.size(); ++j) {
      if (one_of<kHarmNouns>(word(j)) || word(j) == "cyber") return true;
      // "... after its checkout systems stopped working / went down / crashed": the systems failed.
      if ((word(j) == "stopped" && word(j + 1) == "working") || (word(j) == "went" && (word(j + 1) == "down" || word(j + 1) == "offline")) ||
          word(j) == "crashed" || word(j) == "disruption" || word(j) == "outages")
        return true;
    }
  if (one_of<kHarmed>(word(k)) && (k > after || word(k + 1) == "by" || word(k + 1) == "in")) return true;
  // "<Org> has been the victim of", "<Org> was the target of".
  if (k > after && (word(k) == "the" || word(k) == "a") && (word(k + 1) == "victim" || word(k + 1) == "target")) return true;
  // "<Org> disclosed a breach", "<Org> suffered a ransomware attack".
  // A firm that investigates "reported" or "detected" ransomware on others' systems, not its own.
  bool reports_on_others = responder && one_of<kFindings>(word(k));
  if ((one_of<kDisclosed>(word(k)) && !reports_on_others) || (k > e && word(k) == "fell")) {
    for (size_t j = k + 1; j < k + 5 && j < w.size(); ++j)
      if (one_of<kHarmNouns>(word(j)) || word(j) == "unauthorized" || word(j) == "unauthorised" || word(j) == "victim") return true;
  }
  // "<Org> says a cyberattack ...": a firm that reports on others is not the victim of what it reports.
  if (!responder && one_of<kSaid>(word(after))) {
    for (size_t j = after + 1; j < after + 5 && j < w.size(); ++j)
      if (one_of<kHarmNouns>(word(j))) return true;
  }
  // "the <Org> breach", "the Colonial Pipeline attack" (not "<Org>'s breaches editor").
  if (possessive_after(text, w[e - 1].end)) {
  } else if (one_of<kHarmNouns>(word(e)) || (word(e) == "data" && word(e + 1) == "breach") ||
      (word(e) == "cyber" && (word(e + 1) == "attack" || word(e + 1) == "incident")))
    return true;
  // "<Org>'s networks", "<Org>'s nearly 4,000 employees" in a sentence about the attack.
  size_t asset = e;
  while (asset < e + 5 && asset < w.size() && !one_of<kAssets>(word(asset)) &&
         (one_of<kAssetModifiers>(word(asset)) || ascii::is_digit(static_cast<unsigned char>(word(asset)[0])) || word(asset) == ","))
    ++asset;
  if (possessive_after(text, w[e - 1].end) && one_of<kAssets>(word(asset)) &&
      std::any_of(std::begin(kHarmCues), std::end(kHarmCues), [&](const char* c) { return lower_sentence.find(c) != std::string::npos; }))
    return true;
  if (b == 0) return false;
  // "an attack on <Org>", "the breach at <Org>", "the hack of <Org>".
  const std::string& p1 = word(b - 1);
  if (p1 == "on" || p1 == "at" || p1 == "against" || p1 == "of" || p1 == "targeting" || p1 == "affecting" || p1 == "hitting") {
    for (size_t j = b - 1; j-- > 0 && j + 4 >= b;)
      if (one_of<kHarmNouns>(word(j)) || (word(j) == "incident")) return true;
    // "files encrypted at <Org>", "the systems of <Org>" in a sentence about the attack.
    bool harm_here = std::any_of(std::begin(kHarmCues), std::end(kHarmCues), [&](const char* c) { return lower_sentence.find(c) != std::string::npos; });
    if (harm_here && (p1 == "at" || p1 == "of"))
      for (size_t j = b - 1; j-- > 0 && j + 3 >= b;)
        if (one_of<kAssets>(word(j)) || word(j) == "files") return true;
  }
  // "stole data from <Org>", "files taken from <Org>".
  if (p1 == "from")
    for (size_t j = b - 1; j-- > 0 && j + 7 >= b;) {
      if (word(j) == "." || word(j) == ";") break;
      if (one_of<kTaken>(word(j))) return true;
    }
  // "hit hospitality chains <Org>": a harming verb, then only a common noun or two.
  for (size_t j = b - 1, n = 0; j-- > 0 && n < 2; ++n) {
    if (!w[j].word || w[j].cap) break;
    if (one_of<kHarming>(word(j))) return n > 0;
  }
  // "customers of <Org>" in a sentence about the attack: the organisation's own people were hit.
  if (p1 == "of" && b >= 2 && one_of<kPeopleOf>(word(b - 2)) &&
      std::any_of(std::begin(kHarmCues), std::end(kHarmCues), [&](const char* c) { return lower_sentence.find(c) != std::string::npos; }))
    return true;
  // "Among the casualties was <Org>", "the victims include <Org>", "targets included <Org>".
  for (size_t j = b; j-- > 0 && j + 8 >= b;) {
    if (!w[j].word && word(j) != ",") break;
    if (one_of<kVictimNouns>(word(j))) {
      for (size_t v = j + 1; v < b; ++v)
        if (one_of<kBeOrInclude>(word(v))) return true;
      break;
    }
  }
  // "affected institutions including A, B and <Org>", "victims such as <Org>".
  for (size_t j = b; j-- > 0 && j + 16 >= b;) {
    if (word(j) == "." || word(j) == ";") break;
    bool trigger = word(j) == "including" || word(j) == "include" || word(j) == "included" ||
                   (word(j) == "as" && j > 0 && word(j - 1) == "such");
    if (!trigger) continue;
    for (size_t k2 = j; k2-- > 0 && k2 + 8 >= j;)
      if (one_of<kHarmed>(word(k2)) || one_of<kVictimNouns>(word(k2)) || one_of<kHarmNouns>(word(k2))) return true;
    break;
  }
  // "hackers breached <Org>", "compromising <Org>'s networks".
  if (one_of<kHarming>(p1) || (p1 == "the" && b >= 2 && one_of<kHarming>(word(b - 2)))) return true;
  return false;
}

// A line about the author or the outlet ("X is Y's breaches editor", "covers security for Y"):
// page furniture, whatever it names.
const char* const kAboutTheAuthor[] = {" editor", "correspondent", "reporter", " covers ", "columnist", " writes about",
                                       "contributor", "all rights reserved", "newsletter"};

// The cue groups of every sentence, found by one scan of the text.
enum Cue : uint32_t { kCueHarm, kCueFlaw, kCueProduct, kCueVendor, kCueBio, kCueBackground, kCueHitTargeted };
constexpr uint32_t cue(Cue c) { return 1u << c; }

const CueSet& victim_cues() {
  static const CueSet cues({cue_group(kHarmCues), cue_group(kFlawWords), cue_group(kProductNext), cue_group(kVendorNext),
                            cue_group(kAboutTheAuthor), cue_group(kBackground), {" hit ", " hit,", "targeted"}});
  return cues;
}

// Each sentence's words and organisation candidates, computed once and read by every pass.
class Analyser {
 public:
  Analyser(std::string_view text, const std::vector<Sentence>& sentences, const std::vector<std::vector<const EntityMention*>>& by_sentence,
           const Spans& excluded, const KnowledgeBase& kb, const std::set<std::string>& people)
      : text(text), sentences(sentences), by_sentence_(by_sentence), excluded_(excluded), kb_(kb), people_(people),
        cache_(sentences.size()) {
    std::vector<size_t> begins;
    for (const auto& s : sentences) begins.push_back(s.begin);
    masks_ = victim_cues().find_in_spans(text, begins);
  }
  bool has(size_t si, Cue c) const { return masks_[si] & cue(c); }
  const std::vector<Word>& words(size_t si) {
    fill(si);
    return cache_[si].w;
  }
  const std::vector<Candidate>& candidates(size_t si) {
    fill(si);
    return cache_[si].cands;
  }
  // " sentence, lower-cased " (spaces around it, so that cues can be matched as words).
  const std::string& lower(size_t si) {
    auto& c = cache_[si];
    if (c.lower.empty()) c.lower = " " + ascii_lower(text.substr(sentences[si].begin, sentences[si].end - sentences[si].begin)) + " ";
    return c.lower;
  }

  std::string_view text;
  const std::vector<Sentence>& sentences;

 private:
  void fill(size_t si) {
    auto& c = cache_[si];
    if (c.done) return;
    c.w = words_of(text, sentences[si], by_sentence_[si], excluded_);
    c.cands = organisations(text, c.w, kb_, people_);
    c.done = true;
  }
  struct Cached {
    bool done = false;
    std::string lower;
    std::vector<Word> w;
    std::vector<Candidate> cands;
  };
  const std::vector<std::vector<const EntityMention*>>& by_sentence_;
  const Spans& excluded_;
  const KnowledgeBase& kb_;
  const std::set<std::string>& people_;
  std::vector<Cached> cache_;
  std::vector<uint32_t> masks_;
};

// Names the text uses for a product somewhere: a capitalised run followed by a product word ("MOVEit
// Transfer servers", "Exchange Server") or after a flaw ("a vulnerability in MOVEit"). Elsewhere
// the same name ("the MOVEit breach") is the product still, not an organisation.
std::set<std::string> products_of(Analyser& an) {
  std::string_view text = an.text;
  const auto& sentences = an.sentences;
  std::map<std::string, std::pair<std::string, size_t>> uses;  // folded name -> (a written form, uses as a product)
  for (size_t si = 0; si < sentences.size(); ++si) {
    if (sentences[si].heading || !(an.has(si, kCueFlaw) || an.has(si, kCueProduct))) continue;
    const auto& w = an.words(si);
    size_t i = 0;
    while (i < w.size()) {
      if (!w[i].cap) {
        ++i;
        continue;
      }
      size_t b = i;
      while (i < w.size() && w[i].cap && (i == b || adjacent(text, w[i - 1], w[i]))) ++i;
      bool after_flaw = false;
      for (size_t k = b; k-- > 0 && k + 3 >= b && w[k].word;)  // a comma or a semicolon ends the phrase
        after_flaw |= one_of<kFlawWords>(w[k].lower) || (w[k].lower == "in" && k > 0 && one_of<kFlawWords>(w[k - 1].lower));
      for (size_t e = b + 1; e <= i; ++e) {
        bool product_word_next = e < w.size() && one_of<kProductNext>(w[e].lower);
        bool last_is_product = one_of<kProductNext>(w[e - 1].lower);
        // A single name before a product word may be the vendor ("3CX desktop app"): only a flaw
        // before it, or a product word closing a longer name ("Exchange Server"), makes it a product.
        // "a flaw in Kaseya's VSA": the owner of the product, not the product.
        bool owner = e == i && possessive_after(text, w[e - 1].end);
        if ((product_word_next && e - b >= 2) || (after_flaw && e == i && !owner) || (last_is_product && e - b >= 2)) {
          size_t end = last_is_product && !product_word_next ? e - 1 : e;
          if (end > b) {
            std::string_view name = text.substr(w[b].begin, w[end - 1].end - w[b].begin);
            auto& u = uses[fold_name(name)];
            u.first = std::string(name);
            ++u.second;
          }
        }
      }
    }
  }
  // A name written as a product at least as often as it is written otherwise: "Kaseya VSA" once
  // does not make the Kaseya of ten other sentences a product.
  std::set<std::string> out;
  for (const auto& [folded, u] : uses) {
    size_t written = 0;
    for (size_t at = text.find(u.first); at != std::string_view::npos; at = text.find(u.first, at + u.first.size())) ++written;
    if (u.second > 0 && written > 0) out.insert(folded);
  }
  return out;
}

// "<Org> patched", "<Org> released a fix / an update": the organisation acts as the vendor.
bool fixes_its_product(const std::vector<Word>& w, const Candidate& c) {
  for (size_t k = c.e; k < c.e + 3 && k < w.size(); ++k) {
    if (!one_of<kVendorNext>(w[k].lower)) continue;
    if (one_of<kFixVerbs>(w[k].lower)) return true;
    for (size_t j = k + 1; j < k + 6 && j < w.size(); ++j)
      if (one_of<kFixes>(w[j].lower) || one_of<kFlawWords>(w[j].lower)) return true;
  }
  return false;
}

// Organisations the text shows acting on a product ("released patches", "warned customers"): the
// vendor of what was exploited. Its own statements about the attack do not make it a victim.
std::set<std::string> vendors_of(Analyser& an) {
  const auto& sentences = an.sentences;
  std::set<std::string> out;
  for (size_t si = 0; si < sentences.size(); ++si) {
    if (sentences[si].heading) continue;
    if (!an.has(si, kCueVendor)) continue;
    const auto& w = an.words(si);
    for (const auto& c : an.candidates(si))
      if (fixes_its_product(w, c)) out.insert(c.folded);
  }
  return out;
}

// How often a name occurs in the text as whole words.
size_t count_words(std::string_view text, std::string_view name) {
  size_t n = 0;
  for (size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + name.size())) {
    size_t end = at + name.size();
    bool starts = at == 0 || !word_char_at(text, at - 1);
    bool ends = end >= text.size() || !word_char_at(text, end) || text.substr(end, 2) == "'s";
    n += starts && ends;
  }
  return n;
}

// The short form a story calls an organisation by after naming it in full: the name without its
// corporate suffix ("Colonial Pipeline" for "Colonial Pipeline Company"), else its first word
// when that is a name and no ordinary word ("Barracuda" for "Barracuda Networks"). Empty if none.
}  // namespace

std::string_view victim_short_name(std::string_view name, const KnowledgeBase& kb) {
  if (size_t last = name.rfind(' '); last != std::string_view::npos && is_corporate_suffix(fold_name(name.substr(last + 1))))
    return name.substr(0, last);
  size_t space = name.find(' ');
  if (space == std::string_view::npos) return {};
  std::string_view first = name.substr(0, space);
  if (first.size() < 3 || kb.is_common_word(fold_name(first)) || kb.is_common_word(ascii_lower(first))) return {};
  return first;
}

namespace {

struct Found {
  std::string name;
  size_t sentence, begin, end;
  bool background;
};

std::set<std::string> found_names(const std::vector<Found>& found) {
  std::set<std::string> out;
  for (const auto& f : found) out.insert(fold_name(f.name));
  return out;
}

// The organisation a story about an attack is about: named in its headline or first sentence and
// again in the body, in a sentence about the attack, and neither a product ("Exchange servers"),
// nor a vendor whose product was used ("patched", "released a fix"), nor a firm that responds.
void add_story_subject(Analyser& an, std::string_view title, const std::set<std::string>& already,
                       const std::set<std::string>& products, const std::set<std::string>& vendors, const KnowledgeBase& kb,
                       std::string_view language, std::vector<Found>& found) {
  std::string_view text = an.text;
  const auto& sentences = an.sentences;
  struct Seen {
    std::string name, folded;
    size_t count = 0, harm_sentence = SIZE_MAX, product_uses = 0;
    bool lead = false, vendor = false;
  };
  std::vector<Seen> seen;
  std::unordered_map<std::string, size_t> index;  // folded name -> seen
  size_t harm_sentences = 0, body = 0;
  for (size_t si = 0; si < sentences.size(); ++si) {
    const Sentence& s = sentences[si];
    if (s.heading) continue;
    bool harm = an.has(si, kCueHarm);
    if ((!harm && body > 0) || an.has(si, kCueBio)) {
      ++body;
      continue;  // the lead and the sentences about the attack say what the story is about
    }
    harm_sentences += harm;
    const auto& w = an.words(si);
    for (const auto& c : an.candidates(si)) {
      auto [slot, fresh] = index.emplace(c.folded, seen.size());
      if (fresh) seen.push_back(Seen{c.name, c.folded});
      auto it = seen.begin() + static_cast<long>(slot->second);
      ++it->count;
      if (body == 0) it->lead = true;
      if (c.e < w.size() && one_of<kProductNext>(w[c.e].lower) && !possessive_after(text, w[c.e - 1].end)) ++it->product_uses;
      if (c.b > 0 && possessive_after(text, w[c.b - 1].end)) ++it->product_uses;  // "Kaseya's VSA"
      if (fixes_its_product(w, c)) it->vendor = true;
      if (harm && it->harm_sentence == SIZE_MAX) it->harm_sentence = si;
    }
    ++body;
  }
  if (harm_sentences < 2) return;
  std::string folded_title = " " + fold_name(title) + " ";
  std::set<std::string> title_vendors;
  {
    static constexpr TokenRules rules{"&.-", false, false, true, true, true};
    std::vector<Token> t = tokenize(title, rules);
    for (size_t i = 0; i < t.size(); ++i) {
      if (!t[i].word || !capitalised(t[i].text)) continue;
      size_t e = i;
      while (e < t.size() && t[e].word && capitalised(t[e].text)) ++e;
      // The verb may be capitalised too in title case ("Oracle Fixes 301 Flaws").
      for (size_t v = i + 1; v <= e && v < t.size(); ++v) {
        if (!one_of<kVendorNext>(ascii_lower(t[v].text))) continue;
        bool object = false;
        for (size_t j = v + 1; j < v + 6 && j < t.size(); ++j) {
          std::string l = ascii_lower(t[j].text);
          object |= one_of<kFixes>(l) || one_of<kFlawWords>(l) || ascii::is_digit(static_cast<unsigned char>(l[0]));
        }
        if (one_of<kFixVerbs>(ascii_lower(t[v].text)) || object)
          title_vendors.insert(fold_name(title.substr(t[i].begin, t[v - 1].end - t[i].begin)));
        break;
      }
      i = e;
    }
  }
  const bool english = language.empty() || language == "en" || language == "und";
  const Seen* best = nullptr;
  for (const auto& x : seen) {
    const std::string& folded = x.folded;
    bool in_title = !title.empty() && folded_title.find(" " + folded + " ") != std::string::npos;
    bool responder = std::any_of(std::begin(kResponders), std::end(kResponders), [&](const char* r) { return folded == r; });
    if (products.count(folded)) continue;
    // Named again anywhere in the body, not only in the sentences read above, also in its short
    // form ("Barracuda" for "Barracuda Networks", "Colonial" for "Colonial Pipeline Company").
    std::string_view short_form = victim_short_name(x.name, kb);
    size_t named = std::max(count_words(text, x.name), short_form.empty() ? 0 : count_words(text, short_form));
    if (!in_title && !short_form.empty())
      in_title = folded_title.find(" " + fold_name(short_form) + " ") != std::string::npos;
    bool product = 2 * x.product_uses > x.count;
    // A single ordinary word ("Exchange", "Java") is too weak to stand for the story's subject alone.
    bool ordinary = x.name.find(' ') == std::string::npos && kb.is_common_word(folded);
    if (ordinary) continue;
    // The lead or the headline names the subject; a name repeated through the story may be it too.
    // In another language the rules read more capitalised words as names (German nouns): only
    // the headline's names qualify there.
    bool prominent = in_title || ((x.lead || named >= 4) && english);
    // A headline that has the organisation fix or warn of flaws ("Oracle fixes 301 flaws") is
    // about its product, not about an attack on it.
    if (title_vendors.count(folded)) continue;
    if (!prominent || std::max(x.count, named) + in_title < 2 || x.harm_sentence == SIZE_MAX || product || x.vendor || responder)
      continue;
    if (!best || x.count > best->count) best = &x;
  }
  if (best && !already.count(best->folded)) {
    const Sentence& s = sentences[best->harm_sentence];
    found.push_back(Found{best->name, best->harm_sentence, s.begin, s.end, false});
    return;
  }
  // In languages that capitalise their nouns, or whose runs of capitals the rules above misread,
  // the subject is the name of the headline the story repeats most, in a sentence about the harm.
  if (best || english || title.empty()) return;
  static constexpr TokenRules rules{"&.-", false, false, true, false, true};
  std::string_view pick;
  size_t pick_count = 0, pick_sentence = SIZE_MAX;
  for (const Token& t : tokenize(title, rules)) {
    std::string lower = ascii_lower(t.text);
    if (t.text.size() < 3 || !capitalised(t.text) || one_of<kLeading>(lower) || one_of<kNotNames>(lower) ||
        products.count(fold_name(t.text)) || kb.is_common_word(fold_name(t.text)))
      continue;
    size_t n = count_words(text, t.text);
    if (n < 3 || n <= pick_count) continue;
    size_t harm_sentence = SIZE_MAX;
    for (size_t si = 0; si < sentences.size() && harm_sentence == SIZE_MAX; ++si)
      if (!sentences[si].heading && an.has(si, kCueHarm) &&
          count_words(text.substr(sentences[si].begin, sentences[si].end - sentences[si].begin), t.text) > 0)
        harm_sentence = si;
    if (harm_sentence == SIZE_MAX) continue;
    pick = t.text, pick_count = n, pick_sentence = harm_sentence;
  }
  if (pick.empty() || already.count(fold_name(pick))) return;
  // A name the rules above read inside a longer run ("Windenergieanlagenhersteller Enercon") or
  // as a country or an actor is not a fresh organisation.
  for (const auto& x : seen)
    if (x.folded != fold_name(pick) && (" " + x.folded + " ").find(" " + fold_name(pick) + " ") != std::string::npos &&
        products.count(x.folded))
      return;
  const Sentence& s = sentences[pick_sentence];
  found.push_back(Found{std::string(pick), pick_sentence, s.begin, s.end, false});
}

}  // namespace

void find_organization_victims(const Article& article, const std::vector<Sentence>& sentences,
                               const std::vector<EntityMention>& mentions, const std::vector<Indicator>& indicators,
                               const KnowledgeBase& kb, Events& events) {
  std::string_view text = article.text, title = article.title;
  Spans excluded;
  for (const auto& i : indicators) {
    excluded.spans.emplace_back(i.begin, i.end);
    excluded.longest = std::max(excluded.longest, i.end - i.begin);
  }
  std::sort(excluded.spans.begin(), excluded.spans.end());
  std::vector<std::vector<const EntityMention*>> by_sentence(sentences.size());
  for (const auto& m : mentions)
    if (m.sentence < by_sentence.size()) by_sentence[m.sentence].push_back(&m);
  std::set<std::string> people;  // and the outlet: a source is no victim of what it reports
  for (const auto& p : events.people) {
    std::string folded = fold_name(p.name);
    people.insert(folded);
    // "Ermakov" after "Aleksandr Ermakov": the surname alone is the same person.
    if (size_t space = folded.rfind(' '); space != std::string::npos) people.insert(folded.substr(space + 1));
  }
  if (!article.outlet.empty()) people.insert(fold_name(article.outlet));
  Analyser an(text, sentences, by_sentence, excluded, kb, people);
  const std::set<std::string> vendors = vendors_of(an);
  const std::set<std::string> products = products_of(an);
  std::vector<Found> found;
  for (size_t si = 0; si < sentences.size(); ++si) {
    const Sentence& s = sentences[si];
    if (s.heading) continue;
    if (!(an.has(si, kCueHarm) || an.has(si, kCueHitTargeted)) || an.has(si, kCueBio)) continue;
    const std::string& lower = an.lower(si);
    const auto& w = an.words(si);
    size_t last_harmed = SIZE_MAX;  // the end of the last victim named in the sentence
    for (const auto& c : an.candidates(si)) {
      const std::string& folded = c.folded;
      if (products.count(folded)) continue;
      bool responder = std::any_of(std::begin(kResponders), std::end(kResponders), [&](const char* r) { return folded == r; }) ||
                       vendors.count(folded);
      // "from ABC, Fox, National Geographic and IFC": a name listed after a victim is one too.
      bool listed = false;
      if (last_harmed != SIZE_MAX && last_harmed <= c.b) {
        listed = true;
        for (size_t k = last_harmed; k < c.b; ++k)
          if (!(w[k].lower == "," || w[k].lower == "and" || w[k].lower == "or" || w[k].lower == "&")) listed = false;
      }
      if (!listed && !harmed(w, c.b, c.e, lower, responder, text)) continue;
      last_harmed = c.e;
      // About an earlier incident only when the cue comes before the name ("... follows a breach at
      // <Org>"), not when it follows it ("<Org> shut down after an attack").
      bool background = false;
      if (an.has(si, kCueBackground)) {
        size_t at = w[c.b].begin - s.begin + 1;  // in " sentence "
        for (const char* cue : kBackground) {
          size_t f = lower.find(cue);
          if (f != std::string::npos && f < at) background = true;
        }
      }
      found.push_back(Found{c.name, si, s.begin, s.end, background});
    }
  }
  add_story_subject(an, title, found_names(found), products, vendors, kb, article.language, found);
  std::string folded_text;  // the title and the body, folded: only to count a background victim's names
  if (std::any_of(found.begin(), found.end(), [](const Found& f) { return f.background; })) {
    folded_text = " " + fold_name(title) + " ";
    for (const auto& s : sentences)
      if (!s.heading) folded_text += fold_name(text.substr(s.begin, s.end - s.begin)) + " ";
  }
  for (const auto& f : found) {
    std::string folded = fold_name(f.name);
    // Named once, in a sentence about an earlier incident: that incident's victim, not this one's.
    size_t count = 0;
    for (size_t at = folded_text.find(" " + folded + " "); at != std::string::npos; at = folded_text.find(" " + folded + " ", at + 1)) ++count;
    bool elsewhere = std::any_of(found.begin(), found.end(), [&](const Found& g) { return fold_name(g.name) == folded && !g.background; });
    if (f.background && !elsewhere && count <= 1) continue;
    // One entry per organisation: a shorter or longer form of a name already listed is that name.
    bool known = false;
    for (auto& v : events.victims) {
      std::string vf = fold_name(v.name);
      if (vf == folded || (" " + vf + " ").find(" " + folded + " ") != std::string::npos ||
          (" " + folded + " ").find(" " + vf + " ") != std::string::npos)
        known = true;
    }
    if (known) continue;
    Victim v;
    v.name = f.name;
    v.evidence = Span{f.sentence, f.begin, f.end};
    events.victims.push_back(std::move(v));
  }
}

}  // namespace dossier
