#pragma once
#include <filesystem>
#include <string>

namespace ppd {

// File checks for everything a model load reads (configs, indexes, weights). Errors are
// ERR_MODEL_LOAD naming the path; none of these calls can block on a FIFO or follow a symlink loop.

enum class PathKind { Missing, RegularFile, Directory };

// What `path` is after following symlinks. A FIFO, socket or device, a symlink loop or an
// unreadable path is an error naming it (never a hang, never ERR_INTERNAL).
PathKind statModelPath(const std::string& path);

// Requires a regular file (symlinks to one are fine); the check runs before anything opens it.
void requireRegularFile(const std::string& path);

// `entry` as written in a weights index ("diffusion_pytorch_model-00001-of-00002.safetensors"),
// resolved against `dir`. Refused: an absolute entry, one with a `..` part, and one whose symlinks
// resolve outside the model folder (the parent of `dir`) — except into the blob store of a Hugging
// Face cache snapshot (<repo>/snapshots/<rev>/… links into <repo>/blobs/), where all files are links.
std::string resolveInsideModel(const std::string& dir, const std::string& entry, const std::string& listedIn);

// Like resolveInsideModel, with `dir` itself as the folder not to leave (a component folder of a
// pipeline folder).
std::string resolveInsideFolder(const std::string& dir, const std::string& entry, const std::string& listedIn);

}  // namespace ppd
