// Internal to the export stage: citation markers as the dossier writes them ("[1][3]").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace dossier::exporting {

// "[1][3]" for the refs [1, 3].
inline std::string cite(const nlohmann::json& refs) {
  std::string s;
  for (const auto& r : refs) s += "[" + std::to_string(r.get<int>()) + "]";
  return s;
}

// A cited item ({"text", "refs"}) as text with its markers.
inline std::string cited_text(const nlohmann::json& c) {
  std::string t = c.value("text", "");
  if (c.contains("refs") && !c["refs"].empty()) t += " " + cite(c["refs"]);
  return t;
}

}  // namespace dossier::exporting
