#include "dossier/serve/html.h"

#include "dossier/util/text.h"

namespace dossier::web {

std::string h(std::string_view s) { return escape_markup(s); }

std::string link(const std::string& url, const std::string& text) {
  if (!is_linkable_url(url)) return h(text);
  return "<a href=\"" + h(url) + "\" rel=\"noopener noreferrer\" target=\"_blank\">" + h(text) + "</a>";
}

std::string highlighted(const std::string& snippet) {
  std::string out;
  size_t plain = 0;
  for (size_t i = 0; i < snippet.size(); ++i) {
    if (snippet[i] != '\x02' && snippet[i] != '\x03') continue;
    out += h(snippet.substr(plain, i - plain));
    out += snippet[i] == '\x02' ? "<mark>" : "</mark>";
    plain = i + 1;
  }
  out += h(snippet.substr(plain));
  // An unbalanced mark (a snippet cut inside one) is closed.
  size_t open = 0, close = 0;
  for (size_t p = out.find("<mark>"); p != std::string::npos; p = out.find("<mark>", p + 1)) ++open;
  for (size_t p = out.find("</mark>"); p != std::string::npos; p = out.find("</mark>", p + 1)) ++close;
  while (close++ < open) out += "</mark>";
  return out;
}

std::string q(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string o;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') o += static_cast<char>(c);
    else {
      o += '%';
      o += hex[c >> 4];
      o += hex[c & 15];
    }
  }
  return o;
}

std::string markers(const nlohmann::json& refs, const std::string& claim_id) {
  std::string out;
  if (!refs.is_array()) return out;
  for (const auto& r : refs) {
    if (!r.is_number_integer()) continue;
    std::string n = std::to_string(r.get<int>());
    out += "<a class=\"cite\" href=\"#src-" + n + "\" data-ref=\"" + n + "\"" +
           (claim_id.empty() ? "" : " data-claim=\"" + h(claim_id) + "\"") + ">[" + n + "]</a>";
  }
  return out;
}

std::string cited(const nlohmann::json& c, const std::string& claim_id) {
  if (!c.is_object()) return "";
  std::string text = c.value("text", "");
  return h(text) + (c.contains("refs") ? " " + markers(c["refs"], claim_id) : "");
}

std::string page(const std::string& title, const std::string& body, const std::string& active) {
  auto nav = [&](const char* href, const char* label, const char* key) {
    return std::string("<a href=\"") + href + "\"" + (active == key ? " aria-current=\"page\"" : "") + ">" + label + "</a>";
  };
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         // htmx adds an inline <style> for its indicators unless told not to; the CSP forbids it.
         "<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\":false}'>\n<title>" +
         h(title) +
         " - dossier</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
         "<link rel=\"stylesheet\" href=\"/static/uPlot.min.css\">\n"
         "<script src=\"/static/htmx.min.js\" defer></script>\n<script src=\"/static/uPlot.iife.min.js\" defer></script>\n"
         "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<header class=\"top\"><a class=\"brand\" href=\"/\">dossier</a><nav>" +
         nav("/", "Incidents", "incidents") + nav("/search", "Search", "search") + nav("/actors", "Actors", "actors") +
         nav("/victims", "Victims", "victims") + nav("/sectors", "Sectors", "sectors") + nav("/countries", "Countries", "countries") +
         nav("/watchlists", "Watchlists", "watchlists") + nav("/feeds", "Feeds", "feeds") + nav("/login", "Token", "login") +
         "</nav><form class=\"quick\" action=\"/search\" method=\"get\"><input type=\"search\" name=\"q\" placeholder=\"Search articles and dossiers\" aria-label=\"Search\"></form></header>\n<main>\n" +
         body + "\n</main>\n</body>\n</html>\n";
}

}  // namespace dossier::web
