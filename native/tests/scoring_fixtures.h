#pragma once
// The scoring fixtures (<shared>/fixtures/scoring) that the preprocessing and model tests both read.
// Internal linkage (and maybe_unused), like golden_util.h.
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "test_framework.h"
#include "test_png.h"

namespace {

// Every image the scoring goldens cover, in the goldens' batch order.
const std::vector<std::string> kScoringImages = {
    "synthetic_gradient_50x37",       "synthetic_noise_40x71",          "synthetic_gray_L_33x33",
    "sd15-tiny__astronaut_pndm10",    "sdxl-tiny__lighthouse_w96h64_zeroneg", "sd21-tiny__fisherman_ddim10_vpred",
};

[[maybe_unused]] std::string scoringDir() { return ppd::test::sharedDir() + "/fixtures/scoring"; }

// One of kScoringImages as decoded pixels [H, W, C] uint8.
[[maybe_unused]] at::Tensor scoringImage(const std::string& name) {
  return ppd::test::decodePng(scoringDir() + "/images/" + name + ".png");
}

}  // namespace
