// Dossiers whose every field holds hostile text (from articles an attacker wrote: titles, outlets,
// URLs, sentences, indicator values) rendered as Markdown, HTML and JSON: the JSON must parse, the
// HTML must carry no markup or link scheme of the input, and the Markdown no link, image or tag
// the input opened.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dossier/synthesize/dossier.h"
#include "dossier/util/text.h"

namespace {

// Only http(s) links may be live; each href value must be one of those or an anchor.
bool hrefs_are_safe(const std::string& html) {
  for (size_t p = html.find("href="); p != std::string::npos; p = html.find("href=", p + 5)) {
    std::string_view v = std::string_view(html).substr(p + 5);
    if (v.empty() || v[0] != '"') return false;
    v.remove_prefix(1);
    if (!(v.rfind("https://", 0) == 0 || v.rfind("http://", 0) == 0 || v.rfind("#", 0) == 0)) return false;
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
    for (const auto& field : fields)
      if (field.find_first_of("<>\"") != std::string::npos && field.size() > 1 && html.find(field) != std::string::npos)
        __builtin_trap();
    std::string md = dossier::render_markdown(d, what);
    for (const auto& field : fields)
      if (field.find_first_of("<[]") != std::string::npos && field.size() > 1 && md.find(field) != std::string::npos)
        __builtin_trap();
  }
  auto parsed = nlohmann::json::parse(dossier::dossier_json_text(d), nullptr, false);
  if (parsed.is_discarded()) __builtin_trap();
  return 0;
}
