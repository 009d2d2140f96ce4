// A compiled Vectorscan database and the scratch space to scan it. Each thread keeps one scratch
// region that serves every database scanned on it (hs_alloc_scratch grows it to fit); a database
// is fitted to it once per thread, so a scan costs neither an allocation nor Vectorscan's
// database validation. Scans must not nest on one thread (a match callback must not scan).
#pragma once

#include <hs.h>

#include <cstdint>

namespace dossier {

class VectorscanDb {
 public:
  VectorscanDb() = default;
  explicit VectorscanDb(hs_database_t* db);  // takes ownership
  ~VectorscanDb();
  VectorscanDb(VectorscanDb&& o) noexcept;
  VectorscanDb& operator=(VectorscanDb&& o) noexcept;
  VectorscanDb(const VectorscanDb&) = delete;
  VectorscanDb& operator=(const VectorscanDb&) = delete;

  hs_database_t* get() const { return db_; }
  explicit operator bool() const { return db_ != nullptr; }
  // The calling thread's scratch, fitted to this database; nullptr if it cannot be allocated. One
  // scratch serves every database on a thread: fitting it to another may reallocate it, so take
  // the pointer after fitting every database a scan uses.
  hs_scratch_t* scratch() const;

 private:
  hs_database_t* db_ = nullptr;
  uint64_t id_ = 0;  // unique for the life of the process, unlike the database's address
};

}  // namespace dossier
