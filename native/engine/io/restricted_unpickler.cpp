#include "engine/io/restricted_unpickler.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "engine/core/error.h"

namespace ppd::pickle {
namespace {

// Moves a value's children into `out`, leaving it childless (its destructor then has nothing to free).
void detachChildren(Value& v, std::vector<ValuePtr>& out) {
  for (auto& item : v.items) out.push_back(std::move(item));
  for (auto& [key, value] : v.entries) {
    out.push_back(std::move(key));
    out.push_back(std::move(value));
  }
  v.items.clear();
  v.entries.clear();
}

// Every value reachable from `roots`, each once (iterative; cycles allowed).
std::vector<ValuePtr> reachable(const std::vector<ValuePtr>& roots) {
  std::vector<ValuePtr> out, todo(roots);
  std::unordered_set<const Value*> seen;
  while (!todo.empty()) {
    ValuePtr v = std::move(todo.back());
    todo.pop_back();
    if (!v || !seen.insert(v.get()).second) continue;
    for (const auto& item : v->items) todo.push_back(item);
    for (const auto& [key, value] : v->entries) todo.push_back(key), todo.push_back(value);
    out.push_back(std::move(v));
  }
  return out;
}

// The only globals a state dict needs. Everything else (os.system, builtins.eval, model classes, ...)
// is refused before it could ever be called.
std::optional<std::pair<Callable, at::ScalarType>> allowedGlobal(const std::string& qualified) {
  static const std::map<std::string, std::pair<Callable, at::ScalarType>> allowed = {
      {"collections.OrderedDict", {Callable::OrderedDict, at::kFloat}},
      {"torch._utils._rebuild_tensor_v2", {Callable::RebuildTensorV2, at::kFloat}},
      {"torch._utils._rebuild_parameter", {Callable::RebuildParameter, at::kFloat}},
      {"torch.FloatStorage", {Callable::StorageType, at::kFloat}},
      {"torch.DoubleStorage", {Callable::StorageType, at::kDouble}},
      {"torch.HalfStorage", {Callable::StorageType, at::kHalf}},
      {"torch.BFloat16Storage", {Callable::StorageType, at::kBFloat16}},
      {"torch.LongStorage", {Callable::StorageType, at::kLong}},
      {"torch.IntStorage", {Callable::StorageType, at::kInt}},
      {"torch.ShortStorage", {Callable::StorageType, at::kShort}},
      {"torch.CharStorage", {Callable::StorageType, at::kChar}},
      {"torch.ByteStorage", {Callable::StorageType, at::kByte}},
      {"torch.BoolStorage", {Callable::StorageType, at::kBool}},
  };
  const auto it = allowed.find(qualified);
  if (it == allowed.end()) return std::nullopt;
  return it->second;
}

class RestrictedUnpickler {
 public:
  RestrictedUnpickler(std::string_view data, std::string label, StorageLoader loadStorage)
      : data_(data), label_(std::move(label)), loadStorage_(std::move(loadStorage)) {}

  ~RestrictedUnpickler() {
    // After a refused pickle the values may form cycles (a list appended into itself through the memo):
    // cut every link so all of them are freed, not leaked.
    if (!finished_) {
      std::vector<ValuePtr> roots(stack_);
      for (const auto& [_, v] : memo_) roots.push_back(v);
      for (const auto& [_, v] : storages_) roots.push_back(v);
      std::vector<ValuePtr> all = reachable(roots);
      std::vector<ValuePtr> links;
      for (const auto& v : all) detachChildren(*v, links);
    }
  }

  ValuePtr run() {
    ValuePtr root = runOpcodes();
    checkGraph(root);
    finished_ = true;
    return root;
  }

 private:
  ValuePtr make(Kind kind) {
    if (++made_ > kMaxPickleValues)
      bad("more than " + std::to_string(kMaxPickleValues) + " values (limit kMaxPickleValues)");
    auto v = std::make_shared<Value>();
    v->kind = kind;
    return v;
  }
  void push(ValuePtr v) {
    if (stack_.size() >= kMaxPickleValues)
      bad("stack deeper than " + std::to_string(kMaxPickleValues) + " entries (limit kMaxPickleValues)");
    stack_.push_back(std::move(v));
  }
  void memoPut(uint64_t index, ValuePtr v) {
    if (memo_.size() >= kMaxPickleValues && !memo_.count(index))
      bad("more than " + std::to_string(kMaxPickleValues) + " memo entries (limit kMaxPickleValues)");
    memo_[index] = std::move(v);
  }
  // A container holding `child` is at least one level deeper than it.
  void nest(Value& container, const Value& child) {
    container.depth = std::max(container.depth, child.depth + 1);
    if (container.depth > kMaxPickleDepth) tooDeep();
  }
  [[noreturn]] void tooDeep() const {
    bad("values nested deeper than " + std::to_string(kMaxPickleDepth) + " levels (limit kMaxPickleDepth)");
  }
  // Depth as built can undercount when a memoized container is filled after being nested; the final
  // graph is measured again (iteratively), which also finds a value that contains itself.
  void checkGraph(const ValuePtr& root) const {
    std::unordered_map<const Value*, uint32_t> depth;  // finished values
    std::unordered_set<const Value*> open;             // on the current path
    std::vector<std::pair<const Value*, bool>> todo{{root.get(), false}};
    auto children = [](const Value* v) {
      std::vector<const Value*> out;
      for (const auto& item : v->items) out.push_back(item.get());
      for (const auto& [key, value] : v->entries) out.push_back(key.get()), out.push_back(value.get());
      return out;
    };
    while (!todo.empty()) {
      auto [v, expanded] = todo.back();
      todo.pop_back();
      if (expanded) {
        uint32_t d = 1;
        for (const Value* c : children(v)) d = std::max(d, depth.at(c) + 1);
        if (d > kMaxPickleDepth) tooDeep();
        depth[v] = d;
        open.erase(v);
        continue;
      }
      if (depth.count(v)) continue;
      if (open.count(v)) bad(std::string("a ") + kindName(v->kind) + " contains itself");
      open.insert(v);
      todo.push_back({v, true});
      for (const Value* c : children(v)) {
        if (open.count(c)) bad(std::string("a ") + kindName(c->kind) + " contains itself");
        if (!depth.count(c)) todo.push_back({c, false});
      }
    }
  }

  ValuePtr runOpcodes() {
    while (true) {
      const size_t at = pos_;
      const uint8_t op = byte();
      switch (op) {
        case 0x80: {  // PROTO
          const uint8_t version = byte();
          if (version > 5) bad("unknown pickle protocol " + std::to_string(version));
          break;
        }
        case 0x95: take(8); break;  // FRAME: framing is only a read-ahead hint
        case '.': return pop();     // STOP
        case '(':
          if (marks_.size() >= kMaxPickleDepth) tooDeep();
          marks_.push_back(stack_.size());
          break;
        case '}': push(make(Kind::Dict)); break;
        case ']': push(make(Kind::List)); break;
        case ')': push(make(Kind::Tuple)); break;
        case 't': pushTuple(popMark()); break;
        case 0x85: pushTuple(popN(1)); break;
        case 0x86: pushTuple(popN(2)); break;
        case 0x87: pushTuple(popN(3)); break;
        case 'N': push(make(Kind::None)); break;
        case 0x88: pushBool(true); break;
        case 0x89: pushBool(false); break;
        case 'K': pushInt(byte()); break;
        case 'M': pushInt(static_cast<int64_t>(uintLE(2))); break;
        case 'J': pushInt(static_cast<int32_t>(uintLE(4))); break;
        case 0x8a: pushInt(long1()); break;
        case 'X': pushString(take(uintLE(4))); break;
        case 0x8c: pushString(take(byte())); break;
        case 0x8d: pushString(take(uintLE(8))); break;
        case 'q': memoPut(byte(), top()); break;
        case 'r': memoPut(uintLE(4), top()); break;
        case 0x94: memoPut(memo_.size(), top()); break;  // MEMOIZE
        case 'h': push(memoGet(byte())); break;
        case 'j': push(memoGet(uintLE(4))); break;
        case 's': setItems(popN(2)); break;
        case 'u': setItems(popMark()); break;
        case 'a': append(popN(1)); break;
        case 'e': append(popMark()); break;
        case 'c': {
          const std::string module = line();
          const std::string name = line();
          push(global(module, name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          auto parts = popN(2);
          if (parts[0]->kind != Kind::String || parts[1]->kind != Kind::String) bad("STACK_GLOBAL needs two strings");
          push(global(parts[0]->text, parts[1]->text));
          break;
        }
        case 'R': {
          auto parts = popN(2);
          push(reduce(parts[0], parts[1]));
          break;
        }
        case 'Q': push(persistentLoad(pop())); break;
        case 'b': {
          auto parts = popN(2);
          build(parts[0], parts[1]);
          break;
        }
        default: {
          char printable[8] = "";
          if (op >= 0x20 && op < 0x7f) std::snprintf(printable, sizeof printable, " '%c'", op);
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          fail(ErrorCode::ModelLoad, label_ + ": refused pickle opcode " + hex + printable + " at byte " +
                                         std::to_string(at) + " (only the opcodes of a plain state dict are allowed)");
        }
      }
    }
  }

  [[noreturn]] void bad(const std::string& what) const {
    fail(ErrorCode::ModelLoad,
         label_ + ": unsupported or corrupt pickle at byte " + std::to_string(pos_) + ": " + what);
  }

  uint8_t byte() {
    if (pos_ >= data_.size()) bad("unexpected end of data (no STOP)");
    return static_cast<uint8_t>(data_[pos_++]);
  }
  std::string_view take(uint64_t count) {
    if (count > data_.size() - pos_) bad("a length of " + std::to_string(count) + " runs past the end of data");
    auto out = data_.substr(pos_, count);
    pos_ += count;
    return out;
  }
  uint64_t uintLE(size_t bytes) {
    const auto raw = take(bytes);
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= uint64_t(static_cast<uint8_t>(raw[i])) << (8 * i);
    return v;
  }
  int64_t long1() {
    const uint8_t bytes = byte();
    if (bytes > 8) bad("integer of " + std::to_string(bytes) + " bytes is too large");
    if (bytes == 0) return 0;
    uint64_t v = uintLE(bytes);
    if (bytes < 8 && (v >> (8 * bytes - 1)) & 1) v |= ~uint64_t(0) << (8 * bytes);  // sign-extend
    return static_cast<int64_t>(v);
  }
  std::string line() {
    const size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) bad("unterminated GLOBAL name");
    std::string out(data_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }

  ValuePtr top() const {
    if (stack_.empty()) bad("stack underflow");
    return stack_.back();
  }
  ValuePtr pop() {
    auto v = top();
    stack_.pop_back();
    return v;
  }
  std::vector<ValuePtr> popN(size_t n) {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + n) bad("stack underflow");
    std::vector<ValuePtr> out(stack_.end() - n, stack_.end());
    stack_.resize(stack_.size() - n);
    return out;
  }
  std::vector<ValuePtr> popMark() {
    if (marks_.empty()) bad("no MARK on the stack");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> out(stack_.begin() + mark, stack_.end());
    stack_.resize(mark);
    return out;
  }
  ValuePtr memoGet(uint64_t index) const {
    const auto it = memo_.find(index);
    if (it == memo_.end()) bad("memo entry " + std::to_string(index) + " was never stored");
    return it->second;
  }

  void pushTuple(std::vector<ValuePtr> items) {
    auto v = make(Kind::Tuple);
    for (const auto& item : items) nest(*v, *item);
    v->items = std::move(items);
    push(v);
  }
  void pushBool(bool b) {
    auto v = make(Kind::Bool);
    v->number = b;
    push(v);
  }
  void pushInt(int64_t n) {
    auto v = make(Kind::Int);
    v->number = n;
    push(v);
  }
  void pushString(std::string_view s) {
    auto v = make(Kind::String);
    v->text = std::string(s);
    push(v);
  }

  void setItems(const std::vector<ValuePtr>& items) {
    auto dict = top();
    if (dict->kind != Kind::Dict) bad(std::string("SETITEM on a ") + kindName(dict->kind));
    if (items.size() % 2) bad("SETITEMS with an odd number of items");
    for (size_t i = 0; i < items.size(); i += 2) {
      const auto& key = items[i];
      nest(*dict, *key);
      nest(*dict, *items[i + 1]);
      auto same = std::find_if(dict->entries.begin(), dict->entries.end(), [&](const auto& e) {
        return key->kind == Kind::String && e.first->kind == Kind::String && e.first->text == key->text;
      });
      if (same != dict->entries.end()) {
        same->second = items[i + 1];
      } else {
        dict->entries.emplace_back(key, items[i + 1]);
      }
    }
  }
  void append(const std::vector<ValuePtr>& items) {
    auto list = top();
    if (list->kind != Kind::List) bad(std::string("APPEND on a ") + kindName(list->kind));
    for (const auto& item : items) nest(*list, *item);
    list->items.insert(list->items.end(), items.begin(), items.end());
  }

  ValuePtr global(const std::string& module, const std::string& name) {
    const std::string qualified = module + "." + name;
    const auto allowed = allowedGlobal(qualified);
    if (!allowed)
      fail(ErrorCode::ModelLoad, label_ + ": refused pickle global \"" + qualified +
                                     "\" (only plain state dicts of tensors can be loaded; the file may hold code)");
    auto v = make(Kind::Global);
    v->text = qualified;
    v->callable = allowed->first;
    v->storageType = allowed->second;
    return v;
  }

  int64_t toInt(const ValuePtr& v, const char* what) const {
    if (v->kind != Kind::Int) bad(std::string(what) + " is a " + kindName(v->kind) + ", not an int");
    return v->number;
  }
  std::vector<int64_t> toInts(const ValuePtr& v, const char* what) const {
    if (v->kind != Kind::Tuple) bad(std::string(what) + " is a " + kindName(v->kind) + ", not a tuple");
    std::vector<int64_t> out;
    for (const auto& item : v->items) {
      const int64_t n = toInt(item, what);
      if (n < 0) bad(std::string(what) + " has a negative entry");
      out.push_back(n);
    }
    return out;
  }

  ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args) {
    if (callable->kind != Kind::Global) bad(std::string("REDUCE on a ") + kindName(callable->kind));
    if (args->kind != Kind::Tuple) bad("REDUCE arguments are not a tuple");
    const auto& a = args->items;
    switch (callable->callable) {
      case Callable::OrderedDict:
        if (!a.empty()) bad("collections.OrderedDict called with arguments");
        return make(Kind::Dict);
      case Callable::RebuildTensorV2: {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (a.size() != 6 && a.size() != 7) bad("_rebuild_tensor_v2 expects 6 or 7 arguments");
        if (a[0]->kind != Kind::Storage) bad("_rebuild_tensor_v2 without a storage");
        return rebuildTensor(a[0]->tensor, toInt(a[1], "storage offset"), toInts(a[2], "size"),
                             toInts(a[3], "stride"));
      }
      case Callable::RebuildParameter:
        // (data, requires_grad, backward_hooks): a state dict saved with keep_vars=True
        if (a.size() != 3 || a[0]->kind != Kind::Tensor) bad("_rebuild_parameter expects (tensor, bool, hooks)");
        return a[0];
      default:
        fail(ErrorCode::ModelLoad, label_ + ": refused to call pickle global \"" + callable->text + "\"");
    }
  }

  ValuePtr rebuildTensor(const at::Tensor& storage, int64_t offset, const std::vector<int64_t>& size,
                         const std::vector<int64_t>& stride) {
    if (size.size() != stride.size()) bad("tensor size and stride differ in length");
    if (offset < 0) bad("negative storage offset");
    // The last element addressed must lie inside the storage.
    bool empty = false;
    int64_t last = offset;
    for (size_t d = 0; d < size.size(); ++d) {
      if (size[d] == 0) empty = true;
      int64_t span = 0;
      if (size[d] > 0 && (__builtin_mul_overflow(size[d] - 1, stride[d], &span) ||
                          __builtin_add_overflow(last, span, &last)))
        bad("tensor extent overflows");
    }
    if (!empty && last >= storage.numel())
      bad("tensor (offset " + std::to_string(offset) + ") reaches element " + std::to_string(last) +
          " of a storage of " + std::to_string(storage.numel()) + " elements");
    auto v = make(Kind::Tensor);
    v->tensor = storage.as_strided(size, stride, offset);
    return v;
  }

  ValuePtr persistentLoad(const ValuePtr& pid) {
    // ('storage', torch.<Type>Storage, key, location, numel)
    const auto& p = pid->items;
    if (pid->kind != Kind::Tuple || p.size() != 5 || p[0]->kind != Kind::String || p[0]->text != "storage")
      bad("persistent id is not a ('storage', type, key, location, numel) tuple");
    if (p[1]->kind != Kind::Global || p[1]->callable != Callable::StorageType)
      bad("persistent id without a storage type");
    if (p[2]->kind != Kind::String) bad("storage key is not a string");
    const int64_t numel = toInt(p[4], "storage size");
    if (numel < 0) bad("negative storage size");
    const std::string& key = p[2]->text;
    auto& cached = storages_[key];
    if (!cached) {
      cached = make(Kind::Storage);
      cached->tensor = loadStorage_(key, p[1]->storageType, numel);
    } else if (cached->tensor.scalar_type() != p[1]->storageType || cached->tensor.numel() != numel) {
      bad("storage \"" + key + "\" is referenced with different types or sizes");
    }
    return cached;
  }

  void build(const ValuePtr& target, const ValuePtr& state) {
    // torch.save(module.state_dict()) sets the OrderedDict's `_metadata` attribute (per-module versions);
    // it carries nothing we need.
    if (target->kind != Kind::Dict || state->kind != Kind::Dict)
      bad(std::string("BUILD of a ") + kindName(target->kind) + " (only OrderedDict attributes are accepted)");
    push(target);
  }

  std::string_view data_;
  size_t pos_ = 0;
  std::string label_;
  StorageLoader loadStorage_;
  std::vector<ValuePtr> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, ValuePtr> memo_;
  std::map<std::string, ValuePtr> storages_;
  size_t made_ = 0;
  bool finished_ = false;
};

}  // namespace

Value::~Value() {
  std::vector<ValuePtr> pending;
  detachChildren(*this, pending);
  while (!pending.empty()) {
    ValuePtr v = std::move(pending.back());
    pending.pop_back();
    // The last owner takes the children first, so `v` dies childless here.
    if (v && v.use_count() == 1) detachChildren(*v, pending);
  }
}

const char* kindName(Kind kind) {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::String: return "str";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
  }
  return "?";
}

ValuePtr unpickleRestricted(std::string_view data, const std::string& label, const StorageLoader& loadStorage) {
  return RestrictedUnpickler(data, label, loadStorage).run();
}

}  // namespace ppd::pickle
