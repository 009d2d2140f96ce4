#include "dossier/util/hash.h"

#include <openssl/sha.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>

namespace dossier {

uint64_t hash64(std::string_view data, uint64_t seed) { return XXH3_64bits_withSeed(data.data(), data.size(), seed); }

std::string sha256_hex(std::string_view data) {
  unsigned char h[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), h);
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof h);
  for (unsigned char c : h) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string gzip_compress(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string hex_id(std::string_view data) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash64(data)));
  return buf;
}

std::string zstd_compress(std::string_view data, int level) {
  // One compression context per thread: creating one per call costs more than compressing a page.
  struct Ctx {
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ~Ctx() { ZSTD_freeCCtx(c); }
  };
  thread_local Ctx ctx;
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ctx.c ? ZSTD_compressCCtx(ctx.c, out.data(), out.size(), data.data(), data.size(), level)
                   : ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

Result<std::string> zstd_decompress(std::string_view data) {
  unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return Error{"not a zstd frame"};
  if (size > (1ull << 31)) return Error{"zstd frame too large"};
  std::string out(size, '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
  if (ZSTD_isError(n)) return Error{ZSTD_getErrorName(n)};
  out.resize(n);
  return out;
}

}  // namespace dossier
