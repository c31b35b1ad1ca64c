#include "engine/core/json_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"

namespace ppd {
namespace {

// Python's json writes float('-inf') as a bare -Infinity (e.g. DPMSolver's lambda_min_clipped in
// saved scheduler configs), which is not JSON. Such tokens outside strings become the strings
// "-Infinity" / "Infinity" / "NaN"; config readers accept those spellings.
std::string quoteNonFiniteTokens(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (inString) {
      out += ch;
      if (ch == '\\' && i + 1 < text.size()) out += text[++i];
      else if (ch == '"') inString = false;
      continue;
    }
    if (ch == '"') inString = true;
    bool replaced = false;
    for (const char* token : {"-Infinity", "Infinity", "NaN"}) {
      const size_t n = std::char_traits<char>::length(token);
      if (text.compare(i, n, token) == 0) {
        out += std::string("\"") + token + "\"";
        i += n - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += ch;
  }
  return out;
}

}  // namespace

Json parseJsonBounded(const char* begin, const char* end, const std::string& source) {
  const Json::parser_callback_t limitDepth = [&source](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxJsonDepth)
      fail(ErrorCode::ModelLoad, source + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return true;
  };
  return Json::parse(begin, end, limitDepth);
}

Json readJsonFile(const std::string& path) {
  // Stat before opening: a FIFO would block the read forever.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ELOOP) fail(ErrorCode::ModelLoad, path + ": symlink loop (too many levels of symbolic links)");
    fail(ErrorCode::ModelLoad, path + ": cannot open (missing file?)");
  }
  if (!S_ISREG(st.st_mode)) fail(ErrorCode::ModelLoad, path + ": not a regular file");
  std::ifstream in(path);
  if (!in) fail(ErrorCode::ModelLoad, path + ": cannot open (missing file?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  try {
    return parseJsonBounded(text.data(), text.data() + text.size(), path);
  } catch (const nlohmann::json::parse_error& e) {
    try {
      const std::string quoted = quoteNonFiniteTokens(text);
      return parseJsonBounded(quoted.data(), quoted.data() + quoted.size(), path);
    } catch (const nlohmann::json::parse_error&) {
      fail(ErrorCode::ModelLoad, path + ": invalid JSON (" + e.what() + ")");
    }
  }
}

}  // namespace ppd
