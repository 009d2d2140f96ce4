// Helpers shared by the tests: paths into the source tree, temporary directories, file I/O.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>

#include "dossier/extract/extract.h"

namespace dossier::testing {

inline std::filesystem::path source_dir() { return DOSSIER_SOURCE_DIR; }
inline std::filesystem::path golden_dir() { return source_dir() / "tests" / "golden"; }
inline std::filesystem::path shared_dir() { return source_dir() / ".." / "shared"; }
// The knowledge base shipped with dossier (built from ATT&CK v19.1, the MISP galaxies and warning lists).
inline std::filesystem::path shipped_kb() { return source_dir() / "data" / "kb" / "dossier-kb.bin"; }

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& data) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << data;
}

// Articles of the sample corpus, and how many of them are syndicated reposts of another (the goldens
// written by examples/tools/render_corpus.py say so with "repost_of").
inline size_t corpus_articles() {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(golden_dir() / "corpus")) n += e.path().extension() == ".json";
  return n;
}
inline size_t corpus_reposts() {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(golden_dir() / "corpus"))
    n += read_file(e.path()).find("\"repost_of\"") != std::string::npos;
  return n;
}

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dossier-test-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    path_ = made ? made : tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The dossier binary under test, and a path quoted for the shell.
inline std::string bin() { return DOSSIER_BINARY; }
inline std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// Runs a shell command, returning its exit status and capturing stdout+stderr into *output.
inline int run_command(const std::string& cmd, std::string* output) {
  std::string full = cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  std::string out;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The shipped KB and an extractor over it, built once per test binary (about a second).
struct SharedExtraction {
  std::unique_ptr<KnowledgeBase> kb;
  std::unique_ptr<Extractor> extractor;
};

inline const SharedExtraction& shared_extraction() {
  static SharedExtraction s = [] {
    SharedExtraction x;
    auto kb = KnowledgeBase::load(shipped_kb().string());
    if (!kb.ok()) return x;
    x.kb = std::move(kb).value();
    auto ex = Extractor::create(*x.kb);
    if (ex.ok()) x.extractor = std::move(ex).value();
    return x;
  }();
  return s;
}

}  // namespace dossier::testing
