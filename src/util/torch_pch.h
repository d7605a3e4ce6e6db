// Precompiled header for the translation units that use LibTorch (see cmake/Sources.cmake).
#pragma once
#include <torch/torch.h>
