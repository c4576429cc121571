#include "learning/export.h"

#include <cstdio>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace tutor {
namespace {

void WriteTensor(std::ofstream& out, const std::string& name, const torch::Tensor& t) {
  const auto m = t.detach().to(torch::kFloat32).contiguous().reshape({t.dim() == 1 ? 1 : t.size(0), -1});
  out << "tensor " << name << " " << m.size(0) << " " << m.size(1) << "\n";
  const float* data = m.data_ptr<float>();
  char text[32];
  for (int64_t i = 0; i < m.numel(); ++i) {
    std::snprintf(text, sizeof(text), "%.9g", data[i]);  // round-trips float32 exactly
    out << text << ((i + 1) % m.size(1) == 0 ? "\n" : " ");
  }
}

}  // namespace

void ExportPolicy(PolicyNet net, const EnvLayout& layout, const std::string& group_name,
                  const std::string& path) {
  const GroupLayout& group = layout.Group(group_name);
  if (group.width != net->spec.obs)
    throw CheckpointError(path + ": the policy reads " + std::to_string(net->spec.obs) +
                          " observations but group '" + group_name + "' has " +
                          std::to_string(group.width));
  const PolicyConfig& c = net->spec.config;
  WriteAtomically(path, "export", [&](const std::string& temp) {
    std::ofstream out(temp);
    if (!out) throw Error("cannot open " + temp);
    out.precision(9);
    out << "tutor-policy 2\n";
    out << "group " << group.name << " " << group.width << "\n";
    for (const auto& t : group.terms)
      out << "term " << t.name << " " << t.offset << " " << t.width << " " << t.scale << " "
          << t.noise << "\n";
    for (size_t j = 0; j < layout.joint_names.size(); ++j)
      out << "joint " << layout.joint_names[j] << " " << layout.default_pose[j] << " "
          << layout.kp[j] << " " << layout.kd[j] << " " << layout.torque_limits[j] << "\n";
    out << "action_scale " << layout.action_scale << "\n";
    out << "action_clip " << layout.action_clip << "\n";
    out << "control_dt " << layout.control_dt << "\n";
    bool clock = false;
    for (const auto& t : group.terms) clock = clock || t.name == "gait_phase";
    if (clock) {
      out << "gait " << layout.gait_period << " " << layout.gait_stance;
      for (double offset : layout.gait_offsets) out << " " << offset;
      out << "\n";
    }
    out << "activation " << ChoiceName(Activations(), c.activation) << "\n";
    out << "normalizer " << (net->normalizer->enabled ? 1 : 0) << " " << net->normalizer->epsilon
        << "\n";
    out << "memory " << ChoiceName(MemoryTypes(), c.memory) << " " << c.memory_size << " "
        << c.memory_layers << "\n";
    out << "layers " << c.hidden.size() + 1 << "\n";
    WriteTensor(out, "normalizer.mean", net->normalizer->mean);
    WriteTensor(out, "normalizer.var", net->normalizer->var);
    if (net->memory) {
      for (const auto& p : net->memory->named_parameters()) {
        // "lstm.weight_ih_l0" -> "memory.weight_ih_l0"
        const std::string key = p.key().substr(p.key().find('.') + 1);
        WriteTensor(out, "memory." + key, p.value());
      }
    }
    int layer = 0;
    for (auto& module : net->mlp->layers->children()) {
      if (auto* linear = module->as<torch::nn::LinearImpl>()) {
        WriteTensor(out, "mlp." + std::to_string(layer) + ".weight", linear->weight);
        WriteTensor(out, "mlp." + std::to_string(layer) + ".bias", linear->bias);
        ++layer;
      }
    }
    out << "end\n";
    out.close();
    if (!out) throw Error("write failed");
  });
}

}  // namespace tutor
