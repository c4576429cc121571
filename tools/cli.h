#ifndef TUTOR_TOOLS_CLI_H_
#define TUTOR_TOOLS_CLI_H_

#include <map>
#include <string>
#include <vector>

namespace tutor {

// `--flag value` / `--flag=value` / `--switch` parsing against a declared set of flags, so a
// typo is a usage error instead of a silently ignored option.
class Args {
 public:
  struct Flag {
    std::string name;     // without dashes
    std::string help;
    bool is_switch = false;
    bool repeated = false;  // may be given several times (e.g. --set, --policy)
  };

  Args(std::string command, std::vector<Flag> flags);
  // ConfigError on an unknown flag or a missing value
  void Parse(int argc, char** argv, int first);

  bool Has(const std::string& name) const;
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  int GetInt(const std::string& name, int fallback) const;
  double GetDouble(const std::string& name, double fallback) const;
  std::string Help() const;

 private:
  std::string command_;
  std::vector<Flag> flags_;
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace tutor

#endif  // TUTOR_TOOLS_CLI_H_
