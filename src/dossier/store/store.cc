#include "dossier/store/store.h"

#include <cstdlib>
#include <filesystem>

#include "dossier/store/sqlite_store.h"
#include "dossier/util/hash.h"

namespace dossier {

std::string default_store_path() {
  if (const char* env = std::getenv("DOSSIER_DB"); env && *env) return env;
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home) base = std::filesystem::path(home) / ".local" / "share";
  else base = ".";
  return (base / "dossier" / "dossier.db").string();
}

Result<PutOutcome> Store::put_article(const Article& article, const std::optional<MinHash>& signature) {
  return put_article(article, signature, article.raw.empty() ? std::string() : zstd_compress(article.raw));
}

Result<std::unique_ptr<Store>> open_store(const std::string& path) {
  if (path.rfind("postgres://", 0) == 0 || path.rfind("postgresql://", 0) == 0)
    return Error{"the PostgreSQL backend is not built into this binary; use a SQLite file path"};
  auto s = SqliteStore::open(path);
  if (!s.ok()) return Error{s.error()};
  return std::unique_ptr<Store>(std::move(s).value().release());
}

}  // namespace dossier
