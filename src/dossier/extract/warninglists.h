// MISP warning lists applied to indicators: a value on a list (a top site, a public resolver, a
// vendor blog, a sinkhole, a benign hash, a special range) is flagged with the list's name and its
// confidence lowered, never silently dropped, as MISP itself does.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "dossier/extract/indicators.h"
#include "dossier/kb/kb.h"

namespace dossier {

class WarninglistMatcher {
 public:
  explicit WarninglistMatcher(const std::vector<Warninglist>& lists);
  // Names of the lists the indicator's value is on.
  std::vector<std::string> lists_for(const Indicator& indicator) const;
  // Adds "warninglist:NAME" flags and lowers confidence (x0.3) for listed values.
  void apply(std::vector<Indicator>& indicators) const;

 private:
  // The networks of one address family and prefix length, by their masked address: a look-up
  // per distinct prefix length instead of a pass over every network.
  struct PrefixTable {
    bool v6;
    int bits;
    absl::flat_hash_map<std::array<unsigned char, 16>, std::vector<size_t>> nets;
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::vector<size_t>> exact_;  // string lists
  std::unordered_map<std::string, std::vector<size_t>> hosts_;  // hostname lists (domain and its subdomains)
  std::vector<PrefixTable> prefixes_;
  std::vector<std::pair<std::string, size_t>> substrings_;
};

}  // namespace dossier
