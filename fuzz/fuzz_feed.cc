// Any bytes parsed as a feed: must not crash, hang, leak, or expand entities past the budget.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dossier/ingest/encoding.h"
#include "dossier/ingest/feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto feed = dossier::parse_feed(dossier::decode_to_utf8(bytes, "").text, "https://fuzz.example/feed");
  if (feed.ok())
    for (const auto& it : feed->items)
      if (it.summary.size() > 64 * 1024 || it.content.size() > 64 * 1024 * 8) __builtin_trap();
  return 0;
}
