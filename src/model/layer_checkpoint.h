// Activation (gradient) checkpointing of one decoder layer (Chen et al., arXiv:1604.06174): the
// forward keeps only the layer input; backward re-runs the layer with grad enabled and back-propagates
// through it, accumulating parameter gradients as usual. Trades one extra layer forward for memory.
#pragma once
#include <ATen/core/Tensor.h>

#include "src/model/layers.h"

namespace grpo {

at::Tensor checkpointed_layer_forward(DecoderLayerImpl& layer, const at::Tensor& x, const AttentionContext& ctx);

}  // namespace grpo
