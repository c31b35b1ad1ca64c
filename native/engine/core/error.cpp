#include "engine/core/error.h"

#include <c10/util/Exception.h>

namespace ppd {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArg: return "ERR_INVALID_ARG";
    case ErrorCode::ModelLoad: return "ERR_MODEL_LOAD";
    case ErrorCode::CudaOom: return "ERR_CUDA_OOM";
    case ErrorCode::Cancelled: return "ERR_CANCELLED";
    case ErrorCode::Torch: return "ERR_TORCH";
    case ErrorCode::Io: return "ERR_IO";
    case ErrorCode::Internal: return "ERR_INTERNAL";
  }
  return "ERR_INTERNAL";
}

ClassifiedError classifyCurrentException() {
  try {
    throw;
  } catch (const EngineError& e) {
    return {e.code(), e.what()};
  } catch (const c10::OutOfMemoryError& e) {
    return {ErrorCode::CudaOom, e.what_without_backtrace()};
  } catch (const c10::Error& e) {
    return {ErrorCode::Torch, e.what_without_backtrace()};
  } catch (const std::bad_alloc&) {
    return {ErrorCode::Internal, "out of host memory (std::bad_alloc)"};
  } catch (const std::exception& e) {
    return {ErrorCode::Internal, e.what()};
  } catch (...) {
    return {ErrorCode::Internal, "unknown native exception"};
  }
}

}  // namespace ppd
