#include <ATen/Context.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "engine/core/error.h"
#include "engine/device/runtime.h"
#include "test_framework.h"

namespace ppd::test {

std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

std::string sharedDir() {
  const char* env = std::getenv("PPBENCH_SHARED_DIR");
  std::filesystem::path dir = env ? env : "../shared";
  if (!std::filesystem::exists(dir / "fixtures"))
    throw Failure("shared data not found at " + dir.string() +
                  ": set PPBENCH_SHARED_DIR to the folder holding fixtures/ and spec/");
  return std::filesystem::absolute(dir).string();
}

}  // namespace ppd::test

int main(int argc, char** argv) {
  const std::string filter = argc > 1 ? argv[1] : "";
  ppd::configureRuntime();
  int passed = 0, failed = 0;
  for (const auto& c : ppd::test::registry()) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
    try {
      c.body();
      ++passed;
      std::cout << "  ok   " << c.name << "\n";
    } catch (const std::exception& e) {
      ++failed;
      std::cout << "  FAIL " << c.name << "\n       " << e.what() << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
