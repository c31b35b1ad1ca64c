#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/core/error.h"
#include "engine/io/safetensors.h"
#include "test_framework.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;

namespace {

fs::path tempPath(const std::string& name) { return fs::temp_directory_path() / ("ppd-test-" + name); }

void writeRaw(const fs::path& path, const std::string& header, size_t dataBytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  uint64_t len = header.size();
  out.write(reinterpret_cast<const char*>(&len), 8);
  out << header;
  out << std::string(dataBytes, '\0');
}

}  // namespace

TEST_CASE("safetensors: round trip of every common dtype") {
  std::map<std::string, at::Tensor> in = {
      {"f32", at::arange(6, at::kFloat).reshape({2, 3})},
      {"f16", at::arange(4, at::kFloat).to(at::kHalf)},
      {"bf16", at::arange(4, at::kFloat).to(at::kBFloat16)},
      {"i64", at::arange(5, at::kLong)},
      {"u8", at::arange(7, at::kLong).to(at::kByte)},
  };
  const auto path = tempPath("roundtrip.safetensors");
  ppd::saveSafetensors(path.string(), in, {{"format", "pt"}});
  ppd::SafetensorsFile file(path.string());
  EXPECT(file.tensors().size() == in.size());
  EXPECT(file.metadata().at("format") == "pt");
  for (const auto& [name, t] : in) {
    auto got = file.view(name);
    EXPECT_MSG(got.scalar_type() == t.scalar_type(), name);
    EXPECT_MSG(at::equal(got, t), name);
  }
  fs::remove(path);
}

TEST_CASE("safetensors: reads the fixtures' legacy int64 position_ids") {
  const auto path = ppd::test::sharedDir() + "/fixtures/sd15-tiny/text_encoder/model.safetensors";
  ppd::SafetensorsFile file(path);
  const auto& info = file.info("text_model.embeddings.position_ids");
  EXPECT(info.dtype == at::kLong);
  auto ids = file.view("text_model.embeddings.position_ids");
  EXPECT(ids.flatten()[76].item<int64_t>() == 76);
}

TEST_CASE("safetensors: corrupted headers are ERR_MODEL_LOAD naming file and tensor") {
  const auto path = tempPath("bad.safetensors").string();
  writeRaw(path, R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})", 8);
  EXPECT_THROWS_CODE(ppd::SafetensorsFile{path}, ErrorCode::ModelLoad, "\"w\"");
  writeRaw(path, R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8);
  EXPECT_THROWS_CODE(ppd::SafetensorsFile{path}, ErrorCode::ModelLoad, "does not match dtype");
  writeRaw(path, R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12);
  EXPECT_THROWS_CODE(ppd::SafetensorsFile{path}, ErrorCode::ModelLoad, "overlap");
  writeRaw(path, R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", 8);
  EXPECT_THROWS_CODE(ppd::SafetensorsFile{path}, ErrorCode::ModelLoad, "unknown dtype");
  writeRaw(path, R"({"w":)", 0);
  EXPECT_THROWS_CODE(ppd::SafetensorsFile{path}, ErrorCode::ModelLoad, "not valid JSON");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    uint64_t len = 1ull << 40;
    out.write(reinterpret_cast<const char*>(&len), 8);
  }
  EXPECT_THROWS_CODE(ppd::SafetensorsFile{path}, ErrorCode::ModelLoad, "header length");
  EXPECT_THROWS_CODE(ppd::SafetensorsFile{"/nonexistent/x.safetensors"}, ErrorCode::ModelLoad, "/nonexistent/x.safetensors");
  fs::remove(path);
}

TEST_CASE("safetensors: every truncation of a real file fails cleanly or parses") {
  const auto src = ppd::test::sharedDir() + "/fixtures/sd15-tiny/text_encoder/model.safetensors";
  std::ifstream in(src, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto path = tempPath("trunc.safetensors").string();
  uint64_t headerLen = 0;
  std::memcpy(&headerLen, bytes.data(), 8);
  // Cut inside the length, inside the header, and inside the data section.
  for (size_t cut : {size_t(3), size_t(8 + headerLen / 2), size_t(8 + headerLen + 1), bytes.size() - 1}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(cut));
    EXPECT_THROWS_CODE(ppd::SafetensorsFile{path}, ErrorCode::ModelLoad, path);
  }
  // Random byte flips inside the header never crash: either a clean error or a valid parse.
  std::srand(7);
  for (int i = 0; i < 200; ++i) {
    std::string mutated = bytes;
    mutated[8 + static_cast<size_t>(std::rand()) % headerLen] = static_cast<char>(std::rand() % 256);
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(mutated.data(), static_cast<std::streamsize>(mutated.size()));
    try {
      ppd::SafetensorsFile file(path);
      for (const auto& t : file.tensors()) (void)file.view(t.name).sum();
    } catch (const ppd::EngineError& e) {
      EXPECT(e.code() == ErrorCode::ModelLoad);
    }
  }
  fs::remove(path);
}
