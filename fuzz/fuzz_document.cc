// The whole document path: sniffing, decoding with an arbitrary Content-Type, extraction, ids.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dossier/ingest/document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t ct_len = data[0] % 40;
  if (size < 1 + ct_len) return 0;
  dossier::FetchInfo info;
  info.source = "https://fuzz.example/doc";
  info.content_type.assign(reinterpret_cast<const char*>(data + 1), ct_len);
  std::string bytes(reinterpret_cast<const char*>(data + 1 + ct_len), size - 1 - ct_len);
  auto doc = dossier::parse_document(bytes, info);
  if (doc.ok() && doc->kind == dossier::DocumentKind::Feed)
    for (const auto& item : doc->feed.items) {
      dossier::Article a = dossier::article_from_feed_item(item, doc->feed, info);
      dossier::finalize_article(a);
    }
  return 0;
}
