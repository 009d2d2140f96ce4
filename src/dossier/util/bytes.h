// The one binary codec of the project: LEB128 varints (zigzag for signed values), fixed-width
// little-endian integers and floats, and length-prefixed strings. The knowledge base file, the
// clusterer's incident state, the store's frequency log and stored extractions are all written
// with it, so a format change is made in one place.
//
// ByteReader never reads past its input: a truncated or corrupt buffer sets ok() to false and
// every later read returns zero or empty, so a caller checks once at the end. count() refuses a
// length that the remaining bytes could not hold, so corrupt input cannot make a reader allocate
// wildly.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dossier {

class ByteWriter {
 public:
  void u8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<char>(v));
  }
  void svarint(int64_t v) { varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u32(bits);
  }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
  }
  void str(std::string_view s) {
    varint(s.size());
    buf_.append(s);
  }
  void reserve(size_t n) { buf_.reserve(n); }
  std::string& buffer() { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view s) : s_(s) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ >= s_.size(); }
  size_t remaining() const { return s_.size() - pos_; }
  void fail() { ok_ = false; }

  uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<uint8_t>(s_[pos_++]);
  }
  bool boolean() { return u8() != 0; }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      auto b = static_cast<uint8_t>(s_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    ok_ = false;
    return 0;
  }
  int64_t svarint() {
    uint64_t v = varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  uint64_t u64() {
    if (!need(8)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(s_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return v;
  }
  uint32_t u32() {
    if (!need(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(s_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return v;
  }
  float f32() {
    uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return ok_ ? v : 0.0f;
  }
  double f64() {
    uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return ok_ ? v : 0.0;
  }
  std::string str() { return std::string(view()); }
  // The next string as a view into the input.
  std::string_view view() {
    uint64_t n = varint();
    if (!need(n)) return {};
    std::string_view r = s_.substr(pos_, n);
    pos_ += n;
    return r;
  }
  // A count of items that each take at least `min_item_bytes`: refused (ok() false, 0 returned)
  // when what is left could not hold them.
  size_t count(size_t min_item_bytes = 1) {
    uint64_t n = varint();
    if (ok_ && n > remaining() / (min_item_bytes ? min_item_bytes : 1)) ok_ = false;
    return ok_ ? static_cast<size_t>(n) : 0;
  }

 private:
  bool need(uint64_t n) {
    if (!ok_ || n > s_.size() - pos_) ok_ = false;
    return ok_;
  }
  std::string_view s_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace dossier
