#include "dossier/extract/indicator_values.h"

#include <arpa/inet.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "dossier/util/ascii.h"
#include "dossier/util/text.h"

namespace dossier {
namespace indicator_values {

void replace_all_icase(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (i + from.size() <= s.size() && iequals(std::string_view(s).substr(i, from.size()), from)) {
      out += to;
      i += from.size();
    } else {
      out.push_back(s[i++]);
    }
  }
  s = std::move(out);
}

// Shrinks a span past trailing punctuation that belongs to the sentence, keeping balanced brackets.
void trim_trailing(std::string_view text, size_t begin, size_t& end) {
  while (end > begin) {
    char c = text[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '"') { --end; continue; }
    if (c == ')' || c == ']' || c == '}') {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      std::string_view span = text.substr(begin, end - begin);
      if (std::count(span.begin(), span.end(), open) < std::count(span.begin(), span.end(), c)) { --end; continue; }
      // "[.]" at the very end is a defanged dot with nothing after it: not part of the value.
      if (c == ']' && end - begin >= 3 && text.substr(end - 3, 3) == "[.]") { end -= 3; continue; }
    }
    break;
  }
}

// The sentence-ish window around a span, lower-cased, for role cues.
std::string window(std::string_view text, size_t begin, size_t end) {
  size_t b = begin, e = end;
  int stops = 0;
  while (b > 0 && begin - b < 300) {
    char c = text[b - 1];
    if (c == '\n') break;
    if ((c == '.' || c == '!' || c == '?') && b < text.size() && text[b] == ' ' && ++stops >= 1) break;
    --b;
  }
  while (e < text.size() && e - end < 300) {
    char c = text[e];
    if (c == '\n') break;
    if ((c == '.' || c == '!' || c == '?') && (e + 1 >= text.size() || text[e + 1] == ' ' || text[e + 1] == '\n')) break;
    ++e;
  }
  return ascii_lower(text.substr(b, e - b));
}

namespace {

bool is_hex(char c) { return ascii::is_xdigit(static_cast<unsigned char>(c)) != 0; }

// ---- Validation helpers. ----

const char* kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

bool base58check_ok(std::string_view s) {
  std::vector<unsigned char> num(32, 0);  // big-endian, enough for 25 bytes
  for (char c : s) {
    const char* p = std::strchr(kBase58, c);
    if (!p || !c) return false;
    int carry = static_cast<int>(p - kBase58);
    for (auto it = num.rbegin(); it != num.rend(); ++it) {
      carry += 58 * (*it);
      *it = static_cast<unsigned char>(carry & 0xFF);
      carry >>= 8;
    }
    if (carry) return false;
  }
  size_t leading = 0;
  while (leading < s.size() && s[leading] == '1') ++leading;
  auto first = std::find_if(num.begin(), num.end(), [](unsigned char b) { return b != 0; });
  std::vector<unsigned char> bytes(leading, 0);
  bytes.insert(bytes.end(), first, num.end());
  if (bytes.size() != 25) return false;
  unsigned char h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
  SHA256(bytes.data(), 21, h1);
  SHA256(h1, sizeof h1, h2);
  return std::memcmp(h2, bytes.data() + 21, 4) == 0;
}

bool bech32_ok(std::string_view s) {
  // BIP 173 / BIP 350: checksum constant 1 (bech32) or 0x2bc830a3 (bech32m).
  static const char* charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  size_t sep = s.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > s.size()) return false;
  auto polymod = [](const std::vector<int>& v) {
    uint32_t chk = 1;
    static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    for (int x : v) {
      uint32_t top = chk >> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ static_cast<uint32_t>(x);
      for (int i = 0; i < 5; ++i)
        if ((top >> i) & 1) chk ^= gen[i];
    }
    return chk;
  };
  std::vector<int> v;
  for (size_t i = 0; i < sep; ++i) v.push_back(ascii::to_lower(s[i]) >> 5);
  v.push_back(0);
  for (size_t i = 0; i < sep; ++i) v.push_back(ascii::to_lower(s[i]) & 31);
  for (size_t i = sep + 1; i < s.size(); ++i) {
    const char* p = std::strchr(charset, ascii::to_lower(s[i]));
    if (!p || !s[i]) return false;
    v.push_back(static_cast<int>(p - charset));
  }
  uint32_t pm = polymod(v);
  return pm == 1 || pm == 0x2bc830a3;
}

// Special IPv4 ranges, as a flag name, or empty.
std::string ipv4_range_flag(uint32_t a) {
  auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  if (in(0xC0000200, 24) || in(0xC6336400, 24) || in(0xCB007100, 24)) return "documentation-range";
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return "private-range";
  if (in(0x7F000000, 8)) return "loopback";
  if (in(0xA9FE0000, 16)) return "link-local";
  if (in(0x64400000, 10)) return "shared-address-space";
  if (in(0xE0000000, 4)) return "multicast";
  if (in(0x00000000, 8) || in(0xF0000000, 4)) return "reserved";
  return {};
}

std::string ipv6_range_flag(const in6_addr& v6) {
  const unsigned char* b = v6.s6_addr;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "documentation-range";
  if ((b[0] & 0xFE) == 0xFC) return "private-range";
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";
  if (b[0] == 0xFF) return "multicast";
  static const unsigned char loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (std::memcmp(b, loop, 16) == 0) return "loopback";
  return {};
}

// Extensions that are also top-level domains: "readme.md" is a file unless written defanged.
bool file_extension_tld(std::string_view tld) {
  static const char* exts[] = {"md", "zip", "mov", "sh", "py", "pl", "rs", "ps", "cc", "so", "sys", "bat", "exe", "txt", "doc", "json", "yaml", "log", "csv"};
  return std::any_of(std::begin(exts), std::end(exts), [&](const char* e) { return tld == e; });
}

// Special-use names (RFC 2606 / 6761 / 7686) are not on the Public Suffix List. Documentation
// names are accepted and flagged; .onion services are real indicators.
std::string special_use_flag(const std::string& host) {
  std::string tld = host.substr(host.rfind('.') + 1);
  if (tld == "example" || tld == "test" || tld == "invalid" || tld == "localhost") return "documentation-domain";
  if (tld == "onion") return "onion-service";
  return {};
}

bool has_weak_defang(std::string_view original) {
  return contains_icase(original, " dot ") || original.find(" . ") != std::string_view::npos;
}

bool check_url(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList& psl) {
  size_t p = v.find("://");
  std::string scheme = ascii_lower(v.substr(0, p));
  size_t host_end = v.find_first_of("/?#", p + 3);
  std::string host = ascii_lower(v.substr(p + 3, host_end == std::string::npos ? std::string::npos : host_end - p - 3));
  size_t at = host.rfind('@');
  if (at != std::string::npos) host = host.substr(at + 1);
  std::string bare = host.substr(0, host.rfind(':') != std::string::npos && host.find(']') == std::string::npos ? host.rfind(':') : std::string::npos);
  in_addr a4{};
  bool ip = inet_pton(AF_INET, bare.c_str(), &a4) == 1;
  if (!ip && psl.registrable_domain(bare).empty()) {
    std::string flag = bare.find('.') != std::string::npos ? special_use_flag(bare) : "";
    if (flag.empty()) return false;
    ind.flags.push_back(flag);
  }
  v = scheme + "://" + host + (host_end == std::string::npos ? "" : v.substr(host_end));
  if (ind.original.find("://") == std::string::npos || !starts_with_icase(ind.original, scheme)) ind.was_defanged = true;
  return true;
}

bool check_domain(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList& psl) {
  const char before = ind.begin > 0 ? text[ind.begin - 1] : ' ';
  if (before == '@' || before == '/' || before == '\\' || (before == '.' && ind.begin >= 2 && ascii::is_alnum(static_cast<unsigned char>(text[ind.begin - 2]))))
    return false;
  v = ascii_lower(v);
  while (!v.empty() && v.back() == '.') v.pop_back();
  if (v.size() > 253) return false;
  {
    bool long_label = false;
    size_t start = 0;
    for (size_t k = 0; k <= v.size(); ++k)
      if (k == v.size() || v[k] == '.') {
        long_label |= k - start > 63;
        start = k + 1;
      }
    if (long_label) return false;
  }
  std::string tld = v.substr(v.rfind('.') + 1);
  if (std::all_of(tld.begin(), tld.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); })) return false;
  if (psl.registrable_domain(v).empty()) {
    std::string flag = special_use_flag(v);
    if (flag.empty()) return false;
    ind.flags.push_back(flag);
  }
  if (file_extension_tld(tld) && !ind.was_defanged) return false;  // readme.md is a file
  if (has_weak_defang(ind.original)) ind.flags.push_back("weak-defang");
  return true;
}

bool check_email(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList& psl) {
  v = refang(ind.original);
  size_t at = v.find('@');
  if (at == std::string::npos) return false;
  std::string domain = ascii_lower(v.substr(at + 1));
  if (psl.registrable_domain(domain).empty()) {
    std::string flag = special_use_flag(domain);
    if (flag.empty()) return false;
    ind.flags.push_back(flag);
  }
  v = v.substr(0, at + 1) + domain;
  return true;
}

bool check_ipv4(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  const char before = ind.begin > 0 ? text[ind.begin - 1] : ' ';
  const char after = ind.end < text.size() ? text[ind.end] : ' ';
  if (ascii::is_digit(static_cast<unsigned char>(before)) || (before == '.' && ind.begin >= 2 && ascii::is_digit(static_cast<unsigned char>(text[ind.begin - 2]))))
    return false;
  if (after == '.' && ind.end + 1 < text.size() && ascii::is_digit(static_cast<unsigned char>(text[ind.end + 1]))) return false;
  std::string addr = v, suffix;
  size_t cut = addr.find_first_of(":/");
  if (cut != std::string::npos) {
    suffix = addr.substr(cut);
    addr = addr.substr(0, cut);
  }
  in_addr a4{};
  if (inet_pton(AF_INET, addr.c_str(), &a4) != 1) return false;
  if (!suffix.empty() && suffix[0] == ':') {
    long port = std::atol(suffix.c_str() + 1);
    if (port < 1 || port > 65535) return false;
  } else if (!suffix.empty() && suffix[0] == '/' && std::atol(suffix.c_str() + 1) > 32) {
    return false;
  }
  if (!ind.was_defanged) {
    // "version 1.2.3.4", "v1.2.3.4", "build 10.0.19041.1": a version number, not an address.
    std::string lead = ascii_lower(text.substr(ind.begin >= 24 ? ind.begin - 24 : 0, std::min<size_t>(ind.begin, 24)));
    while (!lead.empty() && lead.back() == ' ') lead.pop_back();
    bool version = false;
    for (const char* w : {"version", "ver.", "ver", "v", "build", "release", "firmware", "update", "patch", "versions"})
      if (lead.size() >= std::strlen(w) && lead.compare(lead.size() - std::strlen(w), std::string::npos, w) == 0 &&
          (lead.size() == std::strlen(w) || !ascii::is_alpha(static_cast<unsigned char>(lead[lead.size() - std::strlen(w) - 1]))))
        version = true;
    if (version) return false;
  }
  std::string flag = ipv4_range_flag(ntohl(a4.s_addr));
  if (!flag.empty()) ind.flags.push_back(flag);
  v = addr + suffix;
  return true;
}

bool check_ipv6(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  const char before = ind.begin > 0 ? text[ind.begin - 1] : ' ';
  const char after = ind.end < text.size() ? text[ind.end] : ' ';
  std::string addr = ascii_lower(v.substr(0, v.find('/')));
  if (std::count(addr.begin(), addr.end(), ':') < 2) return false;
  if (ascii::is_alnum(static_cast<unsigned char>(before)) || before == ':' || after == ':') return false;
  size_t hexdigits = std::count_if(addr.begin(), addr.end(), [](char c) { return is_hex(c); });
  if (hexdigits < 3) return false;  // "::" and friends in prose or code
  in6_addr a6{};
  if (inet_pton(AF_INET6, addr.c_str(), &a6) != 1) return false;
  // Clock times and ratios ("10:30:15") are not IPv6: require a letter or a "::".
  if (addr.find("::") == std::string::npos && std::none_of(addr.begin(), addr.end(), [](char c) { return ascii::is_alpha(static_cast<unsigned char>(c)); }))
    return false;
  std::string flag = ipv6_range_flag(a6);
  if (!flag.empty()) ind.flags.push_back(flag);
  v = ascii_lower(v);
  return true;
}

bool check_hash(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  const char before = ind.begin > 0 ? text[ind.begin - 1] : ' ';
  const char after = ind.end < text.size() ? text[ind.end] : ' ';
  if (before == '-' || after == '-' || before == '_' || after == '_') return false;  // part of a longer token
  v = ascii_lower(v);
  if (std::all_of(v.begin(), v.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); })) return false;
  if (std::all_of(v.begin(), v.end(), [&](char c) { return c == v[0]; })) return false;
  static const char* empty_hashes[] = {"d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};
  for (const char* e : empty_hashes)
    if (v == e) ind.flags.push_back("empty-file-hash");
  return true;
}

bool check_cve(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  std::string c = ascii_lower(v);
  replace_all_icase(c, "\xE2\x80\x93", "-");
  replace_all_icase(c, "\xE2\x80\x91", "-");
  for (auto& ch : c) ch = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(ch)));
  int year = std::atoi(c.c_str() + 4);
  if (year < 1999 || year > 2100) return false;
  v = c;
  return true;
}

bool check_asn(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  std::string digits;
  for (char c : v)
    if (ascii::is_digit(static_cast<unsigned char>(c))) digits.push_back(c);
  if (digits.empty() || std::stoull(digits) == 0 || std::stoull(digits) > 4294967295ULL) return false;
  v = "AS" + digits;
  return true;
}

bool check_bitcoin(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  if (v.rfind("bc1", 0) == 0 ? !bech32_ok(v) : !base58check_ok(v)) return false;
  return true;
}

bool check_monero(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  std::string w = window(text, ind.begin, ind.end);
  if (w.find("monero") == std::string::npos && w.find("xmr") == std::string::npos && w.find("wallet") == std::string::npos)
    return false;
  return true;
}

bool check_filename(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList&) {
  const char before = ind.begin > 0 ? text[ind.begin - 1] : ' ';
  if (before == '/' || before == '\\' || before == '@') return false;  // part of a path or URL
  v = ind.original;
  return true;
}

}  // namespace

bool check_value(Indicator& ind, std::string& v, std::string_view text, const PublicSuffixList& psl) {
  switch (ind.type) {
    case IndicatorType::Url: return check_url(ind, v, text, psl);
    case IndicatorType::Domain: return check_domain(ind, v, text, psl);
    case IndicatorType::Email: return check_email(ind, v, text, psl);
    case IndicatorType::IPv4: return check_ipv4(ind, v, text, psl);
    case IndicatorType::IPv6: return check_ipv6(ind, v, text, psl);
    case IndicatorType::Md5:
    case IndicatorType::Sha1:
    case IndicatorType::Sha256:
    case IndicatorType::Sha512: return check_hash(ind, v, text, psl);
    case IndicatorType::Cve: return check_cve(ind, v, text, psl);
    case IndicatorType::Asn: return check_asn(ind, v, text, psl);
    case IndicatorType::Bitcoin: return check_bitcoin(ind, v, text, psl);
    case IndicatorType::Monero: return check_monero(ind, v, text, psl);
    case IndicatorType::FileName: return check_filename(ind, v, text, psl);
    case IndicatorType::AttackId:
    case IndicatorType::RegistryKey: return true;
  }
  return false;
}

}  // namespace indicator_values

using indicator_values::replace_all_icase;

std::string refang(std::string_view in) {
  // Every defang form holds a bracket, a space, a backslash, an asterisk or "xx", or starts with
  // "fxp": most candidates have none and are returned as they are.
  bool plain = !starts_with_icase(in, "fxp");
  for (size_t i = 0; plain && i < in.size(); ++i) {
    char c = in[i];
    if (c == '[' || c == '(' || c == '{' || c == '\\' || c == ' ' || c == '*' || c == ']' ||
        (c == '_' && i + 1 < in.size() && in[i + 1] == '_') || ((c | 0x20) == 'x' && i + 1 < in.size() && (in[i + 1] | 0x20) == 'x'))
      plain = false;
  }
  if (plain) return std::string(in);
  std::string s(in);
  for (const char* scheme : {"hxxps", "hXXps", "h**ps"}) replace_all_icase(s, scheme, "https");
  for (const char* scheme : {"hxxp", "h**p"}) replace_all_icase(s, scheme, "http");
  if (starts_with_icase(s, "fxp")) s = "ftp" + s.substr(3);
  for (const char* sep : {"[://]", "[:]//", "(:)//", "[:/]/"}) replace_all_icase(s, sep, "://");
  // "http:\\host\\path" and "http__host": the separator, and the path's backslashes.
  if (size_t p = s.find(":\\\\"); p != std::string::npos && p <= 6) {
    s.replace(p, 3, "://");
    std::replace(s.begin() + static_cast<long>(p), s.end(), '\\', '/');
  } else if (size_t u = s.find("__"); u != std::string::npos && u <= 6 && u >= 3) {
    s.replace(u, 2, "://");
  }
  for (const char* dot : {"[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}", " dot ", " . ", "\\.", "[.", ".]"}) replace_all_icase(s, dot, ".");
  for (const char* at : {"[@]", "(@)", "{@}", "[at]", "(at)", "{at}"}) replace_all_icase(s, at, "@");
  replace_all_icase(s, "[:]", ":");
  return s;
}

std::string defang(IndicatorType type, std::string_view value) {
  std::string v(value);
  auto bracket_dots = [](std::string_view s) {
    std::string o;
    for (char c : s) o += c == '.' ? std::string("[.]") : std::string(1, c);
    return o;
  };
  switch (type) {
    case IndicatorType::Url: {
      size_t p = v.find("://");
      std::string scheme = v.substr(0, p);
      if (scheme == "http") scheme = "hxxp";
      else if (scheme == "https") scheme = "hxxps";
      else if (scheme == "ftp") scheme = "fxp";
      size_t host_end = v.find_first_of("/?#", p + 3);
      std::string host = v.substr(p + 3, host_end == std::string::npos ? std::string::npos : host_end - p - 3);
      return scheme + "://" + bracket_dots(host) + (host_end == std::string::npos ? "" : v.substr(host_end));
    }
    case IndicatorType::Domain:
    case IndicatorType::IPv4: return bracket_dots(v);
    case IndicatorType::IPv6: {
      std::string o;
      for (char c : v) o += c == ':' ? std::string("[:]") : std::string(1, c);
      return o;
    }
    case IndicatorType::Email: {
      size_t at = v.find('@');
      return v.substr(0, at) + "[@]" + bracket_dots(v.substr(at + 1));
    }
    default: return v;
  }
}

}  // namespace dossier
