// `remote` against a real HTTP server on 127.0.0.1 started inside the test: the success path,
// slow (timeout), failing (500, retried with backoff), flaky, malformed and 4xx responses, the
// failure policy, and the bound on requests in flight.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <thread>

#include "reward_test_util.h"
#include "test_util.h"

namespace grpo::test {
namespace {

class ScoringServer {
 public:
  ScoringServer() {
    // Scores each sample with its completion length; details carry the length too.
    server_.Post("/ok", [this](const httplib::Request& req, httplib::Response& res) {
      const int now = ++in_flight_;
      for (int seen = max_in_flight_.load(); now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {}
      ++requests_;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      Json body = Json::parse(req.body);
      Json scores = Json::array(), details = Json::array();
      for (const auto& s : body["samples"]) {
        const auto n = s["completion"].get<std::string>().size();
        scores.push_back(static_cast<double>(n));
        details.push_back({{"len", n}, {"has_row", !s["row"].is_null()}});
      }
      --in_flight_;
      res.set_content(Json{{"scores", scores}, {"details", details}}.dump(), "application/json");
    });
    server_.Post("/slow", [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      res.set_content(R"({"scores": [1]})", "application/json");
    });
    server_.Post("/fail", [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      res.status = 500;
      res.set_content("boom", "text/plain");
    });
    server_.Post("/flaky", [this](const httplib::Request&, httplib::Response& res) {
      if (++requests_ <= 2) {
        res.status = 503;
        return;
      }
      res.set_content(R"({"scores": [0.25]})", "application/json");
    });
    server_.Post("/malformed", [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      res.set_content("this is not json", "application/json");
    });
    server_.Post("/short", [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      res.set_content(R"({"scores": []})", "application/json");
    });
    server_.Post("/nan", [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      res.set_content(R"({"scores": ["high"]})", "application/json");
    });
    server_.Post("/bad_request", [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      res.status = 400;
      res.set_content("missing field", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ScoringServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::atomic<int> requests_{0}, in_flight_{0}, max_in_flight_{0};
  int delay_ms_ = 0;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::unique_ptr<Reward> remote(const ScoringServer& s, const std::string& path, const std::string& extra = "") {
  return make_reward("remote", "url: " + s.url(path) + "\ntimeout_ms: 200\nbackoff_ms: 10\nmax_backoff_ms: 40\n" + extra);
}

std::vector<RewardInput> inputs(const std::vector<std::string>& texts, const Json* row = nullptr) {
  std::vector<RewardInput> in(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) in[i] = {"p", texts[i], 3, "stop", row};
  return in;
}

TEST(Remote, SuccessPathReturnsScoresAndDetailsInOrder) {
  ScoringServer server;
  auto r = remote(server, "/ok", "batch_size: 2");
  const Json row = {{"answer", 1}};
  const std::vector<std::string> texts = {"a", "bb", "ccc", "dddd", "eeeee"};
  std::vector<RewardOutput> out;
  ASSERT_TRUE(r->score_batch(inputs(texts, &row), out));
  ASSERT_EQ(out.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(out[i].score, static_cast<double>(i + 1));
    EXPECT_EQ(out[i].details["len"], i + 1);
    EXPECT_EQ(out[i].details["has_row"], true);
  }
  EXPECT_EQ(server.requests_.load(), 3);  // ceil(5 / 2) requests
  EXPECT_EQ(score(*r, {.completion = "xyz"}).score, 3.0);  // score() goes through the same path
}

TEST(Remote, ConcurrencyIsBounded) {
  ScoringServer server;
  server.delay_ms_ = 50;
  auto r = remote(server, "/ok", "batch_size: 1\nmax_concurrency: 2");
  std::vector<RewardOutput> out;
  r->score_batch(inputs(std::vector<std::string>(8, "x")), out);
  EXPECT_EQ(server.requests_.load(), 8);
  EXPECT_LE(server.max_in_flight_.load(), 2);
}

TEST(Remote, SlowServerTimesOutWithinTheBound) {
  ScoringServer server;
  auto r = remote(server, "/slow", "max_retries: 1");
  const auto start = std::chrono::steady_clock::now();
  const std::string e = error_of([&] { score(*r, {.completion = "x"}); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(e.find("request failed"), std::string::npos) << e;
  EXPECT_NE(e.find("(after 2 attempts)"), std::string::npos) << e;
  EXPECT_EQ(server.requests_.load(), 2);
  // 2 attempts x 200 ms timeout + 10 ms backoff = 0.41 s; without the timeout it would be >= 1.6 s.
  EXPECT_LT(seconds, 1.5);
}

TEST(Remote, ServerErrorsAreRetriedWithBackoffThenFail) {
  ScoringServer server;
  auto r = remote(server, "/fail", "max_retries: 3");
  const std::string e = error_of([&] { score(*r, {.completion = "x"}); });
  EXPECT_NE(e.find("HTTP 500 boom"), std::string::npos) << e;
  EXPECT_NE(e.find("max_failed_requests = 0"), std::string::npos) << e;
  EXPECT_EQ(server.requests_.load(), 4);  // 1 + 3 retries
}

TEST(Remote, FlakyServerSucceedsAfterRetries) {
  ScoringServer server;
  auto r = remote(server, "/flaky", "max_retries: 2");
  EXPECT_EQ(score(*r, {.completion = "x"}).score, 0.25);
  EXPECT_EQ(server.requests_.load(), 3);
}

TEST(Remote, MalformedResponsesAreErrors) {
  ScoringServer server;
  for (const auto& [path, message] : std::vector<std::pair<std::string, std::string>>{
           {"/malformed", "not a JSON object"}, {"/short", "a list of 1 numbers"}, {"/nan", "scores[0] is \"high\""}}) {
    auto r = remote(server, path, "max_retries: 0");
    const std::string e = error_of([&] { score(*r, {.completion = "x"}); });
    EXPECT_NE(e.find("malformed response"), std::string::npos) << e;
    EXPECT_NE(e.find(message), std::string::npos) << e;
  }
}

TEST(Remote, ClientErrorsAreNotRetried) {
  ScoringServer server;
  auto r = remote(server, "/bad_request", "max_retries: 3");
  const std::string e = error_of([&] { score(*r, {.completion = "x"}); });
  EXPECT_NE(e.find("HTTP 400 missing field"), std::string::npos) << e;
  EXPECT_EQ(server.requests_.load(), 1);
}

TEST(Remote, FailurePolicyScoresZeroAndCountsThenFails) {
  ScoringServer server;
  // Never fail: every sample scores 0 with an error detail.
  auto tolerant = remote(server, "/fail", "max_retries: 0\nmax_failed_requests: -1\nbatch_size: 1");
  std::vector<RewardOutput> out;
  tolerant->score_batch(inputs({"a", "b", "c"}), out);
  for (const auto& o : out) {
    EXPECT_EQ(o.score, 0.0);
    EXPECT_EQ(o.details["error"].get<std::string>().rfind("remote: HTTP 500", 0), 0u) << o.details;
  }
  // Tolerate one failed request over the run: the first scores 0, the second fails the run.
  auto one = remote(server, "/fail", "max_retries: 0\nmax_failed_requests: 1");
  EXPECT_EQ(score(*one, {.completion = "x"}).score, 0.0);
  const std::string e = error_of([&] { score(*one, {.completion = "x"}); });
  EXPECT_NE(e.find("request 2 of this run to fail; max_failed_requests = 1"), std::string::npos) << e;
}

TEST(Remote, UnreachableServerFailsFast) {
  // Port 1 on localhost refuses connections.
  auto r = make_reward("remote", "url: http://127.0.0.1:1/score\ntimeout_ms: 200\nmax_retries: 1\nbackoff_ms: 10");
  const std::string e = error_of([&] { score(*r, {.completion = "x"}); });
  EXPECT_NE(e.find("request failed"), std::string::npos) << e;
}

TEST(Remote, ConfigErrors) {
  const std::string https = error_of([] { make_reward("remote", "url: https://example.com/score"); });
  EXPECT_NE(https.find("url: must start with http://"), std::string::npos) << https;
  const std::string timeout = error_of([] { make_reward("remote", "url: http://x/\ntimeout_ms: 0"); });
  EXPECT_NE(timeout.find("params.yaml:2: timeout_ms: must be > 0"), std::string::npos) << timeout;
}

TEST(Remote, ExampleServerSpeaksTheProtocol) {
  // examples/reward_server/server.py, started on a free port; it exits after 1 s without requests.
  const std::string cmd = python() + " " + (source_dir() / "examples/reward_server/server.py").string() +
                          " --port 0 --idle-exit 1";
  std::FILE* proc = popen(cmd.c_str(), "r");
  ASSERT_NE(proc, nullptr);
  char line[256] = {0};
  ASSERT_NE(std::fgets(line, sizeof(line), proc), nullptr);
  std::string url(line);
  url = url.substr(url.find("http://"));
  url.erase(url.find_last_not_of("\r\n") + 1);
  auto r = make_reward("remote", "url: " + url + "\ntimeout_ms: 5000\nbatch_size: 2");
  const Json gold = {{"answer", "42"}}, none = {{"other", 1}};
  std::vector<RewardInput> in = {{"p", "<answer>it is 42</answer>", 5, "stop", &gold},
                                 {"p", "<answer>41</answer>", 5, "stop", &gold},
                                 {"p", "no answer", 5, "stop", &gold},
                                 {"p", "<answer>42</answer>", 5, "stop", &none}};
  std::vector<RewardOutput> out;
  r->score_batch(in, out);
  pclose(proc);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].score, 1.0);
  EXPECT_EQ(out[1].score, 0.0);
  EXPECT_EQ(out[2].details["reason"], "no_answer");
  EXPECT_EQ(out[3].details["error"], "row has no field 'answer'");
}

}  // namespace
}  // namespace grpo::test
