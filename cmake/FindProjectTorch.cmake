# Finds libtorch in this order:
#   1. Torch_DIR / CMAKE_PREFIX_PATH given by the caller;
#   2. the torch wheel in the project's .venv (what scripts/setup.sh installs);
#   3. Debian's libtorch-dev, as a last resort.
# Sets PPBENCH_TORCH_LIB_DIR (for the RPATH) and PPBENCH_WITH_CUDA.
if(NOT Torch_DIR)
  file(GLOB _venv_torch_dirs "${CMAKE_SOURCE_DIR}/.venv/lib/python3*/site-packages/torch/share/cmake/Torch")
  if(_venv_torch_dirs)
    list(GET _venv_torch_dirs 0 _venv_torch_dir)
    set(Torch_DIR "${_venv_torch_dir}" CACHE PATH "" FORCE)
  endif()
endif()

if(Torch_DIR)
  get_filename_component(_torch_root "${Torch_DIR}/../../.." ABSOLUTE)
  # TorchConfig searches the system paths before its own lib dir: with Debian's
  # libtorch-dev installed too, c10 would come from another libtorch and abort at load.
  if(EXISTS "${_torch_root}/lib/libc10.so")
    set(c10_LIBRARY "${_torch_root}/lib/libc10.so" CACHE FILEPATH "" FORCE)
  endif()
endif()

find_package(Torch CONFIG REQUIRED)
get_filename_component(_torch_root "${Torch_DIR}/../../.." ABSOLUTE)
get_filename_component(PPBENCH_TORCH_LIB_DIR "${c10_LIBRARY}" DIRECTORY)

if(TORCH_CXX_FLAGS)
  set(CMAKE_CXX_FLAGS "${CMAKE_CXX_FLAGS} ${TORCH_CXX_FLAGS}")
endif()
if(EXISTS "${PPBENCH_TORCH_LIB_DIR}/libc10_cuda.so")
  set(PPBENCH_WITH_CUDA ON)
else()
  set(PPBENCH_WITH_CUDA OFF)
endif()
message(STATUS "ppbench: libtorch ${Torch_VERSION} from ${PPBENCH_TORCH_LIB_DIR} (CUDA: ${PPBENCH_WITH_CUDA})")
