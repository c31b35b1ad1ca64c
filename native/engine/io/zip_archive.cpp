#include "engine/io/zip_archive.h"

#include "engine/core/error.h"
#include "engine/io/mapped_file.h"

namespace ppd {
namespace {

constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64EndOfCentralDirectory = 0x06064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr size_t kEndRecordBytes = 22;
constexpr size_t kMaxCommentBytes = 0xFFFF;

// Bounds-checked little-endian reads over the mapped bytes.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size, const std::string& path) : data_(data), size_(size), path_(path) {}
  uint64_t uint(size_t at, size_t bytes, const char* what) const {
    if (at > size_ || bytes > size_ - at) bad(std::string(what) + " lies outside the file (truncated archive?)");
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= uint64_t(data_[at + i]) << (8 * i);
    return v;
  }
  std::string_view bytes(size_t at, uint64_t count, const std::string& what) const {
    if (at > size_ || count > size_ - at) bad(what + " lies outside the file (truncated archive?)");
    return {reinterpret_cast<const char*>(data_ + at), static_cast<size_t>(count)};
  }
  size_t size() const { return size_; }
  [[noreturn]] void bad(const std::string& what) const {
    fail(ErrorCode::ModelLoad, path_ + ": invalid zip archive: " + what);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  const std::string& path_;
};

}  // namespace

ZipArchive::ZipArchive(const std::string& path) : path_(path) {
  mapping_ = std::make_shared<MappedFile>(path);
  readCentralDirectory();
}

void ZipArchive::readCentralDirectory() {
  const Cursor in(mapping_->data(), mapping_->size(), path_);
  if (in.size() < kEndRecordBytes) in.bad("too short to be a zip file");
  // The end record sits after the central directory, followed only by a comment of up to 64 KiB.
  size_t end = in.size() - kEndRecordBytes;
  const size_t lowest = end > kMaxCommentBytes ? end - kMaxCommentBytes : 0;
  while (in.uint(end, 4, "end record") != kEndOfCentralDirectory) {
    if (end == lowest) in.bad("no end-of-central-directory record (not a zip file)");
    --end;
  }
  uint64_t count = in.uint(end + 10, 2, "entry count");
  uint64_t directorySize = in.uint(end + 12, 4, "central directory size");
  uint64_t directoryOffset = in.uint(end + 16, 4, "central directory offset");
  if (count == 0xFFFF || directorySize == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF) {
    if (end < 20 || in.uint(end - 20, 4, "zip64 locator") != kZip64Locator) in.bad("zip64 locator missing");
    const uint64_t record = in.uint(end - 20 + 8, 8, "zip64 end record offset");
    if (in.uint(record, 4, "zip64 end record") != kZip64EndOfCentralDirectory) in.bad("zip64 end record missing");
    count = in.uint(record + 32, 8, "zip64 entry count");
    directorySize = in.uint(record + 40, 8, "zip64 central directory size");
    directoryOffset = in.uint(record + 48, 8, "zip64 central directory offset");
  }
  if (directoryOffset > in.size() || directorySize > in.size() - directoryOffset)
    in.bad("central directory lies outside the file (truncated archive?)");

  uint64_t at = directoryOffset;
  for (uint64_t i = 0; i < count; ++i) {
    if (in.uint(at, 4, "central directory entry") != kCentralHeader)
      in.bad("central directory entry " + std::to_string(i) + " has a bad signature");
    Entry e;
    e.flags = static_cast<uint16_t>(in.uint(at + 8, 2, "entry flags"));
    e.method = static_cast<uint16_t>(in.uint(at + 10, 2, "entry method"));
    e.compressedSize = in.uint(at + 20, 4, "entry size");
    e.size = in.uint(at + 24, 4, "entry size");
    const uint64_t nameLength = in.uint(at + 28, 2, "entry name length");
    const uint64_t extraLength = in.uint(at + 30, 2, "entry extra length");
    const uint64_t commentLength = in.uint(at + 32, 2, "entry comment length");
    e.localHeaderOffset = in.uint(at + 42, 4, "entry offset");
    const std::string name(in.bytes(at + 46, nameLength, "entry name"));
    // ZIP64 moves each saturated field, in this order, into the 0x0001 extra block.
    const uint64_t extraStart = at + 46 + nameLength;
    for (uint64_t x = extraStart; x + 4 <= extraStart + extraLength;) {
      const uint64_t id = in.uint(x, 2, "extra field");
      const uint64_t length = in.uint(x + 2, 2, "extra field");
      if (id == kZip64ExtraId) {
        uint64_t field = x + 4;
        const uint64_t fieldEnd = field + length;
        for (uint64_t* value : {&e.size, &e.compressedSize, &e.localHeaderOffset}) {
          if (*value != 0xFFFFFFFF) continue;
          if (field + 8 > fieldEnd) in.bad("entry \"" + name + "\" has a short zip64 extra field");
          *value = in.uint(field, 8, "zip64 extra field");
          field += 8;
        }
      }
      x += 4 + length;
    }
    entries_[name] = e;
    at = extraStart + extraLength + commentLength;
  }
}

std::vector<std::string> ZipArchive::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : entries_) out.push_back(name);
  return out;
}

std::string_view ZipArchive::read(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) fail(ErrorCode::ModelLoad, path_ + ": zip archive has no entry \"" + name + "\"");
  const Entry& e = it->second;
  const Cursor in(mapping_->data(), mapping_->size(), path_);
  const std::string what = "entry \"" + name + "\"";
  if (e.flags & 1) in.bad(what + " is encrypted");
  if (e.method != 0)
    in.bad(what + " uses compression method " + std::to_string(e.method) +
           "; only stored (uncompressed) entries are supported, as torch.save writes them");
  if (e.compressedSize != e.size) in.bad(what + " is stored but its sizes differ");
  if (in.uint(e.localHeaderOffset, 4, what.c_str()) != kLocalHeader) in.bad(what + " has a bad local header");
  // The local header repeats name and extra field with its own lengths (torch pads the extra field
  // so that tensor data is aligned).
  const uint64_t nameLength = in.uint(e.localHeaderOffset + 26, 2, what.c_str());
  const uint64_t extraLength = in.uint(e.localHeaderOffset + 28, 2, what.c_str());
  return in.bytes(e.localHeaderOffset + 30 + nameLength + extraLength, e.size, what + " data");
}

}  // namespace ppd
