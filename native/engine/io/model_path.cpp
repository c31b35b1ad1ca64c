#include "engine/io/model_path.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "engine/core/error.h"

namespace fs = std::filesystem;

namespace ppd {

PathKind statModelPath(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return PathKind::Missing;
    if (err == ELOOP) fail(ErrorCode::ModelLoad, path + ": symlink loop (too many levels of symbolic links)");
    fail(ErrorCode::ModelLoad, path + ": cannot read (" + std::strerror(err) + ")");
  }
  if (S_ISREG(st.st_mode)) return PathKind::RegularFile;
  if (S_ISDIR(st.st_mode)) return PathKind::Directory;
  const char* what = S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket"
                     : (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) ? "a device" : "not a file";
  fail(ErrorCode::ModelLoad, path + ": is " + std::string(what) + ", not a regular file");
}

void requireRegularFile(const std::string& path) {
  switch (statModelPath(path)) {
    case PathKind::RegularFile: return;
    case PathKind::Missing: fail(ErrorCode::ModelLoad, path + ": cannot open (missing file?)");
    case PathKind::Directory: fail(ErrorCode::ModelLoad, path + ": is a folder, not a regular file");
  }
}

namespace {

bool within(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p)
    if (p == path.end() || *p != *r) return false;
  return true;
}

fs::path canonicalOrFail(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::canonical(path, ec);
  if (ec) {
    if (ec.value() == ELOOP) fail(ErrorCode::ModelLoad, path.string() + ": symlink loop (too many levels of symbolic links)");
    fail(ErrorCode::ModelLoad, path.string() + ": cannot resolve (" + ec.message() + ")");
  }
  return out;
}

}  // namespace

namespace {

std::string resolveInside(const std::string& dir, const std::string& entry, const std::string& listedIn,
                          bool rootIsParent) {
  const fs::path rel(entry);
  auto refuse = [&](const std::string& why) {
    fail(ErrorCode::ModelLoad, listedIn + ": file \"" + entry + "\" " + why + " (only files inside the model folder are read)");
  };
  if (entry.empty()) refuse("is empty");
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) refuse("is an absolute path");
  for (const auto& part : rel)
    if (part == "..") refuse("reaches outside its folder (\"..\")");
  const fs::path full = fs::path(dir) / rel;
  if (statModelPath(full.string()) == PathKind::Missing) return full.string();  // the reader reports it as missing
  const fs::path resolved = canonicalOrFail(full);
  const fs::path canonicalDir = canonicalOrFail(fs::path(dir));
  const fs::path modelRoot = rootIsParent ? canonicalDir.parent_path() : canonicalDir;
  bool allowed = within(resolved, modelRoot);
  // Hugging Face cache: <repo>/snapshots/<rev>[/<component>]/<file> -> <repo>/blobs/<hash>, for a
  // pipeline's component folder and for a single-folder model (a CLIP repo) alike.
  for (fs::path p = canonicalDir; !allowed && p.has_relative_path(); p = p.parent_path()) {
    if (p.filename() == "snapshots") {
      allowed = within(resolved, p.parent_path() / "blobs");
      break;
    }
  }
  if (!allowed) refuse("resolves to " + resolved.string() + ", outside the model folder " + modelRoot.string());
  return full.string();
}

}  // namespace

std::string resolveInsideModel(const std::string& dir, const std::string& entry, const std::string& listedIn) {
  return resolveInside(dir, entry, listedIn, true);
}

std::string resolveInsideFolder(const std::string& dir, const std::string& entry, const std::string& listedIn) {
  return resolveInside(dir, entry, listedIn, false);
}

}  // namespace ppd
