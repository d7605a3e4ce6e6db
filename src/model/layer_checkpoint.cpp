// The reentrant variant (as torch.utils.checkpoint with use_reentrant=True): a custom autograd node
// whose backward runs a nested backward over the recomputed layer graph. Dropout-free layers and
// deterministic kernels make the recomputation identical to the first forward. Only packed (training)
// forwards are checkpointed; what attention needs is saved in the node, since the caller's batch and
// context may be gone by the time backward runs.
#include "src/model/layer_checkpoint.h"

#include <torch/torch.h>

#include "src/model/packed_batch.h"

namespace grpo {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct LayerCheckpoint : public torch::autograd::Function<LayerCheckpoint> {
  // `params` only tells autograd that the output depends on the layer's weights.
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, DecoderLayerImpl* layer,
                               const AttentionContext* attn, at::TensorList /*params*/) {
    ctx->save_for_backward({x});
    ctx->saved_data["layer"] = reinterpret_cast<int64_t>(layer);
    ctx->saved_data["cos"] = attn->rope.cos;
    ctx->saved_data["sin"] = attn->rope.sin;
    ctx->saved_data["cu_seqlens"] = attn->packed->cu_seqlens;
    ctx->saved_data["lengths"] = attn->packed->lengths;
    ctx->saved_data["max_seqlen"] = attn->packed->max_seqlen;
    at::NoGradGuard no_grad;
    return {layer->forward(x, *attn)};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto* layer = reinterpret_cast<DecoderLayerImpl*>(ctx->saved_data["layer"].toInt());
    PackedBatch batch;
    batch.cu_seqlens = ctx->saved_data["cu_seqlens"].toTensor();
    batch.lengths = ctx->saved_data["lengths"].toIntVector();
    batch.max_seqlen = ctx->saved_data["max_seqlen"].toInt();
    AttentionContext attn;
    attn.rope = RopeTables{ctx->saved_data["cos"].toTensor(), ctx->saved_data["sin"].toTensor()};
    attn.packed = &batch;
    auto x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    at::Tensor y;
    {
      at::AutoGradMode enable(true);
      y = layer->forward(x, attn);
    }
    torch::autograd::backward({y}, {grads[0]});
    // x, layer, attn, then one (undefined: already accumulated) gradient per parameter.
    variable_list out{x.grad(), at::Tensor(), at::Tensor()};
    out.resize(3 + layer->parameters().size());
    return out;
  }
};

}  // namespace

at::Tensor checkpointed_layer_forward(DecoderLayerImpl& layer, const at::Tensor& x, const AttentionContext& ctx) {
  const auto params = layer.parameters();
  return LayerCheckpoint::apply(x, &layer, &ctx, at::TensorList(params))[0];
}

}  // namespace grpo
