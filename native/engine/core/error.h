#pragma once
#include <stdexcept>
#include <string>

namespace ppd {

// Stable error codes: they reach JavaScript as `err.code` and are part of the public contract.
enum class ErrorCode { InvalidArg, ModelLoad, CudaOom, Cancelled, Torch, Io, Internal };

const char* errorCodeName(ErrorCode code);

class EngineError : public std::runtime_error {
 public:
  EngineError(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message) { throw EngineError(code, message); }

// Maps any exception (EngineError, c10::OutOfMemoryError, c10::Error, std::exception) to a code.
struct ClassifiedError {
  ErrorCode code;
  std::string message;
};
ClassifiedError classifyCurrentException();

}  // namespace ppd
