// The Public Suffix List (publicsuffix.org, Debian package `publicsuffix`): which domain names are
// registrable. Implements the list's algorithm: normal rules, wildcards ("*.ck") and exceptions
// ("!www.ck"); the implicit "*" rule is NOT applied, so a name whose top-level label is not on the
// list (update.exe, report.pdf) has no public suffix and is not a domain.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "dossier/util/result.h"

namespace dossier {

class PublicSuffixList {
 public:
  static Result<PublicSuffixList> load(const std::string& path = "/usr/share/publicsuffix/public_suffix_list.dat");
  // The longest public suffix of a lower-case domain ("co.uk" for "a.b.co.uk"), or empty when
  // its top-level label is unknown.
  std::string public_suffix(std::string_view domain) const;
  // The registrable domain (public suffix plus one label), or empty.
  std::string registrable_domain(std::string_view domain) const;
  size_t size() const { return rules_.size(); }

 private:
  std::unordered_set<std::string> rules_, wildcards_, exceptions_;
};

}  // namespace dossier
