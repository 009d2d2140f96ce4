#include "corpus.h"

#include "dossier/util/text.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <queue>
#include <unordered_map>

namespace dossier::bench {
namespace {

// ---- Randomness (xorshift64*, deterministic from the seed) ----

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed ? seed : 0x9E3779B97F4A7C15ULL) {
    for (int i = 0; i < 4; ++i) next();
  }
  uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return unit() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
  const char* pick(std::initializer_list<const char*> v) { return *(v.begin() + below(v.size())); }
  std::string pick(std::initializer_list<std::string> v) { return *(v.begin() + below(v.size())); }
  double exponential(double mean) { return -mean * std::log(1.0 - unit()); }

 private:
  uint64_t s_;
};

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2));
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

std::string iso(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string rfc822(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string written_date(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%B %d, %Y", &tm);
  return buf;
}

std::string month_name(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%B", &tm);
  return buf;
}

std::string weekday(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%A", &tm);
  return buf;
}

std::string xml_escape(const std::string& s) { return escape_markup(s); }

std::string slug(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) o += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!o.empty() && o.back() != '-') o += '-';
    if (o.size() >= 60) break;
  }
  while (!o.empty() && o.back() == '-') o.pop_back();
  return o;
}

std::string capitalise(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

const std::vector<std::string> kSyllables = {
    "nor", "val", "kes", "tra", "bel", "mar", "dun", "vel", "ora", "lin", "ster", "gar", "quin", "hal", "bro", "ten",
    "ash", "cor", "del", "fen", "lum", "pri", "sol", "tor", "wen", "zan", "ard", "bex", "cal", "dra", "eld", "fir"};
const std::vector<std::string> kOrgKinds = {"Logistics", "Health", "Bank", "Energy", "Foods", "University", "Insurance",
                                            "Telecom", "Airlines", "Pharma", "Manufacturing", "Water", "Retail", "Hospital",
                                            "Shipping", "Media", "Software", "Council", "Semiconductors", "Rail"};
const std::vector<std::string> kSystems = {"email servers", "customer database", "billing platform", "VPN gateway",
                                           "file-transfer server", "payroll system", "patient records system", "booking platform",
                                           "internal network", "cloud tenant", "remote access portal", "domain controllers"};
const std::vector<std::string> kRecords = {"customer records", "patient files", "employee records", "payment card numbers",
                                           "passport scans", "account credentials", "loyalty programme accounts"};
const std::vector<std::string> kVulnTypes = {"authentication bypass", "command injection flaw", "SQL injection flaw",
                                             "path traversal bug", "deserialisation flaw", "memory corruption bug",
                                             "server-side request forgery"};
const std::vector<std::string> kProductWords = {"Gateway", "File Transfer", "Secure Access", "Mail Server", "Endpoint Manager",
                                                "Backup", "Edge Router", "Identity Server", "Help Desk", "Web Portal"};
const std::vector<std::string> kTlds = {"com", "net", "org", "info", "xyz", "top", "online", "site", "io", "biz"};
const std::vector<std::string> kSubjects = {"Security teams", "Analysts", "Regulators", "Insurers", "Smaller companies",
                                            "Incident responders", "Board members", "Procurement offices", "Auditors",
                                            "Hospital administrators", "Network engineers", "Cloud providers"};
const std::vector<std::string> kVerbs = {"have struggled with", "continue to invest in", "keep warning about", "are reviewing",
                                         "rarely budget for", "have started to question", "often underestimate",
                                         "are being asked about", "spend months on", "still depend on"};
const std::vector<std::string> kPeopleFirst = {"Maria", "Jonas", "Leila", "Tomasz", "Sofia", "Daniel", "Aiko", "Rafael",
                                               "Ingrid", "Kwame", "Elena", "Marcus", "Priya", "Hugo", "Nadia", "Oskar"};
const std::vector<std::string> kPeopleLast = {"Lindqvist", "Okafor", "Brennan", "Castellanos", "Novak", "Haddad", "Takeda",
                                              "Moreau", "Kowalski", "Fitzgerald", "Andersen", "Rossi", "Petrov", "Mensah"};
const std::vector<std::string> kRoles = {"head of threat research", "chief security officer", "principal analyst",
                                         "director of incident response", "senior researcher", "vice president of intelligence"};

struct Outlet {
  std::string name, host;
  std::string form;  // html, rss, atom, text
  int templ = 0;
};

// One incident: the facts its articles draw on.
struct Incident {
  uint64_t id = 0;
  std::string label;
  int64_t start = 0;  // seconds
  size_t planned = 0, emitted = 0;
  std::string victim, victim_short, sector, country, city, system, records, orgkind;
  std::string actor, actor_alias, sponsor_phrase;
  bool crime = false;
  std::string malware, product, vuln_type, cve, cve2, ip, domain, hash, technique;
  std::string agency, vendor, regulator;
  std::vector<std::string> lexicon;
  uint64_t amount = 0;
};

struct Event {
  int64_t time;
  uint64_t incident;  // 0: distractor; otherwise incident id
  size_t ordinal;
  int kind;  // 0 incident article, 1 distractor, 2 repost
  uint64_t serial;
  bool operator>(const Event& o) const { return std::tie(time, serial) > std::tie(o.time, o.serial); }
};

}  // namespace

struct CorpusGenerator::Impl {
  const KnowledgeBase& kb;
  CorpusOptions opt;
  Rng rng;
  std::vector<Outlet> outlets;
  std::vector<const Actor*> apt_actors;
  std::vector<const Software*> ransomware, malware;
  std::vector<const Country*> countries;
  std::vector<std::string> sectors, agencies_any, common_words, techniques;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  std::unordered_map<uint64_t, Incident> incidents;
  std::vector<uint64_t> recent_incidents;  // for round-ups
  struct Recent {
    GeneratedItem item;
    int64_t time;
    size_t outlet;
  };
  std::vector<Recent> recent_articles;  // originals a repost may copy
  std::map<size_t, std::vector<std::pair<GeneratedItem, int64_t>>> feed_buffers;  // outlet -> items
  std::vector<GeneratedDocument> ready;
  int64_t next_incident_time = 0, next_distractor_time = 0, clock = 0;
  uint64_t incident_serial = 0, event_serial = 0, distractor_serial = 0;
  size_t produced = 0;
  double mean_articles = 8.0;

  Impl(const KnowledgeBase& k, CorpusOptions o) : kb(k), opt(std::move(o)), rng(o.seed) {
    // The mean coverage scales with the log-uniform distribution's (M - 1) / ln M.
    if (opt.max_coverage > 1 && opt.max_coverage != 40) {
      const double m = static_cast<double>(opt.max_coverage);
      mean_articles = 8.0 * ((m - 1) / std::log(m)) / (39.0 / std::log(40.0));
    }
    for (const auto& a : kb.actors)
      if (!a.attack_id.empty()) apt_actors.push_back(&a);
    for (const auto& s : kb.software) {
      if (s.kind == "ransomware" && s.name.size() >= 4 && s.name.find('(') == std::string::npos) ransomware.push_back(&s);
      else if (!s.attack_id.empty() && s.kind == "malware") malware.push_back(&s);
    }
    for (const auto& c : kb.countries)
      if (c.name.size() >= 4) countries.push_back(&c);
    for (const auto& s : kb.sectors) sectors.push_back(s.name);
    for (const auto& g : kb.agencies)
      if (g.kind == "cyber-agency" || g.kind == "cert" || g.kind == "law-enforcement") agencies_any.push_back(g.name);
    for (const auto& t : kb.techniques)
      if (!t.deprecated && t.parent.empty()) techniques.push_back(t.name);
    // Ordinary words of 5-10 letters make each incident's own vocabulary.
    for (size_t p = 0; p < kb.common_words.size();) {
      size_t q = kb.common_words.find('\n', p);
      if (q == std::string::npos) q = kb.common_words.size();
      size_t len = q - p;
      if (len >= 5 && len <= 10) common_words.emplace_back(kb.common_words, p, len);
      p = q + 1;
    }
    if (common_words.empty()) common_words = {"network", "server", "account", "update", "backup", "archive", "portal"};
    for (size_t i = common_words.size(); i > 1; --i) std::swap(common_words[i - 1], common_words[rng.below(i)]);
    if (apt_actors.empty() || ransomware.empty() || countries.empty() || sectors.empty() || agencies_any.empty() ||
        techniques.empty() || malware.empty()) {
      // A KB without these (a test fixture) still yields a corpus.
      static const Actor fallback_actor = [] { Actor a; a.id = a.attack_id = "G0000"; a.name = "APT00"; return a; }();
      static const Software fallback_sw = [] { Software s; s.id = "S0000"; s.name = "Placeholder"; s.kind = "ransomware"; return s; }();
      static const Country fallback_c = [] { Country c; c.code = "NL"; c.name = "Netherlands"; return c; }();
      if (apt_actors.empty()) apt_actors.push_back(&fallback_actor);
      if (ransomware.empty()) ransomware.push_back(&fallback_sw);
      if (malware.empty()) malware.push_back(&fallback_sw);
      if (countries.empty()) countries.push_back(&fallback_c);
      if (sectors.empty()) sectors.push_back("Technology");
      if (agencies_any.empty()) agencies_any.push_back("National Cyber Security Centre");
      if (techniques.empty()) techniques.push_back("Phishing");
    }
    for (int i = 0; i < 40; ++i) {
      Outlet o;
      std::string base = capitalise(kSyllables[rng.below(kSyllables.size())] + kSyllables[rng.below(kSyllables.size())]);
      o.name = base + " " + rng.pick({"Security News", "Cyber Daily", "Threat Wire", "Security Review", "Breach Report", "Infosec Times"});
      o.host = slug(o.name) + ".example";
      double f = rng.unit();
      o.form = f < 0.55 ? "html" : f < 0.70 ? "rss" : f < 0.80 ? "atom" : "text";
      o.templ = static_cast<int>(rng.below(3));
      outlets.push_back(o);
    }
    std::tm tm{};
    strptime(opt.start.c_str(), "%Y-%m-%d", &tm);
    clock = static_cast<int64_t>(timegm(&tm));
    next_incident_time = clock;
    next_distractor_time = clock;
  }

  std::string word() { return rng.pick(common_words); }
  std::string name_part() { return capitalise(rng.pick(kSyllables) + rng.pick(kSyllables) + (rng.chance(0.5) ? rng.pick(kSyllables) : "")); }

  // ---- Incidents ----
  void spawn_incident(int64_t at) {
    Incident in;
    in.id = ++incident_serial;
    char label[32];
    std::snprintf(label, sizeof label, "incident-%06llu", static_cast<unsigned long long>(in.id));
    in.label = label;
    in.start = at;
    // 1 to max_coverage (40) articles, most incidents small (log-uniform, mean about 8 for 40).
    const double most = static_cast<double>(std::max<size_t>(1, opt.max_coverage));
    in.planned = std::min<size_t>(opt.max_coverage, static_cast<size_t>(std::exp(rng.unit() * std::log(most))));
    in.planned = std::max<size_t>(1, in.planned);
    in.orgkind = rng.pick(kOrgKinds);
    in.victim_short = name_part();
    in.victim = in.victim_short + " " + in.orgkind;
    in.sector = rng.pick(sectors);
    const Country* c = rng.pick(countries);
    in.country = c->name;
    in.city = name_part() + rng.pick({"burg", "ford", "stad", "ville", "haven", "port"});
    in.system = rng.pick(kSystems);
    in.records = rng.pick(kRecords);
    in.crime = rng.chance(0.5);
    if (in.crime) {
      const Software* r = rng.pick(ransomware);
      in.actor = r->name;
      in.actor_alias = r->aliases.size() > 1 ? r->aliases[rng.below(r->aliases.size())].name : r->name;
    } else {
      const Actor* a = rng.pick(apt_actors);
      in.actor = a->name;
      in.actor_alias = a->aliases.size() > 1 ? a->aliases[rng.below(a->aliases.size())].name : a->name;
      const Country* sponsor = a->sponsor_state.empty() ? nullptr : kb.country(a->sponsor_state);
      if (!sponsor && !a->country.empty()) sponsor = kb.country(a->country);
      in.sponsor_phrase = sponsor ? "linked to the government of " + sponsor->name : "whose sponsor has not been named";
      if (!a->software.empty())
        if (const Software* s = kb.software_by_id(a->software[rng.below(a->software.size())])) in.malware = s->name;
    }
    if (in.malware.empty()) in.malware = rng.pick(malware)->name;
    in.product = name_part() + " " + rng.pick(kProductWords);
    in.vuln_type = rng.pick(kVulnTypes);
    auto cve = [&] { return "CVE-20" + std::to_string(20 + rng.below(6)) + "-" + std::to_string(1000 + rng.below(49000)); };
    in.cve = cve();
    in.cve2 = cve();
    in.ip = std::to_string(23 + rng.below(150)) + "." + std::to_string(rng.below(256)) + "." + std::to_string(rng.below(256)) + "." +
            std::to_string(1 + rng.below(254));
    in.domain = word() + "-" + word() + "." + rng.pick(kTlds);
    static const char* hex = "0123456789abcdef";
    for (int i = 0; i < 64; ++i) in.hash += hex[rng.below(16)];
    in.technique = rng.pick(techniques);
    in.agency = rng.pick(agencies_any);
    in.vendor = name_part() + rng.pick({" Labs", " Security", " Intelligence", " Research"});
    in.regulator = rng.pick({"the data protection authority", "the national cyber security centre", "the financial regulator",
                             "the health ministry", "the securities regulator"});
    for (int i = 0; i < 14; ++i) in.lexicon.push_back(common_words[common_words.size() / 2 + rng.below(common_words.size() / 2)]);
    in.amount = 1 + rng.below(900);
    // Articles: the first on the day it breaks, the others over the following days or weeks; some
    // incidents get a follow-up weeks later.
    double span_days = 1 + rng.unit() * 20;
    size_t k = 0;
    for (; k < in.planned; ++k) {
      double offset = k == 0 ? rng.unit() * 0.5 : std::abs(rng.exponential(span_days / 2.5));
      if (k > 0 && k == in.planned - 1 && in.planned >= 4 && rng.chance(0.3)) offset = 21 + rng.unit() * 21;
      events.push(Event{at + static_cast<int64_t>(offset * 86400), in.id, k, 0, ++event_serial});
    }
    in.planned = k;
    recent_incidents.push_back(in.id);
    if (recent_incidents.size() > 200) recent_incidents.erase(recent_incidents.begin());
    incidents.emplace(in.id, std::move(in));
  }

  // ---- Text ----
  // A word at a Zipf-distributed rank of the (shuffled) vocabulary: a few words are everywhere,
  // most are rare, as in real prose, so that term statistics behave like a real corpus's.
  const std::string& zipf_word() {
    double r = std::exp(rng.unit() * std::log(static_cast<double>(common_words.size())));
    return common_words[std::min(common_words.size() - 1, static_cast<size_t>(r) - 1)];
  }

  std::string background_sentence(const Incident* in) {
    auto w = [&]() -> std::string { return in && rng.chance(0.25) ? rng.pick(in->lexicon) : zipf_word(); };
    static const std::vector<std::string> fn = {"of the", "for", "in the", "with", "and", "to", "on", "from the", "by"};
    std::string s;
    switch (rng.below(4)) {
      case 0: s = capitalise(w()) + " " + w() + " " + w() + " " + rng.pick(fn) + " " + w() + " " + w(); break;
      case 1: s = rng.pick(kSubjects) + " " + rng.pick(kVerbs) + " " + w() + " " + w() + " " + rng.pick(fn) + " " + w(); break;
      case 2: s = capitalise(w()) + " " + w() + ", " + w() + " " + w() + " " + rng.pick(fn) + " " + w() + " " + w() + ", " + w(); break;
      default: s = "The " + w() + " " + w() + " " + rng.pick(fn) + " " + w() + " " + w() + " " + rng.pick(fn) + " " + w() + " " + w(); break;
    }
    return s + ".";
  }

  std::string defanged_ip(const std::string& ip) {
    std::string o = ip;
    size_t p = o.rfind('.');
    return o.substr(0, p) + "[.]" + o.substr(p + 1);
  }
  std::string defanged_domain(const std::string& d) {
    size_t p = d.rfind('.');
    return d.substr(0, p) + "[.]" + d.substr(p + 1);
  }

  // One article about an incident: a selection of its facts, then background to the target length.
  void incident_article(Incident& in, size_t ordinal, int64_t t, GeneratedItem& item) {
    Rng r(mix(opt.seed, mix(in.id, ordinal + 1)));
    std::swap(rng, r);  // the article's own stream, so facts stay stable whatever came before
    std::vector<std::string> paras;
    std::string when = weekday(t);
    std::string event = rng.pick({"unauthorised access to its " + in.system, "ransomware on its " + in.system,
                                  "a breach of its " + in.system, "an intrusion into its " + in.system});
    bool follow = ordinal > 0;
    // Lead
    if (!follow || rng.chance(0.5)) {
      paras.push_back(in.victim + ", a " + in.orgkind + " company based in " + in.city + ", " + in.country + ", said on " + when +
                      " that it had detected " + event + ". " +
                      rng.pick({"Some services were taken offline as a precaution.", "The company said it had contained the incident.",
                                "Customers were told to expect delays.", "Staff were told not to use the affected systems."}));
    } else {
      paras.push_back(in.victim + " " + rng.pick({"gave an update on", "shared new details about", "is still recovering from",
                                                   "faces questions over"}) +
                      " the " + month_name(in.start) + " attack on its " + in.system + ". " + background_sentence(&in));
    }
    // Attribution
    if (rng.chance(0.7)) {
      std::string name = rng.chance(0.3) ? in.actor_alias : in.actor;
      if (in.crime)
        paras.push_back("The " + name + " ransomware group " +
                        rng.pick({"claimed the attack on its leak site", "listed " + in.victim_short + " on its extortion site",
                                  "took responsibility for the attack"}) +
                        " and threatened to publish the stolen data. " + in.agency + " is " +
                        rng.pick({"investigating", "assisting the company", "aware of the incident"}) + ".");
      else
        paras.push_back(in.agency + " attributed the activity to " + name + ", a group " + in.sponsor_phrase + ". Researchers at " +
                        in.vendor + " track the same activity as " + in.actor_alias + ".");
    }
    // The flaw and the malware
    if (rng.chance(0.55))
      paras.push_back("The attackers exploited " + in.cve + ", " + rng.pick({"a", "an unpatched"}) + " " + in.vuln_type + " in " +
                      in.product + ", and deployed " + in.malware + ". " +
                      rng.pick({"Investigators also observed ", "The intruders relied on ", "The report describes "}) + in.technique +
                      " during the intrusion.");
    if (rng.chance(0.2)) paras.push_back("A second vulnerability, " + in.cve2 + ", was patched at the same time.");
    // Indicators
    if (rng.chance(0.3))
      paras.push_back("Indicators published by " + in.vendor + " include the address " + defanged_ip(in.ip) + ", the domain " +
                      defanged_domain(in.domain) + " and a file with the SHA-256 hash " + in.hash + ".");
    // Impact
    if (rng.chance(0.5))
      paras.push_back("The breach exposed " + std::to_string(in.amount) + "," + std::to_string(100 + rng.below(900)) + " " + in.records +
                      ". " + rng.pick({"Operations were disrupted for several days.", "The company put the cost at several million euros.",
                                       "Affected people are being offered credit monitoring.", "No financial data was taken, it said."}));
    // Response
    if (rng.chance(0.5))
      paras.push_back(in.victim_short + " said it had notified " + in.regulator + " and brought in outside experts. " +
                      rng.pick({"Systems are being restored from backups.", "Passwords were reset across the organisation.",
                                "Remote access was suspended.", "The affected servers were rebuilt."}));
    // A quote
    if (rng.chance(0.4))
      paras.push_back("\"" + std::string(rng.pick({"This is a reminder that", "It shows again that", "We keep seeing that"})) + " " +
                      in.sector + " organisations are attractive targets,\" said " + rng.pick(kPeopleFirst) + " " +
                      rng.pick(kPeopleLast) + ", " + rng.pick(kRoles) + " at " + in.vendor + ".");
    // Background to length (1-15 KB of text).
    size_t target = static_cast<size_t>(std::exp(std::log(1000.0) + rng.unit() * (std::log(15000.0) - std::log(1000.0))));
    size_t len = 0;
    for (const auto& p : paras) len += p.size() + 2;
    while (len < target) {
      std::string p;
      for (size_t k = 0, n = 3 + rng.below(4); k < n; ++k) p += (p.empty() ? "" : " ") + background_sentence(&in);
      len += p.size() + 2;
      paras.push_back(std::move(p));
    }
    static const std::vector<std::string> title_forms = {"{V} hit by cyberattack", "{V} confirms breach of its {S}",
                                                         "{A} blamed for attack on {V}", "{V} investigates {S} intrusion",
                                                         "{A} claims {V} attack", "Attackers reached {V} {S}, company says",
                                                         "{V} says {L} data may have been taken", "{V} takes {S} offline after attack"};
    std::string title = follow && rng.chance(0.4) ? "{V} " + std::string(rng.pick({"restores", "updates customers on", "reviews"})) +
                                                        " {S} after " + month_name(in.start) + " attack"
                                                  : rng.pick(title_forms);
    auto fill = [](std::string s, const std::string& key, const std::string& value) {
      size_t p = s.find(key);
      if (p != std::string::npos) s.replace(p, key.size(), value);
      return s;
    };
    title = fill(fill(fill(fill(title, "{V}", in.victim), "{S}", in.system), "{A}", in.actor), "{L}", in.lexicon[0]);
    item.label = in.label;
    item.title = title;
    std::string text;
    for (const auto& p : paras) text += (text.empty() ? "" : "\n\n") + p;
    item.text = std::move(text);
    std::swap(rng, r);
  }

  void distractor_article(int64_t t, GeneratedItem& item) {
    uint64_t serial = ++distractor_serial;
    Rng r(mix(opt.seed, 0xD157 + serial));
    std::swap(rng, r);
    char label[32];
    std::snprintf(label, sizeof label, "distractor-%06llu", static_cast<unsigned long long>(serial));
    item.label = label;
    std::vector<std::string> paras;
    int kind = static_cast<int>(rng.below(3));
    if (kind == 0 && !recent_incidents.empty()) {
      // A round-up naming several recent incidents in one line each.
      item.title = rng.pick({"Week in review: ", "The week in security: ", "Roundup: ", "This week: "}) + capitalise(word()) + ", " +
                   word() + " and " + word();
      for (int k = 0; k < 4; ++k) {
        auto it = incidents.find(recent_incidents[rng.below(recent_incidents.size())]);
        if (it == incidents.end()) continue;
        const Incident& in = it->second;
        paras.push_back(in.victim + " " + rng.pick({"is still dealing with", "disclosed", "reported"}) + " an incident this week; " +
                        in.actor + " " + rng.pick({"was named in reports.", "has been linked to it.", "is suspected."}));
      }
    } else if (kind == 1) {
      std::string product = name_part() + " " + rng.pick(kProductWords);
      item.title = rng.pick({name_part() + " patches " + std::to_string(3 + rng.below(60)) + " flaws in " + product,
                             product + " update fixes " + word() + " bug", "New " + product + " release adds " + word() + " controls"});
      paras.push_back("The vendor released updates for " + product + ", including fixes for CVE-20" + std::to_string(20 + rng.below(6)) +
                      "-" + std::to_string(1000 + rng.below(49000)) + ". None of the flaws is known to be exploited.");
    } else {
      item.title = capitalise(word()) + " " + word() + " " + rng.pick({"and the", "versus", "beyond", "after"}) + " " + word() + " " + word();
      paras.push_back("Every year brings new promises about " + word() + " and " + word() + ", and every year the same basic gaps remain.");
    }
    size_t target = 1000 + rng.below(5000), len = 0;
    for (const auto& p : paras) len += p.size() + 2;
    while (len < target) {
      std::string p;
      for (size_t k = 0, n = 3 + rng.below(4); k < n; ++k) p += (p.empty() ? "" : " ") + background_sentence(nullptr);
      len += p.size() + 2;
      paras.push_back(std::move(p));
    }
    std::string text;
    for (const auto& p : paras) text += (text.empty() ? "" : "\n\n") + p;
    item.text = std::move(text);
    std::swap(rng, r);
  }

  // ---- Documents ----
  std::string page(const Outlet& o, const GeneratedItem& it, int64_t t, Rng& r) {
    std::string body;
    size_t start = 0;
    while (start <= it.text.size()) {
      size_t end = it.text.find("\n\n", start);
      if (end == std::string::npos) end = it.text.size();
      body += "<p>" + xml_escape(it.text.substr(start, end - start)) + "</p>\n";
      start = end + 2;
    }
    std::string head = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + xml_escape(it.title) + " | " +
                       xml_escape(o.name) + "</title>";
    std::string article;
    if (o.templ == 0) {
      head += "<meta property=\"og:title\" content=\"" + xml_escape(it.title) + "\"><meta property=\"og:site_name\" content=\"" +
              xml_escape(o.name) + "\"><meta property=\"article:published_time\" content=\"" + iso(t) +
              "\"><link rel=\"canonical\" href=\"" + it.url + "\">";
      article = "<article class=\"story\"><h1>" + xml_escape(it.title) + "</h1><div class=\"byline\">By " + rng.pick(kPeopleFirst) +
                " " + rng.pick(kPeopleLast) + " | " + written_date(t) + "</div><div class=\"article-body\">" + body + "</div></article>";
    } else if (o.templ == 1) {
      head += "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"" +
              xml_escape(it.title) + "\",\"datePublished\":\"" + iso(t) + "\",\"publisher\":{\"@type\":\"Organization\",\"name\":\"" +
              xml_escape(o.name) + "\"},\"mainEntityOfPage\":\"" + it.url + "\"}</script>";
      article = "<main><div class=\"post\"><h1 class=\"entry-title\">" + xml_escape(it.title) + "</h1><time datetime=\"" + iso(t) +
                "\">" + written_date(t) + "</time><div class=\"entry-content\">" + body + "</div></div></main>";
    } else {
      head += "<meta name=\"description\" content=\"" + xml_escape(it.title) + "\"><link rel=\"canonical\" href=\"" + it.url + "\">";
      article = "<div id=\"content\"><h2 class=\"headline\">" + xml_escape(it.title) + "</h2><p class=\"date\">" + written_date(t) +
                "</p><div class=\"text\">" + body + "</div></div>";
    }
    std::string html = head + "</head><body>";
    if (!opt.html_boilerplate) return html + article + "</body></html>";
    std::string nav = "<nav class=\"main-nav\"><ul>";
    for (int i = 0; i < 30; ++i) nav += "<li><a href=\"/section/" + std::to_string(i) + "\">Section " + std::to_string(i) + "</a></li>";
    nav += "</ul></nav><div class=\"cookie-banner\"><p>We use cookies to analyse traffic and personalise content.</p><button>Accept</button></div>";
    std::string related = "<aside class=\"sidebar related\"><h3>Most read</h3><ol>";
    for (int i = 0; i < 15; ++i)
      related += "<li><a href=\"/story/" + std::to_string(r.below(1000000)) + "\">" + capitalise(word()) + " " + word() + " " + word() + "</a></li>";
    related += "</ol></aside>";
    std::string comments = "<section class=\"comments\">";
    for (int i = 0; i < 6; ++i) comments += "<div class=\"comment\"><p>" + background_sentence(nullptr) + "</p></div>";
    comments += "</section>";
    html += nav + article + related + comments;
    // Inline scripts, styles and footers make up most of a real page's bytes: 20-150 KB in all.
    size_t target = 20000 + r.below(130000);
    while (html.size() < target) {
      html += "<script>window.__STATE__ = {\"k" + std::to_string(r.below(1000)) + "\": \"";
      html.append(1500 + r.below(1500), static_cast<char>('a' + r.below(26)));
      html += "\"};</script><footer><ul>";
      for (int i = 0; i < 12; ++i) html += "<li><a href=\"/f/" + std::to_string(i) + "\">Footer link " + std::to_string(i) + "</a></li>";
      html += "</ul></footer>";
    }
    return html + "</body></html>";
  }

  std::string text_file(const Outlet& o, const GeneratedItem& it) {
    std::string s = "---\ntitle: \"" + it.title + "\"\noutlet: " + o.name + "\nurl: " + it.url + "\ndate: " + it.published + "\n---\n\n";
    return s + it.text + "\n";
  }

  void flush_feed(size_t outlet_index) {
    auto& buf = feed_buffers[outlet_index];
    if (buf.empty()) return;
    const Outlet& o = outlets[outlet_index];
    GeneratedDocument d;
    d.kind = o.form;
    d.url = "https://" + o.host + (o.form == "rss" ? "/feed.rss" : "/feed.atom");
    d.name = "feeds/" + slug(o.name) + "-" + std::to_string(buf.front().second) + (o.form == "rss" ? ".rss" : ".atom");
    auto paras = [](const std::string& text) {
      std::string h;
      size_t start = 0;
      while (start <= text.size()) {
        size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        h += "<p>" + xml_escape(text.substr(start, end - start)) + "</p>";
        start = end + 2;
      }
      return h;
    };
    if (o.form == "rss") {
      d.bytes = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
                "<channel><title>" + xml_escape(o.name) + "</title><link>https://" + o.host + "/</link>";
      for (const auto& [it, t] : buf)
        d.bytes += "<item><title>" + xml_escape(it.title) + "</title><link>" + it.url + "</link><guid>" + it.url + "</guid><pubDate>" +
                   rfc822(t) + "</pubDate><description>" + xml_escape(it.text.substr(0, 140)) + "...</description><content:encoded><![CDATA[" +
                   paras(it.text) + "]]></content:encoded></item>\n";
      d.bytes += "</channel></rss>\n";
    } else {
      d.bytes = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>" + xml_escape(o.name) +
                "</title><id>tag:" + o.host + ",2023:feed</id><updated>" + iso(buf.back().second) + "</updated>";
      for (const auto& [it, t] : buf)
        d.bytes += "<entry><title>" + xml_escape(it.title) + "</title><link rel=\"alternate\" href=\"" + it.url + "\"/><id>" + it.url +
                   "</id><published>" + iso(t) + "</published><updated>" + iso(t) + "</updated><content type=\"html\">" +
                   xml_escape(paras(it.text)) + "</content></entry>\n";
      d.bytes += "</feed>\n";
    }
    for (auto& [it, t] : buf) d.items.push_back(std::move(it));
    buf.clear();
    ready.push_back(std::move(d));
  }

  void emit(GeneratedItem item, int64_t t, size_t outlet_index, bool may_be_reposted) {
    const Outlet& o = outlets[outlet_index];
    item.outlet = o.name;
    item.published = iso(t);
    item.url = "https://" + o.host + "/" + iso(t).substr(0, 7) + "/" + slug(item.title) + "-" + std::to_string(produced);
    ++produced;
    if (may_be_reposted) {
      recent_articles.push_back(Recent{item, t, outlet_index});
      if (recent_articles.size() > 64) recent_articles.erase(recent_articles.begin());
    }
    if (o.form == "rss" || o.form == "atom") {
      auto& buf = feed_buffers[outlet_index];
      buf.emplace_back(std::move(item), t);
      if (buf.size() >= 25 || t - buf.front().second > 86400) flush_feed(outlet_index);
      return;
    }
    GeneratedDocument d;
    d.kind = o.form;
    d.url = item.url;
    Rng r(mix(opt.seed, 0xFA9E + produced));
    if (o.form == "html") {
      d.bytes = page(o, item, t, r);
      d.name = "html/" + slug(o.name) + "-" + std::to_string(produced) + ".html";
    } else {
      d.bytes = text_file(o, item);
      d.name = "text/" + slug(o.name) + "-" + std::to_string(produced) + ".txt";
    }
    d.items.push_back(std::move(item));
    ready.push_back(std::move(d));
  }

  // Produces documents until at least one is ready or the corpus is complete. The corpus is the
  // first `articles` articles, in publication order, of an endless steady stream: incidents and
  // distractors keep arriving at their rates, and the stream is cut where the count is reached
  // (as a crawl that stops today sees the latest incidents only in part).
  void step() {
    while (ready.empty()) {
      if (produced >= opt.articles) {
        for (auto& [i, buf] : feed_buffers) flush_feed(i);
        return;
      }
      // Keep incident and distractor arrivals ahead of the next event.
      int64_t horizon = events.empty() ? std::min(next_incident_time, next_distractor_time) : events.top().time;
      double incident_share = 1.0 - opt.distractor_rate - opt.repost_rate;
      while (next_incident_time <= horizon) {
        spawn_incident(next_incident_time);
        next_incident_time += static_cast<int64_t>(rng.exponential(86400.0 * mean_articles / (opt.articles_per_day * incident_share)));
      }
      while (opt.distractor_rate > 0 && next_distractor_time <= horizon) {
        events.push(Event{next_distractor_time, 0, 0, 1, ++event_serial});
        next_distractor_time += static_cast<int64_t>(rng.exponential(86400.0 / (opt.articles_per_day * opt.distractor_rate)));
      }
      Event e = events.top();
      events.pop();
      GeneratedItem item;
      size_t outlet_index = rng.below(outlets.size());
      if (e.kind == 0) {
        auto it = incidents.find(e.incident);
        incident_article(it->second, e.ordinal, e.time, item);
        if (++it->second.emitted >= it->second.planned) incidents.erase(it);
        emit(std::move(item), e.time, outlet_index, true);
        // Syndication: some articles reappear on another outlet within two days.
        if (rng.chance(opt.repost_rate / incident_share)) events.push(Event{e.time + 3600 + static_cast<int64_t>(rng.unit() * 2 * 86400), 0, 0, 2, ++event_serial});
      } else if (e.kind == 1) {
        distractor_article(e.time, item);
        emit(std::move(item), e.time, outlet_index, false);
      } else {
        // A repost of the newest original still remembered.
        const Recent& src = recent_articles.back();
        item = src.item;
        item.repost_of = src.item.url;
        item.text = "This article first appeared on " + src.item.outlet + " and is republished with permission.\n\n" + src.item.text;
        size_t other = (src.outlet + 1 + rng.below(outlets.size() - 1)) % outlets.size();
        emit(std::move(item), e.time, other, false);
      }
    }
  }
};

CorpusGenerator::CorpusGenerator(const KnowledgeBase& kb, CorpusOptions options) : impl_(std::make_unique<Impl>(kb, std::move(options))) {}
CorpusGenerator::~CorpusGenerator() = default;
size_t CorpusGenerator::produced() const { return impl_->produced; }

bool CorpusGenerator::next(GeneratedDocument& doc) {
  impl_->step();
  if (impl_->ready.empty()) return false;
  doc = std::move(impl_->ready.front());
  impl_->ready.erase(impl_->ready.begin());
  return true;
}

}  // namespace dossier::bench
