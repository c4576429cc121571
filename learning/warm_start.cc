#include "learning/warm_start.h"

#include <cstdio>
#include <map>

#include "core/error.h"
#include "learning/checkpoint.h"

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

std::string WarmStart(const std::string& path, const EnvLayout& env, const ObservationSets& sets,
                      ActorCritic* policy) {
  torch::serialize::InputArchive archive;
  const CheckpointMeta meta = OpenCheckpoint(path, &archive);
  const std::string what = "--init " + path;
  if (meta.kind != "ppo")
    throw CheckpointError(what + ": a " + meta.kind +
                          " checkpoint; a warm start takes a PPO checkpoint (tutor train)");
  if (meta.format_version != kCheckpointFormatVersion)
    throw CheckpointError(what + ": format " + std::to_string(meta.format_version) +
                          "; a warm start needs format " +
                          std::to_string(kCheckpointFormatVersion) + " (a newer tutor train)");
  const EnvLayout layout = EnvLayout::Parse(meta.layout);
  const std::vector<std::string> control = DiffControl(layout, env);
  if (!control.empty()) {
    std::string why;
    for (const auto& d : control) why += "\n  " + d;
    throw ConfigError(what + ": the checkpoint's robot control differs from the run's:" + why);
  }
  ActorCritic old = ActorCriticFromDescription(meta.model, path);
  torch::serialize::InputArchive model = ModelArchive(&archive, path);
  try {
    old->load(model);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": weights do not match the stored architecture: " +
                          e.what_without_backtrace());
  }
  std::string line = "warm start from " + path + " (iteration " + std::to_string(meta.iteration) + "):";
  for (const std::string role : {"actor", "critic"}) {
    const auto stored = meta.sets.find(role);
    if (stored == meta.sets.end()) throw CheckpointError(path + ": no observation set for its " + role);
    const GroupLayout& from = layout.Group(stored->second);
    const GroupLayout& to = env.Group(sets.at(role));
    const std::vector<int64_t> columns = MapGroupColumns(from, to, what + " " + role);
    torch::nn::Module& source = role == std::string("actor") ? static_cast<torch::nn::Module&>(*old->actor)
                                                             : static_cast<torch::nn::Module&>(*old->critic);
    torch::nn::Module& target = role == std::string("actor") ? static_cast<torch::nn::Module&>(*(*policy)->actor)
                                                             : static_cast<torch::nn::Module&>(*(*policy)->critic);
    const WarmStartReport r = CopyWithColumns(source, target, columns, to.width, what + " " + role);
    line += " " + role + " '" + from.name + "' (" + std::to_string(from.width) + ") -> '" +
            to.name + "' (" + std::to_string(to.width) + "), " +
            std::to_string(r.added_columns) + " new columns zero;";
  }
  line.pop_back();
  return line;
}

}  // namespace tutor
