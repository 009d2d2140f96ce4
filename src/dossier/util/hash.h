// Stable identifiers and compression for stored raw bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dossier/util/result.h"

namespace dossier {

uint64_t hash64(std::string_view data, uint64_t seed = 0);
// 16 lower-case hex digits of a 64-bit XXH3 hash: the form of article ids.
std::string hex_id(std::string_view data);
// 64 lower-case hex digits of the SHA-256 of the bytes (what exports cite a stored original by).
std::string sha256_hex(std::string_view data);

std::string zstd_compress(std::string_view data, int level = 3);
// A gzip stream (RFC 1952) of the bytes, for HTTP answers kept compressed.
std::string gzip_compress(std::string_view data);
Result<std::string> zstd_decompress(std::string_view data);

}  // namespace dossier
