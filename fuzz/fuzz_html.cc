// Any bytes, decoded and extracted as an HTML page: must not crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dossier/ingest/encoding.h"
#include "dossier/ingest/html.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  dossier::Decoded d = dossier::decode_to_utf8(bytes, "");
  (void)dossier::parse_html_article(d.text, "https://fuzz.example/page");
  (void)dossier::html_fragment_to_text(d.text);
  return 0;
}
