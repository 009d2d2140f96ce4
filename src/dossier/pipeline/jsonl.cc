#include "dossier/pipeline/jsonl.h"

#include "dossier/ingest/html.h"
#include "dossier/util/text.h"

namespace dossier {

using nlohmann::json;

namespace {

// The string a field holds, or "" when it is absent or not a string.
std::string string_field(const json& in, const char* name) {
  auto it = in.find(name);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

JsonlAnswer extract_jsonl_line(const Extractor& ex, std::string_view line, size_t n) {
  JsonlAnswer answer;
  if (trim(std::string(line)).empty()) return answer;
  json in = json::parse(line, nullptr, false);
  auto text = in.is_object() ? in.find("text") : in.end();
  auto html = in.is_object() ? in.find("html") : in.end();
  bool has_text = in.is_object() && text != in.end() && text->is_string();
  bool has_html = in.is_object() && html != in.end() && html->is_string();
  json id = in.is_object() && in.contains("id") ? in["id"] : json(nullptr);
  if (!has_text && !has_html) {
    answer.error = "line " + std::to_string(n) + R"(: expected {"id", "text"} or {"id", "html"} with a string)";
    answer.out = json{{"id", id}, {"error", "bad input line"}};
    return answer;
  }
  Article a;
  a.id = id.is_string() ? id.get<std::string>() : (id.is_null() ? std::to_string(n) : id.dump());
  if (has_html) {
    ParsedText t = parse_html_article(html->get<std::string>(), string_field(in, "url"));
    a.text = std::move(t.text);
    a.published = std::move(t.published);
  } else {
    a.text = text->get<std::string>();
  }
  if (std::string published = string_field(in, "published"); !published.empty()) a.published = published;
  a.text = sanitize_utf8(a.text);
  answer.out = extraction_json(ex.extract(a), a, ex.kb());
  answer.out["id"] = id.is_null() ? json(a.id) : id;
  return answer;
}

}  // namespace dossier
