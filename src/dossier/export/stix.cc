// A STIX 2.1 bundle of one incident, from its dossier JSON.
#include <algorithm>
#include <map>
#include <set>

#include "dossier/export/cite.h"
#include "dossier/export/export.h"
#include "dossier/synthesize/dossier.h"
#include "dossier/util/fold.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

using nlohmann::json;

// TLP 2.0 as OASIS publishes it (cti-stix-common-objects, extension-definition-specifications/tlp-2.0).
constexpr const char* kTlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
struct TlpMarking {
  Tlp level;
  const char* id;
  const char* name;
};
constexpr TlpMarking kTlpMarkings[] = {
    {Tlp::Clear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR"},
    {Tlp::Green, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN"},
    {Tlp::Amber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER"},
    {Tlp::AmberStrict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "TLP:AMBER+STRICT"},
    {Tlp::Red, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED"},
};
// ATT&CK's creator, as its bundle names it.
constexpr const char* kMitreIdentity = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5";
// dossier's own identity is one object whatever the incident: fixed created/modified.
constexpr const char* kDossierIdentityCreated = "2024-01-01T00:00:00.000Z";

json tlp_marking(Tlp t) {
  for (const auto& m : kTlpMarkings)
    if (m.level == t)
      return {{"type", "marking-definition"},
              {"spec_version", "2.1"},
              {"id", m.id},
              {"created", "2022-10-01T00:00:00.000Z"},
              {"name", m.name},
              {"extensions", {{kTlpExtension, {{"extension_type", "property-extension"}, {"tlp_2_0", std::string(tlp_name(t))}}}}}};
  return json();
}

// STIX industry-sector-ov for a sector of dossier's KB (OpenCTI's taxonomy), by the words of its
// name; "" when the vocabulary has no match.
std::string stix_sector(const std::string& name) {
  std::string n = " " + ascii_lower(name) + " ";
  auto has = [&](std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(), [&](const char* w) { return n.find(w) != std::string::npos; });
  };
  if (has({"unknown"})) return {};
  if (has({"local administration"})) return "government-local";
  if (has({"government", "administration", "ministr", "diplomacy", "legislative", "judicial", "international organi"}))
    return "government-national";
  if (has({"defense", "defence"})) return "defense";
  if (has({"bank", "financ", "market infra"})) return "financial-services";
  if (has({"insurance"})) return "insurance";
  if (has({"pharma"})) return "pharmaceuticals";
  if (has({"health"})) return "healthcare";
  if (has({"universit", "school", "education"})) return "education";
  if (has({"nuclear"})) return "infrastructure-nuclear";
  if (has({"water"})) return "infrastructure-water";
  if (has({"energ", "electric", " gas ", " oil "})) return "energy";
  if (has({"air transport"})) return "aerospace";
  if (has({"transport", "logistic"})) return "transportation";
  if (has({"telecom", "internet service", "hosting service"})) return "telecommunications";
  if (has({"technolog", "high-tech", "digital infra"})) return "technology";
  if (has({"media", "culture", "entertainment", "sport", "gambling"})) return "entertainment";
  if (has({"hospitality", "lodging", "food", "travel", "tourism"})) return "hospitality-leisure";
  if (has({"agricult"})) return "agriculture";
  if (has({"manufactur", "heavy industr"})) return "manufacturing";
  if (has({"construction"})) return "construction";
  if (has({"retail"})) return "retail";
  if (has({"mining"})) return "mining";
  if (has({"consult"})) return "commercial";
  if (has({"ngo", "non-governmental", "civil society", "citizens", "political", "dissident", "think tank"})) return "non-profit";
  return {};
}

// The confidence (0-100) a wording of attribution conveys, after the estimative scales of STIX
// 2.1 appendix A; -1 when the wording is not one of them.
int confidence_of(const std::string& wording) {
  static const std::pair<const char*, int> kScale[] = {
      {"high degree of certainty", 95}, {"almost certainly", 95}, {"high confidence", 85}, {"highly likely", 85},
      {"with confidence", 70},          {"likely", 70},           {"assessed", 60},        {"believed to", 60},
      {"moderate confidence", 50},      {"linked to", 50},        {"suspected", 40},       {"possibly", 30},
      {"reportedly", 30},               {"allegedly", 30},        {"low confidence", 15}};
  for (const auto& [w, c] : kScale)
    if (wording == w) return c;
  return -1;
}

struct Bundle {
  const json& d;
  const ExportContext& ctx;
  const KnowledgeBase& kb;
  std::string incident, created, modified, marking, me;
  std::vector<json> objects;
  std::set<std::string> ids;
  std::vector<std::string> refs;  // the report's object_refs, in the order written

  Bundle(const json& dossier, const ExportContext& c) : d(dossier), ctx(c), kb(*c.kb) {
    incident = d["incident"].value("id", "");
    std::string first = d["incident"].value("first_seen", "");
    created = stix_timestamp(ctx.created.empty() ? first : ctx.created);
    if (created.empty()) created = stix_timestamp(d.value("generated_at", ""));
    modified = stix_timestamp(ctx.modified.empty() ? d.value("generated_at", "") : ctx.modified);
    if (modified.empty() || modified < created) modified = created;
    for (const auto& m : kTlpMarkings)
      if (m.level == ctx.tlp) marking = m.id;
    me = "identity--" + uuid5(kDossierNamespace, "identity:dossier");
  }

  std::string id(const std::string& type, const std::string& key) const { return type + "--" + uuid5(kDossierNamespace, type + ":" + key); }

  // An object of this incident: created when the incident was first stored, modified when it last
  // changed.
  json base(const std::string& type, const std::string& oid) const {
    return {{"type", type},         {"spec_version", "2.1"},  {"id", oid},
            {"created", created},   {"modified", modified},   {"created_by_ref", me},
            {"object_marking_refs", json::array({marking})}};
  }
  // An object every incident that names it shares (an actor, a sponsor, a country, a CVE, a
  // ransomware family from the KB): the same id, timestamps and content in every bundle, so that
  // one incident's export never makes another version of it; what the sources say of it lives on
  // this incident's relationships.
  json shared(const std::string& type, const std::string& oid) const {
    return {{"type", type},
            {"spec_version", "2.1"},
            {"id", oid},
            {"created", kDossierIdentityCreated},
            {"modified", kDossierIdentityCreated},
            {"created_by_ref", me},
            {"object_marking_refs", json::array({kTlpMarkings[0].id})}};
  }

  bool add(json o) {
    std::string oid = o["id"];
    if (!ids.insert(oid).second) return false;
    refs.push_back(oid);
    objects.push_back(std::move(o));
    return true;
  }

  void relate(const std::string& type, const std::string& src, const std::string& dst, const std::string& description = {}, int confidence = -1) {
    if (src.empty() || dst.empty() || src == dst) return;
    json r = base("relationship", id("relationship", incident + ":" + type + ":" + src + ":" + dst));
    r["relationship_type"] = type;
    r["source_ref"] = src;
    r["target_ref"] = dst;
    if (!description.empty()) r["description"] = description;
    if (confidence >= 0) r["confidence"] = confidence;
    add(std::move(r));
  }

  std::string location(const std::string& code) {
    const Country* c = kb.country(code);
    if (!c) return {};
    std::string oid = id("location", "country:" + c->code);
    json l = shared("location", oid);
    l["name"] = c->name;
    l["country"] = c->code;
    add(std::move(l));
    return oid;
  }

  std::string country_code(const std::string& name) const {
    auto found = kb.find_countries(name);
    return found.empty() ? std::string() : found.front()->code;
  }
};

using exporting::cite;
using exporting::cited_text;

const json* fact(const json& facts, const char* label) {
  for (const auto& f : facts)
    if (f.value("label", "") == label) return &f["values"];
  return nullptr;
}

// The brief as plain text: introduction, then each topic with its sentences, markers kept.
std::string brief_text(const json& d) {
  std::string out;
  const json& b = d["brief"];
  for (const auto& c : b.value("introduction", json::array())) out += (out.empty() ? "" : " ") + cited_text(c);
  for (const auto& sec : b.value("description", json::array())) {
    out += "\n\n" + sec.value("topic", "") + "\n";
    std::string para;
    for (const auto& c : sec.value("sentences", json::array())) para += (para.empty() ? "" : " ") + cited_text(c);
    out += para;
  }
  return out;
}

}  // namespace

json stix_bundle(const json& d, const ExportContext& ctx) {
  Bundle b(d, ctx);
  const KnowledgeBase& kb = b.kb;
  const std::string incident = d["incident"].value("id", "");
  const json& report = d["report"];
  const json& attribution = report["attribution"];

  // dossier itself and the TLP marking.
  json me = {{"type", "identity"},           {"spec_version", "2.1"},
             {"id", b.me},                   {"created", kDossierIdentityCreated},
             {"modified", kDossierIdentityCreated}, {"name", "dossier"},
             {"identity_class", "system"},   {"description", "Incident dossiers from security news, every statement cited to its sources."}};
  b.objects.push_back(me);
  b.objects.push_back(tlp_marking(ctx.tlp));
  // The objects every incident shares carry only the KB's facts: TLP:CLEAR whatever the incident's.
  if (ctx.tlp != Tlp::Clear) b.objects.push_back(tlp_marking(Tlp::Clear));
  b.ids.insert(b.me);
  b.ids.insert(b.marking);
  b.ids.insert(kTlpMarkings[0].id);

  // Actors: an intrusion set each; the one the sources hold responsible (else the most named)
  // carries the attribution, targets and techniques.
  std::string responsible, responsible_kb;
  std::vector<std::string> actor_ids;
  for (const auto& a : attribution.value("actors", json::array())) {
    std::string kb_id = a.value("id", "");
    std::string oid = b.id("intrusion-set", "actor:" + kb_id);
    json is = b.shared("intrusion-set", oid);
    is["name"] = a.value("name", kb_id);
    // The KB's names, each once whatever its case (the sources' own names are KB names: that is
    // how they were recognised): those ATT&CK gives the group, and the others no other group
    // shares.
    std::vector<std::string> aliases;
    std::set<std::string> folded{fold_name(is["name"].get<std::string>())};
    auto alias = [&](const std::string& n) {
      if (folded.insert(fold_name(n)).second) aliases.push_back(n);
    };
    if (const Actor* act = kb.actor(kb_id))
      for (const auto& al : act->aliases)
        if (!al.ambiguous || (al.sources & kFromAttack)) alias(al.name);
    if (!aliases.empty()) is["aliases"] = aliases;
    if (!a.value("attack_id", "").empty())
      is["external_references"] = json::array({{{"source_name", "mitre-attack"},
                                                {"external_id", a["attack_id"]},
                                                {"url", "https://attack.mitre.org/groups/" + a["attack_id"].get<std::string>()}}});
    b.add(std::move(is));
    actor_ids.push_back(oid);
    if (responsible.empty() && !a.value("attributed_refs", json::array()).empty()) {
      responsible = oid;
      responsible_kb = kb_id;
    }
  }
  if (responsible.empty() && !actor_ids.empty()) {
    responsible = actor_ids.front();
    responsible_kb = attribution["actors"][0].value("id", "");
  }

  // Ransomware families: malware the responsible set uses.
  std::vector<std::string> malware_ids;
  for (const auto& r : attribution.value("ransomware", json::array())) {
    std::string oid = b.id("malware", "software:" + r.value("id", ""));
    json m = b.shared("malware", oid);
    m["name"] = r.value("name", "");
    m["is_family"] = true;
    m["malware_types"] = json::array({"ransomware"});
    if (const Software* sw = kb.software_by_id(r.value("id", ""))) {
      std::vector<std::string> aliases;
      std::set<std::string> folded{fold_name(m["name"].get<std::string>())};
      for (const auto& al : sw->aliases)
        if (!al.ambiguous && folded.insert(fold_name(al.name)).second) aliases.push_back(al.name);
      if (!aliases.empty()) m["aliases"] = aliases;
    }
    if (!r.value("attack_id", "").empty())
      m["external_references"] = json::array({{{"source_name", "mitre-attack"},
                                               {"external_id", r["attack_id"]},
                                               {"url", "https://attack.mitre.org/software/" + r["attack_id"].get<std::string>()}}});
    b.add(std::move(m));
    malware_ids.push_back(oid);
    // `uses` where the KB records the actor using it (ATT&CK's uses); otherwise the coverage only
    // names both, and says nothing of who used what.
    const Actor* act = kb.actor(responsible_kb);
    bool known = act && std::find(act->software.begin(), act->software.end(), r.value("id", "")) != act->software.end();
    b.relate(known ? "uses" : "related-to", responsible, oid,
             std::string(known ? "Named by sources " : "Named in the same incident's coverage by sources ") + cite(r["refs"]) + ".");
  }
  // Who acts, for techniques and indicators: the responsible actor, else the ransomware.
  std::string actor = !responsible.empty() ? responsible : (malware_ids.empty() ? std::string() : malware_ids.front());

  // The sponsor: a threat actor for the state service the sources name, else the state.
  const json* facts = &attribution["facts"];
  std::string confidence_wording;
  int confidence = -1;
  if (const json* c = fact(*facts, "Confidence"); c && !c->empty()) {
    confidence_wording = (*c)[0].value("text", "");
    confidence = confidence_of(confidence_wording);
  }
  if (const json* sponsors = fact(*facts, "Sponsor named by the sources"); sponsors && !responsible.empty()) {
    std::set<std::string> done;
    std::set<std::string> states_with_agency;  // a state whose service a source names needs no "Government of"
    for (const auto& s : *sponsors) {
      std::string text = s.value("text", "");
      if (size_t comma = text.find(", "); comma != std::string::npos) states_with_agency.insert(b.country_code(text.substr(0, comma)));
    }
    for (const auto& s : *sponsors) {
      std::string text = s.value("text", "");
      std::vector<std::string> parts;
      for (size_t p = 0; p <= text.size();) {
        size_t q = text.find(", ", p);
        parts.push_back(text.substr(p, q == std::string::npos ? std::string::npos : q - p));
        if (q == std::string::npos) break;
        p = q + 2;
      }
      std::string state = b.country_code(parts.front());
      if (state.empty()) continue;
      std::string loc = b.location(state);
      b.relate("originates-from", responsible, loc, "Sponsor state named by sources " + cite(s["refs"]) + ".");
      std::vector<std::pair<std::string, std::string>> sponsors_here;  // (key, name)
      for (size_t i = 1; i < parts.size(); ++i) {
        auto ag = kb.find_agencies(parts[i]);
        sponsors_here.emplace_back(ag.empty() ? "agency:" + parts[i] : "agency:" + ag.front()->id, parts[i]);
      }
      if (sponsors_here.empty() && !states_with_agency.count(state)) {
        const Country* c = kb.country(state);
        sponsors_here.emplace_back("state:" + state, "Government of " + (c ? c->name : state));
      }
      for (const auto& [key, name] : sponsors_here) {
        if (!done.insert(key).second) continue;
        std::string oid = b.id("threat-actor", key);
        json ta = b.shared("threat-actor", oid);
        ta["name"] = name;
        ta["threat_actor_types"] = json::array({"nation-state"});
        b.add(std::move(ta));
        b.relate("located-at", oid, loc);
        std::string why = "Attributed by sources " + cite(s["refs"]);
        if (!confidence_wording.empty()) why += "; wording of the confidence: \"" + confidence_wording + "\"";
        b.relate("attributed-to", responsible, oid, why + ".", confidence);
      }
    }
  }
  if (!responsible.empty()) {
    // The actor's origin as the KB records it, when no source named a sponsor.
    bool has_origin = std::any_of(b.objects.begin(), b.objects.end(), [&](const json& o) {
      return o["type"] == "relationship" && o["relationship_type"] == "originates-from" && o["source_ref"] == responsible;
    });
    const json& first = attribution["actors"].empty() ? json() : attribution["actors"][0];
    if (!has_origin && first.is_object())
      if (const Actor* act = kb.actor(first.value("id", "")); act && !act->country.empty())
        b.relate("originates-from", responsible, b.location(act->country), "Suspected origin recorded in the knowledge base for this actor.");
  }

  // Victims: organisations with the incident's sectors, located where the sources say.
  std::vector<std::string> sectors;
  if (const json* sv = fact(report["details"], "Sector"))
    for (const auto& s : *sv)
      if (std::string x = stix_sector(s.value("text", "")); !x.empty() && std::find(sectors.begin(), sectors.end(), x) == sectors.end())
        sectors.push_back(x);
  if (const json* victims = fact(report["details"], "Affected organisation"))
    for (const auto& v : *victims) {
      std::string text = v.value("text", "");
      if (text.size() > kHeadlineSubjectNote.size() && text.compare(text.size() - kHeadlineSubjectNote.size(), std::string::npos, kHeadlineSubjectNote) == 0)
        continue;
      // "Org (Country): the assets hit": the name keeps its country, which tells one country's
      // ministry from another's; the country is also the location it is at.
      std::string name = text.substr(0, text.find(": "));
      std::string country;
      if (size_t open = name.rfind(" ("); open != std::string::npos && name.back() == ')')
        country = b.country_code(name.substr(open + 2, name.size() - open - 3));
      std::string oid = b.id("identity", "victim:" + incident + ":" + fold_name(name));
      json idn = b.base("identity", oid);
      idn["name"] = name;
      idn["identity_class"] = "organization";
      if (!sectors.empty()) idn["sectors"] = sectors;
      idn["description"] = "Affected organisation, named by sources " + cite(v["refs"]) + ": " + text;
      b.add(std::move(idn));
      b.relate("targets", actor, oid, "Named as affected by sources " + cite(v["refs"]) + ".");
      if (!country.empty()) {
        std::string loc = b.location(country);
        b.relate("located-at", oid, loc);
        b.relate("targets", actor, loc);
      }
    }
  if (const json* geo = fact(report["details"], "Geography"))
    for (const auto& g : *geo)
      if (std::string code = b.country_code(g.value("text", "")); !code.empty())
        b.relate("targets", actor, b.location(code), "Country of the activity, named by sources " + cite(g["refs"]) + ".");

  // Vulnerabilities the sources name.
  if (const json* vulns = fact(report["details"], "Vulnerabilities"))
    for (const auto& v : *vulns) {
      std::string cve = v.value("text", "");
      if (cve.rfind("CVE-", 0) != 0) continue;
      std::string oid = b.id("vulnerability", cve);
      json vu = b.shared("vulnerability", oid);
      vu["name"] = cve;
      vu["external_references"] = json::array({{{"source_name", "cve"}, {"external_id", cve}}});
      b.add(std::move(vu));
      b.relate(malware_ids.empty() ? "targets" : "exploits", malware_ids.empty() ? actor : malware_ids.front(), oid,
               "Named by sources " + cite(v["refs"]) + ".");
    }

  // Techniques as ATT&CK publishes them, and the mitigations recommended for them.
  std::set<std::string> techniques_here;
  for (const auto& m : report.value("methodology", json::array())) {
    const Technique* t = kb.technique(m.value("technique_id", ""));
    if (!t || t->stix_id.empty()) continue;
    json ap = {{"type", "attack-pattern"},
               {"spec_version", "2.1"},
               {"id", t->stix_id},
               {"created", stix_timestamp(t->stix_created)},
               {"modified", stix_timestamp(t->stix_modified)},
               {"created_by_ref", kMitreIdentity},
               {"name", t->name},
               {"external_references", json::array({{{"source_name", "mitre-attack"},
                                                      {"external_id", t->id},
                                                      {"url", "https://attack.mitre.org/techniques/" + [&] {
                                                         std::string u = t->id;
                                                         std::replace(u.begin(), u.end(), '.', '/');
                                                         return u;
                                                       }()}}})}};
    json phases = json::array();
    for (const auto& tac : t->tactics)
      if (const Tactic* tc = kb.tactic(tac)) phases.push_back({{"kill_chain_name", "mitre-attack"}, {"phase_name", tc->shortname}});
    if (!phases.empty()) ap["kill_chain_phases"] = phases;
    if (b.add(std::move(ap))) techniques_here.insert(t->id);
    const json& ev = m["evidence"];
    std::string how = m.value("named", false) ? "Named as " + t->id : "Described";
    b.relate("uses", actor, t->stix_id, how + " by sources " + cite(ev.value("refs", json::array())) + ": \"" + ev.value("text", "") + "\"");
  }
  for (const auto& r : d.value("recommendations", json::array())) {
    const Mitigation* m = kb.mitigation(r.value("mitigation_id", ""));
    if (!m || m->stix_id.empty()) continue;
    std::vector<std::string> targets;
    for (const auto& t : r.value("techniques", json::array()))
      if (techniques_here.count(t.get<std::string>()))
        if (const Technique* tech = kb.technique(t.get<std::string>())) targets.push_back(tech->stix_id);
    if (targets.empty()) continue;
    b.add({{"type", "course-of-action"},
           {"spec_version", "2.1"},
           {"id", m->stix_id},
           {"created", stix_timestamp(m->stix_created)},
           {"modified", stix_timestamp(m->stix_modified)},
           {"created_by_ref", kMitreIdentity},
           {"name", m->name},
           {"external_references", json::array({{{"source_name", "mitre-attack"},
                                                  {"external_id", m->id},
                                                  {"url", "https://attack.mitre.org/mitigations/" + m->id}}})}});
    for (const auto& t : targets) b.relate("mitigates", m->stix_id, t);
  }

  // Indicators, with the observable each describes.
  const json indicators = report.value("indicators", json::object());  // kept: items() refers to it
  for (const auto& [type, list] : indicators.items())
    for (const auto& i : list) {
      std::string value = i.value("value", "");
      StixObservable o = stix_observable(type, value);
      if (o.pattern.empty()) continue;
      std::string oid = b.id("indicator", incident + ":" + type + ":" + value);
      json in = b.base("indicator", oid);
      in["name"] = i.value("defanged", value);
      in["pattern"] = o.pattern;
      in["pattern_type"] = "stix";
      in["valid_from"] = b.created;
      in["indicator_types"] = json::array({i.value("malicious", false) ? "malicious-activity" : "anomalous-activity"});
      std::string role = i.value("role", "");
      in["description"] = std::string("Reported by sources ") + cite(i["refs"]) + (role.empty() ? "" : " as " + role) + ".";
      b.add(std::move(in));
      b.add(o.object);
      b.relate("related-to", oid, o.object["id"]);
      b.relate("indicates", oid, actor);
    }

  // Denials: a note on the report.
  std::string report_id = b.id("report", incident);
  if (const json* denials = fact(*facts, "Denials"); denials && !denials->empty()) {
    std::string content;
    for (const auto& dn : *denials) content += (content.empty() ? "" : "\n") + cited_text(dn);
    json note = b.base("note", b.id("note", "denials:" + incident));
    note["abstract"] = "Denials";
    note["content"] = content;
    note["object_refs"] = json::array({report_id});
    if (!responsible.empty()) note["object_refs"].push_back(responsible);
    b.add(std::move(note));
  }

  // The report: the brief, its sources in citation order, and everything above.
  json rep = b.base("report", report_id);
  rep["name"] = d["incident"].value("title", "");
  rep["report_types"] = json::array({"threat-report"});
  std::string published = stix_timestamp(d["incident"].value("first_seen", ""));
  rep["published"] = published.empty() ? b.created : published;
  std::string brief = brief_text(d);
  rep["description"] = brief.empty() ? rep["name"].get<std::string>() : brief;
  json ext = json::array();
  for (const auto& s : d.value("sources", json::array())) {
    std::string outlet = s.value("outlet", "");
    json e = {{"source_name", outlet.empty() ? std::string("source ") + std::to_string(s.value("ref", 0)) : outlet},
              {"description", "[" + std::to_string(s.value("ref", 0)) + "] " + s.value("title", "") +
                                  (s.value("published", "").empty() ? "" : " (" + s.value("published", "").substr(0, 10) + ")")}};
    if (!s.value("url", "").empty()) e["url"] = s["url"];
    if (auto h = ctx.article_sha256.find(s.value("article_id", "")); h != ctx.article_sha256.end()) e["hashes"] = {{"SHA-256", h->second}};
    ext.push_back(std::move(e));
  }
  if (!ext.empty()) rep["external_references"] = ext;
  std::vector<std::string> object_refs = b.refs;
  if (object_refs.empty()) object_refs.push_back(b.me);
  rep["object_refs"] = object_refs;
  b.objects.push_back(std::move(rep));

  return {{"type", "bundle"},
          {"id", "bundle--" + uuid5(kDossierNamespace, "bundle:" + incident + ":" + b.modified)},
          {"objects", b.objects}};
}

}  // namespace dossier
