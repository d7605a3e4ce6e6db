# build/bench/train_throughput: fwd+bwd+AdamW tokens/s and MFU on one GPU (needs CUDA at run time).
grpo_gpu_bench(train_throughput train_throughput.cpp)
