#!/usr/bin/env python3
"""Loads a checkpoint directory written by our C++ code with HF transformers (local files only) and
prints one JSON line: {"logprobs": [log p(ids[i+1] | ids[..i])]} for the ids given as argv[2] (JSON).
Used by tests/src/model/checkpoint_save_test.cpp to check that transformers reads what we save."""
import json
import sys

import torch
import transformers

model = transformers.AutoModelForCausalLM.from_pretrained(sys.argv[1], dtype=torch.float32, local_files_only=True,
                                                          attn_implementation="eager")
ids = json.loads(sys.argv[2])
with torch.no_grad():
    lp = torch.log_softmax(model(torch.tensor([ids])).logits[0].float(), -1)
print(json.dumps({"logprobs": [lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)]}))
