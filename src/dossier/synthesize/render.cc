// Markdown (renders cleanly on GitHub) and standalone HTML forms of a dossier. Source text is
// escaped: a hostile page cannot inject markup into a report.
#include <sstream>

#include "dossier/synthesize/dossier.h"
#include "dossier/util/text.h"

namespace dossier {
namespace {

std::string markers(const std::vector<int>& refs) {
  std::string s;
  for (int r : refs) s += "[" + std::to_string(r) + "]";
  return s;
}

// Markdown: characters that would start markup are escaped (CommonMark lets any ASCII punctuation
// be escaped): emphasis, code, headings, and the brackets of links and images, without which
// "(javascript:...)" and "!" are plain text ("[x](javascript:...)" and "![](...)" cannot form);
// '|' too, for table cells. Angle brackets become entities, so no HTML or autolink can start.
std::string md(const std::string& s) {
  std::string o;
  o.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '|': case '#': case '[': case ']':
        o += '\\';
        o += c;
        break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '\n': o += ' '; break;
      default: o += c;
    }
  }
  return o;
}

// Markdown of a line that places its own citation markers ("2022 [1][3]"): the markers stay as
// written, everything else is escaped.
std::string md_keeping_markers(const std::string& s) {
  std::string o;
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '[') continue;
    size_t j = i + 1;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i + 1 || j >= s.size() || s[j] != ']') continue;
    o += md(s.substr(plain, i - plain)) + s.substr(i, j + 1 - i);
    plain = j + 1;
    i = j;
  }
  return o + md(s.substr(plain));
}

std::string h(const std::string& s) { return escape_markup(s); }

// Only http(s) URLs become links, and only when nothing in them could end the link or hide a
// scheme (util/text.h). Anything else is shown as text.
bool linkable_url(const std::string& url) { return is_linkable_url(url); }

const char* kNotReported = "Not reported in the sources.";

// A sink that writes either Markdown or HTML, so both forms share one layout.
class Writer {
 public:
  explicit Writer(bool html) : html_(html) {}
  void title(const std::string& t) { html_ ? out_ << "<h1>" << h(t) << "</h1>\n" : out_ << "# " << md(t) << "\n\n"; }
  void heading(int level, const std::string& t) {
    close_list();
    if (html_) out_ << "<h" << level << ">" << h(t) << "</h" << level << ">\n";
    else out_ << std::string(static_cast<size_t>(level), '#') << " " << md(t) << "\n\n";
  }
  void para(const std::string& text) {
    close_list();
    html_ ? out_ << "<p>" << h(text) << "</p>\n" : out_ << md(text) << "\n\n";
  }
  void cited_para(const std::vector<Cited>& items) {
    close_list();
    if (items.empty()) return;
    std::string s;
    for (const auto& c : items) s += (s.empty() ? "" : " ") + sentence(c);
    html_ ? out_ << "<p>" << s << "</p>\n" : out_ << s << "\n\n";
  }
  void item(const std::string& raw_html_or_md) {
    if (!in_list_) {
      if (html_) out_ << "<ul>\n";
      in_list_ = true;
    }
    html_ ? out_ << "<li>" << raw_html_or_md << "</li>\n" : out_ << "- " << raw_html_or_md << "\n";
  }
  void cited_items(const std::vector<Cited>& items, const char* empty = kNotReported) {
    if (items.empty()) {
      if (*empty) para(empty);
      return;
    }
    for (const auto& c : items) item(sentence(c));
    close_list();
  }
  // "label: value [1][2]; value [3]" as a list item.
  void fact(const std::string& label, const std::vector<Cited>& values) {
    std::string v;
    if (values.empty()) v = esc(kNotReported);
    for (const auto& c : values) v += (v.empty() ? "" : "; ") + sentence(c);
    item(strong(label) + ": " + v);
  }
  std::string sentence(const Cited& c) const {
    if (c.refs_in_text && !html_) return md_keeping_markers(c.text);
    return esc(c.text) + (c.refs.empty() || c.refs_in_text ? "" : " " + markers(c.refs));
  }
  std::string esc(const std::string& s) const { return html_ ? h(s) : md(s); }
  std::string strong(const std::string& s) const { return html_ ? "<strong>" + h(s) + "</strong>" : "**" + md(s) + "**"; }
  std::string code(const std::string& s) const {
    if (html_) return "<code>" + h(s) + "</code>";
    return s.find('`') == std::string::npos && s.find('\n') == std::string::npos ? "`" + s + "`" : md(s);
  }
  void close_list() {
    if (!in_list_) return;
    html_ ? out_ << "</ul>\n" : out_ << "\n";
    in_list_ = false;
  }
  void table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
    close_list();
    if (html_) {
      out_ << "<table><thead><tr>";
      for (const auto& c : head) out_ << "<th>" << c << "</th>";
      out_ << "</tr></thead><tbody>\n";
      for (const auto& r : rows) {
        out_ << "<tr>";
        for (const auto& c : r) out_ << "<td>" << c << "</td>";
        out_ << "</tr>\n";
      }
      out_ << "</tbody></table>\n";
    } else {
      out_ << "|";
      for (const auto& c : head) out_ << " " << c << " |";
      out_ << "\n|";
      for (size_t i = 0; i < head.size(); ++i) out_ << " --- |";
      out_ << "\n";
      for (const auto& r : rows) {
        out_ << "|";
        for (const auto& c : r) out_ << " " << c << " |";
        out_ << "\n";
      }
      out_ << "\n";
    }
  }
  std::string str() {
    close_list();
    return out_.str();
  }
  bool html() const { return html_; }

 private:
  bool html_;
  bool in_list_ = false;
  std::ostringstream out_;
};

void header(Writer& w, const Dossier& d) {
  w.title(d.title.empty() ? "Incident " + d.incident_id : d.title);
  std::string meta = "Incident " + d.incident_id + " · " + std::to_string(d.sources.size()) + " independent source" +
                     (d.sources.size() == 1 ? "" : "s");
  if (!d.first_seen.empty()) meta += " · first seen " + d.first_seen.substr(0, 10);
  if (!d.last_seen.empty()) meta += " · last seen " + d.last_seen.substr(0, 10);
  meta += " · generated " + d.generated_at;
  w.para(meta);
}

void key_points(Writer& w, const Dossier& d) {
  w.heading(2, "Key points");
  w.cited_items(d.key_points, "No statement is made by the sources.");
}

void brief(Writer& w, const Dossier& d) {
  w.heading(2, "Brief");
  w.heading(3, "Introduction");
  w.cited_para(d.brief.introduction);
  if (!d.brief.description.empty()) {
    w.heading(3, "Description");
    for (const auto& [topic, items] : d.brief.description) {
      w.heading(4, topic);
      w.cited_para(items);
    }
  }
  w.heading(3, "Assessment");
  w.heading(4, "Confirmed by several sources");
  const size_t above = d.brief.confirmed_above;
  if (above > 0)
    w.para(std::to_string(above) + (above == 1 ? " statement" : " statements") + " above " + (above == 1 ? "is" : "are") +
           " made by several sources (see the citations)" + (d.brief.confirmed.empty() ? "." : "; besides:"));
  w.cited_items(d.brief.confirmed, above > 0 ? "" : "No statement is made by more than one source.");
  w.heading(4, "Resting on a single source");
  const size_t single = d.brief.single_above;
  if (single > 0)
    w.para(std::to_string(single) + (single == 1 ? " statement" : " statements") + " above " + (single == 1 ? "rests" : "rest") +
           " on a single source" + (d.brief.single_source.empty() ? "." : "; besides:"));
  w.cited_items(d.brief.single_source, single > 0 ? "" : "None.");
  w.heading(4, "Unverified or disputed");
  const size_t hedged = d.brief.unverified_above;
  if (hedged > 0)
    w.para(std::to_string(hedged) + (hedged == 1 ? " statement" : " statements") + " above " + (hedged == 1 ? "is" : "are") +
           " hedged or a denial" + (d.brief.unverified.empty() ? "." : "; besides:"));
  w.cited_items(d.brief.unverified, hedged > 0 ? "" : "None.");
}

void report(Writer& w, const Dossier& d) {
  const auto& r = d.report;
  w.heading(2, "Incident report");
  w.heading(3, "Executive summary");
  w.cited_para(r.executive_summary);
  w.heading(3, "Incident details");
  for (const auto& f : r.details) w.fact(f.label, f.values);
  w.close_list();
  w.heading(3, "Attribution");
  if (r.actors.empty() && r.ransomware.empty()) w.item(w.strong("Actor") + ": " + w.esc(kNotReported));
  auto actor_line = [&](const char* label, const ActorAttribution& a) {
    std::string s = w.strong(label) + ": " + w.esc(a.name) + (a.attack_id.empty() ? "" : " (" + w.esc("ATT&CK " + a.attack_id) + ")");
    if (!a.aliases.empty()) {
      std::string al;
      for (const auto& x : a.aliases) al += (al.empty() ? "" : ", ") + x;
      s += ", named by the sources as " + w.esc(al);
    }
    w.item(s + " " + markers(a.refs));
  };
  for (const auto& a : r.actors) actor_line("Actor", a);
  for (const auto& a : r.ransomware) actor_line("Ransomware", a);
  for (const auto& f : r.attribution) w.fact(f.label, f.values);
  w.close_list();
  w.heading(3, "Timeline");
  if (r.timeline.empty()) w.para(kNotReported);
  for (const auto& e : r.timeline)
    w.item(w.strong(e.date) + " (" + w.esc(e.event) + "): " + w.sentence(e.what) + (e.also.empty() ? "" : " Also dated by " + markers(e.also) + "."));
  w.close_list();
  w.heading(3, "Attack methodology (MITRE ATT&CK)");
  if (!r.methodology.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : r.methodology)
      rows.push_back({w.esc(m.tactic), w.esc(m.technique_id + " " + m.technique) + (m.named ? "" : " (recognised from the description)"),
                      w.sentence(m.evidence) + (m.also.empty() ? "" : " Also in " + markers(m.also) + ".")});
    w.table({"Tactic", "Technique", "Evidence"}, rows);
  }
  if (!r.tactics_not_reported.empty()) {
    std::string s;
    for (const auto& t : r.tactics_not_reported) s += (s.empty() ? "" : ", ") + t;
    w.para("Not reported in the sources: " + s + ".");
  }
  w.heading(3, "Impact");
  for (const auto& [kind, items] : r.impact) {
    if (items.empty()) {
      w.item(w.strong(kind) + ": " + w.esc(kNotReported));
      continue;
    }
    std::string s;
    for (const auto& c : items) s += (s.empty() ? "" : " ") + w.sentence(c);
    w.item(w.strong(kind) + ": " + s);
  }
  w.close_list();
  w.heading(3, "Indicators of compromise");
  if (r.indicators.empty()) w.para("None reported in the sources.");
  for (const auto& [type, list] : r.indicators) {
    std::string s;
    for (const auto& i : list) s += (s.empty() ? "" : ", ") + w.code(i.defanged) + " " + markers(i.refs);
    w.item(w.strong(type) + ": " + s);
  }
  w.close_list();
  w.heading(3, "Response actions");
  w.cited_items(r.response);
  w.heading(3, "Reactions");
  w.cited_items(r.reactions);
  w.heading(3, "Lessons learned");
  w.cited_items(r.lessons, "Not discussed in the sources.");
  w.heading(3, "Recommendations");
  for (const auto& rec : d.recommendations) {
    std::string s;
    if (rec.generic) s = w.strong("Generic advice") + " (nothing specific applies): " + w.esc(rec.basis) + ".";
    else {
      s = w.strong(rec.mitigation_id + " " + rec.mitigation) + ": " + w.esc(rec.basis);
      s += "." + (rec.refs.empty() ? std::string() : " " + markers(rec.refs));
    }
    w.item(s);
  }
  w.close_list();
}

void conflicts(Writer& w, const Dossier& d) {
  w.heading(2, "Where the sources disagree");
  if (d.conflicts.empty()) {
    w.para("No disagreement was found between the sources.");
    return;
  }
  for (const auto& c : d.conflicts) {
    std::string s = w.strong(c.subject) + ": ";
    for (size_t i = 0; i < c.values.size(); ++i) {
      const auto& v = c.values[i];
      s += (i ? "; " : "") + w.esc(conflict_value(v)) + " " + markers(v.refs);
    }
    w.item(s);
  }
  w.close_list();
}

void changes(Writer& w, const Dossier& d) {
  if (d.changes.since.empty()) return;
  w.heading(2, "Changes since " + d.changes.since);
  if (d.changes.new_sources.empty() && d.changes.new_claims.empty() && d.changes.changed.empty()) {
    w.para("Nothing has changed.");
    return;
  }
  for (const auto& s : d.changes.new_sources) w.item(w.strong("New source") + ": " + w.esc(s));
  for (const auto& c : d.changes.changed) w.item(w.strong("Changed") + ": " + w.esc(c));
  for (const auto& c : d.changes.new_claims) w.item(w.strong("New statement") + ": " + w.sentence(c));
  w.close_list();
}

void references(Writer& w, const Dossier& d) {
  w.heading(2, "References");
  for (const auto& s : d.sources) {
    std::string line = "[" + std::to_string(s.ref) + "] " + w.esc(s.outlet.empty() ? "(outlet not stated)" : s.outlet) + ", \"" +
                       w.esc(s.title) + "\"" + (s.published.empty() ? "" : ", " + s.published.substr(0, 10));
    if (!s.url.empty()) {
      if (!linkable_url(s.url)) line += ", " + w.esc(s.url);
      else line += w.html() ? ", <a href=\"" + h(s.url) + "\">" + h(s.url) + "</a>" : ", <" + s.url + ">";
    }
    if (!s.copies.empty()) {
      std::string c;
      for (const auto& x : s.copies) c += (c.empty() ? "" : ", ") + w.esc(x);
      line += " (also republished: " + c + ")";
    }
    w.item(line);
  }
  w.close_list();
}

std::string render(const Dossier& d, DossierProduct what, bool html) {
  Writer w(html);
  header(w, d);
  switch (what) {
    case DossierProduct::KeyPoints:
      key_points(w, d);
      break;
    case DossierProduct::Brief:
      brief(w, d);
      break;
    case DossierProduct::Report:
      key_points(w, d);
      report(w, d);
      conflicts(w, d);
      changes(w, d);
      break;
    case DossierProduct::Full:
      key_points(w, d);
      brief(w, d);
      report(w, d);
      conflicts(w, d);
      changes(w, d);
      break;
  }
  references(w, d);
  return w.str();
}

}  // namespace

std::string render_markdown(const Dossier& d, DossierProduct what) { return render(d, what, false); }

namespace {

std::string html_document(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>" + h(title) + "</title>\n<style>\n"
         "body{font:16px/1.55 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}\n"
         "h1{font-size:1.7rem;line-height:1.25}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}\n"
         "table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}\n"
         "code{background:#f3f4f6;padding:0 .25rem;border-radius:3px}li{margin:.25rem 0}p{margin:.6rem 0}\n"
         "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

}  // namespace

std::string render_html(const Dossier& d, DossierProduct what) { return html_document(d.title, render(d, what, true)); }

std::string render_html(const std::vector<Dossier>& all, DossierProduct what) {
  if (all.size() == 1) return render_html(all.front(), what);
  std::string body;
  for (const auto& d : all) body += render(d, what, true) + "<hr>\n";
  return html_document(std::to_string(all.size()) + " incidents", body);
}

}  // namespace dossier
