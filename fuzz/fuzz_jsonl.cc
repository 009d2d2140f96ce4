// Any line through the `extract --jsonl` protocol: every line gets an answer (a result or an
// error), nothing it holds throws, and the answer serialises as one line of JSON.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dossier/kb/kb.h"
#include "dossier/pipeline/jsonl.h"

namespace {
const dossier::Extractor& extractor() {
  static std::unique_ptr<dossier::KnowledgeBase> kb = [] {
    auto k = dossier::KnowledgeBase::load(DOSSIER_KB);
    if (!k.ok()) __builtin_trap();
    return std::move(k).value();
  }();
  static std::unique_ptr<dossier::Extractor> ex = [] {
    auto e = dossier::Extractor::create(*kb);
    if (!e.ok()) __builtin_trap();
    return std::move(e).value();
  }();
  return *ex;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string_view::npos) return 0;  // the reader splits lines first
  dossier::JsonlAnswer a = dossier::extract_jsonl_line(extractor(), line, 1);
  if (!a.out.is_null()) {
    std::string out = a.out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (out.find('\n') != std::string::npos) __builtin_trap();
    if (!a.out.contains("id")) __builtin_trap();
  }
  return 0;
}
