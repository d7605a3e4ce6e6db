// A deterministic fake Decoder for the rollout tests. Its "KV cache" stores the token ids themselves
// ([slots, capacity], -1 = empty), and the logits of a sequence are a fixed random function of its
// whole prefix:  z[v] = A[last][v] + P[(len-1) mod 16][v] + H[hash(prefix) mod 8][v],  hash = Σ (t_j+1)(j+1).
// reference_logits() computes the same function from a plain token list, so a test can decode one
// sequence at a time without any cache; a wrong prefix copy, position or slot changes the logits.
#pragma once
#include <torch/torch.h>

#include <cmath>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "rollout/decoder.h"

namespace grpo::test {

class FakeDecoder : public Decoder {
 public:
  // Logits are computed on the host and handed back on `device` (CUDA tests check device placement).
  explicit FakeDecoder(int64_t vocab, c10::Device device = c10::Device(c10::kCPU), double scale = 2.0, uint64_t seed = 7)
      : vocab_(vocab), device_(device) {
    // xorshift64* -> Box-Muller normals: the tables depend on nothing but (vocab, scale, seed).
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    auto uniform = [&x] {
      x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
      return ((x * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0) + 1e-12;
    };
    table_.resize(static_cast<size_t>((vocab + kPositions + kHashes) * vocab));
    for (auto& t : table_) t = static_cast<float>(scale * std::sqrt(-2 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()));
  }

  // The oracle: logits of the next token after `prefix` (non-empty), in fp32.
  std::vector<float> reference_logits(std::span<const int64_t> prefix) const {
    const int64_t len = static_cast<int64_t>(prefix.size());
    int64_t hash = 0;
    for (int64_t j = 0; j < len; ++j) hash += (prefix[j] + 1) * (j + 1);
    const float* a = &table_[static_cast<size_t>(prefix.back() * vocab_)];
    const float* p = &table_[static_cast<size_t>((vocab_ + (len - 1) % kPositions) * vocab_)];
    const float* h = &table_[static_cast<size_t>((vocab_ + kPositions + hash % kHashes) * vocab_)];
    std::vector<float> z(static_cast<size_t>(vocab_));
    for (int64_t v = 0; v < vocab_; ++v) z[v] = a[v] + p[v] + h[v];
    return z;
  }

  int64_t vocab_size() const override { return vocab_; }
  c10::Device device() const override { return device_; }
  void reserve_cache(int64_t slots, int64_t capacity) override {
    cache_ = std::vector<std::vector<int64_t>>(slots, std::vector<int64_t>(capacity, -1));
    ++reserves_;
  }
  void release_cache() override { cache_.clear(); }
  int64_t num_slots() const override { return static_cast<int64_t>(cache_.size()); }
  int64_t slot_capacity() const override { return cache_.empty() ? 0 : static_cast<int64_t>(cache_[0].size()); }
  int64_t cache_bytes_per_position() const override { return 100; }

  at::Tensor forward_cached(const at::Tensor& input_ids, const std::vector<int64_t>& slots,
                            const std::vector<int64_t>& starts, const std::vector<int64_t>& counts) override {
    if (input_ids.device() != device_) throw std::runtime_error("fake: input ids on the wrong device");
    const auto ids = input_ids.to(torch::kCPU).contiguous();
    const int64_t* id = ids.data_ptr<int64_t>();
    auto out = torch::empty({static_cast<int64_t>(slots.size()), vocab_}, torch::kFloat);
    int64_t offset = 0;
    for (size_t i = 0; i < slots.size(); ++i) {
      auto& slot = cache_.at(slots[i]);
      if (starts[i] + counts[i] > static_cast<int64_t>(slot.size())) throw std::runtime_error("fake: write past capacity");
      for (int64_t j = 0; j < starts[i]; ++j)
        if (slot[j] < 0) throw std::runtime_error("fake: attending over an empty cache position");
      for (int64_t j = 0; j < counts[i]; ++j) slot[starts[i] + j] = id[offset + j];
      offset += counts[i];
      const auto z = reference_logits(std::span<const int64_t>(slot.data(), starts[i] + counts[i]));
      std::copy(z.begin(), z.end(), out[static_cast<int64_t>(i)].data_ptr<float>());
      tokens_forwarded_ += counts[i];
    }
    if (offset != ids.numel()) throw std::runtime_error("fake: counts do not sum to the number of ids");
    ++forward_calls_;
    max_batch_ = std::max<int64_t>(max_batch_, static_cast<int64_t>(slots.size()));
    return out.to(device_);
  }

  void copy_slot_prefix(int64_t src, const std::vector<int64_t>& dst, int64_t length) override {
    for (int64_t d : dst) std::copy_n(cache_.at(src).begin(), length, cache_.at(d).begin());
    copies_ += static_cast<int64_t>(dst.size());
  }

  int64_t forward_calls_ = 0, tokens_forwarded_ = 0, max_batch_ = 0, copies_ = 0, reserves_ = 0;

 private:
  static constexpr int64_t kPositions = 16, kHashes = 8;
  int64_t vocab_;
  c10::Device device_;
  std::vector<float> table_;
  std::vector<std::vector<int64_t>> cache_;
};

}  // namespace grpo::test
