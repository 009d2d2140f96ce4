// Any bytes as robots.txt, and any path asked of its rules: must not crash or hang (wildcards
// are matched without backtracking blow-up).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dossier/ingest/robots.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first line is the path asked; the rest is the file.
  size_t nl = bytes.find('\n');
  std::string_view path = nl == std::string_view::npos ? "/" : bytes.substr(0, nl);
  std::string_view text = nl == std::string_view::npos ? bytes : bytes.substr(nl + 1);
  auto rules = dossier::RobotsRules::parse(text, "dossier");
  (void)rules.allowed(path);
  (void)rules.allowed("/");
  return 0;
}
