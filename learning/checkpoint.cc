#include "learning/checkpoint.h"

#include <yaml-cpp/yaml.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace tutor {
namespace {

std::string DescribeSets(const ObservationSets& sets) {
  YAML::Emitter out;
  out << YAML::Flow << YAML::BeginMap;
  for (const auto& [role, group] : sets) out << YAML::Key << role << YAML::Value << group;
  out << YAML::EndMap;
  return out.c_str();
}

ObservationSets ParseSets(const std::string& text, const std::string& path) {
  try {
    ObservationSets sets;
    for (const auto& kv : YAML::Load(text))
      sets[kv.first.as<std::string>()] = kv.second.as<std::string>();
    return sets;
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed observation sets: " + e.what());
  }
}

}  // namespace

int64_t ReadInt(torch::serialize::InputArchive* archive, const std::string& key,
                const std::string& path) {
  c10::IValue value;
  if (!archive->try_read(key, value) || !value.isInt())
    throw CheckpointError(path + ": not a tutor checkpoint (no '" + key + "' entry)");
  return value.toInt();
}

void WriteMeta(const CheckpointMeta& meta, torch::serialize::OutputArchive* archive) {
  archive->write("format_version", c10::IValue(static_cast<int64_t>(kCheckpointFormatVersion)));
  archive->write("kind", c10::IValue(meta.kind));
  archive->write("layout", c10::IValue(meta.layout));
  archive->write("model", c10::IValue(meta.model));
  archive->write("config", c10::IValue(meta.config));
  archive->write("observation_sets", c10::IValue(DescribeSets(meta.sets)));
  archive->write("iteration", c10::IValue(static_cast<int64_t>(meta.iteration)));
}

std::string ReadString(torch::serialize::InputArchive* archive, const std::string& key,
                       const std::string& path) {
  c10::IValue value;
  if (!archive->try_read(key, value) || !value.isString())
    throw CheckpointError(path + ": not a tutor checkpoint (no '" + key + "' entry)");
  return value.toStringRef();
}

void SaveCheckpoint(torch::serialize::OutputArchive* archive, const std::string& path) {
  WriteAtomically(path, "checkpoint", [&](const std::string& temp) {
    try {
      archive->save_to(temp);
    } catch (const c10::Error& e) {
      throw Error(e.what_without_backtrace());
    }
  });
}

CheckpointMeta OpenCheckpoint(const std::string& path, torch::serialize::InputArchive* archive) {
  if (!std::ifstream(path).good()) throw CheckpointError(path + ": checkpoint not found");
  try {
    archive->load_from(path);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": unreadable checkpoint (truncated or not a tutor file): " +
                          e.what_without_backtrace());
  }
  const int64_t version = ReadInt(archive, "format_version", path);
  if (version == 1) return ReadMetaV1(archive, path);
  if (version != kCheckpointFormatVersion)
    throw CheckpointError(path + ": checkpoint format " + std::to_string(version) +
                          ", this tutor reads formats 1 and " +
                          std::to_string(kCheckpointFormatVersion));
  CheckpointMeta meta;
  meta.kind = ReadString(archive, "kind", path);
  meta.layout = ReadString(archive, "layout", path);
  meta.model = ReadString(archive, "model", path);
  meta.config = ReadString(archive, "config", path);
  meta.sets = ParseSets(ReadString(archive, "observation_sets", path), path);
  meta.iteration = static_cast<int>(ReadInt(archive, "iteration", path));
  return meta;
}

torch::serialize::InputArchive ModelArchive(torch::serialize::InputArchive* archive,
                                            const std::string& path) {
  torch::serialize::InputArchive algorithm, model;
  if (!archive->try_read("algorithm", algorithm) || !algorithm.try_read("policy", model))
    throw CheckpointError(path + ": checkpoint has no model weights (algorithm/policy)");
  return model;
}

void CheckLayoutMatches(const EnvLayout& checkpoint, const EnvLayout& env,
                        const std::vector<std::string>& groups, const std::string& path) {
  std::vector<std::string> diffs = DiffControl(checkpoint, env);
  for (const auto& name : groups) {
    if (!env.HasGroup(name)) {
      diffs.push_back("the env has no group '" + name + "'");
      continue;
    }
    const auto group_diffs = DiffGroups(checkpoint.Group(name), env.Group(name));
    diffs.insert(diffs.end(), group_diffs.begin(), group_diffs.end());
  }
  if (diffs.empty()) return;
  std::string text;
  for (const auto& d : diffs) text += "\n  " + d;
  throw CheckpointError(path + ": observation layout differs from the env's:" + text);
}

}  // namespace tutor
