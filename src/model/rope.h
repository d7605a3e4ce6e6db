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
at::Tensor apply_rope(const at::Tensor& x, const RopeTables& t);  // x [T, heads, D]

}  // namespace grpo
