#pragma once
// A minimal test registry for the engine's C++ tests (no third-party test library needed):
// TEST_CASE("name") { EXPECT(cond); ... }; main() runs them all and prints "N passed, M failed".
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ppd::test {

struct Case {
  std::string name;
  std::function<void()> body;
};

std::vector<Case>& registry();
struct Register {
  Register(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The shared fixtures folder ($PPBENCH_SHARED_DIR, default ../shared from the project root).
std::string sharedDir();

}  // namespace ppd::test

#define PPD_CONCAT2(a, b) a##b
#define PPD_CONCAT(a, b) PPD_CONCAT2(a, b)
// __COUNTER__, not __LINE__: unity builds put several test files into one translation unit.
#define PPD_TEST_CASE_IMPL(name, id)                                              \
  static void PPD_CONCAT(test_body_, id)();                                       \
  static ::ppd::test::Register PPD_CONCAT(test_reg_, id)(name, PPD_CONCAT(test_body_, id)); \
  static void PPD_CONCAT(test_body_, id)()
#define TEST_CASE(name) PPD_TEST_CASE_IMPL(name, __COUNTER__)

#define EXPECT(cond)                                                                              \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::ostringstream _m;                                                                     \
      _m << __FILE__ << ":" << __LINE__ << ": EXPECT(" #cond ") failed";                          \
      throw ::ppd::test::Failure(_m.str());                                                      \
    }                                                                                            \
  } while (0)

#define EXPECT_MSG(cond, msg)                                                                     \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::ostringstream _m;                                                                     \
      _m << __FILE__ << ":" << __LINE__ << ": " << msg;                                          \
      throw ::ppd::test::Failure(_m.str());                                                      \
    }                                                                                            \
  } while (0)

#define EXPECT_THROWS_CODE(expr, errcode, substring)                                              \
  do {                                                                                           \
    bool _threw = false;                                                                         \
    try {                                                                                        \
      expr;                                                                                      \
    } catch (const ::ppd::EngineError& _e) {                                                     \
      _threw = true;                                                                             \
      EXPECT_MSG(_e.code() == (errcode), "wrong error code for " #expr ": " << _e.what());         \
      EXPECT_MSG(std::string(_e.what()).find(substring) != std::string::npos,                     \
                "message of " #expr " lacks \"" << substring << "\": " << _e.what());            \
    }                                                                                            \
    EXPECT_MSG(_threw, #expr " did not throw");                                                   \
  } while (0)
