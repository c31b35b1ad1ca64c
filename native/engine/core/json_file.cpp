#include "engine/core/json_file.h"

#include <fstream>
#include <sstream>

#include "engine/core/error.h"

namespace ppd {

Json readJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(ErrorCode::ModelLoad, path + ": cannot open (missing file?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return Json::parse(buffer.str());
  } catch (const nlohmann::json::parse_error& e) {
    fail(ErrorCode::ModelLoad, path + ": invalid JSON (" + e.what() + ")");
  }
}

}  // namespace ppd
