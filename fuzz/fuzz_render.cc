// Dossiers whose every field holds hostile text (from articles an attacker wrote: titles, outlets,
// URLs, sentences, indicator values) rendered as Markdown, HTML and JSON: the JSON must parse, the
// HTML must carry no tag that runs or loads anything, no event handler and no link but http(s) or
// an anchor, and the Markdown no link, image or tag but the renderer's own.
#include <cstddef>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "dossier/synthesize/dossier.h"
#include "dossier/util/text.h"

namespace {

// Only http(s) links may be live (schemes are case-insensitive); each href value must be one of
// those or an anchor.
bool hrefs_are_safe(const std::string& html) {
  for (size_t p = html.find("href="); p != std::string::npos; p = html.find("href=", p + 5)) {
    std::string_view v = std::string_view(html).substr(p + 5);
    if (v.empty() || v[0] != '"') return false;
    v.remove_prefix(1);
    if (!(dossier::starts_with_icase(v, "https://") || dossier::starts_with_icase(v, "http://") || v.rfind("#", 0) == 0)) return false;
  }
  return true;
}

// Every tag in the output (escaped text holds no '<'): none that runs or loads anything, and no
// event-handler attribute.
bool tags_are_inert(const std::string& html) {
  for (size_t p = html.find('<'); p != std::string::npos; p = html.find('<', p + 1)) {
    size_t end = html.find('>', p);
    if (end == std::string::npos) return false;
    std::string tag = html.substr(p + 1, end - p - 1);
    for (auto& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t n = tag[0] == '/' ? 1 : 0;
    size_t name_end = n;
    while (name_end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[name_end]))) ++name_end;
    std::string name = tag.substr(n, name_end - n);
    for (const char* bad : {"script", "img", "iframe", "svg", "object", "embed", "form", "input", "base", "link", "math"})
      if (name == bad) return false;
    for (size_t a = tag.find(" on"); a != std::string::npos; a = tag.find(" on", a + 1)) {
      size_t i = a + 3;
      while (i < tag.size() && std::isalpha(static_cast<unsigned char>(tag[i]))) ++i;
      if (i < tag.size() && tag[i] == '=') return false;
    }
  }
  return true;
}

// Outside code spans, Markdown output opens no link, image or tag but the renderer's own: every
// unescaped '[' is a citation marker "[n]", every '<' starts an http(s) autolink.
bool markdown_is_inert(const std::string& md) {
  bool code = false;
  for (size_t i = 0; i < md.size(); ++i) {
    char c = md[i];
    if (c == '\\' && !code) {
      ++i;  // an escaped character
      continue;
    }
    if (c == '\n') code = false;
    if (c == '`') code = !code;
    if (code) continue;
    if (c == '[') {
      size_t j = i + 1;
      while (j < md.size() && std::isdigit(static_cast<unsigned char>(md[j]))) ++j;
      if (j == i + 1 || j >= md.size() || md[j] != ']') return false;
    }
    if (c == '<') {
      std::string_view rest = std::string_view(md).substr(i + 1);
      if (!dossier::starts_with_icase(rest, "http://") && !dossier::starts_with_icase(rest, "https://")) return false;
      // An autolink binds tighter than brackets: what it holds is its URL, literally.
      size_t end = md.find_first_of(">\n ", i);
      if (end == std::string::npos || md[end] != '>') return false;
      i = end;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input = dossier::sanitize_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> fields;
  for (size_t start = 0;;) {
    size_t sep = input.find('\x01', start);
    fields.push_back(input.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
    if (sep == std::string::npos || fields.size() == 12) break;
    start = sep + 1;
  }
  size_t next = 0;
  auto f = [&] { return fields[next++ % fields.size()]; };

  dossier::Dossier d;
  d.incident_id = "0123456789abcdef";
  d.title = f();
  d.first_seen = "2024-05-01";
  d.last_seen = "2024-05-03";
  d.generated_at = "2024-05-04T00:00:00Z";
  for (int i = 0; i < 2; ++i) {
    dossier::DossierSource s;
    s.article_id = "a" + std::to_string(i);
    s.url = f();
    s.outlet = f();
    s.title = f();
    s.published = "2024-05-0" + std::to_string(i + 1);
    s.copies.push_back(f());
    d.sources.push_back(std::move(s));
  }
  dossier::Cited c{f(), {1, 2}};
  d.key_points.push_back(c);
  d.brief.introduction.push_back(dossier::Cited{f(), {1}});
  d.brief.description.push_back({"activity", {dossier::Cited{f(), {2}}}});
  d.brief.single_source.push_back(dossier::Cited{f(), {1}});
  d.report.executive_summary.push_back(c);
  d.report.details.push_back(dossier::Fact{"Affected organisation", {dossier::Cited{f(), {1}}}});
  d.report.timeline.push_back(dossier::TimelineEvent{"2024-05-01", "began", dossier::Cited{f(), {1}}, {2}});
  d.report.indicators.push_back({"url", {dossier::IndicatorFinding{"url", f(), f(), "c2", {1}}}});
  dossier::Conflict conflict;
  conflict.subject = "Responsibility";
  conflict.values.push_back(dossier::Conflict::Value{f(), f(), {1}});
  conflict.values.push_back(dossier::Conflict::Value{f(), f(), {2}});
  d.conflicts.push_back(conflict);

  for (auto what : {dossier::DossierProduct::Full, dossier::DossierProduct::Brief, dossier::DossierProduct::KeyPoints,
                    dossier::DossierProduct::Report}) {
    std::string html = dossier::render_html(d, what);
    if (!hrefs_are_safe(html)) __builtin_trap();
    if (!tags_are_inert(html)) __builtin_trap();
    if (!markdown_is_inert(dossier::render_markdown(d, what))) __builtin_trap();
  }
  auto parsed = nlohmann::json::parse(dossier::dossier_json_text(d), nullptr, false);
  if (parsed.is_discarded()) __builtin_trap();
  return 0;
}
