// The engine's device checks (ARCHITECTURE.md "Testing without a GPU"): every golden case on a
// device in each dtype, compared with the reference's outputs; the scoring (and PickScore) goldens likewise;
// cancellation; on CUDA also the out-of-memory error code and recovery, and the cache flush.
// Prints one line per check and a summary; exits 1 when a check fails. scripts/gpu-check.sh builds and runs it on a GPU machine;
// `--device cpu` runs the same checks here (test/engine/gpu-check.test.ts keeps it working).
//
// fp32 must match the golden tolerances (times --fp32-factor on CUDA, where TF32 is switched off
// but kernels still sum in another order). fp16/bf16 have no golden of their own: their distance
// to the fp32 reference is reported (mean and max level difference of the image), and only a
// non-finite result fails.
#include <ATen/ATen.h>
#include <ATen/Context.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/cancel.h"
#include "engine/core/capture.h"
#include "engine/core/error.h"
#include "engine/device/device.h"
#include "engine/device/runtime.h"
#include "engine/pipeline/diffusion_pipeline.h"
#include "engine/scoring/clip_scorer.h"
#include "golden/golden_case.h"

namespace {

using Clock = std::chrono::steady_clock;
using ppd::golden::GoldenCase;

struct Options {
  std::string fixtures;
  std::string device = "cuda";
  std::vector<std::string> dtypes = {"fp32", "fp16", "bf16"};
  std::vector<std::string> models = ppd::golden::tinyModels();
  double fp32Factor = 10;  // CUDA only; CPU uses the golden tolerances as they are
  std::string jsonOut;
};

int usage() {
  std::cerr << "usage: gpu-check --fixtures DIR [--device cuda|cpu] [--dtypes fp32,fp16,bf16]\n"
               "                 [--models sd15-tiny,...] [--fp32-factor X] [--json FILE]\n";
  return 2;
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

double ms(Clock::time_point since) { return std::chrono::duration<double, std::milli>(Clock::now() - since).count(); }

class Report {
 public:
  void add(const std::string& check, bool pass, nlohmann::json detail) {
    detail["check"] = check;
    detail["pass"] = pass;
    std::cout << (pass ? "PASS " : "FAIL ") << std::left << std::setw(58) << check << " " << describe(detail) << "\n"
              << std::flush;
    failed_ += pass ? 0 : 1;
    checks_.push_back(std::move(detail));
  }
  void info(const std::string& what, nlohmann::json detail) {
    std::cout << "     " << std::left << std::setw(58) << what << " " << describe(detail) << "\n" << std::flush;
    detail["info"] = what;
    checks_.push_back(std::move(detail));
  }
  int failed() const { return failed_; }
  nlohmann::json json() const { return checks_; }

 private:
  static std::string describe(const nlohmann::json& d) {
    std::ostringstream out;
    for (const auto& [k, v] : d.items()) {
      if (k == "check" || k == "pass") continue;
      out << k << "=" << (v.is_number_float() ? formatNumber(v.get<double>()) : v.dump()) << " ";
    }
    return out.str();
  }
  static std::string formatNumber(double v) {
    std::ostringstream out;
    out << std::setprecision(4) << v;
    return out.str();
  }
  std::vector<nlohmann::json> checks_;
  int failed_ = 0;
};

// uint8 images [H, W, 3]: mean and max absolute level difference, fraction within `levels`.
nlohmann::json imageDistance(const at::Tensor& ours, const at::Tensor& reference, int64_t levels) {
  const at::Tensor d = (ours.to(at::kCPU).to(at::kInt) - reference.to(at::kInt)).abs();
  return {{"meanLevelDiff", d.to(at::kDouble).mean().item<double>()},
          {"maxLevelDiff", d.max().item<int64_t>()},
          {"withinLevels", levels},
          {"fractionWithin", d.le(levels).to(at::kDouble).mean().item<double>()}};
}

struct Failure {
  std::string code = "none";  // the engine's error code; "none" when the work succeeded
  std::string message;
};

// Runs `work`, catching what it throws as the engine would report it.
Failure failureOf(const std::function<void()>& work) {
  try {
    work();
  } catch (...) {
    const auto e = ppd::classifyCurrentException();
    return {ppd::errorCodeName(e.code), e.message.substr(0, 160)};
  }
  return {};
}

class Checker {
 public:
  Checker(Options options, Report& report) : o_(std::move(options)), report_(report), device_(ppd::parseDevice(o_.device)) {}

  void goldenCases() {
    for (const auto& model : o_.models) {
      const auto cases = ppd::golden::loadCases(o_.fixtures, model);
      for (const auto& dtypeName : o_.dtypes) {
        const auto dtype = ppd::parseDtype(dtypeName);
        auto pipeline = ppd::DiffusionPipeline::load({cases.front().modelDir, device_, dtype, "auto", nullptr});
        for (const auto& c : cases) checkCase(*pipeline, c, dtypeName);
        pipeline->dispose();
      }
    }
  }

  void cancellation() {
    const auto c = ppd::golden::loadCases(o_.fixtures, "sd15-tiny").front();
    auto pipeline = ppd::DiffusionPipeline::load({c.modelDir, device_, at::kFloat, "auto", nullptr});
    ppd::CancelToken token;
    ppd::Capture none;
    int64_t lastStep = -1;
    const Failure f = failureOf([&] {
      pipeline->generate(ppd::golden::generateRequest(c), none, token, [&](const ppd::StepEvent& e) {
        lastStep = e.index;
        if (e.index == 1) token.cancel();
      });
    });
    report_.add("cancel after step 1 stops before step 2", f.code == "ERR_CANCELLED" && lastStep == 1,
                {{"code", f.code}, {"lastStep", lastStep}});
    pipeline->dispose();
  }

  // One UNet evaluation far larger than any device (conv_in's output alone, 2 x 32 x 40960^2 fp16,
  // is 215 GB) fails with ERR_CUDA_OOM, and the same pipeline then generates normally.
  void outOfMemory() {
    const auto c = ppd::golden::loadCases(o_.fixtures, "sd15-tiny").front();
    auto pipeline = ppd::DiffusionPipeline::load({c.modelDir, device_, at::kHalf, "auto", nullptr});
    ppd::CancelToken token;
    ppd::Capture none;
    const Failure oom = failureOf([&] {
      const at::Tensor text = pipeline->encodeText({ppd::golden::tokens(c, "prompt.0")}, none).promptEmbeds;
      const int64_t side = 40960;
      const at::Tensor sample = at::zeros({2, 4, side, side}, at::TensorOptions().device(device_).dtype(at::kHalf));
      const at::Tensor timestep = at::full({2}, 999, at::TensorOptions().device(device_).dtype(at::kLong));
      pipeline->runUnet(sample, timestep, text.repeat({2, 1, 1}), at::Tensor(), at::Tensor());
    });
    report_.add("a UNet call beyond device memory fails with ERR_CUDA_OOM", oom.code == "ERR_CUDA_OOM",
                {{"code", oom.code}, {"message", oom.message}});
    bool produced = false;
    const Failure after = failureOf([&] {
      produced = pipeline->generate(ppd::golden::generateRequest(c), none, token, nullptr).image.defined();
    });
    report_.add("the same pipeline generates after the OOM", produced && after.code == "none",
                {{"code", after.code}, {"message", after.message}});
    pipeline->dispose();
  }

  // CLIP and aesthetic scores of the scoring fixtures' images against their texts, per dtype. The
  // images go in already resized by the reference (a resize to the same size is the identity), so
  // the check needs no PNG decoder.
  void scoring() {
    const std::string dir = o_.fixtures + "/scoring";
    const ppd::Json json = ppd::readJsonFile(dir + "/scoring_golden.json");
    const auto golden = ppd::loadAllTensors(dir + "/" + json.at("tensors_file").get<std::string>());
    std::vector<at::Tensor> images, embeds, clip, aesthetic;
    for (const auto& [name, _] : json.at("images").items()) {
      images.push_back(golden.at(name + ".resized_uint8"));
      embeds.push_back(golden.at(name + ".image_embeds"));
      clip.push_back(golden.at(name + ".clip_score").unsqueeze(0));
      aesthetic.push_back(golden.at(name + ".aesthetic"));
    }
    const at::Tensor wantEmbeds = at::cat(embeds), wantClip = at::cat(clip), wantAesthetic = at::cat(aesthetic);
    const auto maxDiff = [](const at::Tensor& a, const at::Tensor& b) {
      return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
    };
    for (const auto& dtypeName : o_.dtypes) {
      const std::string where = "scoring " + std::to_string(images.size()) + " images x " +
                                std::to_string(golden.at("text.input_ids").size(0)) + " texts " + dtypeName + " on " + o_.device;
      ppd::ClipScores scores;
      const Failure f = failureOf([&] {
        const ppd::ClipScorer scorer(dir + "/tiny-clip", dir + "/tiny-aesthetic/model.safetensors",
                                     at::TensorOptions().device(device_).dtype(ppd::parseDtype(dtypeName)));
        scores = scorer.score(images, golden.at("text.input_ids"));
      });
      if (f.code != "none") {
        report_.add(where, false, {{"code", f.code}, {"message", f.message}});
        continue;
      }
      const nlohmann::json detail = {{"imageEmbedsMaxDiff", maxDiff(scores.imageEmbeds, wantEmbeds)},
                                     {"clipScoreMaxDiff", maxDiff(scores.clipScore, wantClip)},
                                     {"aestheticMaxDiff", maxDiff(scores.aesthetic, wantAesthetic)},
                                     {"ms", scores.timings.totalMs}};
      const bool finite = scores.clipScore.isfinite().all().item<bool>() && scores.aesthetic.isfinite().all().item<bool>();
      if (dtypeName == "fp32") {
        const double factor = device_.is_cuda() ? o_.fp32Factor : 1.0;
        // The engine tests' bounds (native/tests/scoring_models_test.cpp).
        const bool pass = finite && detail["imageEmbedsMaxDiff"].get<double>() <= 1e-4 * factor &&
                          detail["clipScoreMaxDiff"].get<double>() <= 1e-3 * factor &&
                          detail["aestheticMaxDiff"].get<double>() <= 1e-3 * factor;
        report_.add(where, pass, detail);
      } else {
        report_.add(where + " (finite; distance reported)", finite, detail);
      }
    }
  }

  // PickScore (tiny-pickscore: gelu, legacy eos 2 pooling, processor folder of its own) against
  // pickscore_golden, per dtype. Its processor config equals tiny-clip's, so the scoring golden's
  // resized images serve as input here too (no PNG decoder).
  void pickscore() {
    const std::string dir = o_.fixtures + "/scoring";
    const ppd::Json scoringJson = ppd::readJsonFile(dir + "/scoring_golden.json");
    const auto resized = ppd::loadAllTensors(dir + "/" + scoringJson.at("tensors_file").get<std::string>());
    const ppd::Json json = ppd::readJsonFile(dir + "/pickscore_golden.json");
    const auto golden = ppd::loadAllTensors(dir + "/" + json.at("tensors_file").get<std::string>());
    std::vector<at::Tensor> images, embeds, scores;
    for (const auto& name : json.at("image_order")) {
      const std::string n = name.get<std::string>();
      images.push_back(resized.at(n + ".resized_uint8"));
      embeds.push_back(golden.at(n + ".image_embeds"));
      scores.push_back(golden.at(n + ".pickscore").unsqueeze(0));
    }
    const at::Tensor wantEmbeds = at::cat(embeds), wantScores = at::cat(scores);
    const at::Tensor wantProbs = golden.at("probs_texts_x_images");
    const auto maxDiff = [](const at::Tensor& a, const at::Tensor& b) {
      return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
    };
    for (const auto& dtypeName : o_.dtypes) {
      const std::string where = "pickscore " + std::to_string(images.size()) + " images x " +
                                std::to_string(golden.at("text.input_ids").size(0)) + " texts " + dtypeName + " on " + o_.device;
      ppd::ClipScores s;
      const Failure f = failureOf([&] {
        const ppd::ClipScorer scorer(dir + "/tiny-pickscore", "", at::TensorOptions().device(device_).dtype(ppd::parseDtype(dtypeName)),
                                     dir + "/tiny-pickscore-processor");
        s = scorer.score(images, golden.at("text.input_ids"));
      });
      if (f.code != "none") {
        report_.add(where, false, {{"code", f.code}, {"message", f.message}});
        continue;
      }
      const nlohmann::json detail = {{"imageEmbedsMaxDiff", maxDiff(s.imageEmbeds, wantEmbeds)},
                                     {"textEmbedsMaxDiff", maxDiff(s.textEmbeds, golden.at("text_embeds"))},
                                     {"pickscoreMaxDiff", maxDiff(s.logits, wantScores)},
                                     {"probsMaxDiff", maxDiff(at::softmax(s.logits.t(), 1), wantProbs)},
                                     {"ms", s.timings.totalMs}};
      const bool finite = s.logits.isfinite().all().item<bool>();
      if (dtypeName == "fp32") {
        const double factor = device_.is_cuda() ? o_.fp32Factor : 1.0;
        // The engine tests' bounds (native/tests/pickscore_test.cpp).
        const bool pass = finite && detail["imageEmbedsMaxDiff"].get<double>() <= 1e-4 * factor &&
                          detail["textEmbedsMaxDiff"].get<double>() <= 1e-4 * factor &&
                          detail["pickscoreMaxDiff"].get<double>() <= 1e-3 * factor &&
                          detail["probsMaxDiff"].get<double>() <= 1e-3 * factor;
        report_.add(where, pass, detail);
      } else {
        report_.add(where + " (finite; distance reported)", finite, detail);
      }
    }
  }

  // With every pipeline disposed, flushing gives the cached blocks back to the driver.
  void cacheFlush() {
    const auto before = ppd::memoryStats(false);
    const bool flushed = ppd::emptyDeviceCache();
    const auto after = ppd::memoryStats(false);
    report_.add("emptyCache returns reserved memory", flushed && after.reserved <= before.reserved,
                {{"flushed", flushed}, {"reservedBefore", before.reserved}, {"reservedAfter", after.reserved},
                 {"allocatedAfter", after.allocated}, {"peakReserved", after.peakReserved}});
  }

 private:
  void checkCase(ppd::DiffusionPipeline& pipeline, const GoldenCase& c, const std::string& dtype) {
    const std::string where = c.model + "/" + c.name + " " + dtype + " on " + o_.device;
    const auto& tol = c.json.at("tolerance");
    ppd::CancelToken token;
    ppd::Capture none;
    const auto started = Clock::now();
    ppd::GenerateResult r;
    const Failure f = failureOf([&] { r = pipeline.generate(ppd::golden::generateRequest(c), none, token, nullptr); });
    if (f.code != "none") {
      report_.add(where, false, {{"code", f.code}, {"message", f.message}});
      return;
    }
    const double wallMs = ms(started);
    const at::Tensor latents = r.latents.to(at::kCPU).to(at::kDouble);
    const double latentDiff = (latents - c.tensors.at("latents_final").to(at::kDouble)).abs().max().item<double>();
    const bool finite = latents.isfinite().all().item<bool>();
    const auto uint8Tol = tol.at("image_uint8");
    auto image = imageDistance(r.image, c.tensors.at("image_uint8"), uint8Tol.at("max_level_diff").get<int64_t>());
    nlohmann::json detail = {{"latentsMaxDiff", latentDiff}, {"ms", wallMs}};
    detail.update(image);
    detail.update(graphVersusEager(pipeline, c, r, latents));
    if (dtype == "fp32") {
      const double factor = device_.is_cuda() ? o_.fp32Factor : 1.0;
      const double atol = tol.at("latents_final_atol").get<double>() * factor;
      const bool pass = finite && latentDiff <= atol &&
                        image.at("fractionWithin").get<double>() >= uint8Tol.at("min_fraction_within").get<double>();
      detail["latentsAtol"] = atol;
      report_.add(where, pass, detail);
    } else {
      report_.add(where + " (finite; distance reported)", finite, detail);
    }
  }

  static double meanOf(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? 0 : sum / static_cast<double>(v.size());
  }

  // What the default (auto) call did about CUDA graphs and, on CUDA, the same request run eager:
  // its latents against the graph replay's and the UNet step time of each.
  nlohmann::json graphVersusEager(ppd::DiffusionPipeline& pipeline, const GoldenCase& c, const ppd::GenerateResult& r,
                                  const at::Tensor& latents) {
    nlohmann::json out = {{"cudaGraphs", r.cudaGraphs.used ? std::string("used") : "eager: " + r.cudaGraphs.reason},
                          {"graphCaptureMs", r.timings.graphCaptureMs},
                          {"unetMsMean", meanOf(r.timings.unetMs)}};
    if (!device_.is_cuda()) return out;
    ppd::GenerateRequest request = ppd::golden::generateRequest(c);
    request.cudaGraphs = ppd::CudaGraphMode::Off;
    ppd::CancelToken token;
    ppd::Capture none;
    ppd::GenerateResult eager;
    const Failure f = failureOf([&] { eager = pipeline.generate(request, none, token, nullptr); });
    if (f.code != "none") {
      out["eagerError"] = f.code + ": " + f.message;
      return out;
    }
    out["eagerUnetMsMean"] = meanOf(eager.timings.unetMs);
    out["graphVsEagerLatentsMaxDiff"] = (eager.latents.to(at::kCPU).to(at::kDouble) - latents).abs().max().item<double>();
    return out;
  }

  Options o_;
  Report& report_;
  at::Device device_;
};

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--fixtures") o.fixtures = value;
    else if (flag == "--device") o.device = value;
    else if (flag == "--dtypes") o.dtypes = splitList(value);
    else if (flag == "--models") o.models = splitList(value);
    else if (flag == "--fp32-factor") o.fp32Factor = std::stod(value);
    else if (flag == "--json") o.jsonOut = value;
    else throw std::invalid_argument("unknown flag " + flag);
  }
  if (o.fixtures.empty()) throw std::invalid_argument("--fixtures DIR is required");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parseArgs(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "gpu-check: " << e.what() << "\n";
    return usage();
  }
  ppd::configureRuntime();
  // Real fp32 on CUDA: TF32 matmuls and convolutions would differ from the reference by ~1e-3.
  at::globalContext().setAllowTF32CuBLAS(false);
  at::globalContext().setAllowTF32CuDNN(false);
  Report report;
  try {
    const auto info = ppd::deviceInfo();
    report.info("device", {{"libtorch", info.torchVersion}, {"cudaBuild", info.cudaBuild},
                           {"cudaAvailable", info.cudaAvailable}, {"name", info.deviceName},
                           {"capability", std::to_string(info.capabilityMajor) + "." + std::to_string(info.capabilityMinor)},
                           {"totalMemory", info.totalMemory}, {"threads", info.threads}});
    const bool cuda = options.device.starts_with("cuda");  // before parseDevice, which refuses CUDA on a CPU build
    if (cuda && !info.cudaAvailable) {
      report.add("a CUDA device is available", false, {{"cudaBuild", info.cudaBuild}});
    } else {
      Checker checker(options, report);
      checker.goldenCases();
      checker.scoring();
      checker.pickscore();
      checker.cancellation();
      if (cuda) {
        checker.outOfMemory();
        checker.cacheFlush();
      }
    }
  } catch (...) {
    const auto e = ppd::classifyCurrentException();
    report.add("gpu-check ran to the end", false, {{"error", ppd::errorCodeName(e.code)}, {"message", e.message}});
  }
  if (!options.jsonOut.empty()) std::ofstream(options.jsonOut) << report.json().dump(2) << "\n";
  std::cout << (report.failed() == 0 ? "gpu-check: all checks passed\n"
                                     : "gpu-check: " + std::to_string(report.failed()) + " check(s) failed\n");
  return report.failed() == 0 ? 0 : 1;
}
