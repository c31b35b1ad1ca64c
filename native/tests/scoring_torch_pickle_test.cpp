#include <filesystem>
#include <fstream>

#include "engine/core/error.h"
#include "engine/io/safetensors.h"
#include "engine/io/torch_pickle.h"
#include "engine/io/zip_archive.h"
#include "test_framework.h"

namespace fs = std::filesystem;
using ppd::ErrorCode;

namespace {

std::string aestheticDir() { return ppd::test::sharedDir() + "/fixtures/scoring/tiny-aesthetic"; }
// Like sharedDir(), relative to the project root the tests run from.
const std::string kViewsFixture = "native/tests/fixtures/torch_save_views.pth";

void putLE(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(char((v >> (8 * i)) & 0xFF));
}

// A minimal zip writer (no CRCs: the reader does not check them) for crafting archives in tests.
std::string zipBytes(const std::vector<std::pair<std::string, std::string>>& entries, uint16_t method = 0) {
  std::string out, directory;
  for (const auto& [name, data] : entries) {
    const uint64_t offset = out.size();
    putLE(out, 0x04034b50, 4);
    putLE(out, 20, 2), putLE(out, 0, 2), putLE(out, method, 2), putLE(out, 0, 4), putLE(out, 0, 4);
    putLE(out, data.size(), 4), putLE(out, data.size(), 4), putLE(out, name.size(), 2), putLE(out, 0, 2);
    out += name + data;
    putLE(directory, 0x02014b50, 4);
    putLE(directory, 20, 2), putLE(directory, 20, 2), putLE(directory, 0, 2), putLE(directory, method, 2);
    putLE(directory, 0, 4), putLE(directory, 0, 4), putLE(directory, data.size(), 4), putLE(directory, data.size(), 4);
    putLE(directory, name.size(), 2), putLE(directory, 0, 2), putLE(directory, 0, 2), putLE(directory, 0, 2);
    putLE(directory, 0, 2), putLE(directory, 0, 4), putLE(directory, offset, 4);
    directory += name;
  }
  const uint64_t directoryOffset = out.size();
  out += directory;
  putLE(out, 0x06054b50, 4);
  putLE(out, 0, 2), putLE(out, 0, 2), putLE(out, entries.size(), 2), putLE(out, entries.size(), 2);
  putLE(out, directory.size(), 4), putLE(out, directoryOffset, 4), putLE(out, 0, 2);
  return out;
}

std::string writeTemp(const std::string& name, const std::string& bytes) {
  const auto path = (fs::temp_directory_path() / ("ppd-test-" + name)).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path;
}

// Writes `pickle` as archive/data.pkl (plus one float storage "0" of 4 elements) and loads it.
std::map<std::string, at::Tensor> loadPickle(const std::string& pickle) {
  const std::string storage(16, '\0');
  const auto path = writeTemp("crafted.pth", zipBytes({{"archive/data.pkl", pickle}, {"archive/data/0", storage}}));
  return ppd::loadTorchStateDict(path);
}

// Pickle snippets (protocol 2).
const std::string kProto = "\x80\x02";
std::string global(const std::string& module, const std::string& name) { return "c" + module + "\n" + name + "\n"; }
// Built by appending: GCC 12 misreports `"literal" + std::string` here (-Wstringop-overflow).
std::string opcodeWithByte(char opcode, int byte) {
  std::string out(1, opcode);
  out.push_back(char(byte));
  return out;
}
std::string shortString(const std::string& s) { return opcodeWithByte('\x8c', int(s.size())) + s; }
std::string binint1(int v) { return opcodeWithByte('K', v); }
const std::string kEmptyOrderedDict = global("collections", "OrderedDict") + ")R";
// _rebuild_tensor_v2(storage "0" (4 floats), offset, (size,), (1,), False, OrderedDict())
std::string tensorPickle(int offset, int size) {
  const std::string storage = std::string("(") + shortString("storage") + global("torch", "FloatStorage") +
                              shortString("0") + shortString("cpu") + binint1(4) + "tQ";
  return global("torch._utils", "_rebuild_tensor_v2") + "(" + storage + binint1(offset) + binint1(size) + "\x85" +
         binint1(1) + "\x85\x89" + kEmptyOrderedDict + "tR";
}

}  // namespace

TEST_CASE("torch pickle: the aesthetic .pth loads exactly like its safetensors twin") {
  const auto pth = ppd::loadTorchStateDict(aestheticDir() + "/model.pth");
  const auto reference = ppd::loadAllTensors(aestheticDir() + "/model.safetensors");
  EXPECT(pth.size() == reference.size() && pth.size() == 10);
  for (const auto& [name, tensor] : reference) {
    EXPECT_MSG(pth.count(name), "missing " << name);
    EXPECT_MSG(pth.at(name).scalar_type() == tensor.scalar_type() && at::equal(pth.at(name), tensor), name);
  }
}

TEST_CASE("torch pickle: the top-level folder name does not matter") {
  // The fixture's archive is `model/`; the real LAION file uses `archive/`. Re-pack under `archive/`.
  const ppd::ZipArchive original(aestheticDir() + "/model.pth");
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& name : original.names())
    entries.emplace_back("archive/" + name.substr(name.find('/') + 1), std::string(original.read(name)));
  const auto path = writeTemp("archive.pth", zipBytes(entries));
  const auto repacked = ppd::loadTorchStateDict(path);
  const auto reference = ppd::loadTorchStateDict(aestheticDir() + "/model.pth");
  EXPECT(repacked.size() == reference.size());
  for (const auto& [name, tensor] : reference) EXPECT_MSG(at::equal(repacked.at(name), tensor), name);
  fs::remove(path);
}

TEST_CASE("torch pickle: storage offsets, strides, shared storages, dtypes and parameters (torch 2.x file)") {
  // Written by torch.save (see the fixture's keys): views of one 3x4 arange, fp16/bf16/int64, an
  // nn.Parameter, and the `_metadata` attribute a module state dict carries.
  const auto sd = ppd::loadTorchStateDict(kViewsFixture);
  const at::Tensor t = at::arange(12, at::kFloat).view({3, 4});
  EXPECT(sd.size() == 6);
  EXPECT(at::equal(sd.at("offset_view"), t.slice(0, 1).slice(1, 0, 4, 2)));
  EXPECT(sd.at("offset_view").storage_offset() == 4 && sd.at("offset_view").stride(1) == 2);
  EXPECT(at::equal(sd.at("transposed"), t.t()));
  EXPECT(sd.at("transposed").data_ptr<float>() == sd.at("offset_view").data_ptr<float>() - 4);
  EXPECT(sd.at("half").scalar_type() == at::kHalf && at::equal(sd.at("half"), (at::arange(3) / 2.0).to(at::kHalf)));
  EXPECT(sd.at("bf16").scalar_type() == at::kBFloat16 &&
         at::equal(sd.at("bf16"), (at::arange(3) * 3).to(at::kBFloat16)));
  EXPECT(sd.at("long").scalar_type() == at::kLong && at::equal(sd.at("long"), at::arange(4) - 2));
  EXPECT(at::equal(sd.at("param"), at::full({2}, 0.25f)));
}

TEST_CASE("torch pickle: a hand-built state dict loads; tensors outside their storage do not") {
  const std::string ok = kProto + kEmptyOrderedDict + "(" + shortString("w") + tensorPickle(1, 3) + "u.";
  const auto sd = loadPickle(ok);
  EXPECT(sd.size() == 1 && sd.at("w").sizes() == at::IntArrayRef({3}) && sd.at("w").storage_offset() == 1);
  const std::string outside = kProto + kEmptyOrderedDict + "(" + shortString("w") + tensorPickle(2, 3) + "u.";
  EXPECT_THROWS_CODE(loadPickle(outside), ErrorCode::ModelLoad, "reaches element 4");
}

TEST_CASE("torch pickle: code-executing globals and unknown opcodes are refused, naming file and culprit") {
  const std::string call = shortString("echo pwned") + "\x85R.";
  EXPECT_THROWS_CODE(loadPickle(kProto + global("os", "system") + call), ErrorCode::ModelLoad, "\"os.system\"");
  EXPECT_THROWS_CODE(loadPickle(kProto + global("builtins", "eval") + call), ErrorCode::ModelLoad, "builtins.eval");
  EXPECT_THROWS_CODE(loadPickle(kProto + global("posix", "system") + call), ErrorCode::ModelLoad,
                     "ppd-test-crafted.pth");
  // STACK_GLOBAL (protocol 4) takes module and name from the stack: same allow-list.
  EXPECT_THROWS_CODE(loadPickle(kProto + shortString("subprocess") + shortString("run") + "\x93" + call),
                     ErrorCode::ModelLoad, "subprocess.run");
  // A pickled model object instead of a state dict.
  EXPECT_THROWS_CODE(loadPickle(kProto + global("__main__", "MLP") + ")\x81."), ErrorCode::ModelLoad, "__main__.MLP");
  // INST imports and calls in one opcode: not understood at all.
  EXPECT_THROWS_CODE(loadPickle(kProto + "(iposix\nsystem\n."), ErrorCode::ModelLoad, "opcode 0x69 'i'");
  // Allowed names may still only be called the way a state dict calls them.
  EXPECT_THROWS_CODE(loadPickle(kProto + global("torch", "FloatStorage") + ")R."), ErrorCode::ModelLoad,
                     "refused to call");
  EXPECT_THROWS_CODE(loadPickle(kProto + global("collections", "OrderedDict") + shortString("x") + "\x85R."),
                     ErrorCode::ModelLoad, "with arguments");
}

TEST_CASE("torch pickle: malformed pickles and archives are ERR_MODEL_LOAD") {
  EXPECT_THROWS_CODE(loadPickle(kProto + kEmptyOrderedDict), ErrorCode::ModelLoad, "no STOP");
  EXPECT_THROWS_CODE(loadPickle(kProto + "h\x07."), ErrorCode::ModelLoad, "memo entry 7");
  EXPECT_THROWS_CODE(loadPickle(kProto + "u."), ErrorCode::ModelLoad, "no MARK");
  EXPECT_THROWS_CODE(loadPickle(kProto + "X\xff\xff\xff\x7f"), ErrorCode::ModelLoad, "past the end");
  EXPECT_THROWS_CODE(loadPickle(kProto + binint1(3) + "."), ErrorCode::ModelLoad, "not a state dict");
  EXPECT_THROWS_CODE(loadPickle(kProto + "}" + shortString("k") + binint1(3) + "s."), ErrorCode::ModelLoad,
                     "\"k\" is a int");

  const auto deflated = writeTemp("deflated.pth", zipBytes({{"archive/data.pkl", "x"}}, 8));
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict(deflated), ErrorCode::ModelLoad, "compression method 8");
  const auto noPickle = writeTemp("nopickle.pth", zipBytes({{"archive/version", "3"}}));
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict(noPickle), ErrorCode::ModelLoad, "no <folder>/data.pkl");
  const auto notZip = writeTemp("notzip.pth", kProto + std::string(62, '.'));
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict(notZip), ErrorCode::ModelLoad, "not a zip file");
  std::string truncated = zipBytes({{"archive/data.pkl", kProto + "}."}});
  truncated.resize(truncated.size() - 30);
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict(writeTemp("truncated.pth", truncated)), ErrorCode::ModelLoad, "zip");
  EXPECT_THROWS_CODE(ppd::loadTorchStateDict("/nonexistent/model.pth"), ErrorCode::ModelLoad, "/nonexistent/model.pth");
  for (const auto* name : {"crafted.pth", "deflated.pth", "nopickle.pth", "notzip.pth", "truncated.pth"})
    fs::remove(fs::temp_directory_path() / (std::string("ppd-test-") + name));
}
