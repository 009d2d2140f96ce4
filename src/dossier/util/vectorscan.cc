#include "dossier/util/vectorscan.h"

#include <algorithm>
#include <atomic>
#include <utility>
#include <vector>

namespace dossier {
namespace {

std::atomic<uint64_t> next_id{1};

struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  std::vector<uint64_t> fitted;  // databases the scratch is known to fit
  ~ThreadScratch() {
    if (scratch) hs_free_scratch(scratch);
  }
};

}  // namespace

VectorscanDb::VectorscanDb(hs_database_t* db) : db_(db), id_(db ? next_id.fetch_add(1) : 0) {}

VectorscanDb::~VectorscanDb() {
  if (db_) hs_free_database(db_);
}

VectorscanDb::VectorscanDb(VectorscanDb&& o) noexcept : db_(std::exchange(o.db_, nullptr)), id_(std::exchange(o.id_, 0)) {}

VectorscanDb& VectorscanDb::operator=(VectorscanDb&& o) noexcept {
  if (this != &o) {
    if (db_) hs_free_database(db_);
    db_ = std::exchange(o.db_, nullptr);
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

hs_scratch_t* VectorscanDb::scratch() const {
  if (!db_) return nullptr;
  thread_local ThreadScratch t;
  if (std::find(t.fitted.begin(), t.fitted.end(), id_) != t.fitted.end()) return t.scratch;
  if (hs_alloc_scratch(db_, &t.scratch) != HS_SUCCESS) return nullptr;
  if (t.fitted.size() >= 256) t.fitted.clear();  // databases come and go (tests build many)
  t.fitted.push_back(id_);
  return t.scratch;
}

}  // namespace dossier
