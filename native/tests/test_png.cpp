#include "test_png.h"

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "test_framework.h"

namespace ppd::test {
namespace {

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return uint8_t(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

}  // namespace

at::Tensor decodePng(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&](const std::string& what) { throw Failure(path + ": " + what); };
  if (file.size() < 8 || std::string(file.begin() + 1, file.begin() + 4) != "PNG") bad("not a PNG");
  uint32_t width = 0, height = 0;
  int channels = 0;
  std::vector<uint8_t> compressed;
  for (size_t at = 8; at + 12 <= file.size();) {
    const uint32_t length = be32(&file[at]);
    const std::string type(file.begin() + at + 4, file.begin() + at + 8);
    const uint8_t* data = &file[at + 8];
    if (at + 12 + length > file.size()) bad("truncated chunk " + type);
    if (type == "IHDR") {
      width = be32(data);
      height = be32(data + 4);
      const int bitDepth = data[8], colorType = data[9], interlace = data[12];
      if (bitDepth != 8 || interlace != 0) bad("only 8-bit non-interlaced PNGs are supported");
      channels = colorType == 0 ? 1 : colorType == 4 ? 2 : colorType == 2 ? 3 : colorType == 6 ? 4 : 0;
      if (channels == 0) bad("unsupported PNG color type " + std::to_string(colorType));
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), data, data + length);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (channels == 0) bad("no IHDR chunk");
  const size_t stride = size_t(width) * channels;
  std::vector<uint8_t> raw(size_t(height) * (stride + 1));
  uLongf rawSize = raw.size();
  if (uncompress(raw.data(), &rawSize, compressed.data(), compressed.size()) != Z_OK || rawSize != raw.size())
    bad("corrupt image data");
  at::Tensor out = at::empty({int64_t(height), int64_t(width), channels}, at::kByte);
  uint8_t* pixels = out.data_ptr<uint8_t>();
  for (uint32_t y = 0; y < height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* line = &raw[y * (stride + 1) + 1];
    uint8_t* row = pixels + y * stride;
    const uint8_t* up = y > 0 ? row - stride : nullptr;
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= size_t(channels) ? row[i - channels] : 0;
      const int b = up ? up[i] : 0;
      const int c = up && i >= size_t(channels) ? up[i - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: predicted = paeth(a, b, c); break;
        default: bad("unknown PNG filter " + std::to_string(filter));
      }
      row[i] = uint8_t(line[i] + predicted);
    }
  }
  return out;
}

}  // namespace ppd::test
