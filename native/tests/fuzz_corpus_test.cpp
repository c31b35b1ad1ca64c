// A seeded corpus of hostile model files (issue #19): generated safetensors headers, torch.save
// archives and model configs, hundreds each. Every case must end in success or a coded EngineError
// (never another exception, a crash or a hang) within a per-case time bound; the peak RSS of the
// whole corpus is printed and bounded.
#include <chrono>
#include <iostream>
#include <random>

#include "engine/core/error.h"
#include "engine/io/safetensors.h"
#include "engine/io/torch_pickle.h"
#include "engine/io/weight_loader.h"
#include "engine/io/weight_store.h"
#include "engine/models/autoencoder_kl_config.h"
#include "engine/models/clip_text_config.h"
#include "engine/models/clip_text_model.h"
#include "engine/models/unet/unet_config.h"
#include "hostile_files.h"
#include "test_framework.h"

namespace fs = std::filesystem;
using namespace ppd::test::hostile;

namespace {

constexpr int kCasesPerKind = 300;
constexpr auto kPerCaseBound = std::chrono::seconds(3);  // a loaded 2-core machine; cases take ~ms
constexpr double kRssGrowthBoundMiB = 512;

struct Tally {
  int coded = 0, succeeded = 0;
};

// Runs one case: success or EngineError pass; anything else (or a slow case) fails the test with the
// case's seed and description.
template <class Body>
void runCase(Tally& tally, const std::string& what, Body body) {
  const auto start = std::chrono::steady_clock::now();
  try {
    body();
    tally.succeeded++;
  } catch (const ppd::EngineError&) {
    tally.coded++;
  } catch (const std::exception& e) {
    EXPECT_MSG(false, what << ": uncoded " << typeid(e).name() << ": " << e.what());
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_MSG(took < kPerCaseBound, what << ": took "
                                        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
}

void report(const char* kind, const Tally& tally, double rssBefore) {
  std::cout << "       fuzz " << kind << ": " << (tally.coded + tally.succeeded) << " cases, " << tally.coded
            << " coded errors, " << tally.succeeded << " loaded; peak RSS " << peakRssMiB() << " MiB (+"
            << (peakRssMiB() - rssBefore) << ")\n";
  EXPECT_MSG(peakRssMiB() - rssBefore < kRssGrowthBoundMiB, kind << ": peak RSS grew by " << peakRssMiB() - rssBefore);
}

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& options) {
  return options[rng() % options.size()];
}

std::string nested(size_t depth, const std::string& inner) {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

// Hostile JSON values for any field.
std::string hostileValue(std::mt19937_64& rng) {
  static const std::vector<std::string> values = {
      "1e30", "-1e30", "1e308", "-1", "0", "1", "2", "3", "7", "4611686018427387904", "18446744073709551615",
      "9223372036854775807", "-9223372036854775808", "1.5", "\"x\"", "\"\"", "null", "true", "[]", "{}",
      "[1e30]", "[-1]", "[0]", "[3, 5]", "[2, [3, 99999999]]", "[\"a\", 1]", "{\"a\": 1}", "64", "100000000",
      "1000000000", "1e9", "1e8", "65537", "2097153"};
  // Configs reach the engine through readJsonFile, which bounds nesting at kMaxJsonDepth.
  if (rng() % 12 == 0) return nested(1 + rng() % 60, "1");
  return pick(rng, values);
}

// ---- safetensors ----------------------------------------------------------------------------------

std::string hostileHeader(std::mt19937_64& rng, std::string& data) {
  static const std::vector<std::string> dtypes = {"\"F32\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"U8\"", "\"BOOL\"",
                                                  "\"F64\"", "\"XX\"", "\"\"", "7", "null", "[\"F32\"]"};
  static const std::vector<std::string> shapes = {"[]", "[2]", "[0]", "[2, 2]", "[-1]", "[1e30]", "[\"2\"]",
                                                  "[4294967296, 4294967296]", "[9223372036854775807, 2]", "[1.5]",
                                                  "2", "null", "[[2]]"};
  static const std::vector<std::string> offsets = {"[0, 8]", "[0, 4]", "[8, 0]", "[0, 0]", "[4, 12]", "[-1, 7]",
                                                   "[0.5, 8]", "[0]", "[0, 8, 16]", "\"0,8\"", "null",
                                                   "[18446744073709551615, 18446744073709551615]", "[0, 1e30]"};
  data = std::string(rng() % 24, '\x01');
  switch (rng() % 6) {
    case 5:  // a valid file, so the corpus also shows that good input still loads
      data = std::string(16, '\0');
      return R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},)"
             R"( "e": {"dtype": "F16", "shape": [0], "data_offsets": [16, 16]}, "__metadata__": {"format": "pt"}})";
    case 0: {  // random bytes
      std::string h(rng() % 200, '\0');
      for (auto& ch : h) ch = char(rng());
      return h;
    }
    case 1:  // deep nesting in metadata or entries
      return "{\"__metadata__\": " + nested(1 + rng() % 50000, "") + "}";
    case 2:
      return "{\"t\": {\"dtype\": \"F32\", \"shape\": " + nested(1 + rng() % 5000, "2") + ", \"data_offsets\": [0, 8]}}";
    default: {  // a few entries with hostile fields
      std::string h = "{";
      const int n = 1 + int(rng() % 4);
      for (int i = 0; i < n; ++i) {
        h += std::string(i ? "," : "") + "\"t" + std::to_string(i) + "\": {";
        h += "\"dtype\": " + (rng() % 3 ? pick(rng, dtypes) : hostileValue(rng));
        h += ", \"shape\": " + (rng() % 3 ? pick(rng, shapes) : hostileValue(rng));
        h += ", \"data_offsets\": " + (rng() % 3 ? pick(rng, offsets) : hostileValue(rng)) + "}";
      }
      if (rng() % 4 == 0) h += ", \"__metadata__\": " + hostileValue(rng);
      return h + "}";
    }
  }
}

}  // namespace

TEST_CASE("fuzz corpus: hostile safetensors files end in a coded error or load") {
  const auto dir = freshDir("fuzz-safetensors");
  const double rssBefore = peakRssMiB();
  Tally tally;
  for (int seed = 0; seed < kCasesPerKind; ++seed) {
    std::mt19937_64 rng(seed);
    std::string data;
    const std::string header = hostileHeader(rng, data);
    std::string bytes = safetensorsBytes(header, data);
    if (rng() % 10 == 0) {  // a header length that lies
      const uint64_t len = pick<uint64_t>(rng, {0, 7, bytes.size(), 1ull << 40, ~0ull, 100ull << 20});
      for (int i = 0; i < 8; ++i) bytes[i] = char((len >> (8 * i)) & 0xFF);
    }
    if (rng() % 10 == 0) bytes.resize(rng() % (bytes.size() + 1));  // truncated file
    const auto path = dir / ("case-" + std::to_string(seed) + ".safetensors");
    writeBytes(path, bytes);
    runCase(tally, "safetensors seed " + std::to_string(seed) + " header " + header.substr(0, 160), [&] {
      const ppd::SafetensorsFile file(path.string());
      for (const auto& t : file.tensors()) (void)file.view(t.name).sum().item<double>();
    });
    fs::remove(path);
  }
  report("safetensors", tally, rssBefore);
  EXPECT(tally.coded > kCasesPerKind / 2);
}

namespace {

std::string mutatePickle(std::mt19937_64& rng, std::string pickle) {
  static const std::string opcodes = "()]}tNKMJXqrhjsuaecbRQ.\x80\x85\x86\x87\x88\x89\x8a\x8c\x8d\x93\x94\x95";
  const int edits = 1 + int(rng() % 6);
  for (int e = 0; e < edits && !pickle.empty(); ++e) {
    const size_t at = rng() % pickle.size();
    switch (rng() % 5) {
      case 0: pickle[at] = char(rng()); break;
      case 1: pickle[at] = opcodes[rng() % opcodes.size()]; break;
      case 2: pickle.insert(at, 1, opcodes[rng() % opcodes.size()]); break;
      case 3: pickle.erase(at, 1 + rng() % 8); break;
      default: pickle.resize(at); break;
    }
  }
  return pickle;
}

std::string opcodeSoup(std::mt19937_64& rng) {
  static const std::vector<std::string> pieces = {
      "]", "}", ")", "(", "N", "\x88", "K\x05", "M\xff\xff", "J\xff\xff\xff\x7f", "\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f",
      "\x8c\x01x", "X\x05\x00\x00\x00hello", "\x8d\xff\xff\xff\xff\xff\xff\xff\xff", "q\x00", "h\x00", "r\x01\x00\x00\x00",
      "j\x01\x00\x00\x00", "\x94", "a", "e", "s", "u", "t", "\x85", "\x86", "\x87", "R", "Q", "b", "\x93",
      "ccollections\nOrderedDict\n", "ctorch\nFloatStorage\n", "ctorch._utils\n_rebuild_tensor_v2\n", "cos\nsystem\n",
      "\x95\x10\x00\x00\x00\x00\x00\x00\x00"};
  std::string out = kProto2;
  const int n = 1 + int(rng() % 200);
  for (int i = 0; i < n; ++i) out += pick(rng, pieces);
  if (rng() % 8 == 0) out += std::string(1 + rng() % 5000, ']') + std::string(rng() % 5000, 'a');
  return out + ".";
}

}  // namespace

TEST_CASE("fuzz corpus: hostile torch.save archives end in a coded error or load") {
  const auto dir = freshDir("fuzz-pth");
  const double rssBefore = peakRssMiB();
  const std::string valid = stateDictPickle({{"layers.0.weight", 0, 2}, {"layers.0.bias", 2, 2}});
  Tally tally;
  // The unmutated archive loads: the corpus starts from something real.
  writeBytes(dir / "valid.pth", pthOf(valid));
  EXPECT(ppd::loadTorchStateDict((dir / "valid.pth").string()).size() == 2);
  for (int seed = 0; seed < kCasesPerKind; ++seed) {
    std::mt19937_64 rng(1000 + seed);
    std::string archive;
    switch (rng() % 4) {
      case 0: archive = pthOf(opcodeSoup(rng)); break;
      case 1: {  // corrupt the zip container itself
        archive = pthOf(valid);
        for (int i = 0; i < 4; ++i) archive[rng() % archive.size()] = char(rng());
        break;
      }
      default: archive = pthOf(mutatePickle(rng, valid)); break;
    }
    const auto path = dir / ("case-" + std::to_string(seed) + ".pth");
    writeBytes(path, archive);
    runCase(tally, "pth seed " + std::to_string(1000 + seed), [&] {
      for (const auto& [name, t] : ppd::loadTorchStateDict(path.string())) (void)t.sum().item<double>();
    });
    fs::remove(path);
  }
  report("pth", tally, rssBefore);
  EXPECT(tally.coded > kCasesPerKind / 2);
}

namespace {

const ppd::Json kTextBase = ppd::Json::parse(R"({"vocab_size": 1000, "hidden_size": 64, "intermediate_size": 128,
  "num_hidden_layers": 2, "num_attention_heads": 4, "max_position_embeddings": 77, "projection_dim": 32})");
const ppd::Json kVaeBase = ppd::Json::parse(R"({"block_out_channels": [32, 64], "layers_per_block": 1,
  "latent_channels": 4, "out_channels": 3, "norm_num_groups": 32})");
const ppd::Json kUNetBase = ppd::Json::parse(R"({"block_out_channels": [32, 64], "layers_per_block": 1,
  "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"], "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
  "cross_attention_dim": 32, "attention_head_dim": 8, "norm_num_groups": 32, "transformer_layers_per_block": 1})");

}  // namespace

TEST_CASE("fuzz corpus: hostile model configs end in a coded error or parse, and never over-allocate") {
  const double rssBefore = peakRssMiB();
  // One small tensor: any text config that parses must still fail the parameter budget against it.
  const auto tinyStore = ppd::WeightStore::fromTensors("tiny.safetensors", {{"w", at::zeros({16})}});
  Tally tally;
  for (int seed = 0; seed < kCasesPerKind; ++seed) {
    std::mt19937_64 rng(2000 + seed);
    const int kind = int(rng() % 3);
    ppd::Json json = kind == 0 ? kTextBase : kind == 1 ? kVaeBase : kUNetBase;
    std::vector<std::string> keys;
    for (const auto& [k, _] : json.items()) keys.push_back(k);
    for (const char* extra : {"transformer_layers_per_block", "num_attention_heads", "layers_per_block", "eos_token_id"})
      keys.push_back(extra);
    std::string edits;
    const int n = 1 + int(rng() % 3);
    for (int i = 0; i < n; ++i) {
      const std::string& key = pick(rng, keys);
      const std::string value = hostileValue(rng);
      json[key] = ppd::Json::parse(value);
      edits += key + "=" + value.substr(0, 40) + " ";
    }
    runCase(tally, "config seed " + std::to_string(2000 + seed) + " kind " + std::to_string(kind) + ": " + edits, [&] {
      const ppd::JsonView view(json, "config.json");
      if (kind == 0) {
        const auto config = ppd::ClipTextConfig::fromJson(view);
        ppd::checkParameterBudget(tinyStore, at::TensorOptions(), "text_encoder",
                                  [&](const ppd::ParamScope& s) { return ppd::ClipTextModel(config, s, true); });
      } else if (kind == 1) {
        ppd::AutoencoderKLConfig::fromJson(view);
      } else {
        ppd::UNetConfig::fromJson(view);
      }
    });
  }
  report("configs", tally, rssBefore);
  EXPECT(tally.coded > kCasesPerKind / 2);
}
