#include "dossier/cluster/clusterer_impl.h"
#include "dossier/util/bytes.h"

namespace dossier {

namespace {

constexpr uint8_t kStateVersion = 2;  // 2 added the languages of the members

}  // namespace

std::string serialize(const Incident& in) {
  ByteWriter w;
  w.u8(kStateVersion);
  w.svarint(in.window_first);
  w.svarint(in.window_last);
  w.svarint(in.dated_first);
  w.svarint(in.dated_last);
  w.varint(in.originals);
  w.varint(in.centroid.size());
  for (const auto& [k, v] : in.centroid) {
    w.u64(k);
    w.f32(v);
  }
  w.varint(in.entities.size());
  for (const auto& e : in.entities) {
    w.u64(e.hash);
    w.u8(static_cast<uint8_t>(e.kind) | (e.subject ? 0x80 : 0) | (e.lexical ? 0x40 : 0) | (e.far ? 0x20 : 0) |
         (e.headline ? 0x10 : 0));
    w.f32(e.support);
  }
  w.varint(in.actors.size());
  for (const auto& [a, n] : in.actors) {
    w.str(a);
    w.varint(n);
  }
  w.varint(in.titles.size());
  for (const auto& t : in.titles) {
    w.str(t.article_id);
    w.str(t.title);
    w.varint(t.terms.size());
    for (uint64_t k : t.terms) w.u64(k);
  }
  w.varint(in.languages.size());
  for (const auto& [l, n] : in.languages) {
    w.str(l);
    w.varint(n);
  }
  return w.take();
}

bool deserialize(std::string_view blob, Incident& in) {
  ByteReader r(blob);
  uint8_t version = r.u8();
  if (version != 1 && version != kStateVersion) return false;
  in.window_first = static_cast<int32_t>(r.svarint());
  in.window_last = static_cast<int32_t>(r.svarint());
  in.dated_first = static_cast<int32_t>(r.svarint());
  in.dated_last = static_cast<int32_t>(r.svarint());
  in.originals = static_cast<uint32_t>(r.varint());
  for (size_t n = r.count(12); n > 0 && r.ok(); --n) {
    uint64_t k = r.u64();
    in.centroid.emplace_back(k, r.f32());
  }
  for (size_t n = r.count(13); n > 0 && r.ok(); --n) {
    Incident::Entity e;
    e.hash = r.u64();
    uint8_t kind = r.u8();
    e.kind = static_cast<KeyKind>(kind & 0x0F);
    e.headline = (kind & 0x10) != 0;
    e.lexical = (kind & 0x40) != 0;
    e.far = (kind & 0x20) != 0;
    e.subject = (kind & 0x80) != 0;
    e.support = r.f32();
    in.entities.push_back(e);
  }
  // Written sorted; a blob that is not is damaged.
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  auto by_hash = [](const Incident::Entity& a, const Incident::Entity& b) { return a.hash < b.hash; };
  if (!std::is_sorted(in.centroid.begin(), in.centroid.end(), by_key) || !std::is_sorted(in.entities.begin(), in.entities.end(), by_hash))
    return false;
  for (size_t n = r.count(2); n > 0 && r.ok(); --n) {
    std::string a = r.str();
    in.actors[a] = static_cast<uint32_t>(r.varint());
  }
  for (size_t n = r.count(3); n > 0 && r.ok(); --n) {
    TitleCandidate t;
    t.article_id = r.str();
    t.title = r.str();
    for (size_t m = r.count(8); m > 0 && r.ok(); --m) t.terms.push_back(r.u64());
    in.titles.push_back(std::move(t));
  }
  if (version >= 2)
    for (size_t n = r.count(2); n > 0 && r.ok(); --n) {
      std::string l = r.str();
      in.languages[l] = static_cast<uint32_t>(r.varint());
    }
  return r.ok();
}

}  // namespace dossier
