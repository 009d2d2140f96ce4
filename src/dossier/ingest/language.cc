#include "dossier/ingest/language.h"

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "dossier/util/text.h"

namespace dossier {
namespace {

struct Profile {
  const char* code;
  std::vector<const char*> words;
};

// Frequent function words that are rare in the other listed languages.
const std::vector<Profile>& profiles() {
  static const std::vector<Profile> p = {
      {"en", {"the", "and", "of", "to", "in", "is", "that", "was", "for", "with", "has", "have", "said", "which", "its", "were", "by", "this", "from"}},
      {"de", {"der", "die", "und", "das", "ist", "nicht", "mit", "sich", "den", "auf", "ein", "eine", "auch", "wurde", "von", "dass", "für"}},
      {"fr", {"le", "la", "les", "et", "des", "est", "une", "dans", "que", "pour", "qui", "pas", "sur", "par", "du", "au", "été"}},
      {"es", {"el", "los", "las", "y", "que", "del", "una", "por", "con", "para", "es", "se", "fue", "como", "más", "al"}},
      {"it", {"il", "della", "che", "di", "è", "gli", "per", "una", "con", "non", "sono", "nel", "alla", "dei", "stato"}},
      {"nl", {"de", "het", "een", "van", "en", "is", "dat", "niet", "op", "met", "zijn", "voor", "werd", "ook", "bij"}},
      {"pt", {"o", "os", "da", "do", "que", "não", "uma", "com", "para", "foi", "em", "dos", "das", "pelo", "mais"}},
      {"cs", {"a", "je", "se", "na", "že", "v", "to", "s", "byl", "jako", "který", "které", "podle", "také", "není", "jsou", "ve"}},
      {"sk", {"a", "je", "sa", "na", "že", "v", "to", "s", "bol", "ako", "ktorý", "ktoré", "podľa", "tiež", "nie", "sú", "vo"}},
      {"pl", {"i", "w", "się", "na", "nie", "że", "jest", "do", "to", "z", "jak", "przez", "który", "jego", "od", "oraz"}},
      {"ru", {"и", "в", "не", "на", "что", "с", "по", "это", "как", "он", "из", "к", "для", "был", "было"}},
      {"uk", {"і", "в", "не", "на", "що", "з", "та", "це", "як", "для", "до", "від", "було", "він", "його"}},
  };
  return p;
}

}  // namespace

std::string normalize_language_tag(std::string_view tag) {
  std::string t = ascii_lower(trim(tag));
  size_t cut = t.find_first_of("-_");
  if (cut != std::string::npos) t.resize(cut);
  if (t.size() != 2) return {};
  for (char c : t)
    if (c < 'a' || c > 'z') return {};
  return t;
}

std::string detect_language(std::string_view text) {
  static const auto index = [] {
    std::unordered_map<std::string, std::vector<int>> m;
    const auto& p = profiles();
    for (size_t i = 0; i < p.size(); ++i)
      for (const char* w : p[i].words) m[w].push_back(static_cast<int>(i));
    return m;
  }();
  const auto& p = profiles();
  std::vector<int> score(p.size(), 0);
  size_t words = 0;
  // Only the first ~3000 words matter; enough for a stable answer and O(1) on huge inputs.
  for (const auto& w : word_tokens(text.substr(0, std::min<size_t>(text.size(), 20000)))) {
    ++words;
    auto it = index.find(w);
    if (it == index.end()) continue;
    for (int i : it->second) ++score[static_cast<size_t>(i)];
  }
  size_t best = 0;
  for (size_t i = 1; i < score.size(); ++i)
    if (score[i] > score[best]) best = i;
  if (words < 5 || score[best] < 3 || score[best] * 10 < static_cast<int>(words)) return "und";
  return p[best].code;
}

}  // namespace dossier
