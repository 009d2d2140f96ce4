#include "cli/serve_commands.h"

#include <csignal>
#include <cstdio>
#include <thread>

#include "dossier/serve/server.h"
#include "dossier/store/store.h"

namespace dossier::cli {

namespace {

Server* g_server = nullptr;
void stop_server(int) {
  if (g_server) g_server->stop();
}

int cmd_serve(const Globals& g, const ServeArgs& a) {
  auto ctx = extraction_context(g, true);
  if (!ctx) return kExitSomeFailed;
  ServeOptions o;
  o.store_path = g.db.empty() ? default_store_path() : g.db;
  o.bind = a.bind;
  o.port = a.port;
  o.reads_need_token = a.reads_need_token;
  auto server = Server::create(o, *ctx->extractor);
  if (!server.ok()) return report_error(server.error());
  auto port = (*server)->bind();
  if (!port.ok()) return report_error(port.error());
  if (!g.quiet)
    std::fprintf(stderr, "serving %s on http://%s:%d/ (API under /api/v1/, reads %s); Ctrl-C stops\n", o.store_path.c_str(), a.bind.c_str(), *port,
                 a.reads_need_token ? "need a token" : "open");
  g_server = server->get();
  std::signal(SIGINT, stop_server);
  std::signal(SIGTERM, stop_server);
  Status st = (*server)->run();
  g_server = nullptr;
  if (!st.ok()) return report_error(st.error());
  return kExitOk;
}

}  // namespace

void add_serve_commands(CLI::App& app, const Globals& g, ServeArgs& args,
                        const std::function<void(CLI::App*, std::function<int()>)>& on) {
  auto* serve = app.add_subcommand("serve", "Serve the web UI and the REST API over the store");
  serve->add_option("--bind", args.bind, "Address to listen on")->default_val("127.0.0.1");
  serve->add_option("--port", args.port, "Port to listen on")->default_val(8080)->check(CLI::Range(0, 65535));
  serve->add_flag("--reads-need-token", args.reads_need_token, "Require a token for reads too (writes always need one)");
  on(serve, [&g, &args] { return cmd_serve(g, args); });

  auto* tokens = app.add_subcommand("tokens", "API tokens: bearer tokens for the API and the web UI");
  tokens->require_subcommand(1);
  auto* create = tokens->add_subcommand("create", "Create a token; it is printed once and stored only as a salted hash");
  create->add_option("name", args.name, "A name for the token (who or what uses it)")->required();
  create->add_flag("--write", args.write, "The token may also write (corrections, watchlists, feeds)");
  create->add_flag("--restricted", args.restricted, "The token may also read incidents marked TLP:AMBER+STRICT or TLP:RED");
  on(create, [&g, &args] {
    auto store = open_store(g);
    if (!store) return kExitSomeFailed;
    auto t = store->create_token(args.name, args.write, args.restricted);
    if (!t.ok()) return report_error(t.error());
    std::printf("%s\n", t->c_str());
    if (!g.quiet) std::fprintf(stderr, "token %s created (%s); keep it: it is not shown again\n", args.name.c_str(), args.write ? "read and write" : "read only");
    return kExitOk;
  });
  auto* list = tokens->add_subcommand("list", "List tokens (names and rights, never secrets)");
  on(list, [&g] {
    auto store = open_store(g);
    if (!store) return kExitSomeFailed;
    auto all = store->list_tokens();
    if (!all.ok()) return report_error(all.error());
    std::printf("%-24s %-22s %-22s %s\n", "NAME", "RIGHTS", "CREATED", "REVOKED");
    for (const auto& t : *all)
      std::printf("%-24s %-22s %-22s %s\n", t.name.c_str(),
                  (std::string(t.can_write ? "read+write" : "read") + (t.restricted ? "+restricted" : "")).c_str(), t.created_at.c_str(),
                  t.revoked_at.empty() ? "-" : t.revoked_at.c_str());
    return kExitOk;
  });
  auto* revoke = tokens->add_subcommand("revoke", "Revoke a token by name");
  revoke->add_option("name", args.name, "The token's name")->required();
  on(revoke, [&g, &args] {
    auto store = open_store(g);
    if (!store) return kExitSomeFailed;
    auto gone = store->revoke_token(args.name);
    if (!gone.ok()) return report_error(gone.error());
    if (!*gone) return report_error("no live token named " + args.name);
    if (!g.quiet) std::fprintf(stderr, "token %s revoked\n", args.name.c_str());
    return kExitOk;
  });
}

}  // namespace dossier::cli
