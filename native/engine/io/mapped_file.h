#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ppd {

// Read-only file contents through mmap (copy-on-write, so a stray in-place op cannot fault).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ppd
