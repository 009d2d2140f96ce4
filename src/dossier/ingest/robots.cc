#include "dossier/ingest/robots.h"

#include "dossier/util/text.h"

namespace dossier {
namespace {

// Matches a robots pattern ('*' any run, trailing '$' anchors) against a path prefix-wise.
bool match(std::string_view pat, std::string_view path) {
  bool anchored = !pat.empty() && pat.back() == '$';
  if (anchored) pat.remove_suffix(1);
  // Iterative wildcard match with backtracking on the last '*': linear in practice for short patterns.
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pat.size() && pat[p] == '*') { star = p++; mark = s; continue; }
    if (p < pat.size() && pat[p] == path[s]) { ++p; ++s; continue; }
    if (p == pat.size() && !anchored) return true;
    if (star != std::string_view::npos) { p = star + 1; s = ++mark; continue; }
    return false;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

}  // namespace

RobotsRules RobotsRules::parse(std::string_view text, std::string_view agent) {
  std::string me = ascii_lower(agent);
  std::vector<Rule> mine, star;
  bool in_agents = false;  // reading a run of user-agent lines
  bool applies_me = false, applies_star = false, any_me = false;
  for (const auto& raw : split_lines(text)) {
    std::string line = raw;
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = ascii_lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents) { applies_me = applies_star = false; }
      in_agents = true;
      std::string v = ascii_lower(value);
      if (v == "*") applies_star = true;
      else if (!me.empty() && me.find(v) != std::string::npos) { applies_me = true; any_me = true; }
      continue;
    }
    in_agents = false;
    if (key != "allow" && key != "disallow") continue;
    if (key == "disallow" && value.empty()) continue;  // "Disallow:" allows everything
    Rule r{key == "allow", value};
    if (applies_me) mine.push_back(r);
    if (applies_star) star.push_back(r);
  }
  RobotsRules rr;
  rr.rules_ = any_me ? mine : star;
  return rr;
}

bool RobotsRules::allowed(std::string_view path) const {
  size_t best_len = 0;
  bool verdict = true;
  bool found = false;
  for (const auto& r : rules_) {
    if (!match(r.pattern, path)) continue;
    if (!found || r.pattern.size() > best_len || (r.pattern.size() == best_len && r.allow)) {
      best_len = r.pattern.size();
      verdict = r.allow;
      found = true;
    }
  }
  return verdict;
}

}  // namespace dossier
