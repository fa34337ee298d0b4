#pragma once
// A whole file mapped read-only into memory (POSIX mmap). The mapping lives
// exactly as long as the object; views into it (safetensors tensors) must not
// outlive it. Move-only.
#include <cstddef>
#include <cstdint>
#include <string>

namespace beamline::modelio {

class MappedFile {
 public:
  // Throws beamline::Error naming the path when the file cannot be opened or
  // mapped. An empty file maps to {nullptr, 0}.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void unmap() noexcept;

  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace beamline::modelio
