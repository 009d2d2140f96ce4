#include "dossier/extract/kind.h"

#include <algorithm>
#include <array>

#include "dossier/extract/extract.h"
#include "dossier/util/ascii.h"
#include "dossier/util/cues.h"

namespace dossier {
namespace {

// Cue phrases per kind, matched in " text " with punctuation turned to spaces, so that a phrase
// padded with spaces matches whole words only.
const char* const kIncidentCues[] = {
    " breach", " breached ", " hack ", " hacked ", " hackers ", " hacker ", " hacking ", " cyberattack", " cyber attack",
    " cyber-attack", " ransomware attack", " ransomware gang", " attack on ", " attacked ", " data leak", " leaked ",
    " stolen ", " stole ", " steal ", " steals ", " phishing ", " theft ", " compromised ", " compromise of ", " intrusion", " outage", " ddos ", " extortion ",
    " extort", " espionage", " spying ", " phishing campaign", " scam ", " scams ", " fraud ", " exposed ", " exposes ",
    " exposure ", " infected ", " wiper ", " disrupted ", " disruption ", " shut down ", " knocked offline", " ransom ",
    " hit by ", " victims ", " victim ", " targeted ", " targeting ", " cyber incident", " security incident",
    " cyberespionage", " defaced ", " hijacked ", " data of ", " records of ", " customer data ", " personal data of "};
const char* const kVulnerabilityCues[] = {
    " vulnerability", " vulnerabilities", " flaw ", " flaws ", " bug ", " bugs ", " zero day", " zero-day", " 0 day ",
    " 0day", " patch ", " patches ", " patched ", " fixes ", " fixed ", " security update", " security updates", " cve ",
    " exploit ", " exploits ", " exploited ", " remote code execution", " proof of concept", " poc ", " rce ",
    " patch tuesday", " critical patch update", " security hole", " security holes"};
const char* const kAdvisoryCues[] = {" advisory", " alert ", " alerts ", " warns ", " warning ", " warned ", " urges ",
                                     " guidance ", " bulletin ", " emergency directive", " recommends ", " cisa ", " ncsc "};
const char* const kLawCues[] = {" arrest ", " arrested ", " arrests ", " charged ", " charges ", " indicted ", " indictment ",
                                " sentenced ", " pleads guilty", " pleaded guilty", " extradited ", " extradition ",
                                " convicted ", " sanctions ", " sanctioned ", " seized ", " seizure ", " seizes ",
                                " takedown ", " taken down ", " dismantled ", " police ", " prosecutors ", " jailed ",
                                " prison ", " europol ", " lawsuit ", " sued ", " fined ", " fine ", " unseals ", " court "};
const char* const kPolicyCues[] = {" bill ", " legislation ", " regulation ", " regulations ", " parliament ", " committee ",
                                   " congress ", " senate ", " strategy ", " framework ", " policy ", " consultation ",
                                   " executive order ", " mps ", " lawmakers ", " law ", " budget ", " debate ", " hearing ",
                                   " inquiry into ", " white paper "};
const char* const kOpinionCues[] = {
    " how to ", " tips ", " ways to ", " steps to ", " what you need to know", " why ", " should ", " opinion ", " guide ",
    " best practices", " lessons ", " podcast ", " webinar ", " interview ", " q a ", " explained ", " checklist ",
    " week in review", " roundup ", " myths ", " top 10 ", " top five ", " predictions ", " trends ", " survey ",
    " report finds", " study finds", " research shows", " what is ", " what are ", " the state of ", " ask ", " faq ",
    " talk ", " keynote ", " notes from ", " conference ", " column ", " editorial ", " commentary "};
const char* const kProductCues[] = {" launches ", " launched ", " announces ", " unveils ", " introduces ", " now available",
                                    " new feature", " new features", " partnership ", " partners with ", " acquires ",
                                    " acquisition ", " raises ", " funding ", " integration ", " award ", " named a leader",
                                    " general availability", " rolls out ", " adds support", " beta ", " preview ",
                                    " release notes", " now supports", " introducing ", " to buy ", " acquire ", " merger ",
                                    " deal to ", " ipo ", " earnings ", " quarterly results"};

enum Group : uint32_t { kGIncident, kGVulnerability, kGAdvisory, kGLaw, kGPolicy, kGOpinion, kGProduct, kGroups };

const CueSet& kind_cues() {
  static const CueSet cues({cue_group(kIncidentCues), cue_group(kVulnerabilityCues), cue_group(kAdvisoryCues), cue_group(kLawCues),
                            cue_group(kPolicyCues), cue_group(kOpinionCues), cue_group(kProductCues)});
  return cues;
}

// " text " in lower case with every non-alphanumeric ASCII character a space (UTF-8 kept).
std::string padded(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += ' ';
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out += u >= 0x80 ? c : ascii::is_alnum(u) ? static_cast<char>(ascii::to_lower(u)) : ' ';
  }
  out += ' ';
  return out;
}

}  // namespace

std::string_view article_kind_name(ArticleKind k) {
  switch (k) {
    case ArticleKind::Incident: return "incident";
    case ArticleKind::Vulnerability: return "vulnerability";
    case ArticleKind::Advisory: return "advisory";
    case ArticleKind::LawEnforcement: return "law-enforcement";
    case ArticleKind::Policy: return "policy";
    case ArticleKind::Opinion: return "opinion";
    case ArticleKind::ProductNews: return "product-news";
    case ArticleKind::Other: break;
  }
  return "other";
}

ArticleKind article_kind_from_name(std::string_view name) {
  for (auto k : {ArticleKind::Incident, ArticleKind::Vulnerability, ArticleKind::Advisory, ArticleKind::LawEnforcement,
                 ArticleKind::Policy, ArticleKind::Opinion, ArticleKind::ProductNews})
    if (article_kind_name(k) == name) return k;
  return ArticleKind::Other;
}

bool forms_incidents(ArticleKind k) { return k != ArticleKind::Policy && k != ArticleKind::Opinion && k != ArticleKind::ProductNews; }

KindDecision classify_article(const Article& article, const Extraction& x) {
  const CueSet& cues = kind_cues();
  // The lead: the first three sentences of running text.
  size_t lead_end = 0, taken = 0;
  for (const auto& s : x.sentences) {
    if (s.heading) continue;
    lead_end = s.end;
    if (++taken == 3) break;
  }
  std::string title = padded(article.title);
  uint32_t in_title = cues.find(title);
  uint32_t in_lead = cues.find(padded(std::string_view(article.text).substr(0, std::min(lead_end, article.text.size()))));
  std::array<double, kGroups> score{};
  std::array<std::string, kGroups> why;
  for (uint32_t g = 0; g < kGroups; ++g) {
    if (in_title & (1u << g)) score[g] += 2, why[g] = "headline";
    if (in_lead & (1u << g)) score[g] += 1, why[g] = why[g].empty() ? "lead" : why[g] + " and lead";
  }

  auto add = [&](Group g, double points, const char* reason) {
    score[g] += points;
    why[g] += (why[g].empty() ? "" : ", ") + std::string(reason);
  };
  // A question for a headline is an explainer ("Is your router at risk?").
  if (article.title.find('?') != std::string::npos) add(kGOpinion, 1, "a question for a headline");
  // What extraction found.
  if (!x.events.victims.empty()) add(kGIncident, 2, "a victim named");
  if (!x.events.responsible.empty()) add(kGIncident, 1.5, "an actor held responsible");
  if (std::any_of(x.indicators.begin(), x.indicators.end(), [](const Indicator& i) { return i.type == IndicatorType::Cve; }))
    add(kGVulnerability, 1, "CVE ids");

  static constexpr std::array<std::pair<Group, ArticleKind>, 4> bearing = {
      {{kGIncident, ArticleKind::Incident}, {kGLaw, ArticleKind::LawEnforcement}, {kGVulnerability, ArticleKind::Vulnerability},
       {kGAdvisory, ArticleKind::Advisory}}};
  static constexpr std::array<std::pair<Group, ArticleKind>, 3> other = {
      {{kGOpinion, ArticleKind::Opinion}, {kGProduct, ArticleKind::ProductNews}, {kGPolicy, ArticleKind::Policy}}};
  auto best_of = [&](const auto& list) {
    auto best = list[0];
    for (const auto& e : list)
      if (score[e.first] > score[best.first]) best = e;
    return best;
  };
  auto b = best_of(bearing);
  auto n = best_of(other);
  double bs = score[b.first], ns = score[n.first];
  if (bs >= 2 && bs >= ns) return {b.second, why[b.first]};
  // Opinion, product news and policy only when nothing reports an incident: no victim, no actor
  // held responsible, no harm in the headline.
  if (ns >= 2 && ns > bs && score[kGIncident] < 2) return {n.second, why[n.first]};
  if (bs >= 1) return {b.second, why[b.first]};
  return {ArticleKind::Other, ""};
}

}  // namespace dossier
