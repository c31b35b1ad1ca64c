#pragma once
#include <ATen/ATen.h>

#include <map>
#include <string>

namespace ppd {

// The tensors of a `torch.save` zip archive holding a plain state dict (`<folder>/data.pkl` plus
// `<folder>/data/<key>` storages; the folder name varies), e.g. LAION's aesthetic predictor .pth.
//
// data.pkl is read by a restricted unpickler that never executes anything: it knows only the opcodes
// a state dict needs and only the globals `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`,
// `torch._utils._rebuild_parameter` and the `torch.*Storage` types. Any other global (`os.system`,
// `builtins.eval`, a pickled nn.Module class, ...) or opcode is ERR_MODEL_LOAD naming the file and what
// was refused. Tensors are CPU views of copied storages, honouring storage offset, sizes and strides
// (tensors sharing a storage share memory, as after torch.load).
std::map<std::string, at::Tensor> loadTorchStateDict(const std::string& path);

}  // namespace ppd
