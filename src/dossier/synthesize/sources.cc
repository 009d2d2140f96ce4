#include <algorithm>
#include <cstring>
#include <map>

#include "dossier/synthesize/assemble.h"
#include "dossier/synthesize/claims.h"
#include "dossier/util/ascii.h"
#include "dossier/util/terms.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier {
namespace synth {

void add_ref(std::vector<int>& refs, int r) {
  if (std::find(refs.begin(), refs.end(), r) == refs.end()) {
    refs.push_back(r);
    std::sort(refs.begin(), refs.end());
  }
}

std::vector<int> merge_refs(std::vector<int> a, const std::vector<int>& b) {
  for (int r : b) add_ref(a, r);
  return a;
}

std::string country_name(const KnowledgeBase& kb, const std::string& code) {
  if (const Country* c = kb.country(code)) return c->name;
  return code;
}

std::string body_name(const KnowledgeBase& kb, const std::string& id) {
  if (const Agency* g = kb.agency(id)) return g->name;
  if (const Country* c = kb.country(id)) return c->name;
  return id;
}

void Tally::add(const std::string& value, int ref) {
  auto [it, fresh] = index_.emplace(value, values_.size());
  if (fresh) values_.push_back(Cited{value, {}});
  add_ref(values_[it->second].refs, ref);
}

std::vector<Cited> Tally::top(size_t n) const {
  std::vector<Cited> v = values_;
  std::stable_sort(v.begin(), v.end(), [](const Cited& a, const Cited& b) { return a.refs.size() > b.refs.size(); });
  if (v.size() > n) v.resize(n);
  return v;
}

namespace {

// Words as small numbers ("eight" -> 8), for comparing counts.
std::optional<long long> number_value(const std::string& word) {
  static const std::map<std::string, long long> words = {
      {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"seven", 7}, {"eight", 8}, {"nine", 9},
      {"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"dozen", 12}, {"fifteen", 15}, {"twenty", 20}, {"hundred", 100}};
  std::string w = ascii_lower(word);
  if (auto it = words.find(w); it != words.end()) return it->second;
  std::string digits;
  for (char c : w) {
    if (ascii::is_digit(static_cast<unsigned char>(c))) digits += c;
    else if (c != ',') return std::nullopt;
  }
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  return std::stoll(digits);
}

}  // namespace

std::vector<std::pair<long long, std::string>> counts_in(const std::string& sentence) {
  std::vector<std::pair<long long, std::string>> out;
  auto words = split_words(sentence);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    std::string w(words[i]);
    while (!w.empty() && !ascii::is_alnum(static_cast<unsigned char>(w.front()))) w.erase(w.begin());
    while (!w.empty() && !ascii::is_alnum(static_cast<unsigned char>(w.back()))) w.pop_back();
    auto n = number_value(w);
    if (!n || (*n >= 1900 && *n <= 2100 && w.size() == 4)) continue;  // years are dates, not counts
    // The counted noun: the next word that is not an adjective-like modifier.
    for (size_t j = i + 1; j < words.size() && j <= i + 3; ++j) {
      std::string u = ascii_lower(std::string(words[j]));
      while (!u.empty() && !ascii::is_alpha(static_cast<unsigned char>(u.back()))) u.pop_back();
      if (u.empty() || is_stop_word(u) || u == "us" || u == "more" || u == "than") continue;
      out.emplace_back(*n, stem_word(u));
      break;
    }
  }
  return out;
}

bool claim_mentions(const Claim& c, const std::vector<const char*>& cues) {
  std::string l = " " + ascii_lower(c.text) + " ";
  for (const char* q : cues) {
    size_t pos = 0, n = std::strlen(q);
    while ((pos = l.find(q, pos)) != std::string::npos) {
      bool left = !ascii::is_alnum(static_cast<unsigned char>(l[pos - 1])) || !ascii::is_alnum(static_cast<unsigned char>(q[0]));
      bool right = pos + n >= l.size() || !ascii::is_alnum(static_cast<unsigned char>(l[pos + n])) || !ascii::is_alnum(static_cast<unsigned char>(q[n - 1]));
      if (left && right) return true;
      pos += 1;
    }
  }
  return false;
}

Cited cite(const Claim& c) { return Cited{c.text, c.refs, false}; }

std::string statement_subject(const std::string& text) {
  std::string subject;
  for (auto w : split_words(text)) {
    std::string word(w);
    while (!word.empty() && !ascii::is_alnum(static_cast<unsigned char>(word.back()))) word.pop_back();
    bool cap = !word.empty() && ascii::is_upper(static_cast<unsigned char>(word[0]));
    if (subject.empty() && (!cap || is_stop_word(ascii_lower(word)))) {
      if (!cap && !is_stop_word(ascii_lower(word))) break;
      continue;
    }
    if (!cap) break;
    subject += (subject.empty() ? "" : " ") + ascii_lower(word);
    if (w.back() == ',') break;
  }
  return subject;
}

std::string markers_text(const std::vector<int>& refs) {
  std::string s;
  for (int r : refs) s += "[" + std::to_string(r) + "]";
  return s;
}

std::string lower_first(std::string s) {
  if (!s.empty() && ascii::is_upper(static_cast<unsigned char>(s[0])) && !(s.size() > 1 && ascii::is_upper(static_cast<unsigned char>(s[1]))))
    s[0] = static_cast<char>(ascii::to_lower(static_cast<unsigned char>(s[0])));
  return s;
}

bool Sources::plausible_report_date(const std::string& value) const {
  if (first_published.empty() || value.empty()) return true;
  auto t = parse_datetime(value.size() == 4 ? value + "-12-31" : value.size() == 7 ? value + "-28" : value);
  auto f = parse_datetime(first_published);
  return !t || !f || *t >= *f - 60 * 86400;
}

Sources number_sources(const DossierInput& in, Dossier& d) {
  Sources s;
  auto& order = s.order;
  auto& ref_of = s.ref_of;
  std::unordered_map<std::string, const DossierArticle*> by_id;
  for (const auto& a : in.articles) by_id[a.article.id] = &a;
  for (const auto& a : in.articles)
    if (a.article.duplicate_of.empty() || !by_id.count(a.article.duplicate_of)) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const DossierArticle* a, const DossierArticle* b) {
    const std::string& pa = a->article.published;
    const std::string& pb = b->article.published;
    if (pa.empty() != pb.empty()) return !pa.empty();
    return pa < pb;
  });
  for (size_t i = 0; i < order.size(); ++i) {
    const Article& a = order[i]->article;
    DossierSource src;
    src.ref = static_cast<int>(i + 1);
    src.article_id = a.id;
    src.url = a.url.empty() ? a.canonical_url : a.url;
    src.outlet = a.outlet;
    src.title = a.title;
    src.published = a.published;
    ref_of[a.id] = src.ref;
    d.sources.push_back(std::move(src));
  }
  for (const auto& a : in.articles)
    if (!ref_of.count(a.article.id) && ref_of.count(a.article.duplicate_of))
      d.sources[static_cast<size_t>(ref_of[a.article.duplicate_of] - 1)].copies.push_back(a.article.url.empty() ? a.article.id : a.article.url);

  for (const auto& src : d.sources)
    if (!src.published.empty() && (s.first_published.empty() || src.published < s.first_published)) s.first_published = src.published;
  return s;
}

}  // namespace synth

std::string conflict_value(const Conflict::Value& v) {
  if (v.value == "unresolved") return "\"" + v.as_written + "\" (relative, in an undated source)";
  if (!v.as_written.empty() && v.as_written != v.value && v.as_written.size() <= 40) return v.value + " (\"" + v.as_written + "\")";
  return v.value;
}

}  // namespace dossier
