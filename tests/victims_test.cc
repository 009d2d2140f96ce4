// Organisations as victims (extract/victims.h) and the actors held responsible
// (extract/responsibility.h), on sentences written for the tests: each class of wording that makes
// an organisation a victim or an actor responsible, and each role that does not.
#include "dossier/extract/victims.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "dossier/extract/extract.h"
#include "dossier/util/fold.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

const Extractor& extractor() { return *shared_extraction().extractor; }

std::vector<std::string> victims(const std::string& text, const std::string& title = "", const std::string& outlet = "") {
  Article a;
  a.id = "t";
  a.text = text;
  a.title = title;
  a.outlet = outlet;
  std::vector<std::string> out;
  for (const auto& v : extractor().extract(a).events.victims) out.push_back(v.name);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& name) { return std::find(v.begin(), v.end(), name) != v.end(); }

TEST(Victims, WordingsThatMakeAnOrganisationAVictim) {
  EXPECT_TRUE(has(victims("Harbourline Freight was breached last month, the company confirmed in a statement on Friday."), "Harbourline Freight"));
  EXPECT_TRUE(has(victims("The ransomware attack on Northgate Water left billing offline for ten days in the region."), "Northgate Water"));
  EXPECT_TRUE(has(victims("Investigators say the hackers breached Vellmar Logistics through a forgotten VPN account."), "Vellmar Logistics"));
  EXPECT_TRUE(has(victims("The intruders were inside Quillon Bank's network for three weeks before the ransomware ran."), "Quillon Bank"));
  EXPECT_TRUE(has(victims("Ostrava Regional Hospital disclosed a data breach affecting patient records from 2019 onwards."),
                  "Ostrava Regional Hospital"));
  EXPECT_TRUE(has(victims("Brightwater University says a cyberattack has disrupted teaching across its three campuses."), "Brightwater University"));
  EXPECT_TRUE(has(victims("The City of Marlow was hit by ransomware on Tuesday, officials said, and council services stopped."), "City of Marlow"));
}

TEST(Victims, AppositivesConsequencesListsAndTheft) {
  // The verb after an appositive is the name's; what the organisation had to do after the attack.
  EXPECT_TRUE(has(victims("Tessaly Grain Company, which runs the largest silo network in the region, has halted deliveries after a "
                          "ransomware attack on its scheduling servers."),
                  "Tessaly Grain Company"));
  EXPECT_TRUE(has(victims("Pellworth Clinic paid $30,000 to get its files back after the ransomware locked them."), "Pellworth Clinic"));
  EXPECT_TRUE(has(victims("The Lindqvist Museum has been the victim of a coordinated hacking campaign, its director said."),
                  "Lindqvist Museum"));
  EXPECT_TRUE(has(victims("Among the best-known casualties of the wiper was turbine maker Haldor Energie, which lost its remote links."),
                  "Haldor Energie"));
  // Lists: a name listed after a victim is one too; "affected ... including".
  auto list = victims("The gang claims to have stolen footage from Orvin Studios, Castell Media and Brightline Pictures.");
  for (const char* v : {"Orvin Studios", "Castell Media", "Brightline Pictures"}) EXPECT_TRUE(has(list, v)) << v;
  EXPECT_TRUE(has(victims("The worm hit thousands of machines, with affected institutions including Varden Rail and the Tolmo Port "
                          "Authority."),
                  "Tolmo Port Authority"));
  // Customers of the organisation; a possessive with a count between.
  EXPECT_TRUE(has(victims("Around 9,000 affected customers of Skarvik Net lost their connection in the attack."), "Skarvik Net"));
  EXPECT_TRUE(has(victims("The phishing e-mail asked for the tax forms of Morrow Solar's nearly 4,000 employees."), "Morrow Solar"));
  // "after" following the name does not make the sentence about an earlier incident.
  EXPECT_TRUE(has(victims("Ferrant Bank shut down its online banking after a cyberattack on Sunday."), "Ferrant Bank"));
}

TEST(Victims, TheStorysSubjectByItsShortNameAndTheOwnerOfAFlawedProduct) {
  // The headline and the body use a short form of the name the lead gives in full.
  auto v = victims(
      "Galloway Pipeline Company, which moves fuel across four states, said a cyberattack forced it to stop its network. "
      "Galloway said it had hired incident responders. "
      "Galloway has not said whether ransomware was involved in the attack. "
      "Fuel prices rose as Galloway kept the lines closed.",
      "Galloway Pipeline shuts fuel network after cyberattack");
  EXPECT_TRUE(has(v, "Galloway Pipeline Company"));
  // "a flaw in Orbis's updater": Orbis owns the product, it is not the product.
  auto owner = victims(
      "Attackers abused a flaw in Orbis's updater to push malware to customers. "
      "Orbis said the attack began in March. "
      "Orbis confirmed that its build servers were compromised in the attack.",
      "Orbis confirms supply-chain attack");
  EXPECT_TRUE(has(owner, "Orbis"));
}

TEST(Victims, AdjectivesAndSoftwareInsideANameAreHandled) {
  // "China-based" is no name; a ransomware brand's word opening a longer name is part of it.
  auto v = victims("China-based hackers attacked Royal Mail last week, and the attack disrupted exports.");
  EXPECT_FALSE(has(v, "China-based"));
  EXPECT_TRUE(has(v, "Royal Mail"));
}

TEST(Victims, RolesThatAreNotVictims) {
  // A firm that investigates, a vendor that patches, a product, the outlet, a person, an operation.
  auto v = victims(
      "Mandiant said the attack began with a phishing e-mail sent to the finance team. "
      "Corvex released patches for the flaw on Monday and urged customers to update. "
      "Attackers exploited a vulnerability in Ferrofile Transfer to steal data. "
      "Dana Wells is Signal Harbour Weekly's breaches editor. "
      "Police arrested two suspects after the ransomware attack, ambassador Lin Hao said. "
      "Operation Nightjar disrupted the ransomware gang's servers last year.",
      "", "Signal Harbour Weekly");
  for (const char* not_victim : {"Mandiant", "Corvex", "Ferrofile Transfer", "Ferrofile", "Signal Harbour Weekly", "Lin Hao", "Nightjar", "Operation Nightjar"})
    EXPECT_FALSE(has(v, not_victim)) << not_victim;
}

TEST(Victims, AnEarlierIncidentsVictimNamedOnceIsNotThisOnes) {
  auto v = victims(
      "Kestrel Health confirmed that attackers encrypted its scheduling servers on Sunday night. "
      "Kestrel Health said patient care continued on paper while the systems were rebuilt. "
      "The incident comes weeks after the attack on Dunmore Clinics that exposed millions of records.");
  EXPECT_TRUE(has(v, "Kestrel Health"));
  EXPECT_FALSE(has(v, "Dunmore Clinics"));
}

TEST(Victims, TheStorysSubjectIsItsVictim) {
  // Named in the headline and again in the body of a story about the attack, with no wording
  // that ties it to the harm in one sentence.
  auto v = victims(
      "Pellham Rail says services are running with delays. The ransomware attack forced staff to use paper timetables. "
      "Pellham Rail expects the ticket machines to work again by Friday, and the intrusion is under investigation.",
      "Pellham Rail ticketing down after ransomware attack");
  EXPECT_TRUE(has(v, "Pellham Rail"));
}

}  // namespace
}  // namespace dossier

namespace dossier {
namespace {

Events events_of(const std::string& text) {
  Article a;
  a.id = "r";
  a.text = text;
  return extractor().extract(a).events;
}

std::vector<std::string> names(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    if (const Actor* a = extractor().kb().actor(id)) out.push_back(a->name);
    else if (const Software* s = extractor().kb().software_by_id(id)) out.push_back(s->name);
  }
  return out;
}

TEST(Responsibility, TheActorHeldResponsibleNotTheOneMentionedInPassing) {
  Events e = events_of(
      "The LockBit ransomware gang claimed responsibility for the attack on Harbourline Freight on Tuesday. "
      "LockBit posted samples of the stolen files on its leak site. "
      "The attack comes months after Conti's attack on a hospital chain.");
  auto held = names(e.responsible);
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(fold_name(held.front()).rfind("lockbit", 0), 0u) << held.front();  // the KB names the brand's builds
  for (const auto& h : held) EXPECT_EQ(fold_name(h).find("conti"), std::string::npos) << h;
}

TEST(Responsibility, TheSponsorStateFromTheKbWhenTheTextNamesIt) {
  // APT28's sponsor is Russia in the KB; the text names Russia: the sponsor state is Russia.
  Events e = events_of(
      "Officials attributed the intrusion at the ministry to APT28, a group working for Russia's military intelligence. "
      "APT28 used stolen passwords to reach the ministry's mail servers.");
  EXPECT_FALSE(e.responsible.empty());
  EXPECT_TRUE(std::find(e.sponsor_states.begin(), e.sponsor_states.end(), "RU") != e.sponsor_states.end());
  // Not named, not inferred.
  Events f = events_of("Researchers said APT28 used stolen passwords to reach the mail servers in the attack.");
  EXPECT_TRUE(f.sponsor_states.empty());
}

TEST(Responsibility, TheStateHeldResponsibleInTheTextsOwnWords) {
  auto has_state = [](const Events& e, const char* code) {
    return std::find(e.sponsor_states.begin(), e.sponsor_states.end(), code) != e.sponsor_states.end();
  };
  // No group named at all: the state is still the one held responsible.
  EXPECT_TRUE(has_state(events_of("Three governments on Tuesday blamed Russia for the wiper attack on the satellite network."), "RU"));
  EXPECT_TRUE(has_state(events_of("Investigators said an intruder, likely Russian in origin, was behind the breach of the agency."), "RU"));
  EXPECT_TRUE(has_state(events_of("Mandiant tracks the operator as a cluster with a North Korean nexus that planted the backdoor."), "KP"));
  // The state attributing and the state attacked are neither.
  Events e = events_of("The United Kingdom blamed Iran for the attack on Albanian government servers last week.");
  EXPECT_TRUE(has_state(e, "IR"));
  EXPECT_FALSE(has_state(e, "GB"));
  EXPECT_FALSE(has_state(e, "AL"));
  // A list of states after one held responsible, with the groups in brackets.
  Events l = events_of("Analysts tied the state-sponsored scanning to operators from Vietnam (OceanLotus) and Iran (APT34) and "
                       "to unnamed groups in Turkey.");
  EXPECT_TRUE(has_state(l, "VN"));
  EXPECT_TRUE(has_state(l, "IR"));
  EXPECT_TRUE(has_state(l, "TR"));
  // A company based somewhere, in a sentence about crime, gives no sponsor.
  EXPECT_TRUE(events_of("The Russia-based ransomware crew encrypted the clinic's servers.").sponsor_states.empty());
}

// The programs and groups a text names, folded.
std::vector<std::string> programs_named(const std::string& text) {
  Article a;
  a.id = "n";
  a.text = text;
  std::vector<std::string> out;
  for (const auto& m : extractor().extract(a).mentions)
    if (m.kind == EntityKind::Software || m.kind == EntityKind::Actor) out.push_back(fold_name(m.text));
  return out;
}

TEST(Responsibility, AProgramNamedLikeAWordNeedsItsKindBesideIt) {
  // "Play" is a ransomware brand and an ordinary word: only "the Play ransomware gang" names it.
  auto named = programs_named;
  auto play = [](const std::vector<std::string>& v) {
    return std::any_of(v.begin(), v.end(), [](const std::string& n) { return n.rfind("play", 0) == 0; });
  };
  EXPECT_FALSE(play(named("Staff were told to play it safe after the ransomware attack on the council.")));
  EXPECT_FALSE(play(named("Play resumed on Saturday after the stadium's ticketing systems recovered from the attack.")));
  EXPECT_TRUE(play(named("The Play ransomware gang claimed the attack on the council on its leak site.")));
  // Listed beside groups the text names unambiguously, it is one of them.
  auto listed = named("Exploitation by APT41, Kimsuky and Play was reported within days of the patch.");
  EXPECT_TRUE(play(listed));
}

TEST(Responsibility, AProductNameIsNoMalware) {
  Events e = events_of(
      "Attackers planted a backdoor in updates for Northwind's Orion platform, the vendor said after the breach. "
      "The operators behind the Orion updates remain unknown, and the attack is under investigation.");
  for (const auto& n : names(e.responsible)) EXPECT_NE(fold_name(n), "orion");
}

TEST(Responsibility, ABrandInsideALongerNameIsNotTheBrand) {
  // "Royal" is a ransomware brand; "Royal Mail", "Hive Systems" are organisations.
  const char* const cases[][2] = {{"Royal Mail said its overseas parcel service was halted by the ransomware attack.", "no"},
                                  {"The Royal ransomware gang claimed the attack on the city's servers.", "yes"},
                                  {"The city was hit by Royal Ransomware last week, officials said.", "yes"}};
  for (const auto& [text, named] : cases) EXPECT_EQ(has(programs_named(text), "royal"), std::string(named) == "yes") << text;
}

TEST(Responsibility, ADateBeforeTheGangIsNoVendorAndTheOnlyGangNamedIsHeldResponsible) {
  // A capitalised word before the name usually names a vendor ("SolarWinds Orion"); a month does not.
  Events e = events_of(
      "The parcel carrier Bexley Post refused to pay the ransom. On 3 March LockBit offered a discount, the transcripts show. "
      "The negotiator told LockBit that the carrier would not pay.");
  auto held = names(e.responsible);
  EXPECT_TRUE(std::any_of(held.begin(), held.end(), [](const std::string& n) { return fold_name(n).rfind("lockbit", 0) == 0; }))
      << ::testing::PrintToString(held);
  // The only group named, in a sentence about the attack, without an attributing word.
  Events sole = events_of("Investigators said the intrusion at the grid operator combined Sandworm's tooling with new wipers.");
  EXPECT_FALSE(sole.responsible.empty());
}

TEST(Responsibility, SoftwareTheTextCallsRansomwareIsABrand) {
  // Khonsari is malware to the KB; the text calls it ransomware, so it counts as a brand.
  Events e = events_of("Researchers said Khonsari ransomware was deployed through the flaw against the school's servers.");
  auto held = names(e.responsible);
  EXPECT_TRUE(std::any_of(held.begin(), held.end(), [](const std::string& n) { return fold_name(n).rfind("khonsari", 0) == 0; }))
      << ::testing::PrintToString(held);
  // A common noun is not a program, even listed beside one.
  for (const auto& n : programs_named("The attackers combined an industrial payload, Industroyer2, with wipers for Windows."))
    EXPECT_NE(n, "payload");
}

// The victims' sectors: the words of their names, the text's words for them where it names them,
// the vendor whose product was abused, and the sectors the text says were targeted.
std::vector<std::string> victim_sectors(const std::string& text) {
  Article a;
  a.id = "t";
  a.text = text;
  return extractor().extract(a).events.victim_sectors;
}

TEST(VictimSectors, FromNamesAppositivesAndTitles) {
  EXPECT_TRUE(has(victim_sectors("Harbourline Pipeline Company shut down its fuel lines after a ransomware attack on Friday."), "gas"));
  EXPECT_TRUE(has(victim_sectors("The Lindqvist Museum has been the victim of a coordinated hacking campaign, its director said."), "culture"));
  EXPECT_TRUE(has(victim_sectors("Hackers breached Quillon, the regional health insurer, and stole policyholder records."),
                  "healthcare-services"));
  EXPECT_TRUE(has(victim_sectors("Attackers breached the health insurer Quillon and stole policyholder records."), "healthcare-services"));
  // "the insurer said": the story names its victim again by what it is.
  auto again = victim_sectors("Attackers breached Marrow Mutual last week. The insurer said on Monday that claims data was taken.");
  EXPECT_TRUE(has(again, "insurance-services"));
  // A vendor whose product carried the attack: its app, its patch.
  EXPECT_TRUE(has(victim_sectors("Hackers compromised Tellvane and tampered with Tellvane's desktop app to reach its customers."),
                  "technologies"));
}

TEST(VictimSectors, VictimsDescribedRatherThanNamed) {
  Article a;
  a.id = "t";
  a.text = "Police are looking into an intrusion at a Polish water utility that forced manual pumping for a week. At least six "
           "federal agencies were breached in the same campaign, the auditors wrote. The group has gone after law firms, universities and "
           "defence contractors, and a government said it would respond.";
  auto ev = extractor().extract(a).events;
  std::map<std::string, std::string> got;
  for (const auto& v : ev.victims) got[v.name] = v.country;
  EXPECT_EQ(got["Polish water utility"], "PL");
  EXPECT_EQ(got["federal agencies"], "US");
  // A list of the sectors at risk and a state speaking name no organisation that was hit.
  EXPECT_FALSE(got.count("law firms"));
  EXPECT_FALSE(got.count("universities"));
  EXPECT_FALSE(got.count("government"));
  EXPECT_TRUE(has(ev.victim_sectors, "legal-consulting"));
}

TEST(VictimSectors, TargetedSectorsAndWhatIsNoVictim) {
  auto listed = victim_sectors("The group has long gone after organisations in Europe, including law firms, universities and defence "
                               "contractors, investigators said.");
  for (const char* s : {"legal-consulting", "universities", "defense-industry"}) EXPECT_TRUE(has(listed, s)) << s;
  EXPECT_TRUE(has(victim_sectors("Hospitals, schools and government bodies were hit hardest by the campaign."), "healthcare-services"));
  // The investigator, the state that speaks and a modifier are not the victims' sectors.
  auto others = victim_sectors("Attackers breached Marrow Mutual last week. The government said it was working with a cybersecurity "
                               "firm on court-authorised requests.");
  EXPECT_FALSE(has(others, "government-and-administrations"));
  EXPECT_FALSE(has(others, "technologies"));
  EXPECT_FALSE(has(others, "judicial-power-justice"));
}

}  // namespace
}  // namespace dossier
