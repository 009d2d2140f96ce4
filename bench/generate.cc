#include "generate.h"

#include <array>

namespace dossier::bench {
namespace {

const std::array<const char*, 16> kSubjects = {
    "The attackers", "Investigators", "The ministry", "A spokesperson for the company", "Researchers at the firm",
    "The national CERT", "The ransomware group", "Officials", "The vendor", "Incident responders",
    "The intelligence service", "The hospital", "The group, tracked as APT41,", "Police", "The regulator", "Analysts"};
const std::array<const char*, 16> kVerbs = {
    "said on Tuesday that", "confirmed that", "warned that", "believe that", "found evidence that", "reported that",
    "told reporters that", "stated in an advisory that", "disclosed that", "denied that", "suspect that",
    "announced that", "estimated that", "wrote in a filing that", "acknowledged that", "concluded that"};
const std::array<const char*, 16> kClauses = {
    "the intrusion began in March 2024", "stolen credentials were used to reach the VPN gateway",
    "data from several mailboxes was exfiltrated to a server abroad", "backups were encrypted before the ransom note appeared",
    "CVE-2024-21887 had been exploited on the perimeter appliance", "the malware contacted 203.0.113.17 over port 443",
    "the phishing emails carried a malicious attachment", "the outage affected payment systems across the region",
    "a web shell was found on the file-transfer server", "the actor has targeted diplomats since 2021",
    "no customer data was affected", "the campaign is linked to a state-sponsored group",
    "the domain update-check[.]example served the payload", "systems were restored from offline copies",
    "the breach was discovered during a routine audit", "sanctions were imposed on two individuals"};

}  // namespace

uint64_t Generator::next() {  // xorshift64*
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return state_ * 0x2545F4914F6CDD1DULL;
}

std::string Generator::paragraph() {
  std::string p;
  size_t sentences = 2 + below(5);
  for (size_t i = 0; i < sentences; ++i) {
    if (!p.empty()) p += ' ';
    p += kSubjects[below(kSubjects.size())];
    p += ' ';
    p += kVerbs[below(kVerbs.size())];
    p += ' ';
    p += kClauses[below(kClauses.size())];
    p += below(3) ? "." : ", according to a statement published later the same day.";
  }
  return p;
}

GeneratedPage Generator::page(size_t target_bytes) {
  GeneratedPage g;
  std::string nav = "<nav class=\"main-nav\"><ul>";
  for (int i = 0; i < 40; ++i) nav += "<li><a href=\"/section/" + std::to_string(i) + "\">Section " + std::to_string(i) + "</a></li>";
  nav += "</ul></nav>";
  std::string article = "<article><h1>Headline number " + std::to_string(below(100000)) + "</h1><div class=\"article-body\">";
  size_t article_target = target_bytes / 10;
  while (g.article_chars < article_target) {
    std::string p = paragraph();
    g.article_chars += p.size();
    article += "<p>" + p + "</p>\n";
  }
  article += "</div></article>";
  std::string related = "<aside class=\"sidebar\"><h3>Most read</h3><ol>";
  for (int i = 0; i < 25; ++i) related += "<li><a href=\"/story/" + std::to_string(below(1000000)) + "\">Another story about a breach</a></li>";
  related += "</ol></aside>";
  std::string comments = "<section class=\"comments\">";
  for (int i = 0; i < 10; ++i) comments += "<div class=\"comment\"><p>" + paragraph() + "</p></div>";
  comments += "</section>";
  std::string head =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Headline | Bench Times</title>"
      "<meta property=\"og:site_name\" content=\"Bench Times\"><meta property=\"article:published_time\" "
      "content=\"2024-03-01T10:00:00Z\"><link rel=\"canonical\" href=\"https://bench.example/a\">";
  std::string scripts;
  g.html = head;
  g.html += "</head><body>" + nav + article + related + comments;
  // Pad with the inline scripts, styles and footers that make up most of a real page's bytes.
  while (g.html.size() < target_bytes) {
    scripts = "<script>window.__STATE__ = {\"k" + std::to_string(below(1000)) + "\": \"";
    scripts.append(2000, 'x');
    scripts += "\"};</script><footer><ul>";
    for (int i = 0; i < 20; ++i) scripts += "<li><a href=\"/f/" + std::to_string(i) + "\">Footer link</a></li>";
    scripts += "</ul></footer>";
    g.html += scripts;
  }
  g.html += "</body></html>";
  return g;
}

std::string Generator::rss(size_t items) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Bench Feed</title><link>https://bench.example/</link>";
  for (size_t i = 0; i < items; ++i) {
    out += "<item><title>Item " + std::to_string(i) + "</title><link>https://bench.example/item/" + std::to_string(i) +
           "</link><pubDate>Fri, 01 Mar 2024 10:00:00 GMT</pubDate><dc:creator>Desk</dc:creator><description>" +
           paragraph().substr(0, 120) + "</description><content:encoded><![CDATA[";
    for (int p = 0; p < 5; ++p) out += "<p>" + paragraph() + "</p>";
    out += "]]></content:encoded></item>";
  }
  out += "</channel></rss>";
  return out;
}

}  // namespace dossier::bench
