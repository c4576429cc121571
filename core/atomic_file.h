#ifndef TUTOR_CORE_ATOMIC_FILE_H_
#define TUTOR_CORE_ATOMIC_FILE_H_

#include <functional>
#include <string>

namespace tutor {

// Writes `path` through a temporary file beside it: `write(temp_path)` fills the temporary,
// which is then flushed to disk (fsync) and renamed over `path` (the folder fsynced too), so a crash or a failed write never
// leaves a half-written file where a good one was. `what` names the file's kind in errors
// ("checkpoint", "export"); CheckpointError naming `path` when any step fails (the temporary
// is removed).
void WriteAtomically(const std::string& path, const std::string& what,
                     const std::function<void(const std::string& temp_path)>& write);

// the same for a text file
void WriteTextAtomically(const std::string& path, const std::string& what,
                         const std::string& text);

}  // namespace tutor

#endif  // TUTOR_CORE_ATOMIC_FILE_H_
