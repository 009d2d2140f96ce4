// Small libxml2 helpers shared by the HTML and feed parsers.
#pragma once

#include <libxml/tree.h>

#include <string>
#include <string_view>

namespace dossier::xml {

inline std::string_view name_of(const xmlNode* n) { return n->name ? reinterpret_cast<const char*>(n->name) : ""; }

// The attribute's value, or empty when absent.
inline std::string attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

}  // namespace dossier::xml
