// The kind of story an article is (extract/kind.h), on headlines and leads written for the tests:
// each kind from its wording, incident evidence from extraction winning over other wording, and
// only opinion, product news and policy kept out of incidents.
#include "dossier/extract/kind.h"

#include <gtest/gtest.h>

#include "dossier/extract/extract.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

ArticleKind kind_of(const std::string& title, const std::string& text) {
  Article a;
  a.id = "k";
  a.title = title;
  a.text = text;
  return shared_extraction().extractor->extract(a).kind.kind;
}

TEST(Kind, EachKindFromItsWording) {
  EXPECT_EQ(kind_of("Harbourline Freight says hackers stole customer records",
                    "Harbourline Freight was breached in March, the company said on Friday. The intruders copied records."),
            ArticleKind::Incident);
  EXPECT_EQ(kind_of("Ferrofile patches critical flaw in its transfer server",
                    "Ferrofile has released an update for a remote code execution vulnerability tracked as CVE-2025-10001."),
            ArticleKind::Vulnerability);
  EXPECT_EQ(kind_of("Two men arrested over phishing kit sold to fraudsters",
                    "Police in two countries arrested the suspects on Tuesday; prosecutors say the kit was rented out."),
            ArticleKind::LawEnforcement);
  EXPECT_EQ(kind_of("Five ways to make your backups survive ransomware",
                    "Backups are the last line of defence. Here are tips that teams can apply this week."),
            ArticleKind::Opinion);
  EXPECT_EQ(kind_of("Quillsoft launches a new dashboard for its mail filter",
                    "Quillsoft announced a new feature on Monday that is now available to all customers."),
            ArticleKind::ProductNews);
  EXPECT_EQ(kind_of("Parliament committee debates the cyber resilience bill",
                    "Members of the committee questioned officials on the bill and its reporting duties."),
            ArticleKind::Policy);
  EXPECT_EQ(kind_of("Ein Bericht", "Der Text sagt nichts, was eine Regel erkennt."), ArticleKind::Other);
}

TEST(Kind, IncidentEvidenceOutweighsOtherWording) {
  // A how-to headline over a story that names a victim of an attack stays an incident.
  EXPECT_TRUE(forms_incidents(kind_of("What the Northgate Water attack teaches utilities",
                                      "The ransomware attack on Northgate Water left billing offline for ten days. "
                                      "Northgate Water said the intruders used a stolen password.")));
}

TEST(Kind, OnlyStoriesWithoutAnIncidentStayOut) {
  for (auto k : {ArticleKind::Incident, ArticleKind::Vulnerability, ArticleKind::Advisory, ArticleKind::LawEnforcement,
                 ArticleKind::Other})
    EXPECT_TRUE(forms_incidents(k)) << article_kind_name(k);
  for (auto k : {ArticleKind::Opinion, ArticleKind::ProductNews, ArticleKind::Policy})
    EXPECT_FALSE(forms_incidents(k)) << article_kind_name(k);
  for (auto k : {ArticleKind::Other, ArticleKind::Incident, ArticleKind::ProductNews, ArticleKind::LawEnforcement})
    EXPECT_EQ(article_kind_from_name(article_kind_name(k)), k);
}

}  // namespace
}  // namespace dossier
