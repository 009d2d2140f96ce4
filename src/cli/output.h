// Output for the command line: stable JSON field names (documented in README.md), aligned tables
// for people, and a progress line on terminals.
#pragma once

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dossier/model.h"

namespace dossier::cli {

nlohmann::json article_json(const Article& a, bool full);
nlohmann::json feed_json(const Feed& f);

void print_articles_table(const std::vector<Article>& articles);
void print_article(const Article& a);
void print_feeds_table(const std::vector<Feed>& feeds);

// A single status line on stderr, redrawn at most ten times a second; silent when stderr is not a
// terminal or when quiet. Messages printed through it clear the line first.
class Progress {
 public:
  explicit Progress(bool enabled);
  ~Progress();
  void update(const std::string& counts, size_t done);
  void message(const std::string& line);  // an error or warning line
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace dossier::cli
