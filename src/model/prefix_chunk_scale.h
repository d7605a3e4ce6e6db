// How long the shared-prefix pass's chunks are this step (shared_prefix_attention_kernel.cu): a choice made on
// the device from the group table, kept free of CUDA and torch so that CPU tests check it.
#pragma once

namespace grpo {

// Largest multiple of prefix_chunk the prefix pass may read as one chunk.
constexpr int kMaxPrefixChunkScale = 8;

#if defined(__CUDACC__)
#define GRPO_HOST_DEVICE __host__ __device__
#else
#define GRPO_HOST_DEVICE
#endif
// The prefix pass's chunk scale k, given items[k - 1]: the items with work at scale k (over the group rows in
// use, ⌈shared keys / (k·prefix_chunk)⌉ each, times the KV heads), and the pass's grid of `ctas`. An item of k
// base chunks takes about k + 1/2 base chunks' time (its start and its partial writes weigh about half a
// 128-key chunk), and the grid takes ⌈items / ctas⌉ rounds of them. So items beyond one round are worth
// merging into longer ones, while a round that fits keeps short chunks: on 264 CTAs, 16 rows of 1,024 keys x
// 2 KV heads (256 items) keep 128-key chunks, and 32 such rows take 256-key chunks, one round instead of two.
GRPO_HOST_DEVICE inline int choose_prefix_chunk_scale(const int (&items)[kMaxPrefixChunkScale], int ctas) {
  int best = 1, best_cost = -1;
  for (int k = 1; k <= kMaxPrefixChunkScale; ++k) {
    const int cost = (items[k - 1] + ctas - 1) / ctas * (2 * k + 1);
    if (best_cost < 0 || cost < best_cost) best = k, best_cost = cost;
  }
  return best;
}
#undef GRPO_HOST_DEVICE

}  // namespace grpo
