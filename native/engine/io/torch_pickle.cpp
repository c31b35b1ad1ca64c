#include "engine/io/torch_pickle.h"

#include <cstring>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/io/restricted_unpickler.h"
#include "engine/io/zip_archive.h"

namespace ppd {
namespace {

using pickle::Kind;
using pickle::kindName;
using pickle::ValuePtr;

// The single top-level folder holding data.pkl ("archive/", "model/", ... depending on the file name
// it was saved under).
std::string archiveFolder(const ZipArchive& zip) {
  std::vector<std::string> found;
  for (const auto& name : zip.names()) {
    const auto slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash) == "/data.pkl") found.push_back(name.substr(0, slash + 1));
  }
  if (found.empty())
    fail(ErrorCode::ModelLoad, zip.path() + ": no <folder>/data.pkl inside (not a torch.save archive)");
  if (found.size() > 1)
    fail(ErrorCode::ModelLoad, zip.path() + ": several data.pkl folders (" + found[0] + ", " + found[1] + ", ...)");
  return found[0];
}

}  // namespace

std::map<std::string, at::Tensor> loadTorchStateDict(const std::string& path) {
  const ZipArchive zip(path);
  const std::string folder = archiveFolder(zip);
  if (zip.contains(folder + "byteorder") && zip.read(folder + "byteorder") != "little")
    fail(ErrorCode::ModelLoad, path + ": saved on a big-endian machine (byteorder \"" +
                                   std::string(zip.read(folder + "byteorder")) + "\"), which is not supported");

  auto loadStorage = [&](const std::string& key, at::ScalarType dtype, int64_t numel) {
    const std::string entry = folder + "data/" + key;
    const auto bytes = zip.read(entry);
    uint64_t needed = 0;
    if (__builtin_mul_overflow(uint64_t(numel), uint64_t(c10::elementSize(dtype)), &needed) || bytes.size() < needed)
      fail(ErrorCode::ModelLoad, path + ": storage \"" + entry + "\" holds " + std::to_string(bytes.size()) +
                                     " bytes, fewer than its " + std::to_string(numel) + " " +
                                     c10::toString(dtype) + " elements");
    // A copy: entries need not be aligned for the dtype, and the tensors outlive the mapping.
    at::Tensor storage = at::empty({numel}, at::TensorOptions().dtype(dtype));
    if (needed > 0) std::memcpy(storage.data_ptr(), bytes.data(), needed);
    return storage;
  };
  const ValuePtr root = pickle::unpickleRestricted(zip.read(folder + "data.pkl"), path, loadStorage);

  if (root->kind != Kind::Dict)
    fail(ErrorCode::ModelLoad, path + ": holds a " + std::string(kindName(root->kind)) + ", not a state dict");
  std::map<std::string, at::Tensor> out;
  for (const auto& [key, value] : root->entries) {
    if (key->kind != Kind::String) fail(ErrorCode::ModelLoad, path + ": state dict has a non-string key");
    if (value->kind != Kind::Tensor)
      fail(ErrorCode::ModelLoad, path + ": state dict entry \"" + key->text + "\" is a " + kindName(value->kind) +
                                     ", not a tensor (a nested checkpoint rather than a plain state dict?)");
    out[key->text] = value->tensor;
  }
  return out;
}

}  // namespace ppd
