#include "dossier/cluster/profile.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "dossier/extract/entities.h"
#include "dossier/extract/victims.h"
#include "dossier/util/ascii.h"
#include "dossier/util/fold.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {

int32_t day_number(const std::string& iso) {
  if (iso.empty()) return kNoDay;
  auto t = parse_datetime(iso);
  if (!t) return kNoDay;
  return static_cast<int32_t>(std::floor(static_cast<double>(*t) / 86400.0));
}

std::string day_string(int32_t day) {
  if (day == kNoDay) return {};
  return format_iso8601(static_cast<std::time_t>(day) * 86400).substr(0, 10);
}

std::string_view key_kind_name(KeyKind k) {
  switch (k) {
    case KeyKind::Actor: return "actor";
    case KeyKind::Victim: return "victim";
    case KeyKind::Organization: return "organization";
    case KeyKind::Name: return "name";
    case KeyKind::Cve: return "cve";
    case KeyKind::Indicator: return "indicator";
    case KeyKind::Software: return "software";
    case KeyKind::Agency: return "agency";
    case KeyKind::Country: return "country";
  }
  return "key";
}

float key_kind_weight(KeyKind k) {
  switch (k) {
    case KeyKind::Actor: return 1.0f;
    case KeyKind::Victim: return 1.0f;
    case KeyKind::Cve: return 1.0f;
    case KeyKind::Indicator: return 1.0f;
    case KeyKind::Organization: return 0.6f;
    case KeyKind::Name: return 0.7f;
    case KeyKind::Software: return 0.7f;
    case KeyKind::Agency: return 0.3f;
    case KeyKind::Country: return 0.2f;
  }
  return 0.5f;
}

namespace {

// 1 for one mention, growing slowly with more; a partial mention (a shared name) counts in part.
float sublinear(float count) { return count <= 0 ? 0 : count < 1 ? count : 1.0f + std::log(count); }

}  // namespace

ArticleProfile profile_article(const Article& a, const Extraction& x, const KnowledgeBase& kb) {
  ArticleProfile p;
  p.article_id = a.id;
  p.forms_incidents = forms_incidents(x.kind.kind);
  p.disclosure = x.kind.kind == ArticleKind::Vulnerability;
  p.duplicate_of = a.duplicate_of;
  p.title = a.title;
  p.outlet = a.outlet;
  p.language = a.language.empty() || a.language == "und" ? "en" : a.language;
  p.day = day_number(a.published);
  if (!p.dated()) {
    // An undated article is looked up around the latest date it writes, else when it was ingested.
    int32_t latest = kNoDay;
    for (const auto& d : x.dates)
      if (!d.relative && !d.value.empty() && (d.granularity == "day" || d.granularity == "month")) {
        int32_t dn = day_number(d.granularity == "month" ? d.value + "-01" : d.value);
        if (dn != kNoDay && (latest == kNoDay || dn > latest)) latest = dn;
      }
    if (latest == kNoDay) latest = day_number(a.ingested_at);
    if (latest == kNoDay) latest = day_number(now_iso8601());
    p.anchor_day = latest;
  } else {
    p.anchor_day = p.day;
  }

  std::string folded_title = " " + fold_name(a.title) + " ";
  std::map<std::string, ProfileKey> keys;
  auto add = [&](KeyKind kind, const std::string& key, float count, std::string_view surface) {
    auto [it, fresh] = keys.emplace(key, ProfileKey{key, kind, 0, false});
    it->second.strength += count;
    if (!surface.empty()) {
      std::string f = fold_name(surface);
      if (!f.empty() && folded_title.find(" " + f + " ") != std::string::npos) it->second.in_title = true;
    }
  };
  for (const auto& m : x.mentions) {
    // A name that context could not resolve to one entity counts for each candidate, in part.
    float share = 1.0f / static_cast<float>(m.ids.size());
    for (const auto& id : m.ids) switch (m.kind) {
        case EntityKind::Actor:
          add(KeyKind::Actor, "actor:" + id, share, m.text);
          if (m.ids.size() == 1 && std::find(p.actors.begin(), p.actors.end(), id) == p.actors.end()) p.actors.push_back(id);
          break;
        case EntityKind::Software:
          add(KeyKind::Software, "software:" + id, share, m.text);
          // A ransomware brand is the actor of its attacks as well as their software.
          if (names_ransomware(m, kb)) keys.at("software:" + id).brand = true;
          break;
        case EntityKind::Agency: add(KeyKind::Agency, "agency:" + id, share, m.text); break;
        case EntityKind::Country: add(KeyKind::Country, "country:" + id, share, m.text); break;
        default: break;
      }
  }
  // An actor named only in the headline is as central as it gets.
  for (const auto& i : x.indicators) {
    if (i.type == IndicatorType::Cve) {
      add(KeyKind::Cve, "cve:" + i.value, 1, i.value);
      continue;
    }
    if (i.type == IndicatorType::AttackId) continue;
    bool listed = std::any_of(i.flags.begin(), i.flags.end(), [](const std::string& f) { return f.rfind("warninglist:", 0) == 0; });
    if (listed || i.role == "reference" || i.role == "example") continue;
    if (i.malicious || i.confidence >= 0.6) add(KeyKind::Indicator, "indicator:" + i.value, 1, {});
  }
  // One key per organisation whichever form the story uses: "Medibank Private" is "Medibank".
  for (const auto& v : x.events.victims) {
    std::string_view short_form = victim_short_name(v.name, kb);
    std::string name = without_corporate_suffix(fold_name(short_form.empty() ? std::string_view(v.name) : short_form));
    const std::string key = "victim:" + ascii_lower(v.country) + ":" + name;
    add(KeyKind::Victim, key, 1, {});
    for (std::string_view form : {std::string_view(v.name), short_form})
      if (!form.empty() && folded_title.find(" " + fold_name(form) + " ") != std::string::npos) keys.at(key).headline_victim = true;
  }
  for (const auto& o : x.events.organizations) {
    if (o.kind == "government") continue;  // "the government" is every country's
    add(KeyKind::Organization, "organization:" + ascii_lower(o.country) + ":" + fold_name(o.name) + (o.located.empty() ? "" : "@" + ascii_lower(o.located)), 1, {});
  }
  std::vector<std::pair<size_t, size_t>> indicator_spans;
  for (const auto& i : x.indicators) indicator_spans.emplace_back(i.begin, i.end);
  for (const auto& n : proper_names(a.text, x.sentences, x.mentions, kb, indicator_spans)) add(KeyKind::Name, "name:" + n, n.find(' ') == std::string::npos ? 0.6f : 1.0f, n);
  // Names the headline carries that the body did not confirm (title case makes every word
  // capitalised there) stay out; KB entities in the headline are matched above through `surface`.
  for (auto& [k, key] : keys) {
    key.strength = sublinear(key.strength) * (key.in_title ? 1.5f : 1.0f);
    p.keys.push_back(std::move(key));
  }

  // Content terms: the headline three times, the body's first 1,500 terms once (the lead says what
  // happened; long articles drift into background).
  std::unordered_map<uint64_t, float> tf;
  std::vector<uint64_t> title_terms = content_term_keys(a.title, p.language);
  for (uint64_t k : title_terms) tf[k] += 3;
  for (uint64_t k : content_term_keys(a.text, p.language, 1500)) tf[k] += 1;
  p.terms.reserve(tf.size());
  for (const auto& [k, v] : tf) p.terms.emplace_back(k, sublinear(v));
  std::sort(p.terms.begin(), p.terms.end());
  std::sort(title_terms.begin(), title_terms.end());
  title_terms.erase(std::unique(title_terms.begin(), title_terms.end()), title_terms.end());
  p.title_terms = std::move(title_terms);
  return p;
}

}  // namespace dossier
