// The export stage: an incident's dossier to the formats analysts' platforms take in.
//
//  - STIX 2.1: one bundle per incident. dossier's own `identity` (identity_class system) is the
//    `created_by_ref` of everything it writes; a `report` whose description is the brief with its
//    citation markers and whose external references are the cited articles in citation order
//    (outlet, URL, title, SHA-256 of the stored original bytes); an `intrusion-set` for each
//    actor the sources name (ATT&CK groups are intrusion sets) with its aliases, `attributed-to` a
//    `threat-actor` for the sponsor behind it (the state service the sources name, else the
//    state), with the attribution's confidence (0-100) and the wording it came from;
//    `identity` (organization, STIX industry sectors) for victims, `location` (ISO country code)
//    for victims', targets' and sponsors' countries; `malware` for ransomware families;
//    `vulnerability` for CVEs; `attack-pattern` and `course-of-action` exactly as ATT&CK
//    publishes them (its ids, versions and creator); `indicator` (a STIX pattern over the
//    refanged value) with the matching observable; denials as a `note` on the report. Only the
//    relationship types the specification allows between those types are written. Reported
//    indicators are never `observed-data`: dossier observed nothing.
//  - MISP: an event per incident (attributes for indicators, galaxy clusters for the actors,
//    ransomware and techniques by their MISP uuids, TLP tags, the brief as an event report).
//  - ATT&CK Navigator: a layer of the techniques the sources state, scored by how many do, per
//    incident or across an actor's incidents.
//
// Ids are deterministic: UUIDv5 in dossier's own namespace from stable keys (incident id, KB
// entity id, canonical URL, value); observables get theirs in the OASIS namespace from their
// id-contributing properties in canonical JSON (RFC 8785), as STIX 2.1 section 2.9 asks. So an
// unchanged incident exports byte for byte the same, and a changed one keeps its ids and moves
// `modified`. The input is the dossier's documented JSON (synthesize/dossier.h, dossier_json), so
// stored dossiers export without being rebuilt. Nothing here fails on odd content: a value the KB
// cannot place (a sector outside the STIX vocabulary, a sponsor it does not know) is left out of
// the structured fields and stays in the text.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dossier/kb/kb.h"

namespace dossier {

// TLP 2.0 levels, least to most restrictive.
enum class Tlp { Clear, Green, Amber, AmberStrict, Red };
// "clear", "green", "amber", "amber+strict", "red" (also "white" for clear, any case, with or
// without a "tlp:" prefix); nullopt for anything else.
std::optional<Tlp> parse_tlp(std::string_view s);
std::string_view tlp_name(Tlp t);  // "amber+strict"

struct ExportContext {
  const KnowledgeBase* kb = nullptr;
  // When the incident was first stored and last changed (ISO 8601): the objects' created and
  // modified.
  std::string created, modified;
  Tlp tlp = Tlp::Clear;
  // SHA-256 (hex) of each cited article's stored original bytes, by article id.
  std::unordered_map<std::string, std::string> article_sha256;
};

// A UUID version 5 (RFC 9562) of `name` in `ns` (both as text: "6ba7b810-...").
std::string uuid5(std::string_view ns, std::string_view name);
// dossier's namespace for the ids of the objects it creates.
inline constexpr std::string_view kDossierNamespace = "b0b4d9f1-5a2e-4c57-9d0e-0d3c1f6a7e52";
// The namespace STIX 2.1 fixes for the ids of cyber observables.
inline constexpr std::string_view kStixObservableNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";

// STIX 2.1 timestamp with millisecond precision ("2025-05-28T14:10:00.000Z") from ISO 8601
// ("2025-05-28T14:10:00Z", "2025-05-28"); "" when `iso` is not a date.
std::string stix_timestamp(std::string_view iso);

// The STIX pattern of a reported indicator (dossier's indicator type names: ipv4, ipv6, domain,
// url, email, md5, sha1, sha256, sha512, file, registry-key, asn), from its refanged value, and
// the observable it describes; empty pattern for types STIX has no observable for (bitcoin,
// monero).
struct StixObservable {
  std::string pattern;
  nlohmann::json object;  // the SCO, id included
};
StixObservable stix_observable(std::string_view type, const std::string& value);

// The bundle of one incident from its dossier JSON.
nlohmann::json stix_bundle(const nlohmann::json& dossier, const ExportContext& ctx);

// A MISP event ({"Event": {...}}) of one incident.
nlohmann::json misp_event(const nlohmann::json& dossier, const ExportContext& ctx);

// An ATT&CK Navigator layer of the techniques of one or more dossiers (one incident, or every
// incident of an actor), named `name`.
nlohmann::json navigator_layer(const std::vector<nlohmann::json>& dossiers, const std::string& name, const KnowledgeBase& kb);

}  // namespace dossier
