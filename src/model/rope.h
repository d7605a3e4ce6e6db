// Rotary position embedding (Su et al., RoFormer, arXiv:2104.09864, Eq. 34) in the "rotate half"
// layout HF uses: x' = x*cos + rotate_half(x)*sin with rotate_half([a, b]) = [-b, a] and
// cos/sin = cos/sin(pos * [f, f]) over the head dim. Frequencies f_i = theta^(-2i/D), then scaled:
//   linear: f_i / factor;  llama3 (Llama 3.1 release): long wavelengths / factor, short kept,
//   a smooth blend between (see rope.cpp). cos/sin are computed in fp32 and rounded to the model
//   dtype before use, as HF does.
#pragma once
#include <ATen/core/Tensor.h>

#include "src/model/model_config.h"

namespace grpo {

at::Tensor rope_inv_freq(const ModelConfig& config);  // [D/2] fp32, CPU

struct RopeTables {
  at::Tensor cos, sin;  // [T, 1, D] in the model dtype, broadcast over heads
};
RopeTables rope_tables(const at::Tensor& inv_freq, const at::Tensor& positions, c10::ScalarType dtype);

// Training / scoring: rotates q [T, H, D] and k [T, KVH, D] -> contiguous (q', k'), differentiable.
// On CUDA (fused_kernels_enabled(), fp32/bf16/fp16, tables in the same dtype) one kernel launch rotates
// both, forward and backward (an autograd Function; the backward is the inverse rotation). q and k may
// be token-row strided views (narrowed from one fused q/k/v output) as long as each token row holds
// heads·D contiguous elements. The fused result equals the composite within one rounding to the dtype
// (fp32 arithmetic from the same tables). Elsewhere the composite runs.
struct RotatedQK {
  at::Tensor q, k;
};
RotatedQK apply_rope(const at::Tensor& q, const at::Tensor& k, const RopeTables& t);

// Cached forward (prefill/decode; no gradient): returns the rotated q [T, H, D] and writes the rotated
// k and the unrotated v of token i into row write_index[i] of k_cache / v_cache, one layer's
// [S, C, KVH, D] viewed as [S·C, KVH, D]; other rows stay untouched. One kernel on CUDA, no host sync
// (captured by the decode graphs); write_index must be in range (make_cached_step checks it).
at::Tensor rope_cache_write(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const RopeTables& t,
                            at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& write_index);

// The ATen composite x·cos + rotate_half(x)·sin for x [T, heads, D]: the CPU path and the reference
// the kernel is tested against (differentiable through autograd).
at::Tensor apply_rope_reference(const at::Tensor& x, const RopeTables& t);

}  // namespace grpo
