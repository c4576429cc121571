#include "tools/cli.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace tutor {

Args::Args(std::string command, std::vector<Flag> flags)
    : command_(std::move(command)), flags_(std::move(flags)) {}

void Args::Parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") throw ConfigError("usage:\n" + Help());
    if (arg.rfind("--", 0) != 0)
      throw ConfigError(command_ + ": unexpected argument '" + arg + "'\n" + Help());
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Flag* flag = nullptr;
    for (const auto& f : flags_)
      if (f.name == name) flag = &f;
    if (!flag) throw ConfigError(command_ + ": unknown flag --" + name + "\n" + Help());
    if (flag->is_switch) {
      if (has_value) throw ConfigError(command_ + ": --" + name + " takes no value");
      value = "true";
    } else if (!has_value) {
      if (i + 1 >= argc) throw ConfigError(command_ + ": --" + name + " expects a value");
      value = argv[++i];
    }
    if (!flag->repeated && values_.count(name))
      throw ConfigError(command_ + ": --" + name + " given twice");
    values_[name].push_back(value);
  }
}

bool Args::Has(const std::string& name) const { return values_.count(name) > 0; }

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

int Args::GetInt(const std::string& name, int fallback) const {
  if (!Has(name)) return fallback;
  const std::string text = Get(name);
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < -(1L << 31) || value >= (1L << 31))
    throw ConfigError(command_ + ": --" + name + ": expected an integer, got '" + text + "'");
  return static_cast<int>(value);
}

double Args::GetDouble(const std::string& name, double fallback) const {
  if (!Has(name)) return fallback;
  const std::string text = Get(name);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value))
    throw ConfigError(command_ + ": --" + name + ": expected a number, got '" + text + "'");
  return value;
}

std::string Args::Help() const {
  std::string text = "  tutor " + command_ + "\n";
  for (const auto& f : flags_) {
    std::string left = "    --" + f.name + (f.is_switch ? "" : " V");
    left.resize(std::max<size_t>(left.size() + 1, 26), ' ');
    text += left + f.help + "\n";
  }
  return text;
}

}  // namespace tutor
