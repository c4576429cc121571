#include "learning/checkpoint.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>

#include "envs/error.h"

namespace tutor {

void WriteMeta(const CheckpointMeta& meta, torch::serialize::OutputArchive* archive) {
  archive->write("format_version", c10::IValue(static_cast<int64_t>(kCheckpointFormatVersion)));
  archive->write("kind", c10::IValue(meta.kind));
  archive->write("layout", c10::IValue(meta.layout));
  archive->write("model", c10::IValue(meta.model));
  archive->write("config", c10::IValue(meta.config));
  archive->write("actor_group", c10::IValue(meta.actor_group));
  archive->write("critic_group", c10::IValue(meta.critic_group));
  archive->write("iteration", c10::IValue(static_cast<int64_t>(meta.iteration)));
}

std::string ReadString(torch::serialize::InputArchive* archive, const std::string& key,
                       const std::string& path) {
  c10::IValue value;
  if (!archive->try_read(key, value) || !value.isString())
    throw CheckpointError(path + ": not a tutor checkpoint (no '" + key + "' entry)");
  return value.toStringRef();
}

CheckpointMeta ReadMeta(torch::serialize::InputArchive* archive, const std::string& path) {
  c10::IValue version;
  if (!archive->try_read("format_version", version) || !version.isInt())
    throw CheckpointError(path + ": not a tutor checkpoint (no format_version)");
  if (version.toInt() != kCheckpointFormatVersion)
    throw CheckpointError(path + ": checkpoint format " + std::to_string(version.toInt()) +
                          ", this tutor reads format " + std::to_string(kCheckpointFormatVersion));
  CheckpointMeta meta;
  meta.kind = ReadString(archive, "kind", path);
  meta.layout = ReadString(archive, "layout", path);
  meta.model = ReadString(archive, "model", path);
  meta.config = ReadString(archive, "config", path);
  meta.actor_group = ReadString(archive, "actor_group", path);
  meta.critic_group = ReadString(archive, "critic_group", path);
  c10::IValue iteration;
  if (!archive->try_read("iteration", iteration) || !iteration.isInt())
    throw CheckpointError(path + ": checkpoint has no iteration");
  meta.iteration = static_cast<int>(iteration.toInt());
  return meta;
}

void SaveAtomically(torch::serialize::OutputArchive* archive, const std::string& path) {
  const std::string temp = path + ".tmp";
  try {
    archive->save_to(temp);
  } catch (const c10::Error& e) {
    std::remove(temp.c_str());
    throw CheckpointError(path + ": cannot write checkpoint: " + e.what_without_backtrace());
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw CheckpointError(path + ": cannot move the written checkpoint into place");
  }
}

CheckpointMeta OpenCheckpoint(const std::string& path, torch::serialize::InputArchive* archive) {
  if (!std::ifstream(path).good()) throw CheckpointError(path + ": checkpoint not found");
  try {
    archive->load_from(path);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": unreadable checkpoint (truncated or not a tutor file): " +
                          e.what_without_backtrace());
  }
  return ReadMeta(archive, path);
}

CheckpointMeta ReadCheckpointMeta(const std::string& path) {
  torch::serialize::InputArchive archive;
  return OpenCheckpoint(path, &archive);
}

namespace {
void EmitMlp(YAML::Emitter& out, const char* key, const MlpSpec& spec) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "input" << YAML::Value << spec.input;
  out << YAML::Key << "hidden" << YAML::Value << YAML::Flow << spec.hidden;
  out << YAML::Key << "output" << YAML::Value << spec.output;
  out << YAML::Key << "activation" << YAML::Value << spec.activation << YAML::EndMap;
}
}  // namespace

std::string DescribeActorCritic(const ActorCritic& policy) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << "actor_critic";
  EmitMlp(out, "actor", policy->actor->spec);
  EmitMlp(out, "critic", policy->critic->spec);
  out << YAML::Key << "std_type" << YAML::Value << policy->config.std_type;
  out << YAML::Key << "init_std" << YAML::Value << policy->config.init_std;
  out << YAML::Key << "actor_obs_normalization" << YAML::Value
      << policy->config.actor_obs_normalization;
  out << YAML::Key << "critic_obs_normalization" << YAML::Value
      << policy->config.critic_obs_normalization;
  out << YAML::EndMap;
  return out.c_str();
}

ActorCritic ActorCriticFromDescription(const std::string& text, const std::string& path) {
  try {
    const YAML::Node root = YAML::Load(text);
    if (root["type"].as<std::string>() != "actor_critic")
      throw CheckpointError(path + ": holds a '" + root["type"].as<std::string>() +
                            "' model, expected an actor_critic (a PPO checkpoint)");
    ActorCriticConfig config;
    config.actor_hidden = root["actor"]["hidden"].as<std::vector<int>>();
    config.critic_hidden = root["critic"]["hidden"].as<std::vector<int>>();
    config.activation = root["actor"]["activation"].as<std::string>();
    config.std_type = root["std_type"].as<std::string>();
    config.init_std = root["init_std"].as<double>();
    config.actor_obs_normalization = root["actor_obs_normalization"].as<bool>();
    config.critic_obs_normalization = root["critic_obs_normalization"].as<bool>();
    return ActorCritic(root["actor"]["input"].as<int>(), root["critic"]["input"].as<int>(),
                       root["actor"]["output"].as<int>(), config);
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed model description: " + e.what());
  }
}

void LoadPolicyWeights(torch::serialize::InputArchive* archive, torch::nn::Module* module,
                       const std::string& path) {
  try {
    torch::serialize::InputArchive algorithm, policy;
    archive->read("algorithm", algorithm);
    algorithm.read("policy", policy);
    module->load(policy);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": weights do not match the stored architecture: " +
                          e.what_without_backtrace());
  }
}

LoadedPolicy LoadPpoPolicy(const std::string& path) {
  torch::serialize::InputArchive archive;
  LoadedPolicy loaded;
  loaded.meta = OpenCheckpoint(path, &archive);
  if (loaded.meta.kind != "ppo")
    throw CheckpointError(path + ": a '" + loaded.meta.kind + "' checkpoint, expected a PPO one");
  loaded.layout = EnvLayout::Parse(loaded.meta.layout);
  loaded.policy = ActorCriticFromDescription(loaded.meta.model, path);
  LoadPolicyWeights(&archive, loaded.policy.get(), path);
  loaded.policy->eval();
  return loaded;
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
