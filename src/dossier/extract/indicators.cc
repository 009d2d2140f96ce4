#include "dossier/extract/indicators.h"

#include <arpa/inet.h>
#include <hs.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>

#include "dossier/extract/indicator_values.h"
#include "dossier/util/ascii.h"
#include "dossier/util/vectorscan.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

using indicator_values::check_value;
using indicator_values::replace_all_icase;
using indicator_values::trim_trailing;
using indicator_values::window;

// ---- Patterns. One Vectorscan database; ids index kPatterns. ----

#define DOT R"((?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}| dot | \. |\\\.|\[\.|\.\]))"
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
    // (?:h(?:tt|xx|\*\*)ps?|fxp|ftps?|sftp|tcp|udp)(?:://|...)[^\s<>"'`]+
    {IndicatorType::Url, R"((?:h(?:tt|xx|\*\*)ps?|fxp|ftps?|sftp|tcp|udp)(?:://|\[://\]|\[:\]//|\(:\)//|\[:/\]/|:\\\\|__))",
     HS_FLAG_CASELESS, Completion::ExtendUrl},
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
    {IndicatorType::Domain, R"(\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}| dot | \. |\\\.|\[\.|\.\])", HS_FLAG_CASELESS},
    {IndicatorType::Email, R"(@|\[at\]|\(at\)|\{at\})", HS_FLAG_CASELESS},
    {IndicatorType::Url, R"(:/|\[:|\(:\)|:\\\\|p__)", HS_FLAG_CASELESS},
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
                   !ends_sentence(line) && line.find("://") == std::string_view::npos && !looks_like_indicator_line(line);
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

namespace {

// Pass 1: anchors, merged into windows; pass 2: the full patterns over the windows. Returns the
// completed matches (hashes are found by hand in pass 1).
std::vector<Raw> find_matches(std::string_view text, const VectorscanDb& anchors, const VectorscanDb& patterns) {
  std::vector<Raw> raw;
  // One scratch per thread serves every database; fitting it to the second may move it, so the
  // pointer is taken once both fit (a thread's first scan used to read a freed scratch and find
  // nothing).
  if (!anchors.scratch() || !patterns.scratch()) return raw;
  hs_scratch_t* scratch = patterns.scratch();

  // Pass 1: anchors, merged into windows.
  std::vector<std::pair<size_t, size_t>> windows;
  struct AnchorCtx {
    std::string_view text;
    std::vector<std::pair<size_t, size_t>>* windows;
    std::vector<Raw>* raw;
    std::pair<size_t, size_t> token{0, 0};  // of the last anchor
    std::pair<size_t, size_t> hex_run{0, 0};  // the last hex run looked at
  } actx{text, &windows, &raw};
  hs_scan(
      anchors.get(), text.data(), static_cast<unsigned>(text.size()), 0, scratch,
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
  if (windows.empty()) return raw;
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
  hs_scan(patterns.get(), joined.data(), static_cast<unsigned>(joined.size()), 0, scratch, on_match, &found);
  for (auto& r : found) {
    size_t w = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), r.from) - starts.begin()) - 1;
    size_t shift = merged[w].first - starts[w];
    r.from += shift;
    r.to += shift;
    if (complete(text, kPatterns[r.id].completion, r)) raw.push_back(r);
  }

  return raw;
}

// One match per (pattern, end), the longest per (pattern, start).
std::vector<Raw> longest_matches(std::vector<Raw> raw) {
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

  return longest;
}

// Each match refanged, checked and normalised by its type.
std::vector<Indicator> candidates(std::string_view text, const std::vector<Raw>& longest, const PublicSuffixList& psl) {
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
    if (!check_value(ind, v, text, psl)) continue;
    ind.value = v;
    cands.push_back(std::move(ind));
  }

  return cands;
}

// Overlaps: containers (URL, email, registry key) hide the domains, addresses and file names
// inside them; at one span a more specific type wins. Sorted by position.
std::vector<Indicator> resolve_overlaps(std::vector<Indicator> cands) {
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
  return kept;
}

// Sections, roles, the outlet's own domain, confidence.
void add_context(std::vector<Indicator>& kept, std::string_view text, const ScanOptions& options, const PublicSuffixList& psl) {
  std::string outlet_host = ascii_lower(options.outlet_host);
  if (outlet_host.rfind("www.", 0) == 0) outlet_host = outlet_host.substr(4);
  std::string outlet_domain = psl.registrable_domain(outlet_host);
  if (outlet_domain.empty()) outlet_domain = outlet_host;  // special-use names: compare whole hosts
  auto same_site = [&](const std::string& host) {
    if (outlet_domain.empty() || host.empty()) return false;
    std::string reg = psl.registrable_domain(host);
    if (!reg.empty()) return reg == outlet_domain;
    return host == outlet_domain || (host.size() > outlet_domain.size() &&
                                     host.compare(host.size() - outlet_domain.size() - 1, std::string::npos, "." + outlet_domain) == 0);
  };

  Sections sections = find_sections(text);

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
    ind.malicious = (ind.was_defanged && !weak) || in_ioc;
    // Special ranges and names weigh less, unless the text asserts the value (written defanged, or
    // listed as an indicator): reports and advisories use documentation ranges and .example names
    // as stand-ins for real infrastructure. Asserted by nothing, a documentation value is an example.
    for (const char* f : {"documentation-range", "documentation-domain", "private-range", "loopback", "link-local", "reserved", "empty-file-hash"})
      if (std::find(ind.flags.begin(), ind.flags.end(), f) != ind.flags.end() && !ind.malicious) {
        conf *= 0.5;
        if (std::string(f).rfind("documentation", 0) == 0 && ind.role.empty()) ind.role = "example";
      }
    ind.confidence = std::min(1.0, std::max(0.0, conf));
  }

}

}  // namespace

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
  std::vector<Raw> raw = find_matches(text, impl_->anchors, impl_->db);
  if (raw.empty()) return {};
  std::vector<Indicator> kept = resolve_overlaps(candidates(text, longest_matches(std::move(raw)), psl_));
  if (!kept.empty()) add_context(kept, text, options, psl_);
  return kept;
}

}  // namespace dossier
