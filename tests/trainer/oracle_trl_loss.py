#!/usr/bin/env python3
"""Oracle for trainer/policy_loss + trainer/aggregate: runs TRL's own GRPOTrainer._compute_loss on
fixed random tensors for every loss_type, with and without the KL term, and writes the inputs and
TRL's loss and clip metrics to <out>/trl_loss_cases.json.

TRL's method is called unbound, on a stand-in `self` that carries exactly the attributes it reads
(one process, one micro-batch, no gradient accumulation); the model forward it would run is
replaced by returning the given per-token log-probs. Versions: trl and torch as in
tools/requirements.txt.
"""
import json
import pathlib
import sys
import types
from collections import defaultdict

import torch

try:
    import trl
    from trl.trainer.grpo_trainer import GRPOTrainer
except ImportError:
    # The GPU machine has no trl; there only the `cuda` tests run, which do not read this oracle. Where the
    # TRL comparison tests do run (CI, developers), the missing reference file makes them fail loudly.
    print("oracle_trl_loss: trl is not installed; no TRL reference written")
    sys.exit(0)

out_dir = pathlib.Path(sys.argv[1])
out_dir.mkdir(parents=True, exist_ok=True)


def fake_trainer(loss_type, beta, eps_low, eps_high, delta, max_len, logp):
    accel = types.SimpleNamespace(
        num_processes=1,
        gather=lambda x: x,
        gather_for_metrics=lambda x: x,
        reduce=lambda x, reduction="sum": x,
        sync_gradients=True,
    )
    args = types.SimpleNamespace(use_bias_correction_kl=False, delta=delta, steps_per_generation=1)
    self = types.SimpleNamespace(
        top_entropy_quantile=1.0, off_policy_mask_threshold=None, importance_sampling_level="token",
        beta=beta, args=args, loss_type=loss_type, epsilon_low=eps_low, epsilon_high=eps_high,
        use_vllm=False, vllm_importance_sampling_correction=False, model=types.SimpleNamespace(training=True),
        current_gradient_accumulation_steps=1, accelerator=accel, max_completion_length=max_len,
        _entropy_bonus_enabled=False, aux_loss_enabled=False, _metrics={"train": defaultdict(list)},
    )
    self._get_per_token_logps_and_entropies = lambda *a, **k: (logp, torch.zeros_like(logp), None)
    return self


g = torch.Generator().manual_seed(1234)
N, T = 6, 9
cases = []
for loss_type in ["grpo", "bnpo", "dr_grpo", "dapo"]:
    for beta in [0.0, 0.04]:
        for eps_low, eps_high, delta in [(0.2, 0.2, None), (0.2, 0.28, None), (0.1, 0.3, 1.5)]:
            logp = -torch.rand(N, T, generator=g, dtype=torch.float64) * 3
            old = logp + (torch.rand(N, T, generator=g, dtype=torch.float64) - 0.5) * 0.8
            ref = logp + (torch.rand(N, T, generator=g, dtype=torch.float64) - 0.5) * 0.6
            adv = torch.randn(N, generator=g, dtype=torch.float64)
            lengths = torch.randint(1, T + 1, (N,), generator=g)
            mask = (torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)).to(torch.int64)
            max_len = T + 3
            inputs = {
                "prompt_ids": torch.zeros(N, 1, dtype=torch.long), "prompt_mask": torch.ones(N, 1, dtype=torch.long),
                "completion_ids": torch.zeros(N, T, dtype=torch.long), "completion_mask": mask,
                "advantages": adv, "old_per_token_logps": old, "num_items_in_batch": mask.sum().to(torch.float64),
            }
            if beta:
                inputs["ref_per_token_logps"] = ref
            leaf = logp.clone().requires_grad_(True)
            self = fake_trainer(loss_type, beta, eps_low, eps_high, delta, max_len, leaf)
            loss = GRPOTrainer._compute_loss(self, None, inputs)
            loss.backward()
            m = self._metrics["train"]
            cases.append({
                "loss_type": loss_type, "beta": beta, "eps_low": eps_low, "eps_high": eps_high,
                "delta": delta if delta is not None else 0.0, "max_completion_length": max_len,
                "logp": logp.tolist(), "logp_old": old.tolist(), "logp_ref": ref.tolist(),
                "advantages": adv.tolist(), "mask": mask.tolist(),
                "loss": loss.item(), "grad": leaf.grad.tolist(),
                "clip_low": m["clip_ratio/low_mean"][0], "clip_high": m["clip_ratio/high_mean"][0],
                "clip_region": m["clip_ratio/region_mean"][0], "kl": m["kl"][0] if beta else 0.0,
            })

(out_dir / "trl_loss_cases.json").write_text(json.dumps({"trl": trl.__version__, "torch": torch.__version__,
                                                        "cases": cases}))
print(f"wrote {len(cases)} TRL loss cases (trl {trl.__version__})")
