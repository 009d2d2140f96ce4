#include "dossier/pipeline/kb_update.h"

#include <cstdlib>
#include <fstream>

namespace dossier {
namespace {

std::string setting(const std::string& given, const char* env, const char* official) {
  if (!given.empty()) return given;
  const char* e = std::getenv(env);
  return e && *e ? e : official;
}

}  // namespace

Status download_kb_sources(const std::filesystem::path& dir, const KbDownload& from, std::vector<std::string>* warnings) {
  const std::string attack_url =
      setting(from.attack_url, "DOSSIER_KB_ATTACK_URL",
              "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json");
  const std::string misp_base =
      setting(from.misp_base, "DOSSIER_KB_MISP_BASE", "https://raw.githubusercontent.com/MISP/misp-galaxy/main/clusters");
  const std::string wl_base = setting(from.warninglists_base, "DOSSIER_KB_WARNINGLISTS_BASE",
                                      "https://raw.githubusercontent.com/MISP/misp-warninglists/main/lists");
  FetchOptions fo;
  fo.max_bytes = 256u << 20;
  fo.timeout_ms = 300'000;
  fo.per_host_delay_s = 0;
  fo.allow_private = from.allow_private;
  Fetcher f(fo);
  std::error_code ec;
  for (const char* sub : {"attack", "misp-galaxy", "misp-warninglists"}) std::filesystem::create_directories(dir / sub, ec);
  if (ec) return Error{"cannot create " + dir.string() + ": " + ec.message()};
  auto get = [&](const std::string& url, const std::filesystem::path& to) -> Status {
    FetchRequest rq;
    rq.url = url;
    rq.is_page = false;
    auto r = f.get(rq);
    if (!r.ok()) return Error{url + ": " + r.error()};
    std::ofstream out(to, std::ios::binary);
    out << r->body;
    if (!out) return Error{"cannot write " + to.string()};
    return {};
  };
  if (auto st = get(attack_url, dir / "attack" / "enterprise-attack.json"); !st.ok())
    return Error{"cannot download ATT&CK: " + st.error()};
  for (const char* name : {"mitre-intrusion-set", "threat-actor", "microsoft-activity-group", "malpedia", "ransomware", "tool",
                           "intelligence-agencies", "country"})
    if (auto st = get(misp_base + "/" + name + ".json", dir / "misp-galaxy" / (std::string(name) + ".json")); !st.ok())
      return Error{"cannot download the MISP galaxies: " + st.error()};
  for (const char* name : {"tranco10k", "security-provider-blogpost", "common-ioc-false-positive", "ti-falsepositives",
                           "empty-hashes", "rfc1918", "rfc5735", "rfc3849", "rfc6761", "public-dns-v4", "public-dns-hostname",
                           "url-shortener", "sinkholes", "dynamic-dns", "link-in-bio"})
    if (auto st = get(wl_base + "/" + name + "/list.json", dir / "misp-warninglists" / (std::string(name) + ".json")); !st.ok())
      if (warnings) warnings->push_back("warning list " + std::string(name) + " not updated (" + st.error() + ")");
  return {};
}

}  // namespace dossier
