#include <filesystem>
#include <fstream>

#include "engine/core/error.h"
#include "engine/core/json_file.h"
#include "test_framework.h"

namespace fs = std::filesystem;

TEST_CASE("json: Python's bare -Infinity/NaN tokens are read as strings, names in strings untouched") {
  const auto path = (fs::temp_directory_path() / "ppd-test-nonfinite.json").string();
  std::ofstream(path) << R"({"lambda_min_clipped": -Infinity, "x": NaN, "y": Infinity, "name": "NaN -Infinity", "z": 1.5})";
  const auto json = ppd::readJsonFile(path);
  EXPECT(json["lambda_min_clipped"] == "-Infinity");
  EXPECT(json["x"] == "NaN");
  EXPECT(json["y"] == "Infinity");
  EXPECT(json["name"] == "NaN -Infinity");
  EXPECT(json["z"] == 1.5);
  std::ofstream(path) << R"({"broken": )";
  EXPECT_THROWS_CODE(ppd::readJsonFile(path), ppd::ErrorCode::ModelLoad, path);
  fs::remove(path);
}
