#include "dossier/util/cues.h"

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace dossier {
namespace {

VectorscanDb compile(const std::vector<std::string>& phrases, unsigned extra_flags) {
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < phrases.size(); ++i) {
    ids.push_back(static_cast<unsigned>(i));
    exprs.push_back(phrases[i].data());
    lens.push_back(phrases[i].size());
    flags.push_back(HS_FLAG_CASELESS | extra_flags);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                           nullptr, &db, &err) != HS_SUCCESS) {
    std::string msg = err && err->message ? err->message : "unknown error";
    hs_free_compile_error(err);
    throw std::logic_error("cue phrases do not compile: " + msg);  // a programming error: the phrases are constants
  }
  return VectorscanDb(db);
}

}  // namespace

CueSet::CueSet(const std::vector<std::vector<std::string>>& groups) {
  for (size_t g = 0; g < groups.size() && g < 32; ++g)
    for (const auto& phrase : groups[g]) {
      if (phrase.empty()) continue;
      phrases_.push_back(phrase);
      group_of_.push_back(static_cast<uint32_t>(g));
    }
}

uint32_t CueSet::find(std::string_view text) const {
  uint32_t mask = 0;
  std::call_once(first_compiled_, [this] { first_ = compile(phrases_, HS_FLAG_SINGLEMATCH); });
  hs_scratch_t* scratch = first_.scratch();
  if (!scratch || text.empty()) return 0;
  struct Ctx {
    const std::vector<uint32_t>* group_of;
    uint32_t* mask;
  } ctx{&group_of_, &mask};
  hs_scan(
      first_.get(), text.data(), static_cast<unsigned>(std::min<size_t>(text.size(), UINT_MAX)), 0, scratch,
      [](unsigned id, unsigned long long, unsigned long long, unsigned, void* c) -> int {
        auto* x = static_cast<Ctx*>(c);
        *x->mask |= 1u << (*x->group_of)[id];
        return 0;
      },
      &ctx);
  return mask;
}

std::vector<uint32_t> CueSet::find_in_spans(std::string_view text, const std::vector<size_t>& span_begins) const {
  std::vector<uint32_t> out(span_begins.size(), 0);
  if (span_begins.empty() || text.empty()) return out;
  std::call_once(every_compiled_, [this] { every_ = compile(phrases_, 0); });
  hs_scratch_t* scratch = every_.scratch();
  if (!scratch) {  // no scratch space: every span may have every cue (a superset only lets rules run)
    std::fill(out.begin(), out.end(), ~0u);
    return out;
  }
  struct Ctx {
    const std::vector<uint32_t>* group_of;
    const std::vector<size_t>* begins;
    std::vector<uint32_t>* out;
    size_t cursor = 0;
  } ctx{&group_of_, &span_begins, &out};
  hs_scan(
      every_.get(), text.data(), static_cast<unsigned>(std::min<size_t>(text.size(), UINT_MAX)), 0, scratch,
      [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* c) -> int {
        auto* x = static_cast<Ctx*>(c);
        const auto& b = *x->begins;
        size_t at = to == 0 ? 0 : static_cast<size_t>(to) - 1;  // matches come in order of their end
        while (x->cursor + 1 < b.size() && b[x->cursor + 1] <= at) ++x->cursor;
        (*x->out)[x->cursor] |= 1u << (*x->group_of)[id];
        return 0;
      },
      &ctx);
  return out;
}

}  // namespace dossier
