// Tokenizer throughput: encodes every text of a JSONL corpus ({"text": ...} rows) with
// grpo::Tokenizer, single-threaded and with encode_batch on all cores, and prints MB/s.
// Usage: tokenizer_bench TOKENIZER_DIR CORPUS.jsonl [REPEAT=20] [THREADS=0]
// The word cache is warmed by one untimed pass first, as HF's cache is in bench/tokenizer_bench_hf.py.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "src/tokenizer/tokenizer.h"
#include "src/util/error.h"
#include "src/util/jsonl.h"
#include "src/util/parallel.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TOKENIZER_DIR CORPUS.jsonl [REPEAT=20] [THREADS=0]\n", argv[0]);
    return 2;
  }
  try {
    const grpo::Tokenizer tok = grpo::Tokenizer::load(argv[1]);
    std::vector<std::string> texts;
    grpo::for_each_jsonl(argv[2], [&](const grpo::JsonlRow& r) { texts.push_back(r.value["text"]); });
    const int repeat = argc > 3 ? std::atoi(argv[3]) : 20;
    const size_t threads = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 0;
    std::vector<std::string> batch;
    for (int k = 0; k < repeat; ++k) batch.insert(batch.end(), texts.begin(), texts.end());
    double bytes = 0;
    for (const auto& t : batch) bytes += double(t.size());
    size_t n_tokens = 0;
    for (const auto& t : texts) n_tokens += tok.encode(t).size();  // warm-up
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    for (const auto& t : batch) n_tokens += tok.encode(t).size();
    const double single_s = std::chrono::duration<double>(clock::now() - t0).count();
    t0 = clock::now();
    const auto out = tok.encode_batch(batch, false, threads);
    const double batch_s = std::chrono::duration<double>(clock::now() - t0).count();
    std::printf("grpo %s: corpus %.1f KB x%d: single-thread %.1f MB/s, batch (%zu threads) %.1f MB/s\n",
                tok.source().c_str(), bytes / repeat / 1e3, repeat, bytes / single_s / 1e6,
                threads ? threads : grpo::default_thread_count(), bytes / batch_s / 1e6);
    return out.size() == batch.size() && n_tokens > 0 ? 0 : 1;
  } catch (const grpo::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
