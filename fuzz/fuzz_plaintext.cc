// Any bytes as a plain-text article; also the date parser on the same input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dossier/ingest/encoding.h"
#include "dossier/ingest/plaintext.h"
#include "dossier/util/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  dossier::Decoded d = dossier::decode_to_utf8(bytes, "");
  (void)dossier::parse_plain_text(d.text);
  if (size < 256) {
    (void)dossier::parse_datetime(d.text);
    (void)dossier::find_date_in_line(d.text);
  }
  return 0;
}
