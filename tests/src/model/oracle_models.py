#!/usr/bin/env python3
"""Oracle for tests/src/model: tiny random Qwen2, Qwen3 and Llama checkpoints made by HF transformers,
with reference per-token log-probs and 24-token greedy continuations computed by transformers itself.

Writes into argv[1]/model/<name>/ (an HF checkpoint) and <name>/reference.json:
  {"prompts": [[ids]], "logprobs": [[log p(ids[i+1] | ids[..i])]], "greedy": [[24 ids]], "versions": {...}}
Variants cover GQA, tied and untied embeddings, Qwen2 q/k/v bias with linear RoPE scaling, Qwen3 q/k
norm with head_dim != hidden/heads, Llama 3 RoPE scaling with attention and MLP biases, and an HF-sharded
save. Weights are drawn with a larger spread than HF's init so that the log-probs are far from uniform.
"""
import json
import os
import sys

import torch
import transformers

OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.environ["GRPO_TESTDATA"], "model")
VOCAB = 256

COMMON = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2, max_position_embeddings=256,
              rms_norm_eps=1e-6, bos_token_id=1, eos_token_id=2)

VARIANTS = {
    # GQA 4:2, tied embeddings, q/k/v bias (always on in Qwen2), linear RoPE scaling.
    "qwen2": (transformers.Qwen2Config, dict(COMMON, num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                                             rope_parameters={"rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0})),
    # Explicit head_dim 32 (q width 128 != hidden 64), q/k RMSNorm, untied, GQA 4:2.
    "qwen3": (transformers.Qwen3Config, dict(COMMON, num_attention_heads=4, num_key_value_heads=2, head_dim=32,
                                             tie_word_embeddings=False,
                                             rope_parameters={"rope_type": "default", "rope_theta": 1000000.0})),
    # Llama 3 RoPE scaling (original context 32 so that positions < 64 exercise all three bands), MQA 4:1,
    # attention and MLP biases, untied.
    "llama": (transformers.LlamaConfig, dict(COMMON, num_attention_heads=4, num_key_value_heads=1, tie_word_embeddings=False,
                                             attention_bias=True, mlp_bias=True, rms_norm_eps=1e-5,
                                             rope_parameters={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                              "high_freq_factor": 4.0, "original_max_position_embeddings": 32,
                                                              "rope_theta": 500000.0})),
}

PROMPTS = [[1, 17, 33, 250, 4, 99, 100, 7],
           [1, 5],
           [1, 200, 201, 202, 13, 13, 13, 64, 128, 255, 0, 3, 77, 45, 91, 12, 8, 190, 31, 60, 61, 62, 63]]


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if "norm" in name:
                p.copy_(1.0 + 0.1 * noise)
            elif name.endswith(".bias"):
                p.copy_(0.1 * noise)
            else:
                p.copy_(0.15 * noise)


def logprobs(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].float()
    lp = torch.log_softmax(logits, -1)
    return [lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)]


def greedy(model, ids, n=24):
    seq = list(ids)
    with torch.no_grad():
        for _ in range(n):  # full forward each step: independent of any KV cache implementation
            seq.append(int(model(torch.tensor([seq])).logits[0, -1].argmax()))
    return seq[len(ids):]


def safetensors_files():
    """A small file written by the reference safetensors library, with values the test knows."""
    from safetensors.torch import save_file
    os.makedirs(os.path.join(OUT, "st"), exist_ok=True)
    save_file({"a": torch.arange(6, dtype=torch.float32).reshape(2, 3),   # 0..5
               "b": torch.tensor([1.5, -2.0], dtype=torch.bfloat16),      # exact in bf16
               "c": torch.tensor([7, -9], dtype=torch.int64),
               "d": torch.tensor([0.25], dtype=torch.float16)},
              os.path.join(OUT, "st", "simple.safetensors"), metadata={"note": "oracle"})


def main():
    torch.manual_seed(0)
    safetensors_files()
    versions = {"torch": torch.__version__, "transformers": transformers.__version__}
    for seed, (name, (cls, kw)) in enumerate(VARIANTS.items()):
        config = cls(**kw)
        config._attn_implementation = "eager"
        model = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.float32, attn_implementation="eager")
        randomize(model, seed + 1)
        model.eval()
        path = os.path.join(OUT, name)
        model.save_pretrained(path)
        ref = {"prompts": PROMPTS, "logprobs": [logprobs(model, p) for p in PROMPTS],
               "greedy": [greedy(model, p) for p in PROMPTS], "versions": versions,
               "command": "tests/src/model/oracle_models.py"}
        with open(os.path.join(path, "reference.json"), "w") as f:
            json.dump(ref, f)
        if name == "qwen2":  # the same weights as HF writes them when sharding
            model.save_pretrained(os.path.join(OUT, "qwen2_sharded"), max_shard_size="40KB")
    print("oracle_models: wrote", OUT)


if __name__ == "__main__":
    main()
