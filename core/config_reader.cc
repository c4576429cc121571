#include "core/config_reader.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace tutor {

std::string DirName(const std::string& file) {
  auto slash = file.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return file.substr(0, slash);
}

ConfigReader::ConfigReader(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

ConfigReader ConfigReader::FromFile(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw ConfigError(file + ": cannot open config file");
  std::stringstream text;
  text << in.rdbuf();
  return FromString(text.str(), file);
}

ConfigReader ConfigReader::FromString(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": malformed YAML: " + e.msg);
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(file + ": expected a mapping at the top level");
  return ConfigReader(root, file);
}

ConfigReader ConfigReader::FromOverrides(const std::vector<std::string>& overrides) {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& item : overrides) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("--set " + item + ": expected key.path=value");
    std::string key = item.substr(0, eq);
    YAML::Node value;
    try {
      value = YAML::Load(item.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      throw ConfigError("--set " + item + ": malformed value: " + e.msg);
    }
    // walk/create the nested mappings of a.b.c (nodes are handles: assignment rebinds)
    std::vector<std::string> parts;
    std::stringstream ss(key);
    for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
    std::vector<YAML::Node> chain{root};
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node next = chain.back()[parts[i]];
      if (!next.IsMap()) {
        chain.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
        next = chain.back()[parts[i]];
      }
      chain.push_back(next);
    }
    chain.back()[parts.back()] = value;
  }
  return ConfigReader(root, "--set");
}

std::string ConfigReader::KeyPath(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

std::string ConfigReader::Where(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (file_ == "--set" || mark.is_null()) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void ConfigReader::Fail(const std::string& key, const std::string& expected) const {
  YAML::Node value = Has(key) ? node_[key] : node_;
  std::string got;
  if (Has(key)) {
    YAML::Emitter emitter;
    emitter << YAML::Flow << value;
    got = std::string(", got '") + emitter.c_str() + "'";
  }
  throw ConfigError(Where(value) + ": " + KeyPath(key) + ": expected " + expected + got);
}

bool ConfigReader::Has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

std::vector<std::string> ConfigReader::Keys() const {
  std::vector<std::string> keys;
  if (!node_.IsMap()) return keys;
  for (const auto& kv : node_) keys.push_back(kv.first.as<std::string>());
  return keys;
}

void ConfigReader::ExpectKeys(std::initializer_list<const char*> allowed) const {
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (known) continue;
    std::string list;
    for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
    throw ConfigError(Where(kv.first) + ": " + KeyPath(key) + ": unknown key (known: " + list +
                      ")");
  }
}

ConfigReader ConfigReader::Child(const std::string& key) const {
  if (!Has(key)) return ConfigReader(YAML::Node(YAML::NodeType::Map), file_, KeyPath(key));
  if (!node_[key].IsMap()) Fail(key, "a mapping");
  return ConfigReader(node_[key], file_, KeyPath(key));
}

namespace {
bool ParseDouble(const YAML::Node& node, double* out) {
  if (!node.IsScalar()) return false;
  try {
    *out = node.as<double>();
  } catch (const YAML::Exception&) {
    return false;
  }
  return std::isfinite(*out);
}
std::string RangeText(double min, double max) {
  std::ostringstream s;
  s << "a number in [" << min << ", " << max << "]";
  return s.str();
}
}  // namespace

void ConfigReader::Read(const std::string& key, double* out, double min, double max) const {
  if (!Has(key)) return;
  double value;
  if (!ParseDouble(node_[key], &value) || value < min || value > max) Fail(key, RangeText(min, max));
  *out = value;
}

void ConfigReader::Read(const std::string& key, int* out, int min, int max) const {
  if (!Has(key)) return;
  double value;
  if (!ParseDouble(node_[key], &value) || value != std::floor(value) || value < min || value > max)
    Fail(key, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  *out = static_cast<int>(value);
}

void ConfigReader::Read(const std::string& key, bool* out) const {
  if (!Has(key)) return;
  try {
    *out = node_[key].as<bool>();
  } catch (const YAML::Exception&) {
    Fail(key, "true or false");
  }
}

void ConfigReader::Read(const std::string& key, std::string* out) const {
  if (!Has(key)) return;
  if (!node_[key].IsScalar()) Fail(key, "a string");
  *out = node_[key].as<std::string>();
}

void ConfigReader::Read(const std::string& key, std::vector<std::string>* out) const {
  if (!Has(key)) return;
  if (!node_[key].IsSequence()) Fail(key, "a list of names");
  std::vector<std::string> values;
  for (const auto& item : node_[key]) {
    if (!item.IsScalar()) Fail(key, "a list of names");
    values.push_back(item.as<std::string>());
  }
  *out = values;
}

void ConfigReader::Read(const std::string& key, std::vector<double>* out, int broadcast) const {
  if (!Has(key)) return;
  const YAML::Node node = node_[key];
  double value;
  if (broadcast > 0 && ParseDouble(node, &value)) {
    out->assign(broadcast, value);
    return;
  }
  if (!node.IsSequence()) Fail(key, broadcast > 0 ? "a number or a list of numbers" : "a list of numbers");
  std::vector<double> values;
  for (const auto& item : node) {
    if (!ParseDouble(item, &value)) Fail(key, "a list of numbers");
    values.push_back(value);
  }
  if (broadcast > 0 && static_cast<int>(values.size()) != broadcast)
    Fail(key, std::to_string(broadcast) + " numbers");
  *out = values;
}

void ConfigReader::Read(const std::string& key, std::vector<int>* out, int min, int max) const {
  if (!Has(key)) return;
  const std::string expected =
      "a list of integers in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (!node_[key].IsSequence()) Fail(key, expected);
  std::vector<int> values;
  for (const auto& item : node_[key]) {
    double value;
    if (!ParseDouble(item, &value) || value != std::floor(value) || value < min || value > max)
      Fail(key, expected);
    values.push_back(static_cast<int>(value));
  }
  *out = values;
}

void ConfigReader::ReadRange(const std::string& key, double* low, double* high) const {
  if (!Has(key)) return;
  std::vector<double> pair;
  Read(key, &pair);
  if (pair.size() != 2 || pair[0] > pair[1]) Fail(key, "a [low, high] pair with low <= high");
  *low = pair[0];
  *high = pair[1];
}

void ConfigReader::ReadPath(const std::string& key, std::string* out) const {
  if (!Has(key)) return;
  std::string value;
  Read(key, &value);
  if (value.empty()) Fail(key, "a non-empty path");
  if (value[0] != '/' && file_ != "--set") value = DirName(file_) + "/" + value;
  *out = value;
}

}  // namespace tutor
