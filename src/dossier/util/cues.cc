#include "dossier/util/cues.h"

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace dossier {

CueSet::CueSet(const std::vector<std::vector<std::string>>& groups) {
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  for (size_t g = 0; g < groups.size() && g < 32; ++g)
    for (const auto& phrase : groups[g]) {
      if (phrase.empty()) continue;
      ids.push_back(static_cast<unsigned>(group_of_.size()));
      group_of_.push_back(static_cast<uint32_t>(g));
      exprs.push_back(phrase.data());
      lens.push_back(phrase.size());
      flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                           nullptr, &db, &err) != HS_SUCCESS) {
    std::string msg = err && err->message ? err->message : "unknown error";
    hs_free_compile_error(err);
    throw std::logic_error("cue phrases do not compile: " + msg);  // a programming error: the phrases are constants
  }
  db_ = VectorscanDb(db);
}

uint32_t CueSet::find(std::string_view text) const {
  uint32_t mask = 0;
  hs_scratch_t* scratch = db_.scratch();
  if (!scratch || text.empty()) return 0;
  struct Ctx {
    const std::vector<uint32_t>* group_of;
    uint32_t* mask;
  } ctx{&group_of_, &mask};
  hs_scan(
      db_.get(), text.data(), static_cast<unsigned>(std::min<size_t>(text.size(), UINT_MAX)), 0, scratch,
      [](unsigned id, unsigned long long, unsigned long long, unsigned, void* c) -> int {
        auto* x = static_cast<Ctx*>(c);
        *x->mask |= 1u << (*x->group_of)[id];
        return 0;
      },
      &ctx);
  return mask;
}

}  // namespace dossier
