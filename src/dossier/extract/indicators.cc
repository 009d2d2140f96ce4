#include "dossier/extract/indicators.h"

#include <arpa/inet.h>
#include <hs.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>

#include "dossier/util/ascii.h"
#include "dossier/util/vectorscan.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

// ---- Patterns. One Vectorscan database; ids index kPatterns. ----

#define DOT R"((?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}| dot | \. |\\\.))"
// Bounded repeats ({0,61}) explode the automaton; label lengths are checked after matching.
#define LABEL R"((?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?))"
#define AT R"((?:@|\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}))"

// How a pattern's match becomes the indicator's span. Unbounded runs at either end of a pattern
// make the automaton report a match per character and track many starts at once, so those runs
// are left out of the patterns and walked by hand: exactly what the full regular expression
// (noted beside each) would have matched.
enum class Completion {
  Whole,         // the match is the span
  ExtendUrl,     // + [^\s<>"'`]+ (at least one character)
  ExtendKey,     // + [^\s"'<>,;]+ (at least one character)
  FileName,      // [a-z0-9_\-][a-z0-9_\-\.]* + the match (leftmost start)
  HexRun,        // not in the database: \b[0-9a-f]{N}\b, found from the hex-run anchor
};

struct Pattern {
  IndicatorType type;
  const char* regex;
  unsigned flags;
  Completion completion = Completion::Whole;
};

const Pattern kPatterns[] = {
    // (?:h(?:tt|xx|\*\*)ps?|fxp|ftp|sftp)(?:://|...)[^\s<>"'`]+
    {IndicatorType::Url, R"((?:h(?:tt|xx|\*\*)ps?|fxp|ftp|sftp)(?:://|\[://\]|\[:\]//|\(:\)//|\[:/\]/))", HS_FLAG_CASELESS,
     Completion::ExtendUrl},
    {IndicatorType::Email, R"([a-z0-9][a-z0-9._%+\-]*)" AT LABEL "(?:" DOT LABEL ")+", HS_FLAG_CASELESS},
    {IndicatorType::Domain, LABEL "(?:" DOT LABEL ")+", HS_FLAG_CASELESS},
    {IndicatorType::IPv4, R"(\d{1,3}(?:)" DOT R"(\d{1,3}){3}(?:(?::|\[:\])\d{1,5})?(?:/\d{1,2})?)", HS_FLAG_CASELESS},
    {IndicatorType::IPv6, R"([0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:/\d{1,3})?)", HS_FLAG_CASELESS},
    {IndicatorType::Md5, R"(\b[0-9a-f]{32}\b)", HS_FLAG_CASELESS, Completion::HexRun},
    {IndicatorType::Sha1, R"(\b[0-9a-f]{40}\b)", HS_FLAG_CASELESS, Completion::HexRun},
    {IndicatorType::Sha256, R"(\b[0-9a-f]{64}\b)", HS_FLAG_CASELESS, Completion::HexRun},
    {IndicatorType::Sha512, R"(\b[0-9a-f]{128}\b)", HS_FLAG_CASELESS, Completion::HexRun},
    {IndicatorType::Cve, R"(\bCVE(?:-|\xE2\x80\x93|\xE2\x80\x91)\d{4}(?:-|\xE2\x80\x93|\xE2\x80\x91)\d{4,7}\b)", HS_FLAG_CASELESS},
    {IndicatorType::AttackId, R"(\b(?:TA\d{4}|T\d{4}(?:\.\d{3})?|G\d{4}|S\d{4}|M\d{4}|C\d{4})\b)", 0},
    {IndicatorType::Asn, R"(\bAS(?:N ?)?\d{1,10}\b)", 0},
    {IndicatorType::Bitcoin, R"(\b(?:bc1[ac-hj-np-z02-9]{11,71}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})\b)", 0},
    {IndicatorType::Monero, R"(\b[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}\b)", 0},
    // [a-z0-9_\-][a-z0-9_\-\.]*\.(?:exe|...)\b
    {IndicatorType::FileName,
     R"(\.(?:exe|dll|sys|ps1|psm1|bat|cmd|vbs|vbe|js|jse|wsf|hta|jar|sh|py|scr|msi|lnk|docm|xlsm|pptm|iso|img|vhdx?|aspx|ashx|asp|php|jsp|elf|apk|dmg|pkg|so|zip|rar|7z|docx?|xlsx?|pdf|rtf|one|md)\b)",
     HS_FLAG_CASELESS, Completion::FileName},
    // \b(?:HKLM|...)\\[^\s"'<>,;]+
    {IndicatorType::RegistryKey,
     R"(\b(?:HKLM|HKCU|HKCR|HKU|HKCC|HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG)\\)", 0,
     Completion::ExtendKey},
};
constexpr size_t kPatternCount = sizeof(kPatterns) / sizeof(kPatterns[0]);

// Anchors: short patterns, one of which occurs inside every match of every pattern above (a dot
// before a label character or a defanged dot, an at sign, a scheme separator, a colon before a
// hex digit, a long hex or base58 run, and the fixed prefixes). They are scanned without start of
// match tracking, which keeps the pass over the whole text cheap; the patterns above then run only
// on the few short windows around the anchors.
const Pattern kAnchors[] = {
    {IndicatorType::Domain, R"(\.[a-z0-9])", HS_FLAG_CASELESS},
    {IndicatorType::Domain, R"(\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}| dot | \. |\\\.)", HS_FLAG_CASELESS},
    {IndicatorType::Email, R"(@|\[at\]|\(at\)|\{at\})", HS_FLAG_CASELESS},
    {IndicatorType::Url, R"(:/|\[:|\(:\))", 0},
    {IndicatorType::IPv6, R"(:[0-9a-f:])", HS_FLAG_CASELESS},
    {IndicatorType::Sha256, R"([0-9a-f]{32})", HS_FLAG_CASELESS, Completion::HexRun},
    {IndicatorType::Cve, R"(CVE)", HS_FLAG_CASELESS},
    {IndicatorType::AttackId, R"([TGSMCA]\d{4})", 0},
    {IndicatorType::Asn, R"(AS\d|ASN)", 0},
    {IndicatorType::Bitcoin, R"(bc1|[13][a-km-zA-HJ-NP-Z1-9]{25})", 0},
    {IndicatorType::Monero, R"([48][0-9AB][1-9A-HJ-NP-Za-km-z]{30})", 0},
    {IndicatorType::RegistryKey, R"(HK)", 0},
};
constexpr size_t kAnchorCount = sizeof(kAnchors) / sizeof(kAnchors[0]);

// A token is a maximal run of bytes other than ASCII white space.
bool token_is_spaced_dot(std::string_view text, size_t b, size_t e) {
  std::string_view t = text.substr(b, e - b);
  return t == "." || iequals(t, "dot");
}

// The window scanned around an anchor ending at `pos`: whole tokens, two more on each side (an
// ASN is "ASN 1234"), and as many more as it takes for neither edge to touch a spaced dot
// ("evil dot example dot com"). Windows start and end at white space, so no match of the full
// patterns crosses their edges.
// `token` receives the token holding pos (empty when pos is white space): every anchor in it
// has the same window.
std::pair<size_t, size_t> anchor_window(std::string_view text, size_t pos, std::pair<size_t, size_t>& token) {
  const size_t n = text.size();
  auto sp = [&](size_t i) { return ascii::is_space(static_cast<unsigned char>(text[i])); };
  size_t b = pos, e = pos;
  if (!sp(pos)) {
    while (b > 0 && !sp(b - 1)) --b;
    while (e < n && !sp(e)) ++e;
  }
  token = {b, e};
  // Left.
  for (int added = 0;;) {
    size_t t_end = b;
    while (t_end > 0 && sp(t_end - 1)) --t_end;
    if (t_end == 0) { b = 0; break; }
    size_t t_begin = t_end;
    while (t_begin > 0 && !sp(t_begin - 1)) --t_begin;
    size_t cur_end = b;
    while (cur_end < n && !sp(cur_end)) ++cur_end;
    bool edge_dot = token_is_spaced_dot(text, b, cur_end) || token_is_spaced_dot(text, t_begin, t_end);
    if (added >= 2 && !edge_dot) break;
    b = t_begin;
    ++added;
  }
  // Right.
  for (int added = 0;;) {
    size_t t_begin = e;
    while (t_begin < n && sp(t_begin)) ++t_begin;
    if (t_begin == n) { e = n; break; }
    size_t t_end = t_begin;
    while (t_end < n && !sp(t_end)) ++t_end;
    size_t cur_begin = e;
    while (cur_begin > 0 && !sp(cur_begin - 1)) --cur_begin;
    bool edge_dot = token_is_spaced_dot(text, cur_begin, e) || token_is_spaced_dot(text, t_begin, t_end);
    if (added >= 2 && !edge_dot) break;
    e = t_end;
    ++added;
  }
  return {b, e};
}

struct Raw {
  unsigned id;
  size_t from, to;
};

// Matches of one pattern from one start arrive in order of their end (a URL reports one match
// per character): only the longest is kept, by extending the previous record in place.
int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
  auto& raw = *static_cast<std::vector<Raw>*>(ctx);
  for (size_t k = raw.size(), seen = 0; k > 0 && seen < 4; --k, ++seen)
    if (raw[k - 1].id == id && raw[k - 1].from == from) {
      raw[k - 1].to = std::max<size_t>(raw[k - 1].to, static_cast<size_t>(to));
      return 0;
    }
  raw.push_back(Raw{id, static_cast<size_t>(from), static_cast<size_t>(to)});
  return 0;
}

bool is_word_char(char c) { return ascii::is_alnum(static_cast<unsigned char>(c)) || c == '_'; }

// The maximal run of hex digits around pos.
std::pair<size_t, size_t> hex_run_at(std::string_view text, size_t pos) {
  size_t b = pos, e = pos + 1;
  while (b > 0 && ascii::is_xdigit(static_cast<unsigned char>(text[b - 1]))) --b;
  while (e < text.size() && ascii::is_xdigit(static_cast<unsigned char>(text[e]))) ++e;
  return {b, e};
}

// The hash pattern a whole-word hex run matches (\b[0-9a-f]{N}\b), if any.
std::optional<unsigned> hash_pattern(std::string_view text, std::pair<size_t, size_t> run) {
  if (run.first > 0 && is_word_char(text[run.first - 1])) return std::nullopt;
  if (run.second < text.size() && is_word_char(text[run.second])) return std::nullopt;
  IndicatorType t;
  switch (run.second - run.first) {
    case 32: t = IndicatorType::Md5; break;
    case 40: t = IndicatorType::Sha1; break;
    case 64: t = IndicatorType::Sha256; break;
    case 128: t = IndicatorType::Sha512; break;
    default: return std::nullopt;
  }
  for (unsigned i = 0; i < kPatternCount; ++i)
    if (kPatterns[i].type == t) return i;
  return std::nullopt;
}

// Completes a match of a pattern whose unbounded runs were left out (see Completion); false when
// the full pattern would not have matched there.
bool complete(std::string_view text, Completion how, Raw& r) {
  auto extend = [&](const char* stop) {
    size_t e = r.to;
    while (e < text.size() && !ascii::is_space(static_cast<unsigned char>(text[e])) && (text[e] == '\0' || !std::strchr(stop, text[e])))
      ++e;
    if (e == r.to) return false;
    r.to = e;
    return true;
  };
  switch (how) {
    case Completion::Whole:
    case Completion::HexRun: return true;
    case Completion::ExtendUrl: return extend("<>\"'`");
    case Completion::ExtendKey: return extend("\"'<>,;");
    case Completion::FileName: {
      auto name_char = [](char c) { return ascii::is_alnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
      size_t b = r.from;
      while (b > 0 && (name_char(text[b - 1]) || text[b - 1] == '.')) --b;
      while (b < r.from && text[b] == '.') ++b;  // the first character is not a dot
      if (b == r.from) return false;
      r.from = b;
      return true;
    }
  }
  return false;
}

// ---- Refanging and defanging. ----

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

// Paragraph-level context: which paragraphs belong to an IoC section or a references section.
struct Sections {
  std::vector<std::pair<size_t, size_t>> ioc, references;  // byte ranges
};

bool in_ranges(const std::vector<std::pair<size_t, size_t>>& r, size_t pos) {
  return std::any_of(r.begin(), r.end(), [&](const auto& x) { return pos >= x.first && pos < x.second; });
}

Sections find_sections(std::string_view text) {
  Sections s;
  enum { None, Ioc, Ref } mode = None;
  size_t section_start = 0;
  size_t pos = 0;
  auto close = [&](size_t at) {
    if (mode == Ioc) s.ioc.push_back({section_start, at});
    if (mode == Ref) s.references.push_back({section_start, at});
  };
  // Where the text announces a list of indicators: found once over the whole text rather than
  // line by line.
  std::vector<size_t> cues;
  for (const char* cue : {"following indicators", "indicators of compromise", "following ioc"})
    for (size_t at = find_icase(text, cue); at != std::string_view::npos; at = find_icase(text, cue, at + 1)) cues.push_back(at);
  std::sort(cues.begin(), cues.end());
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = trim_view(text.substr(pos, nl - pos));
    // A heading is a short line of words: not a list item, a numbered reference or a bare link.
    bool heading = !line.empty() && ascii::is_alpha(static_cast<unsigned char>(line[0])) && has_at_most_words(line, 8) &&
                   !ends_sentence(line) && line.find("://") == std::string_view::npos;
    if (heading) {
      bool ioc = contains_icase(line, "indicator") || contains_icase(line, "ioc") || contains_icase(line, "hashes") ||
                 contains_icase(line, "c2 server") || contains_icase(line, "network infrastructure");
      bool ref = false;
      for (const char* r : {"references", "sources", "further reading", "references:", "sources:"}) ref |= iequals(line, r);
      if (ioc || ref || mode != None) {
        close(pos);
        mode = ioc ? Ioc : ref ? Ref : None;
        section_start = nl;
      }
    } else if (!line.empty() && mode == None) {
      // "The following indicators ..." introduces a list.
      auto cue = std::lower_bound(cues.begin(), cues.end(), pos);
      if (cue != cues.end() && *cue < nl && (line.back() == ':' || ends_sentence(line))) {
        mode = Ioc;
        section_start = nl;
      }
    }
    if (nl == text.size()) break;
    pos = nl + 1;
  }
  close(text.size());
  return s;
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

std::string role_from(const std::string& w) {
  auto has = [&](std::initializer_list<const char*> cues) {
    return std::any_of(cues.begin(), cues.end(), [&](const char* c) { return w.find(c) != std::string::npos; });
  };
  if (has({"for example", "e.g.", "such as example", "placeholder"})) return "example";
  if (has({"command-and-control", "command and control", "c2 ", "c2,", "c2.", "c&c", "beacon", "callback server"})) return "c2";
  if (has({"sent from", "sender", "phishing email", "phishing e-mail", "from the address", "spoofed"})) return "phishing-sender";
  if (has({"download", "payload", "dropped", "dropper", "hosted", "served", "staging", "loader"})) return "payload";
  if (has({"victim", "compromised server", "compromised site", "targeted"})) return "victim";
  return {};
}

double base_confidence(IndicatorType t) {
  switch (t) {
    case IndicatorType::Cve:
    case IndicatorType::AttackId: return 0.95;
    case IndicatorType::Sha256:
    case IndicatorType::Sha512:
    case IndicatorType::Sha1:
    case IndicatorType::Md5: return 0.85;
    case IndicatorType::RegistryKey: return 0.75;
    case IndicatorType::Bitcoin: return 0.75;
    case IndicatorType::Url:
    case IndicatorType::IPv4:
    case IndicatorType::IPv6: return 0.55;
    case IndicatorType::Email: return 0.45;
    case IndicatorType::Domain: return 0.4;
    case IndicatorType::FileName: return 0.4;
    case IndicatorType::Monero: return 0.5;
    case IndicatorType::Asn: return 0.6;
  }
  return 0.5;
}

// Priority when spans overlap: containers first.
int priority(IndicatorType t) {
  switch (t) {
    case IndicatorType::Url: return 0;
    case IndicatorType::Email: return 1;
    case IndicatorType::RegistryKey: return 2;
    case IndicatorType::IPv4: return 3;
    case IndicatorType::IPv6: return 4;
    case IndicatorType::Domain: return 5;
    case IndicatorType::FileName: return 6;
    default: return 10;
  }
}

bool suppressed_inside_container(IndicatorType t) {
  return t == IndicatorType::Domain || t == IndicatorType::IPv4 || t == IndicatorType::IPv6 ||
         t == IndicatorType::FileName || t == IndicatorType::Email || t == IndicatorType::Asn;
}

}  // namespace

std::string_view indicator_type_name(IndicatorType t) {
  switch (t) {
    case IndicatorType::IPv4: return "ipv4";
    case IndicatorType::IPv6: return "ipv6";
    case IndicatorType::Domain: return "domain";
    case IndicatorType::Url: return "url";
    case IndicatorType::Email: return "email";
    case IndicatorType::Md5: return "md5";
    case IndicatorType::Sha1: return "sha1";
    case IndicatorType::Sha256: return "sha256";
    case IndicatorType::Sha512: return "sha512";
    case IndicatorType::Cve: return "cve";
    case IndicatorType::AttackId: return "attack-id";
    case IndicatorType::Asn: return "asn";
    case IndicatorType::Bitcoin: return "bitcoin";
    case IndicatorType::Monero: return "monero";
    case IndicatorType::FileName: return "file";
    case IndicatorType::RegistryKey: return "registry-key";
  }
  return "unknown";
}

std::string refang(std::string_view in) {
  // Every defang form holds a bracket, a space, a backslash, an asterisk or "xx", or starts with
  // "fxp": most candidates have none and are returned as they are.
  bool plain = !starts_with_icase(in, "fxp");
  for (size_t i = 0; plain && i < in.size(); ++i) {
    char c = in[i];
    if (c == '[' || c == '(' || c == '{' || c == '\\' || c == ' ' || c == '*' || ((c | 0x20) == 'x' && i + 1 < in.size() && (in[i + 1] | 0x20) == 'x'))
      plain = false;
  }
  if (plain) return std::string(in);
  std::string s(in);
  for (const char* scheme : {"hxxps", "hXXps", "h**ps"}) replace_all_icase(s, scheme, "https");
  for (const char* scheme : {"hxxp", "h**p"}) replace_all_icase(s, scheme, "http");
  if (starts_with_icase(s, "fxp")) s = "ftp" + s.substr(3);
  for (const char* sep : {"[://]", "[:]//", "(:)//", "[:/]/"}) replace_all_icase(s, sep, "://");
  for (const char* dot : {"[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}", " dot ", " . ", "\\."}) replace_all_icase(s, dot, ".");
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

struct IndicatorScanner::Impl {
  VectorscanDb db;       // the full patterns, with start of match
  VectorscanDb anchors;  // the anchors, end of match only
};

IndicatorScanner::~IndicatorScanner() = default;

namespace {

Result<hs_database_t*> compile_patterns(const Pattern* patterns, size_t count, unsigned extra_flags, unsigned mode_flags,
                                         const char* what) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (unsigned i = 0; i < count; ++i) {
    if (patterns == kPatterns && patterns[i].completion == Completion::HexRun) continue;  // found by hand
    exprs.push_back(patterns[i].regex);
    flags.push_back(patterns[i].flags | extra_flags);
    ids.push_back(i);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK | mode_flags,
                       nullptr, &db, &err) != HS_SUCCESS) {
    std::string msg = err && err->message ? err->message : "unknown error";
    int which = err ? err->expression : -1;
    hs_free_compile_error(err);
    return Error{std::string(what) + " do not compile (pattern " + std::to_string(which) + "): " + msg};
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<IndicatorScanner>> IndicatorScanner::create(const std::string& psl_path) {
  auto psl = psl_path.empty() ? PublicSuffixList::load() : PublicSuffixList::load(psl_path);
  if (!psl.ok()) return Error{psl.error()};
  std::unique_ptr<IndicatorScanner> s(new IndicatorScanner());
  s->psl_ = std::move(psl).value();
  s->impl_ = std::make_unique<Impl>();
  auto db = compile_patterns(kPatterns, kPatternCount, HS_FLAG_SOM_LEFTMOST, 0, "indicator patterns");
  if (!db.ok()) return Error{db.error()};
  s->impl_->db = VectorscanDb(db.value());
  auto anchors = compile_patterns(kAnchors, kAnchorCount, 0, 0, "indicator anchors");
  if (!anchors.ok()) return Error{anchors.error()};
  s->impl_->anchors = VectorscanDb(anchors.value());
  if (!s->impl_->db.scratch() || !s->impl_->anchors.scratch()) return Error{"cannot allocate Vectorscan scratch"};
  return s;
}

std::vector<Indicator> IndicatorScanner::scan(std::string_view text, const ScanOptions& options) const {
  // Vectorscan takes an unsigned int length: larger inputs are scanned in parts cut at white
  // space, which no indicator contains.
  constexpr size_t kPart = 1u << 30;
  if (text.size() > kPart) {
    std::vector<Indicator> all;
    size_t off = 0;
    while (off < text.size()) {
      size_t end = std::min(text.size(), off + kPart);
      if (end < text.size()) {
        size_t cut = end;
        while (cut > off && !ascii::is_space(static_cast<unsigned char>(text[cut - 1]))) --cut;
        if (cut > off) end = cut;
      }
      for (auto& ind : scan(text.substr(off, end - off), options)) {
        ind.begin += off;
        ind.end += off;
        all.push_back(std::move(ind));
      }
      off = end;
    }
    return all;
  }
  hs_scratch_t* scratch = impl_->anchors.scratch();
  if (!scratch || !impl_->db.scratch()) return {};

  // Pass 1: anchors, merged into windows.
  std::vector<std::pair<size_t, size_t>> windows;
  std::vector<Raw> raw;
  struct AnchorCtx {
    std::string_view text;
    std::vector<std::pair<size_t, size_t>>* windows;
    std::vector<Raw>* raw;
    std::pair<size_t, size_t> token{0, 0};  // of the last anchor
    std::pair<size_t, size_t> hex_run{0, 0};  // the last hex run looked at
  } actx{text, &windows, &raw};
  hs_scan(
      impl_->anchors.get(), text.data(), static_cast<unsigned>(text.size()), 0, scratch,
      [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* c) -> int {
        auto* x = static_cast<AnchorCtx*>(c);
        size_t pos = static_cast<size_t>(to) - 1;
        if (kAnchors[id].completion == Completion::HexRun && !(pos >= x->hex_run.first && pos < x->hex_run.second)) {
          x->hex_run = hex_run_at(x->text, pos);
          if (auto hash = hash_pattern(x->text, x->hex_run)) x->raw->push_back(Raw{*hash, x->hex_run.first, x->hex_run.second});
        }
        auto& w = *x->windows;
        if (pos >= x->token.first && pos < x->token.second) return 0;  // same token, same window
        auto win = anchor_window(x->text, pos, x->token);
        if (!w.empty() && win.first <= w.back().second) {
          w.back().first = std::min(w.back().first, win.first);
          w.back().second = std::max(w.back().second, win.second);
        } else {
          w.push_back(win);
        }
        return 0;
      },
      &actx);
  if (windows.empty()) return {};
  // Anchors are reported in order of their end, so windows are nearly sorted; merge what overlaps.
  std::sort(windows.begin(), windows.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (const auto& w : windows) {
    if (!merged.empty() && w.first <= merged.back().second) merged.back().second = std::max(merged.back().second, w.second);
    else merged.push_back(w);
  }

  // Pass 2: the full patterns, once over the windows joined by line breaks (white space, so no
  // match spans two windows); offsets are mapped back through the window table, and the runs
  // left out of the patterns are walked.
  std::string joined;
  std::vector<size_t> starts;  // of each window in `joined`
  for (const auto& [b, e] : merged) {
    starts.push_back(joined.size());
    joined.append(text.substr(b, e - b));
    joined.push_back('\n');
  }
  std::vector<Raw> found;
  hs_scan(impl_->db.get(), joined.data(), static_cast<unsigned>(joined.size()), 0, scratch, on_match, &found);
  for (auto& r : found) {
    size_t w = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), r.from) - starts.begin()) - 1;
    size_t shift = merged[w].first - starts[w];
    r.from += shift;
    r.to += shift;
    if (complete(text, kPatterns[r.id].completion, r)) raw.push_back(r);
  }
  if (raw.empty()) return {};

  // As Vectorscan reports only the leftmost start per (pattern, end), so for completed matches:
  // a URL inside another URL's path ends where the outer one does, and is not a match of its own.
  std::sort(raw.begin(), raw.end(), [](const Raw& a, const Raw& b) { return std::tie(a.id, a.to, a.from) < std::tie(b.id, b.to, b.from); });
  raw.erase(std::unique(raw.begin(), raw.end(), [](const Raw& a, const Raw& b) { return a.id == b.id && a.to == b.to; }), raw.end());
  // Keep the longest match per (pattern, start).
  std::sort(raw.begin(), raw.end(), [](const Raw& a, const Raw& b) {
    return std::tie(a.id, a.from, b.to) < std::tie(b.id, b.from, a.to);
  });
  std::vector<Raw> longest;
  for (const auto& r : raw)
    if (longest.empty() || longest.back().id != r.id || longest.back().from != r.from) longest.push_back(r);

  std::string outlet_host = ascii_lower(options.outlet_host);
  if (outlet_host.rfind("www.", 0) == 0) outlet_host = outlet_host.substr(4);
  std::string outlet_domain = psl_.registrable_domain(outlet_host);
  if (outlet_domain.empty()) outlet_domain = outlet_host;  // special-use names: compare whole hosts
  auto same_site = [&](const std::string& host) {
    if (outlet_domain.empty() || host.empty()) return false;
    std::string reg = psl_.registrable_domain(host);
    if (!reg.empty()) return reg == outlet_domain;
    return host == outlet_domain || (host.size() > outlet_domain.size() &&
                                     host.compare(host.size() - outlet_domain.size() - 1, std::string::npos, "." + outlet_domain) == 0);
  };

  std::vector<Indicator> cands;
  for (const auto& r : longest) {
    Indicator ind;
    ind.type = kPatterns[r.id].type;
    ind.begin = r.from;
    ind.end = r.to;
    if (ind.type == IndicatorType::Url || ind.type == IndicatorType::Domain || ind.type == IndicatorType::FileName ||
        ind.type == IndicatorType::RegistryKey || ind.type == IndicatorType::Email || ind.type == IndicatorType::IPv4)
      trim_trailing(text, ind.begin, ind.end);
    if (ind.end <= ind.begin) continue;
    ind.original = std::string(text.substr(ind.begin, ind.end - ind.begin));
    std::string v = refang(ind.original);
    ind.was_defanged = v != ind.original && !(ind.type == IndicatorType::Url && v == ind.original);
    char before = ind.begin > 0 ? text[ind.begin - 1] : ' ';
    char after = ind.end < text.size() ? text[ind.end] : ' ';
    switch (ind.type) {
      case IndicatorType::Url: {
        size_t p = v.find("://");
        std::string scheme = ascii_lower(v.substr(0, p));
        size_t host_end = v.find_first_of("/?#", p + 3);
        std::string host = ascii_lower(v.substr(p + 3, host_end == std::string::npos ? std::string::npos : host_end - p - 3));
        size_t at = host.rfind('@');
        if (at != std::string::npos) host = host.substr(at + 1);
        std::string bare = host.substr(0, host.rfind(':') != std::string::npos && host.find(']') == std::string::npos ? host.rfind(':') : std::string::npos);
        in_addr a4{};
        bool ip = inet_pton(AF_INET, bare.c_str(), &a4) == 1;
        if (!ip && psl_.registrable_domain(bare).empty()) {
          std::string flag = bare.find('.') != std::string::npos ? special_use_flag(bare) : "";
          if (flag.empty()) continue;
          ind.flags.push_back(flag);
        }
        v = scheme + "://" + host + (host_end == std::string::npos ? "" : v.substr(host_end));
        if (ind.original.find("://") == std::string::npos || !starts_with_icase(ind.original, scheme)) ind.was_defanged = true;
        break;
      }
      case IndicatorType::Domain: {
        if (before == '@' || before == '/' || before == '\\' || (before == '.' && ind.begin >= 2 && ascii::is_alnum(static_cast<unsigned char>(text[ind.begin - 2]))))
          continue;
        v = ascii_lower(v);
        while (!v.empty() && v.back() == '.') v.pop_back();
        if (v.size() > 253) continue;
        {
          bool long_label = false;
          size_t start = 0;
          for (size_t k = 0; k <= v.size(); ++k)
            if (k == v.size() || v[k] == '.') {
              long_label |= k - start > 63;
              start = k + 1;
            }
          if (long_label) continue;
        }
        std::string tld = v.substr(v.rfind('.') + 1);
        if (std::all_of(tld.begin(), tld.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); })) continue;
        if (psl_.registrable_domain(v).empty()) {
          std::string flag = special_use_flag(v);
          if (flag.empty()) continue;
          ind.flags.push_back(flag);
        }
        if (file_extension_tld(tld) && !ind.was_defanged) continue;  // readme.md is a file
        if (has_weak_defang(ind.original)) ind.flags.push_back("weak-defang");
        break;
      }
      case IndicatorType::Email: {
        v = refang(ind.original);
        size_t at = v.find('@');
        if (at == std::string::npos) continue;
        std::string domain = ascii_lower(v.substr(at + 1));
        if (psl_.registrable_domain(domain).empty()) {
          std::string flag = special_use_flag(domain);
          if (flag.empty()) continue;
          ind.flags.push_back(flag);
        }
        v = v.substr(0, at + 1) + domain;
        break;
      }
      case IndicatorType::IPv4: {
        if (ascii::is_digit(static_cast<unsigned char>(before)) || (before == '.' && ind.begin >= 2 && ascii::is_digit(static_cast<unsigned char>(text[ind.begin - 2]))))
          continue;
        if (after == '.' && ind.end + 1 < text.size() && ascii::is_digit(static_cast<unsigned char>(text[ind.end + 1]))) continue;
        std::string addr = v, suffix;
        size_t cut = addr.find_first_of(":/");
        if (cut != std::string::npos) {
          suffix = addr.substr(cut);
          addr = addr.substr(0, cut);
        }
        in_addr a4{};
        if (inet_pton(AF_INET, addr.c_str(), &a4) != 1) continue;
        if (!suffix.empty() && suffix[0] == ':') {
          long port = std::atol(suffix.c_str() + 1);
          if (port < 1 || port > 65535) continue;
        } else if (!suffix.empty() && suffix[0] == '/' && std::atol(suffix.c_str() + 1) > 32) {
          continue;
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
          if (version) continue;
        }
        std::string flag = ipv4_range_flag(ntohl(a4.s_addr));
        if (!flag.empty()) ind.flags.push_back(flag);
        v = addr + suffix;
        break;
      }
      case IndicatorType::IPv6: {
        std::string addr = ascii_lower(v.substr(0, v.find('/')));
        if (std::count(addr.begin(), addr.end(), ':') < 2) continue;
        if (ascii::is_alnum(static_cast<unsigned char>(before)) || before == ':' || after == ':') continue;
        size_t hexdigits = std::count_if(addr.begin(), addr.end(), [](char c) { return is_hex(c); });
        if (hexdigits < 3) continue;  // "::" and friends in prose or code
        in6_addr a6{};
        if (inet_pton(AF_INET6, addr.c_str(), &a6) != 1) continue;
        // Clock times and ratios ("10:30:15") are not IPv6: require a letter or a "::".
        if (addr.find("::") == std::string::npos && std::none_of(addr.begin(), addr.end(), [](char c) { return ascii::is_alpha(static_cast<unsigned char>(c)); }))
          continue;
        std::string flag = ipv6_range_flag(a6);
        if (!flag.empty()) ind.flags.push_back(flag);
        v = ascii_lower(v);
        break;
      }
      case IndicatorType::Md5:
      case IndicatorType::Sha1:
      case IndicatorType::Sha256:
      case IndicatorType::Sha512: {
        if (before == '-' || after == '-' || before == '_' || after == '_') continue;  // part of a longer token
        v = ascii_lower(v);
        if (std::all_of(v.begin(), v.end(), [](char c) { return ascii::is_digit(static_cast<unsigned char>(c)); })) continue;
        if (std::all_of(v.begin(), v.end(), [&](char c) { return c == v[0]; })) continue;
        static const char* empty_hashes[] = {"d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                                             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};
        for (const char* e : empty_hashes)
          if (v == e) ind.flags.push_back("empty-file-hash");
        break;
      }
      case IndicatorType::Cve: {
        std::string c = ascii_lower(v);
        replace_all_icase(c, "\xE2\x80\x93", "-");
        replace_all_icase(c, "\xE2\x80\x91", "-");
        for (auto& ch : c) ch = static_cast<char>(ascii::to_upper(static_cast<unsigned char>(ch)));
        int year = std::atoi(c.c_str() + 4);
        if (year < 1999 || year > 2100) continue;
        v = c;
        break;
      }
      case IndicatorType::Asn: {
        std::string digits;
        for (char c : v)
          if (ascii::is_digit(static_cast<unsigned char>(c))) digits.push_back(c);
        if (digits.empty() || std::stoull(digits) == 0 || std::stoull(digits) > 4294967295ULL) continue;
        v = "AS" + digits;
        break;
      }
      case IndicatorType::Bitcoin:
        if (v.rfind("bc1", 0) == 0 ? !bech32_ok(v) : !base58check_ok(v)) continue;
        break;
      case IndicatorType::Monero: {
        std::string w = window(text, ind.begin, ind.end);
        if (w.find("monero") == std::string::npos && w.find("xmr") == std::string::npos && w.find("wallet") == std::string::npos)
          continue;
        break;
      }
      case IndicatorType::FileName: {
        if (before == '/' || before == '\\' || before == '@') continue;  // part of a path or URL
        v = ind.original;
        break;
      }
      case IndicatorType::AttackId:
      case IndicatorType::RegistryKey:
        break;
    }
    ind.value = v;
    cands.push_back(std::move(ind));
  }

  // Overlaps: containers (URL, email, registry key) hide the domains, addresses and file names
  // inside them; at one span a more specific type wins.
  std::stable_sort(cands.begin(), cands.end(), [](const Indicator& a, const Indicator& b) {
    return std::make_tuple(priority(a.type), a.begin) < std::make_tuple(priority(b.type), b.begin);
  });
  std::vector<Indicator> kept;
  for (auto& c : cands) {
    bool hidden = false;
    if (suppressed_inside_container(c.type))
      for (const auto& k : kept)
        if (k.begin <= c.begin && c.end <= k.end && priority(k.type) < priority(c.type)) { hidden = true; break; }
    if (!hidden) kept.push_back(std::move(c));
  }
  std::sort(kept.begin(), kept.end(), [](const Indicator& a, const Indicator& b) { return a.begin < b.begin; });
  if (kept.empty()) return kept;
  Sections sections = find_sections(text);

  // Context: sections, roles, the outlet's own domain, confidence.
  for (auto& ind : kept) {
    bool in_ioc = in_ranges(sections.ioc, ind.begin);
    bool in_refs = in_ranges(sections.references, ind.begin);
    if (in_ioc) ind.flags.push_back("in-ioc-section");
    if (ind.was_defanged) ind.flags.push_back("defanged");
    ind.defanged = defang(ind.type, ind.value);
    ind.role = role_from(window(text, ind.begin, ind.end));
    double conf = base_confidence(ind.type);
    if (ind.was_defanged) conf += 0.35;
    if (in_ioc) conf += 0.3;
    std::string host;
    if (ind.type == IndicatorType::Domain) host = ind.value;
    if (ind.type == IndicatorType::Url) {
      size_t p = ind.value.find("://") + 3;
      host = ind.value.substr(p, ind.value.find_first_of("/:?#", p) - p);
    }
    if (ind.type == IndicatorType::Email) host = ind.value.substr(ind.value.find('@') + 1);
    if (same_site(host)) {
      ind.flags.push_back("outlet-domain");
      ind.role = "reference";
      conf = 0.05;
    } else if (in_refs && (ind.type == IndicatorType::Url || ind.type == IndicatorType::Domain)) {
      ind.role = "reference";
      conf = 0.1;
    }
    bool weak = std::find(ind.flags.begin(), ind.flags.end(), "weak-defang") != ind.flags.end();
    if (weak && !in_ioc) conf = 0.2;
    for (const char* f : {"documentation-range", "documentation-domain", "private-range", "loopback", "link-local", "reserved", "empty-file-hash"})
      if (std::find(ind.flags.begin(), ind.flags.end(), f) != ind.flags.end()) {
        conf *= 0.5;
        if (std::string(f).rfind("documentation", 0) == 0 && ind.role.empty()) ind.role = "example";
      }
    ind.malicious = (ind.was_defanged && !weak) || in_ioc;
    ind.confidence = std::min(1.0, std::max(0.0, conf));
  }
  return kept;
}

}  // namespace dossier
