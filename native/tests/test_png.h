#pragma once
#include <ATen/ATen.h>

#include <string>

namespace ppd::test {

// Decodes the fixtures' PNGs (8-bit, non-interlaced gray / gray+alpha / RGB / RGBA) into an [H, W, C]
// uint8 tensor. Tests only: the product receives pixels already decoded by TypeScript.
at::Tensor decodePng(const std::string& path);

}  // namespace ppd::test
