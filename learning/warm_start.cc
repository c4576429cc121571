#include "learning/warm_start.h"

#include <cstdio>
#include <map>

#include "core/choice.h"
#include "core/error.h"
#include "learning/checkpoint.h"
#include "learning/policy_loading.h"

namespace tutor {
namespace {

std::string ShapeText(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
  return s + "]";
}

bool EndsWith(const std::string& name, const std::string& tail) {
  return name.size() >= tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
}

// the tensors that read the observation, and the dimension they read it along; the MLP's
// input layer reads the memory's output when there is a memory
int ObservationDim(const std::string& name, bool has_memory) {
  if (EndsWith(name, "normalizer.mean") || EndsWith(name, "normalizer.var")) return 0;
  if (EndsWith(name, "weight_ih_l0")) return 1;  // LSTM / GRU input weights
  if (!has_memory && EndsWith(name, "mlp.layers.0.weight")) return 1;
  return -1;
}

// parameters then buffers, in the order the modules registered them (so the first mismatch
// named is the first layer's weight, not its bias)
std::vector<std::pair<std::string, torch::Tensor>> Tensors(torch::nn::Module& module) {
  std::vector<std::pair<std::string, torch::Tensor>> all;
  for (const auto& p : module.named_parameters()) all.emplace_back(p.key(), p.value());
  for (const auto& b : module.named_buffers()) all.emplace_back(b.key(), b.value());
  return all;
}

bool HasMemory(const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  for (const auto& [name, t] : tensors)
    if (name.rfind("memory.", 0) == 0) return true;
  return false;
}

}  // namespace

std::vector<int64_t> MapGroupColumns(const GroupLayout& from, const GroupLayout& to,
                                     const std::string& what) {
  std::vector<int64_t> columns;
  for (const TermLayout& term : from.terms) {
    const TermLayout* match = nullptr;
    for (const TermLayout& t : to.terms)
      if (t.name == term.name) match = &t;
    if (!match)
      throw ConfigError(what + ": term '" + term.name + "' of the checkpoint's group '" +
                        from.name + "' is not in the run's group '" + to.name +
                        "' (a warm start may add terms, not drop them)");
    if (match->width != term.width || match->scale != term.scale)
      throw ConfigError(what + ": term '" + term.name + "' is " + std::to_string(term.width) +
                        " wide with scale " + std::to_string(term.scale) +
                        " in the checkpoint and " + std::to_string(match->width) +
                        " wide with scale " + std::to_string(match->scale) + " in the run");
    for (int k = 0; k < term.width; ++k) columns.push_back(match->offset + k);
  }
  return columns;
}

WarmStartReport CopyWithColumns(torch::nn::Module& from, torch::nn::Module& to,
                                const std::vector<int64_t>& columns, int64_t to_width,
                                const std::string& what) {
  torch::NoGradGuard no_grad;
  const auto source_list = Tensors(from);
  const auto target_list = Tensors(to);
  const std::map<std::string, torch::Tensor> source(source_list.begin(), source_list.end());
  const std::map<std::string, torch::Tensor> target(target_list.begin(), target_list.end());
  const bool has_memory = HasMemory(target_list);
  const int64_t from_width = static_cast<int64_t>(columns.size());
  bool identity = from_width == to_width;
  for (int64_t i = 0; identity && i < from_width; ++i) identity = columns[i] == i;
  WarmStartReport report;
  report.added_columns = static_cast<int>(to_width - from_width);
  for (const auto& [name, t] : target_list)
    if (!source.count(name))
      throw ConfigError(what + ": the run's network has " + name + " " + ShapeText(t) +
                        ", the checkpoint's has none (another memory type or depth?)");
  for (const auto& [name, s] : source_list) {
    const auto it = target.find(name);
    if (it == target.end())
      throw ConfigError(what + ": the checkpoint's network has " + name + " " + ShapeText(s) +
                        ", the run's has none (another memory type or depth?)");
    torch::Tensor t = it->second;
    const int dim = ObservationDim(name, has_memory);
    if (s.sizes() == t.sizes() && (identity || dim < 0)) {
      t.copy_(s);
      ++report.copied;
      continue;
    }
    bool widenable = dim >= 0 && s.dim() == t.dim() && s.size(dim) == from_width &&
                     t.size(dim) == to_width;
    for (int64_t d = 0; widenable && d < s.dim(); ++d)
      if (d != dim && s.size(d) != t.size(d)) widenable = false;
    if (!widenable)
      throw ConfigError(what + ": " + name + " is " + ShapeText(s) + " in the checkpoint and " +
                        ShapeText(t) + " in the run's network (the architecture must be the "
                        "same but for the observation width " + std::to_string(from_width) +
                        " -> " + std::to_string(to_width) + ")");
    const bool is_var = EndsWith(name, "var");
    t.fill_(is_var ? 1.0 : 0.0);
    t.index_copy_(dim, torch::tensor(columns, torch::kInt64), s);
    ++report.widened;
  }
  if (!identity)
    for (const auto& [name, t] : target)
      if (EndsWith(name, "normalizer.count"))
        t.fill_(0.0);
  return report;
}

namespace {

// the checkpoint's meta, after checking its format and that its robot control is `env`'s
CheckpointMeta OpenForWarmStart(const std::string& path, const std::string& what,
                                const EnvLayout& env, torch::serialize::InputArchive* archive) {
  const CheckpointMeta meta = OpenCheckpoint(path, archive);
  if (meta.format_version != kCheckpointFormatVersion)
    throw CheckpointError(what + ": format " + std::to_string(meta.format_version) +
                          "; a warm start needs format " +
                          std::to_string(kCheckpointFormatVersion) + " (a newer tutor)");
  const std::vector<std::string> control = DiffControl(EnvLayout::Parse(meta.layout), env);
  if (!control.empty()) {
    std::string why;
    for (const auto& d : control) why += "\n  " + d;
    throw ConfigError(what + ": the checkpoint's robot control differs from the run's:" + why);
  }
  return meta;
}

// a PPO checkpoint's actor and critic, loaded
ActorCritic LoadActorCritic(const std::string& path, const CheckpointMeta& meta,
                            torch::serialize::InputArchive* archive) {
  ActorCritic old = ActorCriticFromDescription(meta.model, path);
  torch::serialize::InputArchive model = ModelArchive(archive, path);
  try {
    old->load(model);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": weights do not match the stored architecture: " +
                          e.what_without_backtrace());
  }
  return old;
}

// copies `source` (reading group `from_group` of `layout`) into `target` (reading the run's
// group of `role`); the log line's part for it
std::string CopyRole(torch::nn::Module& source, const EnvLayout& layout,
                     const std::string& from_group, torch::nn::Module& target,
                     const EnvLayout& env, const ObservationSets& sets, const std::string& role,
                     const std::string& what) {
  const GroupLayout& from = layout.Group(from_group);
  const GroupLayout& to = env.Group(sets.at(role));
  const std::vector<int64_t> columns = MapGroupColumns(from, to, what + " " + role);
  const WarmStartReport r = CopyWithColumns(source, target, columns, to.width, what + " " + role);
  return " " + role + " '" + from.name + "' (" + std::to_string(from.width) + ") -> '" + to.name +
         "' (" + std::to_string(to.width) + "), " + std::to_string(r.added_columns) +
         " new columns zero;";
}

// what the tensors' shapes do not show: the activation and what the std parameter means
void CheckSameFunction(const PolicyConfig& from, const PolicyConfig& to, const std::string& what) {
  if (from.activation != to.activation)
    throw ConfigError(what + ": the checkpoint's actor uses activation " +
                      ChoiceName(Activations(), from.activation) + ", the run's " +
                      ChoiceName(Activations(), to.activation) + " (set policy.activation)");
  if (from.std_type != to.std_type)
    throw ConfigError(what + ": the checkpoint's action std is std_type " +
                      ChoiceName(StdTypes(), from.std_type) + ", the run's " +
                      ChoiceName(StdTypes(), to.std_type) + " (set policy.std_type)");
}

std::string StoredSet(const CheckpointMeta& meta, const std::string& role,
                      const std::string& path) {
  const auto stored = meta.sets.find(role);
  if (stored == meta.sets.end())
    throw CheckpointError(path + ": no observation set for its " + role);
  return stored->second;
}

}  // namespace

std::string WarmStart(const std::string& path, const EnvLayout& env, const ObservationSets& sets,
                      ActorCritic* policy, const std::string& critic_path) {
  torch::serialize::InputArchive archive;
  const std::string what = "--init " + path;
  CheckpointMeta meta = OpenForWarmStart(path, what, env, &archive);
  if (meta.kind != "ppo" && meta.kind != "distillation")
    throw CheckpointError(what + ": a " + meta.kind +
                          " checkpoint; a warm start takes a PPO or a distillation checkpoint");
  std::string line = "warm start from " + path + " (iteration " + std::to_string(meta.iteration) + "):";
  const EnvLayout layout = EnvLayout::Parse(meta.layout);
  ActorCritic old{nullptr};
  if (meta.kind == "ppo") {
    old = LoadActorCritic(path, meta, &archive);
    CheckSameFunction(old->actor->spec.config, (*policy)->actor->spec.config, what);
    line += CopyRole(*old->actor, layout, StoredSet(meta, "actor", path), *(*policy)->actor, env,
                     sets, "actor", what);
  } else {
    // a distilled student becomes the actor (fine-tuning it on its own return)
    LoadedPolicy student = LoadPolicy(path, "student");
    CheckSameFunction(student.net->spec.config, (*policy)->actor->spec.config, what);
    line += CopyRole(*student.net, student.layout, student.group, *(*policy)->actor, env, sets,
                     "actor", what + " (its student)");
  }
  if (!critic_path.empty()) {
    torch::serialize::InputArchive critic_archive;
    const std::string critic_what = "--init-critic " + critic_path;
    const CheckpointMeta critic_meta =
        OpenForWarmStart(critic_path, critic_what, env, &critic_archive);
    if (critic_meta.kind != "ppo")
      throw CheckpointError(critic_what + ": a " + critic_meta.kind +
                            " checkpoint; the critic comes from a PPO checkpoint (tutor train)");
    ActorCritic source = LoadActorCritic(critic_path, critic_meta, &critic_archive);
    line += " critic from " + critic_path + ":" +
            CopyRole(*source->critic, EnvLayout::Parse(critic_meta.layout),
                     StoredSet(critic_meta, "critic", critic_path), *(*policy)->critic, env, sets,
                     "critic", critic_what);
  } else if (old) {
    line += CopyRole(*old->critic, layout, StoredSet(meta, "critic", path), *(*policy)->critic,
                     env, sets, "critic", what);
  } else {
    line += " critic fresh (a distillation checkpoint holds none; --init-critic takes a PPO "
            "checkpoint's);";
  }
  line.pop_back();
  return line;
}

}  // namespace tutor
