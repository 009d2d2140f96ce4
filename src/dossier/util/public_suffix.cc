#include "dossier/util/public_suffix.h"

#include <fstream>

#include "dossier/util/text.h"

namespace dossier {

Result<PublicSuffixList> PublicSuffixList::load(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Error{"cannot read the Public Suffix List at " + path + " (install Debian's publicsuffix)"};
  PublicSuffixList psl;
  std::string line;
  while (std::getline(f, line)) {
    std::string r = trim(line);
    if (r.empty() || r.rfind("//", 0) == 0) continue;
    r = r.substr(0, r.find_first_of(" \t"));
    r = ascii_lower(r);  // IDN rules stay in UTF-8; ASCII ones are lower-cased
    if (r[0] == '!') psl.exceptions_.insert(r.substr(1));
    else if (r.rfind("*.", 0) == 0) psl.wildcards_.insert(r.substr(2));
    else psl.rules_.insert(r);
  }
  if (psl.rules_.empty()) return Error{path + ": no rules"};
  return psl;
}

std::string PublicSuffixList::public_suffix(std::string_view domain) const {
  std::string d(domain);
  // Walk suffixes from the longest: "a.b.co.uk", "b.co.uk", "co.uk", "uk".
  size_t pos = 0;
  while (true) {
    std::string suffix = d.substr(pos);
    if (exceptions_.count(suffix)) {
      size_t dot = suffix.find('.');
      return dot == std::string::npos ? std::string() : suffix.substr(dot + 1);
    }
    size_t dot = suffix.find('.');
    if (dot != std::string::npos && wildcards_.count(suffix.substr(dot + 1))) return suffix;
    if (rules_.count(suffix)) return suffix;
    if (dot == std::string::npos) return {};
    pos += dot + 1;
  }
}

std::string PublicSuffixList::registrable_domain(std::string_view domain) const {
  std::string ps = public_suffix(domain);
  if (ps.empty() || ps.size() >= domain.size()) return {};
  std::string_view rest = domain.substr(0, domain.size() - ps.size() - 1);
  size_t dot = rest.rfind('.');
  return std::string(dot == std::string_view::npos ? rest : rest.substr(dot + 1)) + "." + ps;
}

}  // namespace dossier
