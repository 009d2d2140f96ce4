#include "dossier/pipeline/eval_extraction.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "dossier/ingest/source.h"
#include "dossier/util/ascii.h"
#include "dossier/util/fold.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

using json = nlohmann::json;

std::vector<std::string> strings_of(const json& j) {
  std::vector<std::string> out;
  if (j.is_string()) out.push_back(j.get<std::string>());
  if (j.is_array())
    for (const auto& x : j)
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

// Significant words of a name: folded, without company suffixes and function words.
std::set<std::string> name_words(const std::string& name) {
  static const std::set<std::string> generic = {"the", "of", "and", "inc", "ltd", "llc", "plc", "co", "corp", "corporation",
                                                "company", "group", "limited", "s", "a", "an", "for", "its"};
  std::set<std::string> out;
  std::string f = fold_name(name);
  for (auto w : split_words(f))
    if (!generic.count(std::string(w))) out.emplace(w);
  return out;
}

bool same_name(const std::string& a, const std::string& b) {
  auto x = name_words(a), y = name_words(b);
  if (x.empty() || y.empty()) return fold_name(a) == fold_name(b);
  return std::includes(x.begin(), x.end(), y.begin(), y.end()) || std::includes(y.begin(), y.end(), x.begin(), x.end());
}

// Counts matches between gold and predicted values under `match`; records misses and false positives.
template <typename Match>
void score(FieldScore& s, const std::vector<std::string>& gold, const std::vector<std::string>& predicted, Match match,
           std::vector<std::string>& missed, std::vector<std::string>& spurious) {
  std::vector<bool> used(predicted.size(), false);
  for (const auto& g : gold) {
    bool hit = false;
    for (size_t i = 0; i < predicted.size(); ++i)
      if (match(g, predicted[i])) {
        hit = true;
        used[i] = true;
      }
    if (hit) ++s.tp;
    else {
      ++s.fn;
      missed.push_back(g);
    }
  }
  for (size_t i = 0; i < predicted.size(); ++i)
    if (!used[i]) {
      // A second predicted value for a gold value already matched is no false positive.
      bool any = std::any_of(gold.begin(), gold.end(), [&](const std::string& g) { return match(g, predicted[i]); });
      if (!any) {
        ++s.fp;
        spurious.push_back(predicted[i]);
      }
    }
}

template <typename T>
void add_unique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

// Every KB id a name of an actor, ransomware or other software answers to.
std::set<std::string> actor_ids(const KnowledgeBase& kb, const std::string& name) {
  std::set<std::string> ids;
  for (const Actor* a : kb.find_actors(name)) ids.insert(a->id);
  for (const Software* s : kb.find_software(name)) ids.insert(s->id);
  return ids;
}

bool same_actor(const KnowledgeBase& kb, const std::string& gold, const std::string& predicted_id) {
  auto ids = actor_ids(kb, gold);
  if (ids.count(predicted_id)) return true;
  // The predicted entity under another name the gold one shares (an actor and its ransomware).
  std::string name;
  if (const Actor* a = kb.actor(predicted_id)) name = a->name;
  else if (const Software* s = kb.software_by_id(predicted_id)) name = s->name;
  if (name.empty()) return false;
  auto other = actor_ids(kb, name);
  return std::any_of(other.begin(), other.end(), [&](const std::string& id) { return ids.count(id) > 0; }) ||
         fold_name(name) == fold_name(gold);
}

std::string actor_label(const KnowledgeBase& kb, const std::string& id) {
  if (const Actor* a = kb.actor(id)) return a->name + " (" + id + ")";
  if (const Software* s = kb.software_by_id(id)) return s->name + " (" + id + ")";
  return id;
}

std::string country_code(const KnowledgeBase& kb, const std::string& name) {
  auto found = kb.find_countries(name);
  return found.empty() ? fold_name(name) : found.front()->code;
}

// The sector's words: its name, its parents' and its aliases', stemmed.
std::set<std::string> sector_stems(const KnowledgeBase& kb, const std::string& sector_id) {
  std::set<std::string> out;
  const Sector* s = nullptr;
  for (const auto& x : kb.sectors)
    if (x.id == sector_id) s = &x;
  for (int depth = 0; s && depth < 4; ++depth) {
    std::vector<std::string> names = s->aliases;
    names.push_back(s->name);
    for (const auto& n : names) {
      const std::string folded = fold_name(n);  // the words are views into it: it must outlive them
      for (auto w : split_words(folded)) out.insert(stem_word(w));
    }
    const Sector* parent = nullptr;
    for (const auto& x : kb.sectors)
      if (x.id == s->parent) parent = &x;
    s = parent;
  }
  return out;
}

bool sector_matches(const std::string& gold, const std::set<std::string>& stems) {
  std::string g = stem_word(fold_name(gold));
  for (const auto& s : stems) {
    size_t n = std::min(g.size(), s.size());
    if (n >= 4 && g.compare(0, n, s, 0, n) == 0) return true;
  }
  return false;
}

std::string parent_technique(const std::string& id) { return id.substr(0, id.find('.')); }

// The indicator types the gold schema labels.
bool labelled_indicator(IndicatorType t) {
  switch (t) {
    case IndicatorType::IPv4: case IndicatorType::IPv6: case IndicatorType::Domain: case IndicatorType::Url:
    case IndicatorType::Email: case IndicatorType::Md5: case IndicatorType::Sha1: case IndicatorType::Sha256:
    case IndicatorType::Sha512: return true;
    default: return false;
  }
}

// On a MISP warning list (a top site, a public resolver): the dossier lists it as no indicator.
bool warninglisted(const Indicator& i) {
  return std::any_of(i.flags.begin(), i.flags.end(), [](const std::string& f) { return f.rfind("warninglist:", 0) == 0; });
}

// "type:value" matches; a domain or address also matches the URL or e-mail address it is the host
// of (extraction reports a URL's host inside the URL, not again on its own).
bool same_indicator(const std::string& gold, const std::string& predicted) {
  if (gold == predicted) return true;
  size_t c = gold.find(':');
  std::string type = gold.substr(0, c), value = gold.substr(c + 1);
  if (type != "domain" && type != "ipv4" && type != "ipv6") return false;
  if (predicted.rfind("url:", 0) == 0) {
    size_t h = predicted.find("://");
    if (h == std::string::npos) return false;
    size_t e = predicted.find_first_of("/:?#", h + 3);
    return predicted.substr(h + 3, e == std::string::npos ? std::string::npos : e - h - 3) == value;
  }
  if (predicted.rfind("email:", 0) == 0) return predicted.substr(predicted.find('@') + 1) == value;
  return false;
}

struct Predicted {
  std::vector<std::string> victims, responsible, sponsors, named, sectors, countries, cves, indicators, techniques;
};

Predicted predictions(const Extraction& x, const KnowledgeBase& kb) {
  Predicted p;
  for (const auto& v : x.events.victims) add_unique(p.victims, v.name);
  for (const auto& id : x.events.responsible) add_unique(p.responsible, id);
  for (const auto& c : x.events.sponsor_states) add_unique(p.sponsors, c);
  for (const auto& s : x.events.victim_sectors) add_unique(p.sectors, s);
  for (const auto& m : x.mentions) {
    if (m.ids.empty()) continue;
    if (m.kind == EntityKind::Actor) add_unique(p.named, m.ids.front());
    if (m.kind == EntityKind::Software)
      if (names_ransomware(m, kb)) add_unique(p.named, m.ids.front());

    if (m.kind == EntityKind::Country) add_unique(p.countries, m.ids.front());
  }
  for (const auto& i : x.indicators) {
    if (i.type == IndicatorType::Cve) add_unique(p.cves, i.value);
    else if (labelled_indicator(i.type) && i.role != "reference" && i.role != "example" && !warninglisted(i))
      add_unique(p.indicators, std::string(indicator_type_name(i.type)) + ":" + ascii_lower(i.value));
  }
  // Techniques as the dossier reports them: named by id, or described with a score it trusts.
  for (const auto& t : x.techniques)
    if (t.named || t.score >= kTrustedTechniqueScore) add_unique(p.techniques, t.id);
  return p;
}

// The extraction of a labelled article's file (its first article), or a line in `ev.unreadable`.
std::optional<Extraction> extract_file(const std::string& file, const std::string& key, const Extractor& extractor,
                                       ExtractionEval& ev) {
  auto doc = read_local_document(file, 64u << 20);
  if (!doc.ok()) {
    ev.unreadable.push_back(key + ": " + doc.error());
    return std::nullopt;
  }
  auto parsed = document_articles(doc->bytes, doc->info);
  if (!parsed.ok() || parsed->articles.empty()) {
    ev.unreadable.push_back(key + ": " + (parsed.ok() ? std::string("no article") : parsed.error()));
    return std::nullopt;
  }
  ++ev.articles;
  return extractor.extract(parsed->articles.front());
}

// Scores one article field by field into the totals, keeping its misses and false positives.
struct ArticleScorer {
  ExtractionEval& ev;
  ArticleErrors err;
  template <typename Match, typename Label>
  void field(const char* name, const std::vector<std::string>& gold, const std::vector<std::string>& predicted, Match match,
             Label label) {
    std::vector<std::string> missed, spurious;
    score(ev.fields[name], gold, predicted, match, missed, spurious);
    for (auto& v : spurious) v = label(v);
    if (!missed.empty()) err.missed[name] = missed;
    if (!spurious.empty()) err.spurious[name] = spurious;
  }
  void finish() {
    if (!err.missed.empty() || !err.spurious.empty()) ev.errors.push_back(std::move(err));
  }
};

std::string as_is(const std::string& v) { return v; }

}  // namespace

Result<ExtractionEval> evaluate_extraction(const std::string& gold_path, const Extractor& extractor) {
  std::ifstream f(gold_path);
  if (!f) return Error{gold_path + ": cannot open for reading"};
  json gold = json::parse(f, nullptr, false);
  if (gold.is_discarded() || !gold.is_object()) return Error{gold_path + ": not a JSON object of labelled articles"};
  const KnowledgeBase& kb = extractor.kb();
  const auto dir = std::filesystem::path(gold_path).parent_path();
  ExtractionEval ev;
  for (const auto& [key, g] : gold.items()) {
    if (!g.is_object() || !g.contains("formats") || !g["formats"].is_object() || !g["formats"].value("txt", json()).is_string()) {
      ev.unreadable.push_back(key + ": no formats.txt");
      continue;
    }
    std::string file = (dir / g["formats"]["txt"].get<std::string>()).string();
    auto x = extract_file(file, key, extractor, ev);
    if (!x) continue;
    Predicted p = predictions(*x, kb);
    ArticleScorer scorer{ev, ArticleErrors{key, file, {}, {}}};
    auto field = [&](const char* name, const std::vector<std::string>& gold_values, const std::vector<std::string>& predicted,
                     auto match, auto label) { scorer.field(name, gold_values, predicted, match, label); };
    auto& err = scorer.err;
    auto actor = [&](const std::string& g, const std::string& id) { return same_actor(kb, g, id); };
    auto actor_name = [&](const std::string& id) { return actor_label(kb, id); };
    auto country = [&](const std::string& g, const std::string& code) { return country_code(kb, g) == code; };
    field("victims", strings_of(g.value("victims", json())), p.victims, same_name, as_is);
    field("responsible_actors", strings_of(g.value("actors", json())), p.responsible, actor, actor_name);
    field("sponsor_states", strings_of(g.value("attributed_country", json())), p.sponsors, country, as_is);
    std::vector<std::string> named = strings_of(g.value("actors", json()));
    for (const auto& o : strings_of(g.value("other_actors_mentioned", json()))) named.push_back(o);
    field("actors_named", named, p.named, actor, actor_name);
    field("sectors", strings_of(g.value("sectors", json())), p.sectors,
          [&](const std::string& gs, const std::string& id) { return sector_matches(gs, sector_stems(kb, id)); }, as_is);
    {
      std::vector<std::string> missed, spurious;
      FieldScore s;
      score(s, strings_of(g.value("countries_mentioned", json())), p.countries, country, missed, spurious);
      std::string lang = g.value("language", std::string("und"));
      auto& c = ev.fields["countries"];
      c.tp += s.tp, c.fp += s.fp, c.fn += s.fn;
      auto& l = ev.countries_by_language[lang]["countries"];
      l.tp += s.tp, l.fp += s.fp, l.fn += s.fn;
      if (!missed.empty()) err.missed["countries"] = missed;
      if (!spurious.empty()) err.spurious["countries"] = spurious;
    }
    field("cves", strings_of(g.value("cves", json())), p.cves, [](const std::string& a2, const std::string& b2) { return iequals(a2, b2); },
          as_is);
    std::vector<std::string> iocs;
    if (g.contains("iocs") && g["iocs"].is_object())
      for (const auto& [type, values] : g["iocs"].items())
        for (const auto& v : strings_of(values)) iocs.push_back(type + ":" + ascii_lower(v));
    field("indicators", iocs, p.indicators, same_indicator, as_is);
    // Gold labelled with an older ATT&CK: a revoked id stands for its replacement.
    std::vector<std::string> gold_techniques;
    for (const auto& t : strings_of(g.value("attack_techniques", json()))) {
      const Technique* known = kb.technique(t);
      gold_techniques.push_back(known ? known->id : t);
    }
    field("techniques", gold_techniques, p.techniques,
          [](const std::string& t, const std::string& id) { return t == id || parent_technique(t) == parent_technique(id); }, as_is);
    scorer.finish();
  }
  if (ev.articles == 0) return Error{gold_path + ": no labelled article could be read"};
  return ev;
}

namespace {

// A CASIE argument that names its entity: a capitalised word that is not a pronoun or an article
// opening the phrase ("the company" and "We" name nobody; "city of Atlanta" and "Equifax" do).
bool names_someone(const KnowledgeBase& kb, const std::string& phrase) {
  static const std::set<std::string> openers = {"the", "a", "an", "we", "it", "they", "our", "its", "their", "this", "that",
                                                "these", "those", "he", "she", "i", "you", "us", "some", "many", "all"};
  bool opening = true;  // at the phrase's first word, after any opener
  for (auto w : split_words(phrase)) {
    std::string word(w);
    if (opening && openers.count(ascii_lower(word))) continue;
    bool first = opening;
    opening = false;
    if (word.empty() || !ascii::is_upper(static_cast<unsigned char>(word[0]))) continue;
    // A sentence's first word ("Officials", "Companies") and a place ("Japanese firms", "UK-based
    // companies") name nobody.
    std::string bare = word.substr(0, word.find('-'));
    if ((first && kb.is_common_word(fold_name(word))) || !kb.find_countries(bare).empty()) continue;
    return true;
  }
  return false;
}

// The actor's name in an annotated phrase: "The LockBit gang" is "LockBit".
std::string actor_phrase_name(const std::string& phrase) {
  static const std::set<std::string> openers = {"the", "a", "an"};
  static const std::set<std::string> heads = {"gang", "group", "hackers", "hacker", "operators", "ransomware", "crew", "team",
                                              "actors", "actor", "threat", "apt", "hacking", "cybercriminals", "members"};
  std::vector<std::string> words;
  for (auto w : split_words(phrase)) words.emplace_back(w);
  size_t b = 0, e = words.size();
  while (b < e && openers.count(ascii_lower(words[b]))) ++b;
  while (e > b + 1 && heads.count(ascii_lower(words[e - 1]))) --e;
  std::string out;
  for (size_t k = b; k < e; ++k) out += (out.empty() ? "" : " ") + words[k];
  return out;
}

void add_name(std::vector<std::string>& names, const std::string& name) {
  for (const auto& n : names)
    if (same_name(n, name)) return;
  names.push_back(name);
}

}  // namespace

Result<ExtractionEval> evaluate_casie(const std::string& dir, const Extractor& extractor) {
  namespace fs = std::filesystem;
  const fs::path root(dir), annotations = root / "annotation", articles = root / "articles";
  std::error_code ec;
  if (!fs::is_directory(annotations, ec)) return Error{dir + ": no annotation/ directory (CASIE's layout: annotation/*.json, articles/*.txt)"};
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(annotations, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const KnowledgeBase& kb = extractor.kb();
  ExtractionEval ev;
  for (const auto& path : files) {
    std::string key = path.stem().string();
    std::ifstream f(path);
    json a = json::parse(f, nullptr, false);
    if (a.is_discarded() || !a.is_object()) {
      ev.unreadable.push_back(key + ": not a JSON object");
      continue;
    }
    std::vector<std::string> victims, attackers, cves;
    const json& hoppers = a.value("cyberevent", json::object()).value("hopper", json::array());
    for (const auto& h : hoppers)
      for (const auto& e : h.value("events", json::array()))
        for (const auto& arg : e.value("argument", json::array())) {
          std::string role = arg.value("role", json::object()).value("type", std::string());
          std::string type = arg.value("type", std::string()), text = arg.value("text", std::string());
          if (role == "Victim" && type == "Organization" && names_someone(kb, text)) add_name(victims, text);
          // Attackers the KB knows: the only ones an extractor of known actors can name.
          if (role == "Attacker" && names_someone(kb, text))
            if (std::string name = actor_phrase_name(text); !actor_ids(kb, name).empty()) add_name(attackers, name);
          if (role == "CVE") {
            std::string id = text;
            for (auto& ch : id) ch = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(ch)));
            if (id.rfind("CVE-", 0) == 0 && std::find(cves.begin(), cves.end(), id) == cves.end()) cves.push_back(id);
          }
        }
    std::string file = (articles / a.value("sourcefile", key + ".txt")).string();
    auto x = extract_file(file, key, extractor, ev);
    if (!x) continue;
    Predicted p = predictions(*x, kb);
    ArticleScorer scorer{ev, ArticleErrors{key, file, {}, {}}};
    scorer.field("victims", victims, p.victims, same_name, as_is);
    scorer.field("attackers", attackers, p.responsible, [&](const std::string& g, const std::string& id) { return same_actor(kb, g, id); },
          [&](const std::string& id) { return actor_label(kb, id); });
    scorer.field("cves", cves, p.cves, [](const std::string& x1, const std::string& x2) { return iequals(x1, x2); }, as_is);
    scorer.finish();
  }
  if (ev.articles == 0) return Error{dir + ": no annotated article could be read"};
  return ev;
}

}  // namespace dossier
