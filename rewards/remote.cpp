// `remote`: scores from a user's HTTP server (protocol in examples/reward_server/README.md).
//   POST <url>  {"version": 1, "reward": <label>, "samples": [{prompt, completion, completion_tokens,
//                finish_reason, row}, ...]}
//   200        {"scores": [N finite numbers], "details": [N objects] (optional)}
// A batch is cut into requests of batch_size samples, at most max_concurrency in flight. Each
// request has a connect/read/write timeout and up to max_retries retries with exponential
// backoff (transport errors, timeouts, 5xx, 429 and malformed bodies are retried; other 4xx are
// not). A request that still fails fails the run, unless max_failed_requests allows it: then its
// samples score 0 with details["error"] (counted by RewardSet). Nothing waits without a bound.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "rewards/builtin.h"
#include "rewards/reward_options.h"
#include "src/util/error.h"
#include "src/util/log.h"
#include "src/util/parallel.h"

namespace grpo {
namespace {

struct RemoteOptions {
  std::string url;
  int64_t timeout_ms = 30000;
  int64_t max_retries = 2;
  int64_t backoff_ms = 250;
  int64_t max_backoff_ms = 8000;
  int64_t batch_size = 64;
  int64_t max_concurrency = 4;
  int64_t max_failed_requests = 0;
  std::map<std::string, std::string> headers;
  bool send_prompt = true;
  template <class V> void visit(V& v) {
    v(url, "url", "http://host[:port]/path of the scoring server");
    v(timeout_ms, "timeout_ms", "connect, read and write timeout of one request");
    v(max_retries, "max_retries", "retries of a failed request (so at most 1 + max_retries attempts)");
    v(backoff_ms, "backoff_ms", "wait before the first retry; doubles on each further retry");
    v(max_backoff_ms, "max_backoff_ms", "cap on the wait between retries");
    v(batch_size, "batch_size", "samples per request");
    v(max_concurrency, "max_concurrency", "requests in flight at once");
    v(max_failed_requests, "max_failed_requests",
      "failed requests (after retries) tolerated over the run, their samples scored 0 and counted as errors; the "
      "next one fails the run. 0 = fail on the first; -1 = never fail");
    v(headers, "headers", "extra HTTP headers (e.g. Authorization)");
    v(send_prompt, "send_prompt", "include the prompt text in each sample");
  }
  void validate(ConfigCheck& c) const {
    c.require(url.rfind("http://", 0) == 0, "url",
              "must start with http:// (https is not built in; put a local proxy in front of an https server)");
    c.require(timeout_ms > 0, "timeout_ms", "must be > 0");
    c.require(max_retries >= 0, "max_retries", "must be >= 0");
    c.require(backoff_ms >= 0 && max_backoff_ms >= backoff_ms, "backoff_ms", "must be >= 0 and <= max_backoff_ms");
    c.require(batch_size >= 1, "batch_size", "must be >= 1");
    c.require(max_concurrency >= 1, "max_concurrency", "must be >= 1");
    c.require(max_failed_requests >= -1, "max_failed_requests", "must be >= -1");
  }
};

// Outcome of one attempt: empty error = success.
struct Attempt {
  std::string error;
  bool retryable = true;
  std::vector<RewardOutput> outputs;
};

class RemoteReward final : public Reward {
 public:
  explicit RemoteReward(RemoteOptions opts) : opts_(std::move(opts)) {
    const std::string rest = opts_.url.substr(7);  // after "http://"
    const size_t slash = rest.find('/');
    host_ = "http://" + rest.substr(0, slash);
    path_ = slash == std::string::npos ? "/" : rest.substr(slash);
    for (const auto& [k, v] : opts_.headers) headers_.emplace(k, v);
  }

  RewardOutput score(const RewardInput& in) const override {
    std::vector<RewardOutput> out;
    score_batch(std::span<const RewardInput>(&in, 1), out);
    return std::move(out[0]);
  }

  bool score_batch(std::span<const RewardInput> inputs, std::vector<RewardOutput>& outputs) const override {
    outputs.assign(inputs.size(), RewardOutput{});
    const size_t bs = static_cast<size_t>(opts_.batch_size);
    const size_t requests = (inputs.size() + bs - 1) / bs;
    parallel_for(requests, static_cast<size_t>(opts_.max_concurrency), [&](size_t r) {
      const size_t begin = r * bs, end = std::min(inputs.size(), begin + bs);
      auto chunk = inputs.subspan(begin, end - begin);
      Attempt a = request_with_retries(chunk);
      if (a.error.empty()) {
        std::move(a.outputs.begin(), a.outputs.end(), outputs.begin() + static_cast<std::ptrdiff_t>(begin));
        return;
      }
      const int64_t failed = ++failed_requests_;
      if (opts_.max_failed_requests >= 0 && failed > opts_.max_failed_requests)
        fail("remote reward {}: {} (request {} of this run to fail; max_failed_requests = {}). HINT: check the "
             "server, raise timeout_ms / max_retries, or set max_failed_requests to score failures as 0",
             opts_.url, a.error, failed, opts_.max_failed_requests);
      log_warn("remote reward {}: {}; scoring {} samples as 0", opts_.url, a.error, chunk.size());
      for (size_t i = begin; i < end; ++i) outputs[i].details["error"] = "remote: " + a.error;
    });
    return true;
  }

 private:
  Attempt request_with_retries(std::span<const RewardInput> chunk) const {
    const std::string body = request_body(chunk);
    int64_t wait_ms = opts_.backoff_ms;
    Attempt a;
    for (int64_t attempt = 0;; ++attempt) {
      a = post(body, chunk.size());
      if (a.error.empty() || !a.retryable || attempt >= opts_.max_retries) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      wait_ms = std::min(opts_.max_backoff_ms, wait_ms * 2);
    }
    if (!a.error.empty() && a.retryable && opts_.max_retries > 0)
      a.error += fmt::format(" (after {} attempts)", opts_.max_retries + 1);
    return a;
  }

  std::string request_body(std::span<const RewardInput> chunk) const {
    Json samples = Json::array();
    for (const RewardInput& in : chunk) {
      Json s = {{"completion", std::string(in.completion)},
                {"completion_tokens", in.completion_tokens},
                {"finish_reason", std::string(in.finish_reason)},
                {"row", in.row != nullptr ? *in.row : Json(nullptr)}};
      if (opts_.send_prompt) s["prompt"] = std::string(in.prompt);
      samples.push_back(std::move(s));
    }
    // Completions may hold invalid UTF-8 (a generation cut inside a character): replace, never throw.
    return Json{{"version", 1}, {"samples", std::move(samples)}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  Attempt post(const std::string& body, size_t n) const {
    Attempt a;
    httplib::Client client(host_);
    const auto timeout = std::chrono::milliseconds(opts_.timeout_ms);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    auto res = client.Post(path_, headers_, body, "application/json");
    if (!res) {
      a.error = "request failed: " + httplib::to_string(res.error());
      return a;
    }
    if (res->status != 200) {
      a.error = fmt::format("HTTP {} {}", res->status, res->body.substr(0, 200));
      a.retryable = res->status >= 500 || res->status == 429;
      return a;
    }
    a.error = parse_response(res->body, n, a.outputs);
    return a;
  }

  // The response's scores and details, or a reason why it is malformed.
  static std::string parse_response(const std::string& text, size_t n, std::vector<RewardOutput>& out) {
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return "malformed response: not a JSON object: " + text.substr(0, 200);
    auto scores = j.find("scores");
    if (scores == j.end() || !scores->is_array() || scores->size() != n)
      return fmt::format("malformed response: expected \"scores\": a list of {} numbers", n);
    auto details = j.find("details");
    const bool has_details = details != j.end() && !details->is_null();
    if (has_details && (!details->is_array() || details->size() != n))
      return fmt::format("malformed response: \"details\" must be a list of {} objects", n);
    out.assign(n, RewardOutput{});
    for (size_t i = 0; i < n; ++i) {
      const Json& s = (*scores)[i];
      if (!s.is_number() || !std::isfinite(s.get<double>()))
        return fmt::format("malformed response: scores[{}] is {}, not a finite number", i, s.dump());
      out[i].score = s.get<double>();
      if (has_details) {
        if (!(*details)[i].is_object()) return fmt::format("malformed response: details[{}] is not an object", i);
        out[i].details = (*details)[i];
      }
    }
    return "";
  }

  RemoteOptions opts_;
  std::string host_, path_;
  httplib::Headers headers_;
  mutable std::atomic<int64_t> failed_requests_{0};
};

}  // namespace

std::unique_ptr<Reward> make_remote(const ConfigNode& params) {
  return std::make_unique<RemoteReward>(read_reward_options<RemoteOptions>(params, "remote"));
}

}  // namespace grpo
