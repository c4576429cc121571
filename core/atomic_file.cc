#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "core/error.h"

namespace tutor {
namespace {

// fsync of a file by name; false when it cannot be opened or synced
bool SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

void WriteAtomically(const std::string& path, const std::string& what,
                     const std::function<void(const std::string& temp_path)>& write) {
  const std::string temp = path + ".tmp";
  try {
    write(temp);
  } catch (const std::exception& e) {
    std::remove(temp.c_str());
    throw CheckpointError(path + ": cannot write the " + what + ": " + e.what());
  }
  if (!SyncFile(temp)) {
    std::remove(temp.c_str());
    throw CheckpointError(path + ": cannot write the " + what + " (the file did not reach disk)");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw CheckpointError(path + ": cannot move the written " + what + " into place");
  }
  // the rename itself reaches the disk with the folder's entry
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void WriteTextAtomically(const std::string& path, const std::string& what,
                         const std::string& text) {
  WriteAtomically(path, what, [&](const std::string& temp) {
    std::ofstream out(temp);
    out << text;
    out.close();
    if (!out) throw Error("write failed");
  });
}

}  // namespace tutor
