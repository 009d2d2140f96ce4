// Any text through the whole extractor (sentences, indicators, KB entities, events, victims,
// responsibility, dates, techniques, kind) and its JSON: must not crash or hang, every span must
// lie inside the text, and the JSON must serialise.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dossier/extract/extract.h"
#include "dossier/kb/kb.h"
#include "dossier/util/text.h"

namespace {
struct Loaded {
  std::unique_ptr<dossier::KnowledgeBase> kb;
  std::unique_ptr<dossier::Extractor> extractor;
};
const Loaded& loaded() {
  static Loaded l = [] {
    Loaded x;
    auto kb = dossier::KnowledgeBase::load(DOSSIER_KB);
    if (!kb.ok()) __builtin_trap();
    x.kb = std::move(kb).value();
    auto ex = dossier::Extractor::create(*x.kb);
    if (!ex.ok()) __builtin_trap();
    x.extractor = std::move(ex).value();
    return x;
  }();
  return l;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dossier::Article a;
  a.id = "fuzz";
  a.title = "Fuzzed";
  a.published = "2024-05-01T00:00:00Z";
  a.text = dossier::sanitize_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto& ex = *loaded().extractor;
  dossier::Extraction x = ex.extract(a);
  for (const auto& s : x.sentences)
    if (s.begin > s.end || s.end > a.text.size()) __builtin_trap();
  for (const auto& m : x.mentions)
    if (m.begin > m.end || m.end > a.text.size()) __builtin_trap();
  (void)dossier::extraction_json(x, a, ex.kb()).dump();
  return 0;
}
