#include "dossier/extract/extract.h"

#include <optional>

#include "dossier/extract/responsibility.h"
#include "dossier/extract/victims.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

using json = nlohmann::json;

Result<std::unique_ptr<Extractor>> Extractor::create(const KnowledgeBase& kb) {
  auto scanner = IndicatorScanner::create();
  if (!scanner.ok()) return Error{scanner.error()};
  auto matcher = EntityMatcher::create(kb);
  if (!matcher.ok()) return Error{matcher.error()};
  std::unique_ptr<Extractor> x(new Extractor());
  x->kb_ = &kb;
  x->scanner_ = std::move(scanner).value();
  x->matcher_ = std::move(matcher).value();
  x->warninglists_ = std::make_unique<WarninglistMatcher>(kb.warninglists);
  return x;
}

Extraction Extractor::extract(const Article& article) const {
  std::optional<Article> part;
  if (article.text.size() > kTextLimit) {
    part = article;
    std::string_view head = std::string_view(article.text).substr(0, kTextLimit);
    size_t cut = head.rfind('\n');
    if (cut == std::string_view::npos || cut < kTextLimit / 2) cut = head.rfind(". ");
    if (cut == std::string_view::npos || cut < kTextLimit / 2) {
      cut = kTextLimit;
      while (cut > 0 && (static_cast<unsigned char>(article.text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    } else {
      ++cut;
    }
    part->text.resize(cut);
  }
  const Article& a = part ? *part : article;
  Extraction x;
  x.article_id = a.id;
  x.sentences = split_sentences(a.text);
  ScanOptions opts;
  std::string url = a.canonical_url.empty() ? a.url : a.canonical_url;
  size_t p = url.find("://");
  if (p != std::string::npos) opts.outlet_host = url.substr(p + 3, url.find_first_of("/:?#", p + 3) - p - 3);
  x.indicators = scanner_->scan(a.text, opts);
  warninglists_->apply(x.indicators);
  x.mentions = matcher_->match(a.text, x.sentences);
  std::optional<std::time_t> published;
  if (auto t = parse_datetime(a.published)) published = *t;
  x.dates = find_dates(a.text, x.sentences, published);
  x.events = find_events(a.text, x.sentences, x.mentions, *kb_);
  find_organization_victims(a, x.sentences, x.mentions, x.indicators, *kb_, x.events);
  find_victim_sectors(a.text, x.sentences, x.mentions, *kb_, x.events);
  find_responsibility(a.text, x.sentences, x.mentions, *kb_, x.events);
  // Techniques: ids written in the text, and behaviour described in a sentence (the KB's model).
  for (const auto& i : x.indicators)
    if (i.type == IndicatorType::AttackId && i.value[0] == 'T' && i.value[1] != 'A')
      if (const Technique* t = kb_->technique(i.value)) x.techniques.push_back(TechniqueMention{t->id, 1.0, i.begin, i.end, true});
  // The model and the news-wording cues; a cue's context words are looked for in the whole article.
  const CueDocument document(a.text);
  // A sentence that names a technique by id says what it describes: no other is read into it.
  std::vector<size_t> named_at;
  for (const auto& tm : x.techniques) named_at.push_back(tm.begin);
  std::sort(named_at.begin(), named_at.end());
  for (const auto& s : x.sentences) {
    if (s.heading) continue;
    if (auto it = std::lower_bound(named_at.begin(), named_at.end(), s.begin); it != named_at.end() && *it < s.end) continue;
    for (const auto& [tid, score] : kb_->technique_model.classify(std::string_view(a.text).substr(s.begin, s.end - s.begin), 2, &document))
      if (const Technique* t = kb_->technique(tid))
        x.techniques.push_back(TechniqueMention{t->id, std::round(static_cast<double>(score) * 1000) / 1000, s.begin, s.end, false});
  }
  x.kind = classify_article(a, x);
  return x;
}

namespace {

// Byte offset to character (code point) offset, counted once per text in blocks of 256 bytes.
class CharOffsets {
 public:
  explicit CharOffsets(std::string_view text) : text_(text) {
    size_t chars = 0;
    for (size_t b = 0; b < text.size(); b += kBlock) {
      at_block_.push_back(chars);
      chars += utf8_length(text.substr(b, kBlock));
    }
  }
  size_t operator()(size_t byte) const {
    byte = std::min(byte, text_.size());
    size_t block = byte / kBlock;
    if (block >= at_block_.size()) return utf8_length(text_);
    return at_block_[block] + utf8_length(text_.substr(block * kBlock, byte - block * kBlock));
  }

 private:
  static constexpr size_t kBlock = 256;
  std::string_view text_;
  std::vector<size_t> at_block_;
};

json evidence(const Extraction& x, const std::string& text, const CharOffsets& chars, size_t begin, size_t end) {
  size_t sentence = sentence_index(x.sentences, begin);
  // Byte offsets into the UTF-8 text, and the same span in characters (code points) for consumers
  // that index strings by character.
  size_t char_begin = chars(begin);
  size_t char_end = chars(end);
  return {{"sentence", sentence}, {"begin", begin}, {"end", end}, {"char_begin", char_begin}, {"char_end", char_end},
          {"text", text.substr(begin, end - begin)}};
}

}  // namespace

json extraction_json(const Extraction& x, const Article& article, const KnowledgeBase& kb) {
  const CharOffsets chars(article.text);
  json out = {{"article_id", x.article_id}, {"sentences", x.sentences.size()}};
  json indicators = json::array(), vulns = json::array(), techniques = json::array();
  std::map<std::string, json> vuln_by_id, tech_by_id;
  for (const auto& i : x.indicators) {
    json ev = evidence(x, article.text, chars, i.begin, i.end);
    if (i.type == IndicatorType::Cve) {
      auto& v = vuln_by_id[i.value];
      if (v.is_null()) v = {{"id", i.value}, {"evidence", json::array()}};
      v["evidence"].push_back(ev);
      continue;
    }
    if (i.type == IndicatorType::AttackId) continue;  // techniques below; group and software ids are entities
    indicators.push_back({{"type", indicator_type_name(i.type)},
                          {"value", i.value},
                          {"defanged", i.defanged},
                          {"role", i.role},
                          {"confidence", std::round(i.confidence * 100) / 100},
                          {"malicious", i.malicious},
                          {"flags", i.flags},
                          {"evidence", json::array({ev})}});
  }
  for (const auto& tm : x.techniques) {
    const Technique* t = kb.technique(tm.id);
    if (!t) continue;
    auto& j = tech_by_id[t->id];
    if (j.is_null()) {
      json tactics = json::array();
      for (const auto& tac : t->tactics)
        if (const Tactic* tc = kb.tactic(tac)) tactics.push_back(tc->name);
      j = {{"id", t->id}, {"name", t->name}, {"tactics", tactics}, {"score", 0.0}, {"evidence", json::array()}};
    }
    if (tm.score > j["score"].get<double>()) j["score"] = tm.score;
    j["evidence"].push_back(evidence(x, article.text, chars, tm.begin, tm.end));
  }
  for (auto& [id, v] : vuln_by_id) vulns.push_back(v);
  for (auto& [id, t] : tech_by_id) techniques.push_back(t);

  // Entities grouped by KB id, in order of first mention.
  std::map<std::pair<EntityKind, std::string>, size_t> index;
  std::map<EntityKind, json> lists;
  for (auto k : {EntityKind::Actor, EntityKind::Software, EntityKind::Country, EntityKind::Agency, EntityKind::Sector}) lists[k] = json::array();
  for (const auto& m : x.mentions) {
    std::string key;
    for (const auto& id : m.ids) key += (key.empty() ? "" : "|") + id;
    auto [it, fresh] = index.emplace(std::make_pair(m.kind, key), lists[m.kind].size());
    if (fresh) {
      json j;
      switch (m.kind) {
        case EntityKind::Actor: {
          const Actor* a = kb.actor(m.ids.front());
          j = {{"name", a ? a->name : m.text}, {"id", m.ids.front()}, {"attack_id", a ? a->attack_id : ""},
               {"aliases_mentioned", json::array()}};
          if (m.ids.size() > 1) j["candidates"] = m.ids;
          break;
        }
        case EntityKind::Software: {
          const Software* s = kb.software_by_id(m.ids.front());
          j = {{"name", s ? s->name : m.text}, {"id", m.ids.front()}, {"kind", s ? s->kind : ""}};
          if (m.ids.size() > 1) j["candidates"] = m.ids;
          break;
        }
        case EntityKind::Country: {
          const Country* c = kb.country(m.ids.front());
          j = {{"name", c ? c->name : m.text}, {"code", m.ids.front()}};
          break;
        }
        case EntityKind::Agency: {
          const Agency* g = kb.agency(m.ids.front());
          j = {{"name", g ? g->name : m.text}, {"id", m.ids.front()}, {"country", g ? g->country : ""},
               {"kind", g ? g->kind : ""}, {"acronyms", g ? g->acronyms : std::vector<std::string>{}}};
          if (m.ids.size() > 1) j["candidates"] = m.ids;
          break;
        }
        case EntityKind::Sector: {
          const Sector* s = nullptr;
          for (const auto& sec : kb.sectors)
            if (sec.id == m.ids.front()) s = &sec;
          j = {{"name", s ? s->name : m.text}, {"id", m.ids.front()}};
          break;
        }
        case EntityKind::Blocker:
          continue;  // never produced by the matcher; listed for completeness
      }
      j["evidence"] = json::array();
      lists[m.kind].push_back(j);
    }
    json& j = lists[m.kind][it->second];
    j["evidence"].push_back(evidence(x, article.text, chars, m.begin, m.end));
    if (m.kind == EntityKind::Actor) {
      auto& al = j["aliases_mentioned"];
      if (std::find(al.begin(), al.end(), m.text) == al.end()) al.push_back(m.text);
    }
  }
  out["indicators"] = indicators;
  out["vulnerabilities"] = vulns;
  out["techniques"] = techniques;
  out["actors"] = lists[EntityKind::Actor];
  out["software"] = lists[EntityKind::Software];
  out["countries"] = lists[EntityKind::Country];
  out["organizations"] = lists[EntityKind::Agency];
  out["sectors"] = lists[EntityKind::Sector];

  auto ev = [&](const Span& sp) { return json::array({evidence(x, article.text, chars, sp.begin, sp.end)}); };
  json people = json::array(), dates = json::array(), victims = json::array(), attributions = json::array(), denials = json::array();
  for (const auto& p : x.events.people)
    people.push_back({{"name", p.name}, {"role", p.role}, {"organization", p.organization}, {"evidence", ev(p.evidence)}});
  for (const auto& o : x.events.organizations) {
    const Country* c = kb.country(o.country);
    std::string full = (c ? c->name + " " : std::string()) + o.name;
    std::string slug = ascii_lower(o.country) + "-" + fold_name(o.name);
    for (auto& ch : slug)
      if (ch == ' ') ch = '-';
    if (!o.located.empty()) slug += "-in-" + ascii_lower(o.located);
    json j = {{"name", full}, {"id", slug}, {"kind", o.kind}, {"country", o.country}, {"evidence", ev(o.evidence)}};
    if (!o.located.empty()) j["located_in"] = o.located;
    out["organizations"].push_back(j);
  }
  for (const auto& d : x.dates)
    dates.push_back({{"value", d.value}, {"granularity", d.granularity}, {"text", d.text}, {"event", d.event},
                     {"relative", d.relative}, {"since", d.since}, {"evidence", json::array({evidence(x, article.text, chars, d.begin, d.end)})}});
  for (const auto& v : x.events.victims) {
    const Country* c = kb.country(v.country);
    victims.push_back({{"name", (c ? c->name + " " : std::string()) + v.name}, {"country", v.country}, {"systems", v.systems},
                       {"activity", v.activity}, {"sectors", v.sectors}, {"evidence", ev(v.evidence)}});
  }
  for (const auto& a : x.events.attributions) {
    json actors = json::array();
    for (const auto& id : a.actors)
      if (const Actor* act = kb.actor(id)) actors.push_back({{"id", id}, {"name", act->name}});
    json sponsors = json::array();
    for (const auto& id : a.sponsor_agencies)
      if (const Agency* g = kb.agency(id)) sponsors.push_back({{"id", id}, {"name", g->name}});
    attributions.push_back({{"attributors", a.attributors}, {"actors", actors}, {"sponsor_state", a.sponsor_state},
                            {"sponsor_agencies", sponsors}, {"confidence", a.confidence}, {"evidence", ev(a.evidence)}});
  }
  for (const auto& d : x.events.denials) denials.push_back({{"who", d.who}, {"wording", d.wording}, {"evidence", ev(d.evidence)}});
  json responsible = json::array();
  for (const auto& id : x.events.responsible) {
    std::string name = id;
    if (const Actor* act = kb.actor(id)) name = act->name;
    else if (const Software* sw = kb.software_by_id(id)) name = sw->name;
    responsible.push_back({{"id", id}, {"name", name}});
  }
  out["responsible"] = responsible;
  out["sponsor_states"] = x.events.sponsor_states;
  out["people"] = people;
  out["dates"] = dates;
  out["victims"] = victims;
  out["victim_sectors"] = x.events.victim_sectors;
  out["kind"] = {{"kind", article_kind_name(x.kind.kind)}, {"cue", x.kind.cue}};
  out["attributions"] = attributions;
  out["denials"] = denials;
  return out;
}

}  // namespace dossier
