// Any text through the indicator scanner, refang and defang: must not crash or hang, and every
// indicator must point at its own span of the text and be defanged into something that refangs
// back to it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dossier/extract/indicators.h"
#include "dossier/util/text.h"

namespace {
const dossier::IndicatorScanner& scanner() {
  static std::unique_ptr<dossier::IndicatorScanner> s = [] {
    auto r = dossier::IndicatorScanner::create();
    if (!r.ok()) __builtin_trap();
    return std::move(r).value();
  }();
  return *s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = dossier::sanitize_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& i : scanner().scan(text)) {
    if (i.begin > i.end || i.end > text.size()) __builtin_trap();
    if (i.value.empty() || i.original != std::string_view(text).substr(i.begin, i.end - i.begin)) __builtin_trap();
    if (dossier::refang(i.defanged) != i.value && dossier::refang(i.defanged) != dossier::refang(i.value)) __builtin_trap();
  }
  (void)dossier::refang(text);
  return 0;
}
