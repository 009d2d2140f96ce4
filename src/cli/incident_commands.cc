#include "cli/incident_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/output.h"
#include "dossier/cluster/evaluate.h"
#include "dossier/util/text.h"
#include "dossier/util/time.h"

namespace dossier::cli {
namespace {

using json = nlohmann::json;

json incident_json(const IncidentRecord& r, const std::vector<IncidentMember>* members, const KnowledgeBase* kb) {
  json actors = json::array();
  for (const auto& id : r.actors) {
    const Actor* a = kb ? kb->actor(id) : nullptr;
    actors.push_back({{"id", id}, {"name", a ? a->name : id}});
  }
  json j = {{"id", r.id},
            {"title", r.title},
            {"first_seen", r.first_seen},
            {"last_seen", r.last_seen},
            {"sources", r.sources},
            {"article_count", r.articles},
            {"outlets", r.outlets},
            {"actors", actors},
            {"created_at", r.created_at},
            {"updated_at", r.updated_at},
            {"version", r.version}};
  if (members) {
    json arts = json::array();
    for (const auto& m : *members)
      arts.push_back({{"id", m.article.id},
                      {"url", m.article.url.empty() ? m.article.canonical_url : m.article.url},
                      {"title", m.article.title},
                      {"outlet", m.article.outlet},
                      {"published", m.article.published},
                      {"duplicate_of", m.article.duplicate_of.empty() ? json(nullptr) : json(m.article.duplicate_of)},
                      {"score", std::round(m.score * 1000) / 1000},
                      {"pinned", m.pinned}});
    j["articles"] = arts;
  }
  return j;
}

std::unique_ptr<KnowledgeBase> kb_quietly(const Globals& g) {
  auto kb = load_kb(g.kb);
  return kb.ok() ? std::move(kb).value() : nullptr;
}

std::string date_of(const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) : (iso.empty() ? "-" : iso); }

}  // namespace

ProfileSource stored_profiles(Store& store, const Extractor& extractor) {
  return [&store, &extractor](const std::string& id) -> Result<ArticleProfile> {
    auto a = store.get_article(id, false);
    if (!a.ok()) return Error{a.error()};
    if (!*a) return Error{"not stored"};
    return profile_article(**a, extractor.extract(**a), extractor.kb());
  };
}

std::unique_ptr<Clusterer> open_clusterer(Store& store, const KnowledgeBase* kb) {
  auto c = Clusterer::open(store, kb);
  if (!c.ok()) {
    std::fprintf(stderr, "error: %s\n", c.error().c_str());
    return nullptr;
  }
  return std::move(c).value();
}

bool finish_clustering(Clusterer& clusterer, Store& store, bool quiet, std::set<std::string>* touched) {
  auto st = clusterer.flush();
  if (!st.ok()) {
    std::fprintf(stderr, "error: clustering: %s\n", st.error().c_str());
    return false;
  }
  size_t created = 0, joined = 0;
  for (const auto& d : clusterer.take_decisions()) {
    (d.created ? created : joined)++;
    if (touched) touched->insert(d.incident_id);
  }
  if (!quiet) {
    auto all = store.list_incidents({});
    std::fprintf(stderr, "clustered %zu article%s: %zu new incident%s, %zu joined existing ones; %zu incidents in the store\n",
                 created + joined, created + joined == 1 ? "" : "s", created, created == 1 ? "" : "s", joined,
                 all.ok() ? all->size() : 0);
  }
  return true;
}

int cmd_cluster(const Globals& g, bool rebuild, bool explain) {
  auto store = open_or_die(g);
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  if (rebuild)
    if (auto st = store->clear_clustering(); !st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.error().c_str());
      return kExitSomeFailed;
    }
  auto clusterer = open_clusterer(*store, ctx->kb.get());
  if (!clusterer) return kExitSomeFailed;
  clusterer->set_explain(explain);
  auto ids = store->unclustered_articles();
  if (!ids.ok()) {
    std::fprintf(stderr, "error: %s\n", ids.error().c_str());
    return kExitSomeFailed;
  }
  int rc = kExitOk;
  for (const auto& id : *ids) {
    auto a = store->get_article(id, false);
    if (!a.ok() || !*a) {
      std::fprintf(stderr, "error: %s: %s\n", id.c_str(), a.ok() ? "not stored" : a.error().c_str());
      rc = kExitSomeFailed;
      continue;
    }
    Extraction x = ctx->extractor->extract(**a);
    if (rebuild) store->put_extraction(id, extraction_json(x, **a, *ctx->kb).dump());
    if (auto st = clusterer->add(profile_article(**a, x, *ctx->kb)); !st.ok()) {
      std::fprintf(stderr, "error: clustering: %s\n", st.error().c_str());
      return kExitSomeFailed;
    }
  }
  if (auto st = clusterer->flush(); !st.ok()) {
    std::fprintf(stderr, "error: clustering: %s\n", st.error().c_str());
    return kExitSomeFailed;
  }
  std::vector<ClusterDecision> decisions = clusterer->take_decisions();
  if (rebuild)
    if (auto st = clusterer->replay_corrections(stored_profiles(*store, *ctx->extractor)); !st.ok()) {
      std::fprintf(stderr, "error: replaying corrections: %s\n", st.error().c_str());
      rc = kExitSomeFailed;
    }
  if (explain) {
    for (const auto& d : decisions) {
      auto a = store->article_header(d.article_id);
      std::string title = a.ok() && *a ? (*a)->title : "";
      std::printf("%s %s -> %s%s %.3f  %s\n", d.article_id.c_str(), d.created ? "NEW " : d.copy ? "COPY" : "JOIN",
                  d.incident_id.c_str(), "", d.score, truncate_words(title, 70).c_str());
      for (const auto& c : d.candidates)
        std::printf("    %s score %.3f content %.3f entities %.3f subject %.3f time %.2f%s\n", c.incident_id.c_str(), c.score,
                    c.content, c.entities, c.subject, c.time, c.conflict ? " conflict" : "");
    }
  }
  if (!g.quiet) {
    size_t created = 0;
    for (const auto& d : decisions) created += d.created;
    auto all = store->list_incidents({});
    std::fprintf(stderr, "clustered %zu article%s: %zu new incident%s; %zu incidents in the store\n", decisions.size(),
                 decisions.size() == 1 ? "" : "s", created, created == 1 ? "" : "s", all.ok() ? all->size() : 0);
  }
  return rc;
}

int cmd_incidents(const Globals& g, bool as_json, const std::string& actor, const std::string& since, size_t limit) {
  auto store = open_or_die(g);
  auto kb = kb_quietly(g);
  IncidentQuery q;
  q.limit = limit;
  if (!since.empty()) {
    auto t = parse_datetime(since);
    if (!t) {
      std::fprintf(stderr, "error: --since: not a date: %s\n", since.c_str());
      return kExitUsage;
    }
    q.since = format_iso8601(*t);
  }
  std::vector<IncidentRecord> rows;
  if (!actor.empty()) {
    // Any name of the actor (or its id) selects it; every actor sharing the name counts.
    std::vector<std::string> ids;
    if (kb)
      for (const Actor* a : kb->find_actors(actor)) ids.push_back(a->id);
    if (kb && ids.empty())
      if (const Actor* a = kb->actor(actor)) ids.push_back(a->id);
    if (ids.empty()) {
      std::fprintf(stderr, "error: --actor: no threat actor is known as %s\n", actor.c_str());
      return kExitSomeFailed;
    }
    std::map<std::string, IncidentRecord> found;
    for (const auto& id : ids) {
      q.actor = id;
      auto r = store->list_incidents(q);
      if (!r.ok()) {
        std::fprintf(stderr, "error: %s\n", r.error().c_str());
        return kExitSomeFailed;
      }
      for (auto& i : *r) found.emplace(i.id, std::move(i));
    }
    for (auto& [id, r] : found) rows.push_back(std::move(r));
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.last_seen > b.last_seen || (a.last_seen == b.last_seen && a.id < b.id); });
    if (limit && rows.size() > limit) rows.resize(limit);
  } else {
    auto r = store->list_incidents(q);
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s\n", r.error().c_str());
      return kExitSomeFailed;
    }
    rows = std::move(r).value();
  }
  if (as_json) {
    json arr = json::array();
    for (const auto& r : rows) {
      auto members = store->incident_members(r.id);
      arr.push_back(incident_json(r, members.ok() ? &*members : nullptr, kb.get()));
    }
    std::cout << arr.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-16s  %-10s  %-10s  %7s  %-16s  %s\n", "ID", "FIRST", "LAST", "SOURCES", "ACTORS", "TITLE");
  for (const auto& r : rows) {
    std::string actors;
    for (const auto& id : r.actors) {
      const Actor* a = kb ? kb->actor(id) : nullptr;
      actors += (actors.empty() ? "" : ", ") + (a ? a->name : id);
    }
    std::printf("%s  %-10s  %-10s  %7lld  %-16s  %s\n", r.id.c_str(), date_of(r.first_seen).c_str(), date_of(r.last_seen).c_str(),
                static_cast<long long>(r.sources), truncate_words(actors.empty() ? "-" : actors, 16).c_str(),
                truncate_words(r.title, 90).c_str());
  }
  std::printf("%zu incident%s\n", rows.size(), rows.size() == 1 ? "" : "s");
  return kExitOk;
}

int cmd_incident(const Globals& g, const std::string& id, bool as_json) {
  auto store = open_or_die(g);
  auto r = store->get_incident(id, false);
  if (!r.ok()) {
    std::fprintf(stderr, "error: %s\n", r.error().c_str());
    return kExitSomeFailed;
  }
  if (!*r) {
    std::fprintf(stderr, "error: no incident %s\n", id.c_str());
    return kExitSomeFailed;
  }
  auto members = store->incident_members((*r)->id);
  if (!members.ok()) {
    std::fprintf(stderr, "error: %s\n", members.error().c_str());
    return kExitSomeFailed;
  }
  auto kb = kb_quietly(g);
  if (as_json) {
    std::cout << incident_json(**r, &*members, kb.get()).dump(2) << "\n";
    return kExitOk;
  }
  const IncidentRecord& i = **r;
  std::printf("id         %s\ntitle      %s\nfirst seen %s\nlast seen  %s\nsources    %lld independent (%lld articles, %lld outlets)\n",
              i.id.c_str(), i.title.c_str(), i.first_seen.c_str(), i.last_seen.c_str(), static_cast<long long>(i.sources),
              static_cast<long long>(i.articles), static_cast<long long>(i.outlets));
  if (!i.actors.empty()) {
    std::string actors;
    for (const auto& a : i.actors) {
      const Actor* act = kb ? kb->actor(a) : nullptr;
      actors += (actors.empty() ? "" : ", ") + (act ? act->name + " (" + a + ")" : a);
    }
    std::printf("actors     %s\n", actors.c_str());
  }
  std::printf("\n");
  print_articles_table([&] {
    std::vector<Article> arts;
    for (const auto& m : *members) arts.push_back(m.article);
    return arts;
  }());
  return kExitOk;
}

namespace {

// Runs one correction with a clusterer and the profile source it needs.
template <typename Fn>
int with_corrections(const Globals& g, Fn fn) {
  auto store = open_or_die(g);
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  auto clusterer = open_clusterer(*store, ctx->kb.get());
  if (!clusterer) return kExitSomeFailed;
  return fn(*store, *clusterer, stored_profiles(*store, *ctx->extractor));
}

}  // namespace

int cmd_incidents_merge(const Globals& g, const std::string& a, const std::string& b) {
  return with_corrections(g, [&](Store& store, Clusterer& c, const ProfileSource& profiles) {
    auto st = c.merge(a, b, profiles);
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.error().c_str());
      return kExitSomeFailed;
    }
    auto r = store.get_incident(a, false);
    if (!g.quiet && r.ok() && *r)
      std::printf("merged %s into %s (%lld articles)\n", b.c_str(), (*r)->id.c_str(), static_cast<long long>((*r)->articles));
    return kExitOk;
  });
}

int cmd_incidents_split(const Globals& g, const std::string& incident, const std::vector<std::string>& articles) {
  return with_corrections(g, [&](Store&, Clusterer& c, const ProfileSource& profiles) {
    auto id = c.split(incident, articles, profiles);
    if (!id.ok()) {
      std::fprintf(stderr, "error: %s\n", id.error().c_str());
      return kExitSomeFailed;
    }
    if (!g.quiet) std::printf("split %zu article%s into incident %s\n", articles.size(), articles.size() == 1 ? "" : "s", id->c_str());
    return kExitOk;
  });
}

int cmd_incidents_move(const Globals& g, const std::string& article, const std::string& to) {
  return with_corrections(g, [&](Store&, Clusterer& c, const ProfileSource& profiles) {
    auto st = c.move(article, to, profiles);
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.error().c_str());
      return kExitSomeFailed;
    }
    if (!g.quiet) std::printf("moved %s to %s\n", article.c_str(), to.c_str());
    return kExitOk;
  });
}

int cmd_eval_clustering(const Globals& g, const std::string& labels_path, bool as_json, bool verbose) {
  std::ifstream f(labels_path);
  if (!f) {
    std::fprintf(stderr, "error: %s: cannot open for reading\n", labels_path.c_str());
    return kExitSomeFailed;
  }
  auto store = open_or_die(g);
  ArticleQuery all;
  auto articles = store->list_articles(all);
  if (!articles.ok()) {
    std::fprintf(stderr, "error: %s\n", articles.error().c_str());
    return kExitSomeFailed;
  }
  // An article is named by its id, its URL or canonical URL, or the path it was ingested from.
  std::map<std::string, std::string> by_name;
  std::vector<std::pair<std::string, std::string>> by_path;  // (normalised source path, id)
  auto norm_path = [](const std::string& p) {
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(std::filesystem::path(p), ec);
    return ec ? p : c.string();
  };
  for (const auto& a : *articles) {
    by_name[a.id] = a.id;
    if (!a.url.empty()) by_name[a.url] = a.id;
    if (!a.canonical_url.empty()) by_name[a.canonical_url] = a.id;
    if (!a.fetch.source.empty() && !is_http_url(a.fetch.source)) by_path.emplace_back(norm_path(a.fetch.source), a.id);
  }
  std::map<std::string, std::string> truth, predicted;
  std::vector<std::string> unmatched;
  std::string line;
  size_t n = 0;
  while (std::getline(f, line)) {
    ++n;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::vector<std::string> cols;
    size_t tab = t.find('\t');
    if (tab != std::string::npos) {
      size_t p = 0;
      while (p <= t.size()) {
        size_t q = t.find('\t', p);
        cols.push_back(trim(t.substr(p, q == std::string::npos ? std::string::npos : q - p)));
        if (q == std::string::npos) break;
        p = q + 1;
      }
    } else {
      for (auto w : split_words(t)) cols.emplace_back(w);
    }
    if (cols.size() < 2) {
      std::fprintf(stderr, "error: %s line %zu: expected ARTICLE<TAB>LABEL\n", labels_path.c_str(), n);
      continue;
    }
    std::string id;
    if (auto it = by_name.find(cols[0]); it != by_name.end()) {
      id = it->second;
    } else {
      // A file path: relative to the labels file or to the working directory.
      auto beside = (std::filesystem::path(labels_path).parent_path() / cols[0]).string();
      for (const auto& cand : {norm_path(cols[0]), norm_path(beside)})
        for (const auto& [p, aid] : by_path)
          if (p == cand) id = aid;
    }
    if (id.empty()) {
      unmatched.push_back(cols[0]);
      continue;
    }
    truth[id] = cols[1];
  }
  for (const auto& [id, label] : truth) {
    auto m = store->membership(id);
    if (m.ok() && *m) predicted[id] = (*m)->incident_id;
  }
  ClusteringScores s = evaluate_clustering(truth, predicted);
  size_t unclustered = truth.size() - predicted.size();
  if (as_json) {
    std::cout << json{{"labelled", truth.size() + unmatched.size()},
                      {"matched", truth.size()},
                      {"unmatched", unmatched},
                      {"unclustered", unclustered},
                      {"items", s.items},
                      {"true_incidents", s.true_clusters},
                      {"predicted_incidents", s.predicted_clusters},
                      {"bcubed", {{"precision", s.bcubed_precision}, {"recall", s.bcubed_recall}, {"f1", s.bcubed_f1}}},
                      {"pairwise", {{"precision", s.pairwise_precision}, {"recall", s.pairwise_recall}, {"f1", s.pairwise_f1}}}}
                     .dump(2)
              << "\n";
  } else {
    std::printf("labelled articles  %zu (matched %zu, not stored %zu, not clustered %zu)\n", truth.size() + unmatched.size(),
                truth.size(), unmatched.size(), unclustered);
    std::printf("incidents          %zu labelled, %zu predicted\n", s.true_clusters, s.predicted_clusters);
    std::printf("B-cubed            precision %.3f  recall %.3f  F1 %.3f\n", s.bcubed_precision, s.bcubed_recall, s.bcubed_f1);
    std::printf("pairwise           precision %.3f  recall %.3f  F1 %.3f\n", s.pairwise_precision, s.pairwise_recall, s.pairwise_f1);
    if (verbose) {
      // Each labelled incident with the predicted incidents its articles went to.
      std::map<std::string, std::map<std::string, std::vector<std::string>>> confusion;
      for (const auto& [id, label] : truth) confusion[label][predicted.count(id) ? predicted[id] : "(none)"].push_back(id);
      for (const auto& [label, parts] : confusion) {
        std::printf("\n%s\n", label.c_str());
        for (const auto& [inc, ids] : parts) {
          std::printf("  %s:", inc.c_str());
          for (const auto& id : ids) {
            auto a = store->article_header(id);
            std::printf("\n    %s %s", id.c_str(), a.ok() && *a ? truncate_words((*a)->title, 80).c_str() : "");
          }
          std::printf("\n");
        }
      }
    }
    for (const auto& u : unmatched) std::fprintf(stderr, "warning: %s: no stored article has this id, URL or path\n", u.c_str());
  }
  return kExitOk;
}

}  // namespace dossier::cli
