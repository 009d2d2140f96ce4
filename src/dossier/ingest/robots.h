// robots.txt (RFC 9309): groups by user-agent, Allow/Disallow with '*' and '$', longest match wins,
// Allow wins ties. A missing or unreadable robots.txt allows everything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dossier {

class RobotsRules {
 public:
  // Parses the rules that apply to `agent` (product token, e.g. "dossier"); falls back to "*".
  static RobotsRules parse(std::string_view text, std::string_view agent);
  static RobotsRules allow_all() { return {}; }
  // `path` is the URL path plus query, starting with '/'.
  bool allowed(std::string_view path) const;

 private:
  struct Rule {
    bool allow;
    std::string pattern;
  };
  std::vector<Rule> rules_;
};

}  // namespace dossier
