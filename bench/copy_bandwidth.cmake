# build/bench/copy_bandwidth: the device's copy bandwidth (read + write bytes per second), the denominator of
# the rollout benchmark's roofline (needs CUDA at run time).
grpo_gpu_bench(copy_bandwidth copy_bandwidth.cpp)
