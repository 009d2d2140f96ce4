#include "dossier/ingest/robots.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

TEST(Robots, GroupsWildcardsAndLongestMatch) {
  const char* txt =
      "User-agent: *\nDisallow: /private/\nAllow: /private/press/\nDisallow: /*.pdf$\n\n"
      "User-agent: otherbot\nDisallow: /\n";
  auto r = RobotsRules::parse(txt, "dossier");
  EXPECT_TRUE(r.allowed("/news/1"));
  EXPECT_FALSE(r.allowed("/private/x"));
  EXPECT_TRUE(r.allowed("/private/press/release"));
  EXPECT_FALSE(r.allowed("/files/report.pdf"));
  EXPECT_TRUE(r.allowed("/files/report.pdf?download=1"));
}

TEST(Robots, SpecificAgentGroupReplacesStar) {
  auto r = RobotsRules::parse("User-agent: *\nDisallow: /\n\nUser-agent: dossier\nDisallow: /admin\n", "dossier");
  EXPECT_TRUE(r.allowed("/news"));
  EXPECT_FALSE(r.allowed("/admin/panel"));
}

TEST(Robots, EmptyDisallowAllowsAll) {
  auto r = RobotsRules::parse("User-agent: *\nDisallow:\n", "dossier");
  EXPECT_TRUE(r.allowed("/anything"));
  EXPECT_TRUE(RobotsRules::allow_all().allowed("/x"));
}

}  // namespace
}  // namespace dossier
