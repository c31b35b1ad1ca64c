#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ppd {

class MappedFile;

// The entries of a zip file, read through mmap. Only stored (uncompressed) entries can be read: that is
// what torch.save writes, and it keeps inflate code out of the engine. ZIP64 archives are understood.
// Any structural problem is ERR_MODEL_LOAD naming the file (and the entry).
class ZipArchive {
 public:
  explicit ZipArchive(const std::string& path);
  const std::string& path() const { return path_; }
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  // The bytes of a stored entry, viewing the mapping (valid while this archive lives).
  std::string_view read(const std::string& name) const;

 private:
  struct Entry {
    uint64_t localHeaderOffset = 0;
    uint64_t compressedSize = 0;
    uint64_t size = 0;
    uint16_t method = 0;
    uint16_t flags = 0;
  };
  void readCentralDirectory();
  std::string path_;
  std::shared_ptr<MappedFile> mapping_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ppd
