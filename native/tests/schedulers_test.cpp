#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "engine/core/error.h"
#include "engine/io/safetensors.h"
#include "engine/schedulers/scheduler_factory.h"
#include "test_framework.h"

using ppd::ErrorCode;
using ppd::Json;

namespace {

// Python's json module writes float('-inf') as the bare token -Infinity (DPMSolver's
// lambda_min_clipped), which is not JSON; turn such tokens outside strings into the strings the
// scheduler config accepts.
Json readPythonJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ppd::test::Failure("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::string out;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') inString = false;
      continue;
    }
    if (c == '"') inString = true;
    bool replaced = false;
    for (const char* token : {"-Infinity", "Infinity", "NaN"}) {
      if (text.compare(i, std::strlen(token), token) == 0) {
        out += std::string("\"") + token + "\"";
        i += std::strlen(token) - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return Json::parse(out);
}

double jsonNumber(const Json& v) {
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  return v.get<double>();
}

bool sameConfigValue(const Json& ours, const Json& ref) {
  const bool numeric = ref.is_number() || (ref.is_string() && (ref == "-Infinity" || ref == "Infinity"));
  if (numeric && (ours.is_number() || ours.is_string())) {
    const double a = jsonNumber(ours), b = jsonNumber(ref);
    return a == b || std::abs(a - b) <= 1e-12 * std::abs(b);
  }
  return ours == ref;
}

bool closeRel(double ours, double ref, double rtol) {
  if (ours == ref) return true;
  return std::abs(ours - ref) <= rtol * std::max(std::abs(ref), 1e-30);
}

// max |ours - ref| / max(1, |ref|) over all elements.
double trajectoryError(const at::Tensor& ours, const at::Tensor& ref) {
  const auto a = ours.to(at::kDouble), b = ref.to(at::kDouble);
  return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
}

std::string fmt(const std::vector<double>& v) {
  std::ostringstream os;
  os.precision(9);
  os << "[";
  for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  return os.str() + "]";
}

// Walks one golden file: config resolution, then for every N the tables and the trajectory.
// Returns the failures found (empty when it all agrees) and counts the step counts that passed.
std::vector<std::string> checkGolden(const std::string& dir, const std::string& name, int& nPassed, int& nTotal,
                                     double& worstError) {
  std::vector<std::string> failures;
  const Json golden = readPythonJson(dir + "/" + name + ".json");
  const std::string className = golden["config_given"]["_class_name"];
  std::vector<std::string> ignored;
  auto sched = ppd::createScheduler(className, golden["config_given"], Json::object(), &ignored);

  for (const auto& [key, value] : golden["config_resolved"].items()) {
    if (key[0] == '_') continue;
    if (!sched->resolvedConfig().contains(key) || !sameConfigValue(sched->resolvedConfig()[key], value))
      failures.push_back(name + ": resolved config \"" + key + "\" is " +
                         (sched->resolvedConfig().contains(key) ? sched->resolvedConfig()[key].dump() : "missing") +
                         ", diffusers has " + value.dump());
  }
  for (const auto& [key, value] : sched->resolvedConfig().items())
    if (!golden["config_resolved"].contains(key))
      failures.push_back(name + ": resolved config has extra key \"" + key + "\"");

  const auto tensors = ppd::loadAllTensors(dir + "/" + golden["trajectory"]["file"].get<std::string>());
  const auto& init = tensors.at("init");
  const auto& pattern = tensors.at("pattern");
  for (const auto& [nKey, info] : golden["step_counts"].items()) {
    ++nTotal;
    const size_t before = failures.size();
    const int64_t n = std::stoll(nKey);
    const std::string tag = name + " N=" + nKey;
    sched->setTimesteps(n);

    const auto ours = sched->timestepValues();
    std::vector<double> ref;
    for (const auto& v : info["timesteps"]) ref.push_back(v.get<double>());
    bool same = ours.size() == ref.size();
    for (size_t i = 0; same && i < ref.size(); ++i) same = closeRel(ours[i], ref[i], 1e-5);
    if (!same) failures.push_back(tag + ": timesteps " + fmt(ours) + " vs " + fmt(ref));

    const auto sigmas = sched->sigmas();
    if (info["sigmas"].is_null() != !sigmas.has_value()) {
      failures.push_back(tag + ": sigmas presence differs");
    } else if (sigmas) {
      std::vector<double> refSigmas, ourSigmas;
      for (const auto& v : info["sigmas"]) refSigmas.push_back(v.get<double>());
      for (int64_t i = 0; i < sigmas->numel(); ++i) ourSigmas.push_back((*sigmas)[i].item<double>());
      bool ok = ourSigmas.size() == refSigmas.size();
      for (size_t i = 0; ok && i < refSigmas.size(); ++i) ok = closeRel(ourSigmas[i], refSigmas[i], 1e-5);
      if (!ok) failures.push_back(tag + ": sigmas " + fmt(ourSigmas) + " vs " + fmt(refSigmas));
    }
    if (!closeRel(sched->initNoiseSigma(), info["init_noise_sigma"].get<double>(), 1e-5))
      failures.push_back(tag + ": init_noise_sigma " + std::to_string(sched->initNoiseSigma()) + " vs " +
                         info["init_noise_sigma"].dump());
    if (sched->order() != info["order"].get<int64_t>()) failures.push_back(tag + ": order differs");
    if (failures.size() > before) continue;  // a wrong table makes the trajectory meaningless

    const std::string prefix = "n" + nKey + ".";
    int64_t goldenSteps = 0;
    while (tensors.count(prefix + "x." + std::to_string(goldenSteps))) ++goldenSteps;
    if (goldenSteps != sched->stepCount()) {
      failures.push_back(tag + ": " + std::to_string(sched->stepCount()) + " steps, golden has " +
                         std::to_string(goldenSteps));
      continue;
    }
    auto x = init * sched->initNoiseSigma();
    for (int64_t i = 0; i < sched->stepCount(); ++i) {
      const std::string si = std::to_string(i);
      const auto xin = sched->scaleModelInput(x, i);
      const double inErr = trajectoryError(xin, tensors.at(prefix + "scaled_input." + si));
      const auto mo = xin * 0.5 + pattern * (0.001 * sched->timestepValue(i));
      const auto noiseIt = tensors.find(prefix + "noise." + si);
      const auto noise = noiseIt == tensors.end() ? ppd::StepNoise() : ppd::StepNoise::given(noiseIt->second);
      x = sched->step(mo, i, x, noise);
      const double xErr = trajectoryError(x, tensors.at(prefix + "x." + si));
      worstError = std::max({worstError, inErr, xErr});
      if (!(inErr <= 1e-4 && xErr <= 1e-4)) {  // NaN fails too
        failures.push_back(tag + " step " + si + ": scaled_input error " + std::to_string(inErr) + ", x error " +
                           std::to_string(xErr));
        break;
      }
    }
    if (failures.size() == before) ++nPassed;
  }
  return failures;
}

at::Tensor testSample() { return at::linspace(-2, 2, 64, at::kFloat).reshape({1, 4, 4, 4}); }

}  // namespace

TEST_CASE("schedulers: every golden trajectory of diffusers v0.30.3 is reproduced") {
  const std::string dir = ppd::test::sharedDir() + "/fixtures/schedulers";
  const Json index = readPythonJson(dir + "/index.json");
  std::vector<std::string> failures;
  int files = 0, passed = 0, total = 0;
  double worst = 0;
  for (const auto& [name, entry] : index["schedulers"].items()) {
    int p = 0, t = 0;
    double fileWorst = 0;
    auto f = checkGolden(dir, name, p, t, fileWorst);
    std::cout << "       " << name << " (" << entry["class"].get<std::string>() << "): " << p << "/" << t
              << " step counts agree, worst error " << fileWorst << "\n";
    worst = std::max(worst, fileWorst);
    failures.insert(failures.end(), f.begin(), f.end());
    ++files;
    passed += p;
    total += t;
  }
  std::cout << "       " << files << " golden files, " << passed << "/" << total
            << " step counts agree; worst trajectory error " << worst << "\n";
  std::string report;
  for (size_t i = 0; i < failures.size() && i < 25; ++i) report += "\n       " + failures[i];
  EXPECT_MSG(failures.empty(), failures.size() << " disagreements:" << report);
  EXPECT(files == 14);
}

TEST_CASE("schedulers: unknown keys are listed, `_` keys and null values are not") {
  const Json model = {{"_class_name", "PNDMScheduler"}, {"_diffusers_version", "0.6.0"},
                      {"beta_schedule", "scaled_linear"}, {"skip_prk_steps", true},
                      {"clip_sample", false},           {"steps_offset", nullptr}};
  const Json overrides = {{"_class_name", "EulerDiscreteScheduler"}, {"prediction_type", "v_prediction"},
                          {"eta", 0.0}, {"skip_prk_steps", false}};
  std::vector<std::string> ignored;
  auto sched = ppd::createScheduler("DDIMScheduler", model, overrides, &ignored);
  EXPECT(sched->className() == "DDIMScheduler");
  EXPECT_MSG((ignored == std::vector<std::string>{"skip_prk_steps", "eta"}), Json(ignored).dump());
  const Json& cfg = sched->resolvedConfig();
  EXPECT(cfg["prediction_type"] == "v_prediction");  // overrides win
  EXPECT(cfg["beta_schedule"] == "scaled_linear");
  EXPECT(cfg["clip_sample"] == false);
  EXPECT(cfg["steps_offset"] == 0);       // null = not given
  EXPECT(cfg["skip_prk_steps"] == true);  // diffusers keeps the model config's unknown keys...
  EXPECT(!cfg.contains("eta"));           // ...but not the overrides'
  EXPECT(!cfg.contains("_class_name"));
  EXPECT(cfg["set_alpha_to_one"] == true);  // DDIM's own default
}

TEST_CASE("schedulers: keys in _use_default_values take the class default") {
  const Json model = {{"timestep_spacing", "trailing"},
                      {"steps_offset", 1},
                      {"_use_default_values", {"timestep_spacing"}}};
  std::vector<std::string> ignored;
  auto sched = ppd::createScheduler("EulerDiscreteScheduler", model, Json::object(), &ignored);
  EXPECT(sched->resolvedConfig()["timestep_spacing"] == "linspace");
  EXPECT(sched->resolvedConfig()["steps_offset"] == 1);
  EXPECT(ignored.empty());
}

TEST_CASE("schedulers: bad class names and values are ERR_INVALID_ARG naming them") {
  EXPECT_THROWS_CODE(ppd::createScheduler("HeunDiscreteScheduler", Json::object(), Json::object()),
                     ErrorCode::InvalidArg, "HeunDiscreteScheduler");
  EXPECT_THROWS_CODE(ppd::createScheduler("DDIMScheduler", {{"timestep_spacing", "sideways"}}, Json::object()),
                     ErrorCode::InvalidArg, "\"timestep_spacing\" must be one of");
  EXPECT_THROWS_CODE(ppd::createScheduler("DDIMScheduler", Json::object(), {{"beta_schedule", "cubic"}}),
                     ErrorCode::InvalidArg, "\"cubic\"");
  EXPECT_THROWS_CODE(ppd::createScheduler("DPMSolverMultistepScheduler", Json::object(), {{"solver_order", "two"}}),
                     ErrorCode::InvalidArg, "solver_order");
  EXPECT_THROWS_CODE(ppd::createScheduler("DPMSolverMultistepScheduler", Json::object(), {{"algorithm_type", "unipc"}}),
                     ErrorCode::InvalidArg, "algorithm_type");
  EXPECT_THROWS_CODE(ppd::createScheduler("DDIMScheduler", Json::array(), Json::object()), ErrorCode::InvalidArg,
                     "scheduler config");
  // diffusers' legacy names are mapped, as its register_to_config does.
  auto dpm = ppd::createScheduler("DPMSolverMultistepScheduler", {{"algorithm_type", "deis"}, {"solver_type", "bh2"}},
                                  Json::object());
  EXPECT(dpm->resolvedConfig()["algorithm_type"] == "dpmsolver++");
  EXPECT(dpm->resolvedConfig()["solver_type"] == "midpoint");
}

TEST_CASE("schedulers: step counts and step indices are checked") {
  auto lcm = ppd::createScheduler("LCMScheduler", Json::object(), Json::object());
  EXPECT_THROWS_CODE(lcm->setTimesteps(0), ErrorCode::InvalidArg, "steps = 0");
  EXPECT_THROWS_CODE(lcm->setTimesteps(51), ErrorCode::InvalidArg, "original_inference_steps");
  auto dpm = ppd::createScheduler("DPMSolverMultistepScheduler", Json::object(), Json::object());
  EXPECT_THROWS_CODE(dpm->timesteps(), ErrorCode::InvalidArg, "setTimesteps");
  dpm->setTimesteps(4);
  const auto x = testSample();
  EXPECT_THROWS_CODE(dpm->scaleModelInput(x, 4), ErrorCode::InvalidArg, "step index 4 is outside 0..3");
  dpm->step(x, 0, x);
  EXPECT_THROWS_CODE(dpm->step(x, 2, x), ErrorCode::InvalidArg, "out of order");
  dpm->step(x, 1, x);
  // A fresh setTimesteps may begin anywhere (img2img's begin index).
  dpm->setTimesteps(4);
  dpm->step(x, 2, x);
}

TEST_CASE("schedulers: trailing spacing keeps diffusers' extra timestep for N = 61") {
  // np.arange(1000, 0, -1000/61) has 62 elements, the last rounding to 0, so diffusers runs 62
  // steps ending at t = -1 (which indexes alphas_cumprod[-1]).
  auto ddim = ppd::createScheduler("DDIMScheduler", {{"timestep_spacing", "trailing"}}, Json::object());
  ddim->setTimesteps(61);
  EXPECT(ddim->stepCount() == 62);
  EXPECT(ddim->timestepValue(0) == 999);
  EXPECT(ddim->timestepValue(61) == -1);
}

TEST_CASE("schedulers: ancestral noise comes from the step's tensor or generator") {
  auto a = ppd::createScheduler("EulerAncestralDiscreteScheduler", Json::object(), Json::object());
  auto b = ppd::createScheduler("EulerAncestralDiscreteScheduler", Json::object(), Json::object());
  EXPECT(a->needsNoise());
  a->setTimesteps(3);
  b->setTimesteps(3);
  const auto x = testSample();
  EXPECT_THROWS_CODE(a->step(x, 0, x), ErrorCode::InvalidArg, "needs noise");
  auto genA = at::detail::createCPUGenerator(42);
  auto genB = at::detail::createCPUGenerator(42);
  auto xa = x, xb = x;
  for (int64_t i = 0; i < 3; ++i) {
    xa = a->step(xa * 0.1, i, xa, ppd::StepNoise::fromGenerator(genA));
    xb = b->step(xb * 0.1, i, xb, ppd::StepNoise::given(at::randn(x.sizes(), genB, at::kFloat)));
    EXPECT_MSG(at::equal(xa, xb), "step " << i);
  }
  auto ddim = ppd::createScheduler("DDIMScheduler", Json::object(), Json::object());
  EXPECT(!ddim->needsNoise());
}

TEST_CASE("schedulers: EDMEuler follows the EDM equations") {
  // Karras et al. 2022 with sigma_data 0.5: c_in = 1/sqrt(s²+sd²), c_skip = sd²/(s²+sd²),
  // c_out = s*sd/sqrt(s²+sd²), c_noise = ln(s)/4, Euler step x += (x - D)/s * (s_next - s).
  auto sched = ppd::createScheduler("EDMEulerScheduler", Json::object(), Json::object());
  EXPECT(std::abs(sched->initNoiseSigma() - std::sqrt(80.0 * 80.0 + 1)) < 1e-12);
  sched->setTimesteps(2);
  const auto sigmas = sched->sigmas().value().to(at::kDouble);
  EXPECT(sigmas.size(0) == 3);
  EXPECT(closeRel(sigmas[0].item<double>(), 80.0, 1e-5));
  EXPECT(closeRel(sigmas[1].item<double>(), 0.002, 1e-5));
  EXPECT(sigmas[2].item<double>() == 0.0);
  for (int64_t i = 0; i < 2; ++i)
    EXPECT(closeRel(sched->timestepValue(i), std::log(sigmas[i].item<double>()) / 4, 1e-6));

  // Each step is checked from the scheduler's own float32 input, recomputed in float64: the
  // float32 step loses ~1e-5 where x ≈ 160 collapses to D ≈ 1, hence the step tolerance.
  const double sd = 0.5;
  auto x = testSample() * sched->initNoiseSigma();
  for (int64_t i = 0; i < 2; ++i) {
    const double s = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
    const auto x64 = x.to(at::kDouble);
    const auto xin = sched->scaleModelInput(x, i);
    EXPECT_MSG(trajectoryError(xin, x64 / std::sqrt(s * s + sd * sd)) < 1e-6, "scaled input " << i);
    const auto mo = xin * 0.3 + 0.1;  // an arbitrary "model output" F
    const auto denoised =
        x64 * (sd * sd / (s * s + sd * sd)) + mo.to(at::kDouble) * (s * sd / std::sqrt(s * s + sd * sd));
    const auto expected = x64 + (x64 - denoised) / s * (next - s);
    x = sched->step(mo, i, x);
    EXPECT_MSG(trajectoryError(x, expected) < 1e-4, "step " << i << ": " << trajectoryError(x, expected));
  }
}
