// Deterministic ids, timestamps, TLP levels and the patterns and observables of indicators.
#include <openssl/sha.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>

#include "dossier/export/export.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view s) {
  std::array<uint8_t, 16> out{};
  size_t n = 0;
  int half = -1;
  for (char c : s) {
    if (c == '-') continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'a' && c <= 'f')                      ? c - 'a' + 10
            : (c >= 'A' && c <= 'F')                      ? c - 'A' + 10
                                                          : -1;
    if (v < 0 || n == 16) return std::nullopt;
    if (half < 0) {
      half = v;
    } else {
      out[n++] = static_cast<uint8_t>(half << 4 | v);
      half = -1;
    }
  }
  if (n != 16 || half >= 0) return std::nullopt;
  return out;
}

// Escapes a string literal of a STIX pattern: backslash and the quote.
std::string pattern_string(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string uuid5(std::string_view ns, std::string_view name) {
  auto n = parse_uuid(ns);
  std::array<uint8_t, 16> space = n ? *n : std::array<uint8_t, 16>{};
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, space.data(), space.size());
  SHA1_Update(&ctx, name.data(), name.size());
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1_Final(digest, &ctx);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", digest[0], digest[1],
                digest[2], digest[3], digest[4], digest[5], digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                digest[12], digest[13], digest[14], digest[15]);
  return buf;
}

std::string stix_timestamp(std::string_view iso) {
  // YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and a zone: read as UTC (dossier stores UTC).
  auto digits = [&](size_t at, size_t n) {
    if (iso.size() < at + n) return false;
    for (size_t i = at; i < at + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(iso[i]))) return false;
    return true;
  };
  if (!digits(0, 4) || iso.size() < 10 || iso[4] != '-' || !digits(5, 2) || iso[7] != '-' || !digits(8, 2)) return {};
  std::string date(iso.substr(0, 10));
  std::string hh = "00", mm = "00", ss = "00", ms = "000";
  if (iso.size() >= 16 && (iso[10] == 'T' || iso[10] == ' ') && digits(11, 2) && iso[13] == ':' && digits(14, 2)) {
    hh = std::string(iso.substr(11, 2));
    mm = std::string(iso.substr(14, 2));
    if (iso.size() >= 19 && iso[16] == ':' && digits(17, 2)) {
      ss = std::string(iso.substr(17, 2));
      if (iso.size() > 20 && iso[19] == '.') {
        std::string frac;
        for (size_t i = 20; i < iso.size() && std::isdigit(static_cast<unsigned char>(iso[i])) && frac.size() < 3; ++i) frac += iso[i];
        while (frac.size() < 3) frac += '0';
        ms = frac;
      }
    }
  }
  return date + "T" + hh + ":" + mm + ":" + ss + "." + ms + "Z";
}

std::optional<Tlp> parse_tlp(std::string_view s) {
  std::string v = ascii_lower(trim(s));
  if (v.rfind("tlp:", 0) == 0) v = v.substr(4);
  if (v == "clear" || v == "white") return Tlp::Clear;
  if (v == "green") return Tlp::Green;
  if (v == "amber") return Tlp::Amber;
  if (v == "amber+strict") return Tlp::AmberStrict;
  if (v == "red") return Tlp::Red;
  return std::nullopt;
}

std::string_view tlp_name(Tlp t) {
  switch (t) {
    case Tlp::Clear: return "clear";
    case Tlp::Green: return "green";
    case Tlp::Amber: return "amber";
    case Tlp::AmberStrict: return "amber+strict";
    case Tlp::Red: return "red";
  }
  return "clear";
}

StixObservable stix_observable(std::string_view type, const std::string& value) {
  using nlohmann::json;
  StixObservable out;
  std::string sco_type;
  json props;  // the id-contributing properties
  auto hash = [&](const char* algo) {
    std::string v = ascii_lower(value);
    out.pattern = "[file:hashes." + std::string(algo[0] == 'M' ? algo : "'" + std::string(algo) + "'") + " = " + pattern_string(v) + "]";
    sco_type = "file";
    props = {{"hashes", {{algo, v}}}};
  };
  auto valued = [&](const char* sco, const std::string& v) {
    sco_type = sco;
    out.pattern = "[" + sco_type + ":value = " + pattern_string(v) + "]";
    props = {{"value", v}};
  };
  if (type == "ipv4") {
    valued("ipv4-addr", value);
  } else if (type == "ipv6") {
    valued("ipv6-addr", ascii_lower(value));
  } else if (type == "domain") {
    valued("domain-name", ascii_lower(value));
  } else if (type == "url") {
    valued("url", value);
  } else if (type == "email") {
    valued("email-addr", ascii_lower(value));
  } else if (type == "md5") {
    hash("MD5");
  } else if (type == "sha1") {
    hash("SHA-1");
  } else if (type == "sha256") {
    hash("SHA-256");
  } else if (type == "sha512") {
    hash("SHA-512");
  } else if (type == "file") {
    sco_type = "file";
    out.pattern = "[file:name = " + pattern_string(value) + "]";
    props = {{"name", value}};
  } else if (type == "registry-key") {
    sco_type = "windows-registry-key";
    out.pattern = "[windows-registry-key:key = " + pattern_string(value) + "]";
    props = {{"key", value}};
  } else if (type == "asn") {
    std::string digits;
    for (char c : value)
      if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    if (digits.empty() || digits.size() > 10) return out;
    int64_t number = std::stoll(digits);
    if (number > 4294967295LL) return out;
    sco_type = "autonomous-system";
    out.pattern = "[autonomous-system:number = " + std::to_string(number) + "]";
    props = {{"number", number}};
  } else {
    return out;
  }
  // RFC 8785: keys sorted, no white space, strings as JSON escapes them; the properties here are
  // strings and integers, which nlohmann writes that way.
  out.object = props;
  out.object["type"] = sco_type;
  out.object["spec_version"] = "2.1";
  out.object["id"] = sco_type + "--" + uuid5(kStixObservableNamespace, props.dump(-1, ' ', false, json::error_handler_t::replace));
  return out;
}

}  // namespace dossier
