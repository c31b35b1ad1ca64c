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

// Gives back to the OS the whole pages inside [data, data + bytes) of a private read-only file
// mapping whose contents were copied elsewhere (e.g. fp16 weights converted to fp32), so a load
// peaks at the converted weights rather than converted + mapped. Reading them again is still
// correct: the pages fault back in from the file.
void releaseMappedPages(const void* data, size_t bytes);

}  // namespace ppd
