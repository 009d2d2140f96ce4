// Character encodings. Every later stage sees UTF-8 only.
//
// decode_to_utf8() picks the encoding in this order: byte-order mark, the HTTP Content-Type charset,
// the XML declaration, an HTML <meta charset> / http-equiv within the first 4 KiB, valid UTF-8, and
// finally uchardet's statistical guess (windows-1252 if it has none). Conversion uses iconv; bytes
// that are invalid in the chosen encoding become U+FFFD. It never fails: the worst case is a string
// with replacement characters, and `charset` says what was assumed.
#pragma once

#include <string>
#include <string_view>

namespace dossier {

struct Decoded {
  std::string text;     // UTF-8, BOM removed
  std::string charset;  // canonical lower-case name of the source encoding, e.g. "utf-8", "windows-1250"
  std::string how;      // "bom", "http", "xml", "meta", "utf8-valid", "detected", "fallback"
};

// content_type may be empty (files). A charset named by the page that iconv does not know is ignored.
Decoded decode_to_utf8(std::string_view bytes, std::string_view content_type = {});

// The charset parameter of a Content-Type value, lower-cased, or empty.
std::string charset_from_content_type(std::string_view content_type);

// Converts bytes in `charset` to UTF-8 with U+FFFD for invalid sequences. Returns false if iconv does
// not know the charset.
bool convert_to_utf8(std::string_view bytes, std::string_view charset, std::string& out);

// "utf-16le" or "utf-16be" for text in UTF-16 without a byte-order mark (judged from where its NUL
// bytes fall), else "".
std::string utf16_without_bom(std::string_view bytes);

// True when the bytes look binary (NUL bytes or many control characters in the first 8 KiB),
// which no supported text encoding produces except UTF-16/32 (detected by BOM or NUL pattern first).
bool looks_binary(std::string_view bytes);

}  // namespace dossier
