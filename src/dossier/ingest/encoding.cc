#include "dossier/ingest/encoding.h"

#include <iconv.h>
#include <uchardet.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

std::string normalize_charset(std::string name) {
  name = ascii_lower(trim(name));
  while (!name.empty() && (name.front() == '"' || name.front() == '\'')) name.erase(0, 1);
  while (!name.empty() && (name.back() == '"' || name.back() == '\'' || name.back() == ';')) name.pop_back();
  if (name == "utf8") name = "utf-8";
  // WHATWG: labels for latin-1 and ascii are decoded as windows-1252, a superset that browsers use.
  if (name == "iso-8859-1" || name == "latin1" || name == "latin-1" || name == "us-ascii" || name == "ascii" ||
      name == "iso_8859-1" || name == "cp1252" || name == "x-cp1252")
    name = "windows-1252";
  if (name == "cp1250" || name == "x-cp1250") name = "windows-1250";
  if (name == "latin2" || name == "iso_8859-2") name = "iso-8859-2";
  return name;
}

bool iconv_knows(const std::string& charset) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv_close(cd);
  return true;
}

// Finds `key` (case-insensitive) in s and returns the attribute-ish value after it.
std::string value_after(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '=' || s[pos] == '"' || s[pos] == '\'')) ++pos;
  size_t e = pos;
  while (e < s.size() && (ascii::is_alnum(static_cast<unsigned char>(s[e])) || s[e] == '-' || s[e] == '_' || s[e] == ':' || s[e] == '.')) ++e;
  return std::string(s.substr(pos, e - pos));
}

std::string charset_from_xml_decl(std::string_view head) {
  if (!starts_with_icase(head, "<?xml")) return {};
  size_t end = head.find("?>");
  std::string decl = ascii_lower(head.substr(0, end == std::string_view::npos ? std::min<size_t>(head.size(), 200) : end));
  size_t p = decl.find("encoding");
  if (p == std::string::npos) return {};
  return value_after(decl, p + 8);
}

std::string charset_from_meta(std::string_view head) {
  std::string lower = ascii_lower(head.substr(0, std::min<size_t>(head.size(), 4096)));
  size_t p = 0;
  while ((p = lower.find("<meta", p)) != std::string::npos) {
    size_t end = lower.find('>', p);
    if (end == std::string::npos) break;
    std::string_view tag(lower.data() + p, end - p);
    size_t c = tag.find("charset");
    if (c != std::string_view::npos) {
      std::string v = value_after(tag, c + 7);
      if (!v.empty()) return v;
    }
    p = end;
  }
  return {};
}

std::string detect_with_uchardet(std::string_view bytes) {
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, void (*)(uchardet_t)> ud(uchardet_new(), uchardet_delete);
  if (!ud) return {};
  size_t n = std::min<size_t>(bytes.size(), 256 * 1024);
  if (uchardet_handle_data(ud.get(), bytes.data(), n) != 0) return {};
  uchardet_data_end(ud.get());
  const char* cs = uchardet_get_charset(ud.get());
  return cs ? std::string(cs) : std::string();
}

}  // namespace

std::string charset_from_content_type(std::string_view content_type) {
  std::string lower = ascii_lower(content_type);
  size_t p = lower.find("charset");
  if (p == std::string::npos) return {};
  return value_after(lower, p + 7);
}

bool convert_to_utf8(std::string_view bytes, std::string_view charset_in, std::string& out) {
  std::string charset(charset_in);
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out.clear();
  out.reserve(bytes.size() + bytes.size() / 8 + 16);
  char* in = const_cast<char*>(bytes.data());
  size_t inleft = bytes.size();
  char buf[16384];
  while (inleft > 0) {
    char* o = buf;
    size_t oleft = sizeof buf;
    size_t r = iconv(cd, &in, &inleft, &o, &oleft);
    out.append(buf, static_cast<size_t>(o - buf));
    if (r == static_cast<size_t>(-1)) {
      if (errno == E2BIG) continue;
      // EILSEQ or EINVAL: one bad byte (or a truncated sequence at the end). Replace and go on.
      out.append("\xEF\xBF\xBD");
      ++in;
      --inleft;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
  // Flush any shift state.
  char* o = buf;
  size_t oleft = sizeof buf;
  iconv(cd, nullptr, nullptr, &o, &oleft);
  out.append(buf, static_cast<size_t>(o - buf));
  iconv_close(cd);
  return true;
}

std::string utf16_without_bom(std::string_view bytes) {
  // Text in UTF-16 has a NUL in almost every code unit's high byte (Latin, Cyrillic and Greek
  // letters, punctuation, digits) and almost none in the low one.
  size_t n = std::min<size_t>(bytes.size(), 8192) & ~size_t{1};
  if (n < 8) return "";
  size_t zero_even = 0, zero_odd = 0;
  for (size_t i = 0; i < n; i += 2) {
    zero_even += bytes[i] == 0;
    zero_odd += bytes[i + 1] == 0;
  }
  size_t units = n / 2;
  if (zero_odd * 10 >= units * 7 && zero_even * 20 <= units) return "utf-16le";
  if (zero_even * 10 >= units * 7 && zero_odd * 20 <= units) return "utf-16be";
  return "";
}

bool looks_binary(std::string_view bytes) {
  size_t n = std::min<size_t>(bytes.size(), 8192);
  if (n == 0) return false;
  size_t ctrl = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = bytes[i];
    if (c == 0) return true;
    if (c < 0x09 || (c > 0x0D && c < 0x20 && c != 0x1B)) ++ctrl;
  }
  return ctrl * 20 > n;  // more than 5% control bytes
}

Decoded decode_to_utf8(std::string_view bytes, std::string_view content_type) {
  Decoded d;
  auto finish = [&](std::string charset, std::string how, std::string_view body) {
    charset = normalize_charset(charset);
    if (charset == "utf-8") {
      d.text = sanitize_utf8(body);
    } else if (!convert_to_utf8(body, charset, d.text)) {
      charset = "windows-1252";
      how = "fallback";
      convert_to_utf8(body, charset, d.text);
    }
    // A BOM may survive in the converted text (iconv keeps U+FEFF); drop it.
    if (d.text.compare(0, 3, "\xEF\xBB\xBF") == 0) d.text.erase(0, 3);
    d.charset = charset;
    d.how = std::move(how);
    return d;
  };

  // 1. Byte-order marks.
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) return finish("utf-8", "bom", bytes.substr(3));
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xFE)
    return finish("utf-16le", "bom", bytes.substr(2));
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFE && static_cast<unsigned char>(bytes[1]) == 0xFF)
    return finish("utf-16be", "bom", bytes.substr(2));
  // UTF-16 without BOM: '<' followed or preceded by NUL.
  if (bytes.size() >= 4 && bytes[0] == '<' && bytes[1] == 0 && bytes[2] != 0 && bytes[3] == 0) return finish("utf-16le", "sniffed", bytes);
  if (bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == '<' && bytes[2] == 0) return finish("utf-16be", "sniffed", bytes);
  if (std::string u16 = utf16_without_bom(bytes); !u16.empty()) return finish(u16, "sniffed", bytes);

  // 2. The HTTP header.
  std::string cs = normalize_charset(charset_from_content_type(content_type));
  if (!cs.empty() && iconv_knows(cs)) return finish(cs, "http", bytes);

  // 3. XML declaration, 4. HTML meta.
  std::string_view head = bytes.substr(0, std::min<size_t>(bytes.size(), 4096));
  size_t lead = 0;
  while (lead < head.size() && ascii::is_space(static_cast<unsigned char>(head[lead]))) ++lead;
  cs = normalize_charset(charset_from_xml_decl(head.substr(lead)));
  // An XML declaration saying utf-16 in a byte stream without NULs is wrong; ignore it.
  if (!cs.empty() && cs.rfind("utf-16", 0) != 0 && iconv_knows(cs)) return finish(cs, "xml", bytes);
  cs = normalize_charset(charset_from_meta(head));
  if (!cs.empty() && cs.rfind("utf-16", 0) != 0 && iconv_knows(cs)) return finish(cs, "meta", bytes);

  // 5. Valid UTF-8 (pure ASCII included).
  if (is_valid_utf8(bytes)) return finish("utf-8", "utf8-valid", bytes);

  // 6. Statistical detection.
  cs = normalize_charset(detect_with_uchardet(bytes));
  if (!cs.empty() && cs != "ascii" && iconv_knows(cs)) return finish(cs, "detected", bytes);
  return finish("windows-1252", "fallback", bytes);
}

}  // namespace dossier
