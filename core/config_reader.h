#ifndef TUTOR_CORE_CONFIG_READER_H_
#define TUTOR_CORE_CONFIG_READER_H_

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "core/choice.h"

namespace tutor {

// A view of one YAML mapping that knows which file and key path it came from, so every error
// reads `file:line:col: key.path: expected ..., got '...'`. Reading a key that is absent leaves
// the target untouched: configs are layered (base file, then the file, then --set overrides),
// each layer writing only what it names.
class ConfigReader {
 public:
  ConfigReader(YAML::Node node, std::string file, std::string path = "");

  // parses `file` (ConfigError naming the file on I/O or syntax errors)
  static ConfigReader FromFile(const std::string& file);
  // parses YAML text attributed to `name` (for configs stored inside checkpoints)
  static ConfigReader FromString(const std::string& text, const std::string& name);
  // turns `a.b.c=value` overrides into one YAML mapping attributed to "--set"
  static ConfigReader FromOverrides(const std::vector<std::string>& overrides);

  bool Has(const std::string& key) const;
  // every key present must be one of `allowed`, else ConfigError listing the allowed ones
  void ExpectKeys(std::initializer_list<const char*> allowed) const;
  ConfigReader Child(const std::string& key) const;  // the key must hold a mapping
  std::vector<std::string> Keys() const;             // keys in file order

  void Read(const std::string& key, double* out, double min, double max) const;
  void Read(const std::string& key, int* out, int min, int max) const;
  void Read(const std::string& key, bool* out) const;
  void Read(const std::string& key, std::string* out) const;
  void Read(const std::string& key, std::vector<std::string>* out) const;
  // a list of numbers, or one number broadcast to `broadcast` entries when broadcast > 0
  void Read(const std::string& key, std::vector<double>* out, int broadcast = 0) const;
  // a list of integers, each in [min, max]
  void Read(const std::string& key, std::vector<int>* out, int min, int max) const;
  // a [low, high] pair with low <= high
  void ReadRange(const std::string& key, double* low, double* high) const;
  // a path resolved against the folder of the file it was written in
  void ReadPath(const std::string& key, std::string* out) const;

  // a word from `table`, stored as its enum (Fail listing the choices otherwise)
  template <typename E>
  void ReadChoice(const std::string& key, const ChoiceTable<E>& table, E* out) const {
    if (!Has(key)) return;
    std::string name;
    Read(key, &name);
    if (!ParseChoice(table, name, out)) Fail(key, ChoiceList(table));
  }

  [[noreturn]] void Fail(const std::string& key, const std::string& expected) const;
  const std::string& file() const { return file_; }
  const YAML::Node& node() const { return node_; }
  std::string KeyPath(const std::string& key) const;

 private:
  std::string Where(const YAML::Node& node) const;
  YAML::Node node_;
  std::string file_;
  std::string path_;
};

// folder of a file path ("" -> ".")
std::string DirName(const std::string& file);

}  // namespace tutor

#endif  // TUTOR_CORE_CONFIG_READER_H_
