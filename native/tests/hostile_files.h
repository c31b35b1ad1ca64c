#pragma once
// Builders for hostile model files in tests: raw safetensors, torch.save zip archives, pickles.
#include <sys/resource.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace ppd::test::hostile {

inline void putLE(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(char((v >> (8 * i)) & 0xFF));
}

// A safetensors file: 8-byte header length, `header` as given (any bytes), then `data`.
inline std::string safetensorsBytes(const std::string& header, const std::string& data) {
  std::string out;
  putLE(out, header.size(), 8);
  return out + header + data;
}

// A stored (uncompressed) zip without CRCs (the reader does not check them).
inline std::string zipOf(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, directory;
  for (const auto& [name, data] : entries) {
    const uint64_t offset = out.size();
    putLE(out, 0x04034b50, 4);
    putLE(out, 20, 2), putLE(out, 0, 2), putLE(out, 0, 2), putLE(out, 0, 4), putLE(out, 0, 4);
    putLE(out, data.size(), 4), putLE(out, data.size(), 4), putLE(out, name.size(), 2), putLE(out, 0, 2);
    out += name + data;
    putLE(directory, 0x02014b50, 4);
    putLE(directory, 20, 2), putLE(directory, 20, 2), putLE(directory, 0, 2), putLE(directory, 0, 2);
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

// A torch.save archive holding `pickle` as data.pkl and one float storage "0" of 4 elements.
inline std::string pthOf(const std::string& pickle) {
  return zipOf({{"archive/data.pkl", pickle}, {"archive/data/0", std::string(16, '\0')}});
}

// A fresh empty folder under the temp dir (removed first if it exists).
inline std::filesystem::path freshDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("ppd-hostile-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void writeBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Peak resident set of this process so far, in MiB.
inline double peakRssMiB() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// Pickle pieces (protocol 2).
inline std::string op(char code) { return std::string(1, code); }
inline std::string opU8(char code, uint8_t v) { return std::string(1, code) + char(v); }
inline std::string opU32(char code, uint32_t v) {
  std::string out(1, code);
  putLE(out, v, 4);
  return out;
}
inline std::string globalOp(const std::string& module, const std::string& name) { return "c" + module + "\n" + name + "\n"; }
inline std::string shortString(const std::string& s) { return opU8('\x8c', uint8_t(s.size())) + s; }
inline const std::string kProto2 = "\x80\x02";

// OrderedDict{name: tensor of `size` floats at `offset` of storage "0"} for each (name, offset, size).
inline std::string stateDictPickle(const std::vector<std::tuple<std::string, int, int>>& tensors) {
  std::string out = kProto2 + globalOp("collections", "OrderedDict") + ")R";
  for (const auto& [name, offset, size] : tensors) {
    const std::string storage = "(" + shortString("storage") + globalOp("torch", "FloatStorage") + shortString("0") +
                                shortString("cpu") + opU8('K', 4) + "tQ";
    out += shortString(name) + globalOp("torch._utils", "_rebuild_tensor_v2") + "(" + storage + opU8('K', uint8_t(offset)) +
           opU8('K', uint8_t(size)) + "\x85" + opU8('K', 1) + "\x85\x89" + globalOp("collections", "OrderedDict") + ")RtRs";
  }
  return out + ".";
}

}  // namespace ppd::test::hostile
