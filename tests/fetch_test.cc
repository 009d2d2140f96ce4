// Fetching against a local HTTP server started by the test (cpp-httplib on 127.0.0.1).
#include "dossier/ingest/fetch.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "dossier/pipeline/pipeline.h"
#include "dossier/store/sqlite_store.h"
#include "test_util.h"

namespace dossier {
namespace {

using namespace dossier::testing;

const std::string kArticleText =
    "The utility said attackers reached its billing system through a contractor's remote access account and that "
    "customer payment data was not stored there. It has reset every contractor credential and added hardware "
    "security keys for remote access. Regulators were informed the same day, and the company expects billing to "
    "resume next week once the rebuilt servers have been checked by an outside firm. The investigation into how the "
    "contractor account was compromised continues, the company said, and customers do not need to take any action.";

class LocalServer {
 public:
  LocalServer() {
    svr_.Get("/feed.xml", [this](const httplib::Request& req, httplib::Response& res) {
      ++feed_hits;
      if (req.get_header_value("If-None-Match") == "\"v1\"") {
        res.status = 304;
        return;
      }
      res.set_header("ETag", "\"v1\"");
      std::string items;
      for (int i = 1; i <= 2; ++i)
        items += "<item><title>Story " + std::to_string(i) + "</title><link>" + base() + "/story/" + std::to_string(i) +
                 "</link><description>Teaser for story " + std::to_string(i) + "...</description></item>";
      res.set_content("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local</title>" + items +
                          "</channel></rss>",
                      "application/rss+xml");
    });
    svr_.Get(R"(/story/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("<html><head><title>Story " + req.matches[1].str() +
                          "</title><meta property=\"og:site_name\" content=\"Local News\"></head><body><article><p>" +
                          "Story " + req.matches[1].str() + ". " + kArticleText + "</p></article></body></html>",
                      "text/html; charset=utf-8");
    });
    svr_.Get("/lm", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("If-Modified-Since") == "Wed, 01 May 2024 10:00:00 GMT") {
        res.status = 304;
        return;
      }
      res.set_header("Last-Modified", "Wed, 01 May 2024 10:00:00 GMT");
      res.set_content("hello", "text/plain");
    });
    svr_.Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
    svr_.Get("/to-file", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("file:///etc/passwd"); });
    svr_.Get("/hop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/lm"); });
    svr_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3u << 20, 'x'), "application/octet-stream");
    });
    svr_.Get("/text", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(200000, 'a'), "text/plain");  // compressible: sent gzip when asked
    });
    svr_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    svr_.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    svr_.Get("/robots.txt", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("User-agent: *\nDisallow: /secret\n", "text/plain");
    });
    svr_.Get("/secret", [](const httplib::Request&, httplib::Response& res) { res.set_content("s", "text/plain"); });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LocalServer() {
    svr_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::atomic<int> feed_hits{0};

 private:
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
};

FetchOptions local_options() {
  FetchOptions o;
  o.allow_private = true;
  o.per_host_delay_s = 0;
  o.timeout_ms = 5000;
  return o;
}

TEST(Fetch, ConditionalGetWithEtagCostsA304) {
  LocalServer srv;
  Fetcher f(local_options());
  FetchRequest rq;
  rq.url = srv.base() + "/feed.xml";
  rq.is_page = false;
  auto r1 = f.get(rq);
  ASSERT_TRUE(r1.ok()) << r1.error();
  EXPECT_EQ(r1->status, 200);
  EXPECT_EQ(r1->etag, "\"v1\"");
  rq.etag = r1->etag;
  auto r2 = f.get(rq);
  ASSERT_TRUE(r2.ok()) << r2.error();
  EXPECT_TRUE(r2->not_modified);
  EXPECT_TRUE(r2->body.empty());
}

TEST(Fetch, ConditionalGetWithLastModifiedAndRedirect) {
  LocalServer srv;
  Fetcher f(local_options());
  FetchRequest rq;
  rq.url = srv.base() + "/hop";
  rq.is_page = false;
  auto r1 = f.get(rq);
  ASSERT_TRUE(r1.ok()) << r1.error();
  EXPECT_EQ(r1->final_url, srv.base() + "/lm");
  EXPECT_EQ(r1->body, "hello");
  rq.last_modified = r1->last_modified;
  auto r2 = f.get(rq);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->not_modified);
}

TEST(Fetch, RedirectLoopsAndForeignSchemesFail) {
  LocalServer srv;
  Fetcher f(local_options());
  FetchRequest rq;
  rq.is_page = false;
  rq.url = srv.base() + "/loop";
  auto r = f.get(rq);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("too many redirects"), std::string::npos) << r.error();
  rq.url = srv.base() + "/to-file";
  r = f.get(rq);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("scheme"), std::string::npos) << r.error();
  EXPECT_FALSE(f.get(FetchRequest{"file:///etc/passwd", "", "", false}).ok());
}

TEST(Fetch, SizeLimitTimeoutAndHttpErrors) {
  LocalServer srv;
  FetchOptions o = local_options();
  o.max_bytes = 1u << 20;
  o.timeout_ms = 500;
  Fetcher f(o);
  FetchRequest rq;
  rq.is_page = false;
  rq.url = srv.base() + "/big";
  auto r = f.get(rq);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("larger than"), std::string::npos) << r.error();
  rq.url = srv.base() + "/slow";
  r = f.get(rq);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("timed out"), std::string::npos) << r.error();
  rq.url = srv.base() + "/missing";
  r = f.get(rq);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "HTTP 404");
}

TEST(Fetch, CompressedBodiesAreDecoded) {
  LocalServer srv;
  Fetcher f(local_options());
  FetchRequest rq;
  rq.is_page = false;
  rq.url = srv.base() + "/text";
  auto r = f.get(rq);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->body, std::string(200000, 'a'));
}

TEST(Fetch, PrivateAddressesAreRefusedByDefault) {
  LocalServer srv;
  FetchOptions o = local_options();
  o.allow_private = false;
  Fetcher f(o);
  FetchRequest rq;
  rq.is_page = false;
  rq.url = srv.base() + "/lm";
  auto r = f.get(rq);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("private address 127.0.0.1"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("--allow-private"), std::string::npos);
}

TEST(Fetch, RobotsTxtIsHonouredForPagesOnly) {
  LocalServer srv;
  Fetcher f(local_options());
  FetchRequest rq;
  rq.url = srv.base() + "/secret";
  rq.is_page = true;
  auto r = f.get(rq);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "disallowed by robots.txt");
  rq.is_page = false;
  EXPECT_TRUE(f.get(rq).ok());
}

TEST(Fetch, PrivateRanges) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                         "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "ff02::1"})
    EXPECT_TRUE(is_private_address(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "93.184.216.34", "2606:4700::1111", "172.32.0.1"})
    EXPECT_FALSE(is_private_address(ip)) << ip;
}

TEST(Fetch, PollFeedFetchesSummaryOnlyItemsAndThenCostsA304) {
  LocalServer srv;
  TempDir dir;
  auto s = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(s.ok());
  auto feed = (*s)->add_feed(srv.base() + "/feed.xml", "");
  ASSERT_TRUE(feed.ok());
  PipelineOptions opts;
  opts.fetch = local_options();
  std::vector<std::string> errors;
  PipelineEvents ev;
  ev.on_error = [&](const std::string& i, const std::string& r) { errors.push_back(i + ": " + r); };
  Feed f = *feed;
  {
    auto ing = Pipeline::open(**s, opts, ev);
    ASSERT_TRUE(ing.ok());
    EXPECT_TRUE((*ing)->poll_feed(f, 900));
    EXPECT_EQ((*ing)->counts().stored, 2u);
  }
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(f.title, "Local");
  EXPECT_EQ(f.etag, "\"v1\"");
  EXPECT_EQ(f.consecutive_failures, 0);
  ArticleQuery q;
  q.with_text = true;
  auto all = (*s)->list_articles(q);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  for (const auto& a : *all) {
    EXPECT_NE(a.text.find("contractor's remote access account"), std::string::npos);  // the page, not the teaser
    EXPECT_EQ(a.outlet, "Local News");
    EXPECT_EQ(a.feed_url, srv.base() + "/feed.xml");
  }
  {
    auto ing = Pipeline::open(**s, opts, ev);
    ASSERT_TRUE(ing.ok());
    EXPECT_TRUE((*ing)->poll_feed(f, 900));
    EXPECT_EQ((*ing)->counts().feeds_not_modified, 1u);
    EXPECT_EQ((*ing)->counts().stored, 0u);
  }
  EXPECT_EQ(srv.feed_hits.load(), 2);
}

TEST(Fetch, FailedPollRecordsErrorAndBacksOff) {
  LocalServer srv;
  TempDir dir;
  auto s = SqliteStore::open((dir / "db").string());
  ASSERT_TRUE(s.ok());
  Feed f = *(*s)->add_feed(srv.base() + "/missing", "");
  PipelineOptions opts;
  opts.fetch = local_options();
  auto p = Pipeline::open(**s, opts);
  ASSERT_TRUE(p.ok());
  Pipeline& ing = **p;
  EXPECT_FALSE(ing.poll_feed(f, 900));
  EXPECT_EQ(f.consecutive_failures, 1);
  EXPECT_EQ(f.last_error, "HTTP 404");
  std::string first_due = f.next_due;
  EXPECT_FALSE(ing.poll_feed(f, 900));
  EXPECT_EQ(f.consecutive_failures, 2);
  EXPECT_GT(f.next_due, first_due);
}

}  // namespace
}  // namespace dossier
