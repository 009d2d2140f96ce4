// Indicators of compromise in news text.
//
// One pass of Vectorscan over the text finds candidates for every type at once (linear time
// whatever the input: no backtracking regex runs on the text); each candidate is then refanged and
// validated by hand: addresses with inet_pton, domains against the Public Suffix List, hashes on
// hex boundaries, Bitcoin addresses by base58check / bech32 checksums.
//
// Every common defang style is understood: hxxp / hXXps / h**p / fxp, [.] (.) {.} [dot] (dot)
// {dot} " dot ", [:] [://] :// in brackets, [at] (at) [@], backslash-escaped dots, spaces around
// dots. Each indicator is reported refanged (`value`) and defanged (`defanged`).
//
// False positives are the plague of peer tools, so: file names (report.pdf, update.exe, readme.md)
// are not domains; version numbers ("version 1.2.3.4") are not addresses unless defanged; a hex run
// inside a longer one is not a hash; documentation, private and special ranges are flagged, not
// dropped. Context sets confidence and role: a defanged value or one in an "Indicators of
// Compromise" section is asserted malicious; the outlet's own domain and links in a references
// section are references, not indicators.
//
// Guarantee: every indicator's [begin, end) span is text of the input, and `original` is exactly
// that text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/util/public_suffix.h"
#include "dossier/util/result.h"

namespace dossier {

enum class IndicatorType {
  IPv4, IPv6, Domain, Url, Email, Md5, Sha1, Sha256, Sha512, Cve, AttackId, Asn, Bitcoin, Monero, FileName, RegistryKey
};
std::string_view indicator_type_name(IndicatorType t);  // "ipv4", "domain", "sha256", ...

struct Indicator {
  IndicatorType type;
  std::string value;     // refanged and normalised (lower-case host, upper-case CVE)
  std::string defanged;  // safe to paste: hxxps://evil[.]example[.]com/x, 203.0.113[.]7
  std::string original;  // exactly as written
  size_t begin = 0, end = 0;  // byte offsets in the scanned text
  bool was_defanged = false;
  bool malicious = false;     // asserted by the text (defanged, or in an IoC section/list)
  std::string role;           // c2, payload, phishing-sender, victim, example, reference, or empty
  double confidence = 0;      // 0..1 that this is an indicator the article reports
  std::vector<std::string> flags;  // private-range, documentation-range, outlet-domain, in-ioc-section, ...
};

struct ScanOptions {
  std::string outlet_host;  // the article's own site: its domain is never an indicator
};

class IndicatorScanner {
 public:
  // Compiles the pattern database and loads the Public Suffix List. Errors name what is missing.
  static Result<std::unique_ptr<IndicatorScanner>> create(const std::string& psl_path = {});
  ~IndicatorScanner();
  IndicatorScanner(const IndicatorScanner&) = delete;
  IndicatorScanner& operator=(const IndicatorScanner&) = delete;

  // Thread-safe: each call uses its own scratch space.
  std::vector<Indicator> scan(std::string_view text, const ScanOptions& options = {}) const;

  const PublicSuffixList& public_suffixes() const { return psl_; }

 private:
  IndicatorScanner() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  PublicSuffixList psl_;
};

// Refangs a value written in any supported defang style ("hxxp://a[.]b" -> "http://a.b").
std::string refang(std::string_view s);
// Defangs a refanged value of the given type.
std::string defang(IndicatorType type, std::string_view value);

}  // namespace dossier
