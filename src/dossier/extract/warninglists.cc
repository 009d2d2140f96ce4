#include "dossier/extract/warninglists.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "dossier/util/text.h"

namespace dossier {
namespace {

// The address with every bit past the prefix cleared.
std::array<unsigned char, 16> masked(const unsigned char* a, int bits) {
  std::array<unsigned char, 16> out{};
  int full = bits / 8, rest = bits % 8;
  std::memcpy(out.data(), a, static_cast<size_t>(full));
  if (rest) out[static_cast<size_t>(full)] = static_cast<unsigned char>(a[full] & (0xFF << (8 - rest)));
  return out;
}

std::string host_of(const Indicator& i) {
  if (i.type == IndicatorType::Domain) return i.value;
  if (i.type == IndicatorType::Url) {
    size_t p = i.value.find("://");
    if (p == std::string::npos) return {};
    p += 3;
    return i.value.substr(p, i.value.find_first_of("/:?#", p) - p);
  }
  if (i.type == IndicatorType::Email) return i.value.substr(i.value.find('@') + 1);
  return {};
}

}  // namespace

WarninglistMatcher::WarninglistMatcher(const std::vector<Warninglist>& lists) {
  for (size_t li = 0; li < lists.size(); ++li) {
    const Warninglist& w = lists[li];
    names_.push_back(w.name);
    for (const auto& v : split_lines(w.values)) {
      if (v.empty()) continue;
      if (w.type == "string") {
        exact_[v].push_back(li);
      } else if (w.type == "hostname") {
        hosts_[v[0] == '.' ? v.substr(1) : v].push_back(li);
      } else if (w.type == "substring") {
        substrings_.emplace_back(v, li);
      } else if (w.type == "cidr") {
        std::string addr = v, bits;
        size_t slash = v.find('/');
        if (slash != std::string::npos) {
          addr = v.substr(0, slash);
          bits = v.substr(slash + 1);
        }
        unsigned char a[16] = {0};
        bool v6;
        int n;
        if (inet_pton(AF_INET, addr.c_str(), a) == 1) {
          v6 = false;
          n = bits.empty() ? 32 : std::atoi(bits.c_str());
        } else if (inet_pton(AF_INET6, addr.c_str(), a) == 1) {
          v6 = true;
          n = bits.empty() ? 128 : std::atoi(bits.c_str());
        } else {
          continue;
        }
        n = std::clamp(n, 0, v6 ? 128 : 32);
        auto table = std::find_if(prefixes_.begin(), prefixes_.end(), [&](const PrefixTable& t) { return t.v6 == v6 && t.bits == n; });
        if (table == prefixes_.end()) table = prefixes_.insert(prefixes_.end(), PrefixTable{v6, n, {}});
        table->nets[masked(a, n)].push_back(li);
      }
    }
  }
}

std::vector<std::string> WarninglistMatcher::lists_for(const Indicator& ind) const {
  std::vector<size_t> hits;
  auto add = [&](const std::vector<size_t>& v) { hits.insert(hits.end(), v.begin(), v.end()); };
  std::string value = ascii_lower(ind.value);
  if (auto it = exact_.find(value); it != exact_.end()) add(it->second);
  std::string host = host_of(ind);
  if (!host.empty()) {
    if (auto it = exact_.find(host); it != exact_.end() && host != value) add(it->second);
    // The host and every parent domain: a list entry covers its subdomains.
    for (size_t p = 0; p != std::string::npos; p = host.find('.', p) == std::string::npos ? std::string::npos : host.find('.', p) + 1) {
      if (auto it = hosts_.find(host.substr(p)); it != hosts_.end()) add(it->second);
      if (host.find('.', p) == std::string::npos) break;
    }
  }
  if (ind.type == IndicatorType::IPv4 || ind.type == IndicatorType::IPv6) {
    std::string addr = value.substr(0, value.find_first_of("/"));
    if (ind.type == IndicatorType::IPv4) addr = addr.substr(0, addr.find(':'));
    unsigned char a[16] = {0};
    bool v6 = ind.type == IndicatorType::IPv6;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), a) == 1)
      for (const auto& t : prefixes_)
        if (t.v6 == v6)
          if (auto it = t.nets.find(masked(a, t.bits)); it != t.nets.end()) add(it->second);
  }
  for (const auto& [sub, li] : substrings_)
    if (value.find(sub) != std::string::npos) hits.push_back(li);
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  std::vector<std::string> out;
  for (size_t h : hits) out.push_back(names_[h]);
  return out;
}

void WarninglistMatcher::apply(std::vector<Indicator>& indicators) const {
  for (auto& ind : indicators) {
    if (ind.type == IndicatorType::Cve || ind.type == IndicatorType::AttackId) continue;
    std::vector<std::string> lists;
    for (auto& l : lists_for(ind)) {
      // Lists of special address ranges and names say nothing about a value the text asserts
      // (written defanged, listed as an indicator): reports use documentation ranges as stand-ins
      // for real infrastructure. The range itself is flagged by the scanner.
      bool range_list = l.rfind("rfc", 0) == 0;
      if (!(range_list && ind.malicious)) lists.push_back(std::move(l));
    }
    for (const auto& l : lists) ind.flags.push_back("warninglist:" + l);
    if (!lists.empty()) ind.confidence = std::min(ind.confidence, ind.confidence * 0.3);
  }
}

}  // namespace dossier
