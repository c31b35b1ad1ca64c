// The engine without Node: prints device info, or lists the tensors of a safetensors file.
// Used for profiling and to prove native/engine stands on its own.
#include <iostream>
#include <string>

#include "engine/core/error.h"
#include "engine/device/device.h"
#include "engine/device/runtime.h"
#include "engine/io/safetensors.h"

namespace {

int usage() {
  std::cerr << "usage: ppdiffusion-cli info\n"
               "       ppdiffusion-cli tensors FILE.safetensors\n";
  return 2;
}

void printInfo() {
  const auto info = ppd::deviceInfo();
  std::cout << "libtorch " << info.torchVersion << "\n"
            << "cuda build: " << (info.cudaBuild ? "yes" : "no") << ", available: " << (info.cudaAvailable ? "yes" : "no")
            << "\n"
            << "device: " << info.deviceName << "\n"
            << "threads: " << info.threads << "\n";
}

void printTensors(const std::string& path) {
  ppd::SafetensorsFile file(path);
  for (const auto& t : file.tensors()) {
    std::cout << t.name << "\t" << t.dtypeName << "\t[";
    for (size_t i = 0; i < t.shape.size(); ++i) std::cout << (i ? "," : "") << t.shape[i];
    std::cout << "]\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  ppd::configureRuntime();
  const std::string cmd = argv[1];
  try {
    if (cmd == "info") {
      printInfo();
    } else if (cmd == "tensors" && argc == 3) {
      printTensors(argv[2]);
    } else {
      return usage();
    }
  } catch (...) {
    const auto e = ppd::classifyCurrentException();
    std::cerr << "ppdiffusion-cli: [" << ppd::errorCodeName(e.code) << "] " << e.message << "\n";
    return 1;
  }
  return 0;
}
