#include "cli/incident_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/output.h"
#include "dossier/cluster/evaluate.h"
#include "dossier/pipeline/jobs.h"
#include "dossier/pipeline/stored.h"
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

int cmd_cluster(const Globals& g, bool rebuild, bool explain) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  PipelineEvents ev;
  ev.on_error = [](const std::string& item, const std::string& reason) { report_error(item + ": " + reason); };
  auto run = cluster_stored(*store, *ctx->extractor, rebuild, explain, ev);
  if (!run.ok()) return report_error(run.error());
  const auto& decisions = run->decisions;
  if (explain) {
    for (const auto& d : decisions) {
      auto a = store->article_header(d.article_id);
      std::string title = a.ok() && *a ? (*a)->title : "";
      std::printf("%s %s -> %s %.3f  %s\n", d.article_id.c_str(), d.created ? "NEW " : d.copy ? "COPY" : "JOIN",
                  d.incident_id.c_str(), d.score, truncate_words(title, 70).c_str());
      for (const auto& b : d.bridged) std::printf("    merged %s into %s: the article fits both\n", b.c_str(), d.incident_id.c_str());
      for (const auto& c : d.candidates) {
        std::printf("    %s score %.3f content %.3f entities %.3f subject %.3f time %.2f%s%s\n", c.incident_id.c_str(), c.score,
                    c.content, c.entities, c.subject, c.time, c.follow_up ? " follow-up" : "", c.conflict ? " conflict" : "");
        if (!c.shared.empty()) {
          std::string s;
          for (const auto& k : c.shared) s += (s.empty() ? "" : ", ") + k;
          std::printf("      shared: %s\n", s.c_str());
        }
      }
    }
  }
  if (!g.quiet) {
    size_t created = 0;
    for (const auto& d : decisions) created += d.created;
    auto all = store->list_incidents({});
    std::fprintf(stderr, "clustered %zu article%s: %zu new incident%s; %zu incidents in the store\n", decisions.size(),
                 decisions.size() == 1 ? "" : "s", created, created == 1 ? "" : "s", all.ok() ? all->size() : 0);
  }
  return run->failed ? kExitSomeFailed : kExitOk;
}

int cmd_incidents(const Globals& g, bool as_json, const std::string& actor, const std::string& since, size_t limit) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto kb = kb_quietly(g);
  IncidentQuery q;
  q.limit = limit;
  if (!since_option(since, q.since)) return kExitUsage;
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
      if (!r.ok()) return report_error(r.error());
      for (auto& i : *r) found.emplace(i.id, std::move(i));
    }
    for (auto& [id, r] : found) rows.push_back(std::move(r));
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.last_seen > b.last_seen || (a.last_seen == b.last_seen && a.id < b.id); });
    if (limit && rows.size() > limit) rows.resize(limit);
  } else {
    auto r = store->list_incidents(q);
    if (!r.ok()) return report_error(r.error());
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
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto r = store->get_incident(id, false);
  if (!r.ok()) return report_error(r.error());
  if (!*r) return report_error("no incident " + id);
  auto members = store->incident_members((*r)->id);
  if (!members.ok()) return report_error(members.error());
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
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  auto clusterer = Clusterer::open(*store, ctx->kb.get());
  if (!clusterer.ok()) return report_error(clusterer.error());
  return fn(*store, **clusterer, stored_profiles(*store, *ctx->extractor));
}

}  // namespace

int cmd_incidents_merge(const Globals& g, const std::string& a, const std::string& b) {
  return with_corrections(g, [&](Store& store, Clusterer& c, const ProfileSource& profiles) {
    auto st = c.merge(a, b, profiles);
    if (!st.ok()) return report_error(st.error());
    auto r = store.get_incident(a, false);
    if (!g.quiet && r.ok() && *r)
      std::printf("merged %s into %s (%lld articles)\n", b.c_str(), (*r)->id.c_str(), static_cast<long long>((*r)->articles));
    return kExitOk;
  });
}

int cmd_incidents_split(const Globals& g, const std::string& incident, const std::vector<std::string>& articles) {
  return with_corrections(g, [&](Store&, Clusterer& c, const ProfileSource& profiles) {
    auto id = c.split(incident, articles, profiles);
    if (!id.ok()) return report_error(id.error());
    if (!g.quiet) std::printf("split %zu article%s into incident %s\n", articles.size(), articles.size() == 1 ? "" : "s", id->c_str());
    return kExitOk;
  });
}

int cmd_incidents_move(const Globals& g, const std::string& article, const std::string& to) {
  return with_corrections(g, [&](Store&, Clusterer& c, const ProfileSource& profiles) {
    auto st = c.move(article, to, profiles);
    if (!st.ok()) return report_error(st.error());
    if (!g.quiet) std::printf("moved %s to %s\n", article.c_str(), to.c_str());
    return kExitOk;
  });
}

int cmd_eval_clustering(const Globals& g, const std::string& labels_path, bool as_json, bool verbose) {
  auto store = open_store(g);
  if (!store) return kExitSomeFailed;
  auto labels = read_stored_labels(labels_path, *store);
  if (!labels.ok()) return report_error(labels.error());
  for (const auto& e : labels->errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  const auto& truth = labels->truth;
  const auto& unmatched = labels->unmatched;
  std::map<std::string, std::string> predicted = stored_assignments(*store, truth);
  size_t unclustered = truth.size() - predicted.size();
  // An article in no incident (a kind of story that forms none, or not clustered yet) stands alone.
  for (const auto& [item, label] : truth)
    if (!predicted.count(item)) predicted[item] = "(alone) " + item;
  ClusteringScores s = evaluate_clustering(truth, predicted);
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
      for (const auto& [id, label] : truth) confusion[label][predicted.count(id) ? predicted.at(id) : "(none)"].push_back(id);
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
