// The indicator scanner: a table of defang styles, the false-positive traps peers fall into, and
// context (sections, roles, the outlet's own domain).
#include "dossier/extract/indicators.h"

#include <gtest/gtest.h>

#include <thread>

namespace dossier {
namespace {

class Indicators : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = IndicatorScanner::create();
    ASSERT_TRUE(s.ok()) << s.error();
    scanner_ = std::move(s).value().release();
  }
  static void TearDownTestSuite() { delete scanner_; }
  static std::vector<Indicator> scan(std::string_view text, const ScanOptions& o = {}) { return scanner_->scan(text, o); }
  static const Indicator* find(const std::vector<Indicator>& v, IndicatorType t) {
    for (const auto& i : v)
      if (i.type == t) return &i;
    return nullptr;
  }
  static IndicatorScanner* scanner_;
};
IndicatorScanner* Indicators::scanner_ = nullptr;

struct DefangCase {
  const char* text;
  IndicatorType type;
  const char* value;
  const char* defanged;
};

TEST_F(Indicators, EveryDefangStyleIsRefanged) {
  const DefangCase cases[] = {
      {"C2 at hxxps://evil[.]example[.]com/gate.php today", IndicatorType::Url, "https://evil.example.com/gate.php", "hxxps://evil[.]example[.]com/gate.php"},
      {"see hXXp://bad-site(.)net/a for it", IndicatorType::Url, "http://bad-site.net/a", "hxxp://bad-site[.]net/a"},
      {"payload h**ps://cdn{.}badhost[.]org/x.bin now", IndicatorType::Url, "https://cdn.badhost.org/x.bin", "hxxps://cdn[.]badhost[.]org/x.bin"},
      {"from hxxp[://]stage2[.]info/p", IndicatorType::Url, "http://stage2.info/p", "hxxp://stage2[.]info/p"},
      {"fxp://files[.]badhost[.]org/drop", IndicatorType::Url, "ftp://files.badhost.org/drop", "fxp://files[.]badhost[.]org/drop"},
      {"domain evil[dot]example[dot]com was used", IndicatorType::Domain, "evil.example.com", "evil[.]example[.]com"},
      {"domain evil(dot)example(dot)net was used", IndicatorType::Domain, "evil.example.net", "evil[.]example[.]net"},
      {"escaped update-check\\.example\\.org was used", IndicatorType::Domain, "update-check.example.org", "update-check[.]example[.]org"},
      {"beacon to 203.0.113[.]7 every hour", IndicatorType::IPv4, "203.0.113.7", "203[.]0[.]113[.]7"},
      {"beacon to 45[.]77[.]12[.]9:8443 every hour", IndicatorType::IPv4, "45.77.12.9:8443", "45[.]77[.]12[.]9:8443"},
      {"range 185(.)220(.)101(.)0/24 hosted it", IndicatorType::IPv4, "185.220.101.0/24", "185[.]220[.]101[.]0/24"},
      {"mail from billing[at]pay-portal[.]com arrived", IndicatorType::Email, "billing@pay-portal.com", "billing[@]pay-portal[.]com"},
      {"mail from hr(at)corp-benefits(.)net arrived", IndicatorType::Email, "hr@corp-benefits.net", "hr[@]corp-benefits[.]net"},
      {"mail from it[@]helpdesk-reset[.]org arrived", IndicatorType::Email, "it@helpdesk-reset.org", "it[@]helpdesk-reset[.]org"},
      {"address 2001:db8::dead:beef was seen", IndicatorType::IPv6, "2001:db8::dead:beef", "2001[:]db8[:][:]dead[:]beef"},
      {"domain evil-cdn[.example.]com was used", IndicatorType::Domain, "evil-cdn.example.com", "evil-cdn[.]example[.]com"},
      {"spaced relay . badhost . org was used", IndicatorType::Domain, "relay.badhost.org", "relay[.]badhost[.]org"},
      {"path http:\\\\drop.badhost.org\\a\\b.bin was used", IndicatorType::Url, "http://drop.badhost.org/a/b.bin",
       "hxxp://drop[.]badhost[.]org/a/b.bin"},
      {"link hxxp__drop[.]badhost[.]org/c was used", IndicatorType::Url, "http://drop.badhost.org/c", "hxxp://drop[.]badhost[.]org/c"},
      {"shell on tcp://198.51.100.9:4444 opened", IndicatorType::Url, "tcp://198.51.100.9:4444", "tcp://198[.]51[.]100[.]9:4444"},
      {"exfil over ftps://files[.]badhost[.]org/up", IndicatorType::Url, "ftps://files.badhost.org/up", "ftps://files[.]badhost[.]org/up"},
      {"sync from sftp://files[.]badhost[.]org/in", IndicatorType::Url, "sftp://files.badhost.org/in", "sftp://files[.]badhost[.]org/in"},
      {"capitals HXXPS://Bad.Example.NET/Path ok", IndicatorType::Url, "https://bad.example.net/Path", "hxxps://bad[.]example[.]net/Path"},
  };
  for (const auto& c : cases) {
    auto got = scan(c.text);
    const Indicator* i = find(got, c.type);
    ASSERT_NE(i, nullptr) << c.text;
    EXPECT_EQ(i->value, c.value) << c.text;
    EXPECT_EQ(i->defanged, c.defanged) << c.text;
    EXPECT_EQ(std::string_view(c.text).substr(i->begin, i->end - i->begin), i->original) << c.text;
  }
}

// A thread's first scan finds what any later one does (its scratch space is fitted to both of the
// scanner's databases before use).
TEST_F(Indicators, FirstScanOnANewThreadFindsEverything) {
  const std::string text = "Patch CVE-2024-10220 now; the implant beacons to 203.0.113.77 and update-check[.]example[.]com.";
  auto here = scan(text);
  ASSERT_GE(here.size(), 3u);
  for (int round = 0; round < 4; ++round) {
    std::vector<Indicator> there;
    std::thread t([&] { there = scan(text); });
    t.join();
    ASSERT_EQ(there.size(), here.size()) << "round " << round;
    for (size_t i = 0; i < here.size(); ++i) EXPECT_EQ(there[i].value, here[i].value);
  }
}

TEST_F(Indicators, HashesCvesAndIds) {
  auto got = scan(
      "Samples: 44d88612fea8a8f36de82e1278abb02f and "
      "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f exploit CVE-2024-21887 (cve-2023-46805) "
      "via T1566.001 by G0128 using S0154; see AS13335. Registry: HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater.");
  std::vector<std::pair<IndicatorType, std::string>> want = {
      {IndicatorType::Md5, "44d88612fea8a8f36de82e1278abb02f"},
      {IndicatorType::Sha256, "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"},
      {IndicatorType::Cve, "CVE-2024-21887"},
      {IndicatorType::Cve, "CVE-2023-46805"},
      {IndicatorType::AttackId, "T1566.001"},
      {IndicatorType::AttackId, "G0128"},
      {IndicatorType::AttackId, "S0154"},
      {IndicatorType::Asn, "AS13335"},
      {IndicatorType::RegistryKey, "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater"},
  };
  for (const auto& w : want) {
    // Not a structured binding: C++20 lambdas may not capture those before clang 16.
    bool found = std::any_of(got.begin(), got.end(), [&](const Indicator& i) { return i.type == w.first && i.value == w.second; });
    EXPECT_TRUE(found) << indicator_type_name(w.first) << " " << w.second;
  }
}

TEST_F(Indicators, CryptocurrencyAddressesAreChecksummed) {
  auto got = scan("Send 0.5 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq today.");
  EXPECT_EQ(std::count_if(got.begin(), got.end(), [](const Indicator& i) { return i.type == IndicatorType::Bitcoin; }), 2);
  // One character changed: the checksum fails.
  got = scan("Send 0.5 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb today.");
  EXPECT_EQ(find(got, IndicatorType::Bitcoin), nullptr);
}

TEST_F(Indicators, FalsePositiveTraps) {
  struct Trap {
    const char* text;
    IndicatorType type;
  };
  const Trap traps[] = {
      {"Open the attached report.pdf to see the details.", IndicatorType::Domain},
      {"Victims ran update.exe from the share.", IndicatorType::Domain},
      {"See readme.md in the repository.", IndicatorType::Domain},
      {"The flaw was fixed in version 1.2.3.4 of the client.", IndicatorType::IPv4},
      {"Upgrade to v10.0.19041.1 immediately.", IndicatorType::IPv4},
      {"It happened at 10:30:15 local time.", IndicatorType::IPv6},
      {"Node.js and ASP are frameworks, e.g. not domains.", IndicatorType::Domain},
      {"An id 44d88612fea8a8f36de82e1278abb02f0 is too long to be a hash.", IndicatorType::Md5},
      {"A random 32-digit number 12345678901234567890123456789012 is not a hash.", IndicatorType::Md5},
      {"The U.S. and U.K. governments agreed.", IndicatorType::Domain},
      {"A 1.2.3.4.5 dotted version is not an address.", IndicatorType::IPv4},
  };
  for (const auto& t : traps) EXPECT_EQ(find(scan(t.text), t.type), nullptr) << t.text;
  // The file name is still reported, as a file.
  auto f = scan("Victims ran update.exe from the share.");
  ASSERT_NE(find(f, IndicatorType::FileName), nullptr);
  EXPECT_EQ(find(f, IndicatorType::FileName)->value, "update.exe");
  // Written defanged, an extension-like TLD is a domain after all.
  EXPECT_NE(find(scan("The site evil-docs[.]zip served it."), IndicatorType::Domain), nullptr);
}

TEST_F(Indicators, DomainsInsideUrlsAndEmailsAreNotRepeated) {
  auto got = scan("Payload at hxxp://drop[.]badhost[.]org/a/b.exe and mail ops@badhost.org.");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type, IndicatorType::Url);
  EXPECT_EQ(got[0].value, "http://drop.badhost.org/a/b.exe");
  EXPECT_EQ(got[1].type, IndicatorType::Email);
  EXPECT_EQ(got[1].value, "ops@badhost.org");
}

TEST_F(Indicators, SpecialRangesAreFlaggedNotDropped) {
  auto got = scan("Traffic went to 192.168.1.10, 10.0.0.5 and 198.51.100.23.");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].flags.at(0), "private-range");
  EXPECT_EQ(got[1].flags.at(0), "private-range");
  EXPECT_EQ(got[2].flags.at(0), "documentation-range");
  EXPECT_EQ(got[2].role, "example");
}

TEST_F(Indicators, ContextSetsRolesConfidenceAndMaliciousness) {
  std::string text =
      "The malware contacted its command-and-control server at 45.77.12.9 over HTTPS.\n\n"
      "Phishing emails were sent from alerts@secure-login-check.com to staff.\n\n"
      "More at https://www.newsdesk.example/2024/story and on the vendor blog.\n\n"
      "Indicators of Compromise\n\n"
      "- update-service-cdn.com\n\n"
      "- 5.188.86.114\n\n"
      "References\n\n"
      "- https://vendor.example.org/blog/analysis\n";
  ScanOptions o;
  o.outlet_host = "newsdesk.example";
  auto got = scan(text, o);
  auto by_value = [&](const std::string& v) -> const Indicator& {
    for (const auto& i : got)
      if (i.value == v) return i;
    ADD_FAILURE() << "missing " << v;
    static Indicator none{};
    return none;
  };
  EXPECT_EQ(by_value("45.77.12.9").role, "c2");
  EXPECT_FALSE(by_value("45.77.12.9").malicious);
  EXPECT_EQ(by_value("alerts@secure-login-check.com").role, "phishing-sender");
  const Indicator& own = by_value("https://www.newsdesk.example/2024/story");
  EXPECT_EQ(own.role, "reference");
  EXPECT_LT(own.confidence, 0.1);
  const Indicator& listed = by_value("update-service-cdn.com");
  EXPECT_TRUE(listed.malicious);
  EXPECT_GT(listed.confidence, by_value("45.77.12.9").confidence - 0.3);
  EXPECT_TRUE(by_value("5.188.86.114").malicious);
  EXPECT_EQ(by_value("https://vendor.example.org/blog/analysis").role, "reference");
  EXPECT_FALSE(by_value("https://vendor.example.org/blog/analysis").malicious);
}

TEST_F(Indicators, LinearOnHostileInput) {
  // Long runs that make backtracking engines crawl: dots, hex, digits, brackets.
  std::string evil;
  for (int i = 0; i < 200000; ++i) evil += "a.";
  evil += std::string(300000, 'f') + std::string(100000, '1') + std::string(50000, '[');
  auto got = scan(evil);  // completes (a bound, not a benchmark): no catastrophic backtracking possible
  SUCCEED() << got.size();
}

TEST_F(Indicators, SpansAreWholeWhereverTheyStart) {
  // The patterns run on windows around cheap anchors, and open-ended runs (URL paths, registry
  // values, file-name stems, hex runs) are walked by hand: the spans must still be whole.
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "Officials said the review continues. ";
  auto one = [&](std::string_view core, IndicatorType t) -> std::string {
    auto got = scan(filler + std::string(core) + " " + filler);
    std::string out;
    for (const auto& i : got)
      if (i.type == t) out += (out.empty() ? "" : "|") + i.value;
    return out;
  };
  EXPECT_EQ(one("beacons to evil dot example dot com daily", IndicatorType::Domain), "evil.example.com");
  EXPECT_EQ(one("announced via ASN 13335 routes", IndicatorType::Asn), "AS13335");
  // A URL quoted inside another URL's path is part of it, not a second URL.
  EXPECT_EQ(one("at hxxps://a-site[.]com/r?u=hxxp://b-site[.]net/x.", IndicatorType::Url), "https://a-site.com/r?u=http://b-site.net/x");
  EXPECT_EQ(one("key HKCU\\Software\\Run\\upd, then", IndicatorType::RegistryKey), "HKCU\\Software\\Run\\upd");
  EXPECT_EQ(one("dropped .cache..svc-host_x.tar.exe to disk", IndicatorType::FileName), "cache..svc-host_x.tar.exe");
  std::string h64;
  for (int i = 0; i < 4; ++i) h64 += "0f1e2d3c4b5a6978";
  EXPECT_EQ(one("sha256 " + h64 + ".", IndicatorType::Sha256), h64);
  EXPECT_EQ(one("id x_" + h64 + " only", IndicatorType::Sha256), "");        // inside a longer word
  EXPECT_EQ(one("id " + h64 + "g only", IndicatorType::Sha256), "");         // followed by a letter
  EXPECT_EQ(one("id " + h64.substr(0, 41) + " only", IndicatorType::Sha1), "");  // 41 hex digits
  EXPECT_EQ(one("id " + h64.substr(0, 40) + " only", IndicatorType::Sha1), h64.substr(0, 40));
  // A stem longer than any window, and a URL longer than a page.
  const std::string stem(100000, 'x');
  EXPECT_EQ(one(stem + ".dll", IndicatorType::FileName), stem + ".dll");
  const std::string path(200000, 'p');
  EXPECT_EQ(one("https://long.example.net/" + path, IndicatorType::Url), "https://long.example.net/" + path);
}

}  // namespace
}  // namespace dossier
