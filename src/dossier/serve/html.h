// The one place where text from articles becomes HTML: escaping, links, citation markers and the
// page frame of the web UI.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::web {

// Text as HTML text or attribute value: & < > " ' escaped.
std::string h(std::string_view s);
// A link when `url` is http(s) with nothing that could end the attribute or hide a scheme; else
// the text alone. Links to articles open with rel=noopener noreferrer.
std::string link(const std::string& url, const std::string& text);
// A snippet with \x02...\x03 around matched words: escaped, the words in <mark>.
std::string highlighted(const std::string& snippet);
// URL query-string component.
std::string q(std::string_view s);

// Citation markers [n] that open the cited source's sentence in place (see app.js); without
// JavaScript each is a link to the source in the list.
std::string markers(const nlohmann::json& refs, const std::string& claim_id = {});
// A cited sentence from the dossier JSON ({"text", "refs"}), escaped, with its markers.
std::string cited(const nlohmann::json& c, const std::string& claim_id = {});

// A whole page: head (styles and scripts from /static only), navigation, body.
std::string page(const std::string& title, const std::string& body, const std::string& active = {});

}  // namespace dossier::web
