#ifndef TUTOR_CORE_ERROR_H_
#define TUTOR_CORE_ERROR_H_

#include <stdexcept>
#include <string>

namespace tutor {

// the one error hierarchy of tutor: libraries throw, tools catch at main() and exit 2
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// a config file, a --set override or a command-line flag is wrong
class ConfigError : public Error {
 public:
  using Error::Error;
};

// an MJCF file is missing, broken, or lacks a name the config needs
class ModelError : public Error {
 public:
  using Error::Error;
};

// a checkpoint or export file is missing, truncated or does not match
class CheckpointError : public Error {
 public:
  using Error::Error;
};

// a computation left the numbers it is defined for (a policy std <= 0, a NaN where none may be)
class NumericalError : public Error {
 public:
  using Error::Error;
};

}  // namespace tutor

#endif  // TUTOR_CORE_ERROR_H_
