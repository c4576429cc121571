#ifndef TUTOR_LEARNING_EIGEN_POLICY_H_
#define TUTOR_LEARNING_EIGEN_POLICY_H_

// A header-only runtime for policies written by `tutor export`: Eigen and the standard
// library only, no LibTorch, so a robot links just this file. It reproduces the exported
// network exactly: observation normalizer -> optional LSTM/GRU step (explicit state) -> MLP,
// and the env's action clip.
//
// File format (text, every number printed to round-trip float32):
//   tutor-policy 2
//   group <name> <width>                      the observation group it reads
//   term <name> <offset> <width> <scale> <noise>     (repeated: the group's layout)
//   joint <name> <default_pos> <kp> <kd> <torque_limit>   (repeated: action order)
//   action_scale <s>
//   action_clip <c>                            actions are clamped to [-c, c] (version 2)
//   control_dt <s>
//   gait <period_s> <stance> <offset per foot...>   only when the policy reads `gait_phase`:
//                                              the clock a deployment must run (version 2)
//   activation <name>
//   normalizer <enabled 0|1> <epsilon>
//   memory <none|lstm|gru> <size> <layers>
//   layers <n>                                 number of Linear layers
//   tensor <name> <rows> <cols>  then rows*cols numbers, row-major
//   end
// Version 1 files (no action_clip) still load, unclipped.

#include <Eigen/Dense>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tutor::deploy {

struct ObsTerm {
  std::string name;
  int offset = 0, width = 0;
  float scale = 1, noise = 0;
};

struct Joint {
  std::string name;
  float default_pos = 0, kp = 0, kd = 0, torque_limit = 0;
};

class EigenPolicy {
 public:
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Vector = Eigen::VectorXf;

  // throws std::runtime_error naming the file and what was wrong
  static EigenPolicy Load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open policy file");
    EigenPolicy p;
    std::string key;
    int version = 0;
    if (!(in >> key >> version) || key != "tutor-policy" || version < 1 || version > 2)
      throw std::runtime_error(path + ": not a tutor-policy file of version 1 or 2");
    std::map<std::string, Matrix> tensors;
    std::string activation = "elu", memory = "none";
    int num_layers = 0;
    while (in >> key) {
      if (key == "end") break;
      if (key == "group") {
        in >> p.group_ >> p.obs_dim_;
      } else if (key == "term") {
        ObsTerm t;
        in >> t.name >> t.offset >> t.width >> t.scale >> t.noise;
        p.terms_.push_back(t);
      } else if (key == "joint") {
        Joint j;
        in >> j.name >> j.default_pos >> j.kp >> j.kd >> j.torque_limit;
        p.joints_.push_back(j);
      } else if (key == "action_scale") {
        in >> p.action_scale_;
      } else if (key == "action_clip") {
        std::string clip;  // a number, or "inf" for an unclipped env
        in >> clip;
        p.action_clip_ = std::strtof(clip.c_str(), nullptr);
      } else if (key == "control_dt") {
        in >> p.control_dt_;
      } else if (key == "gait") {
        std::string rest;
        std::getline(in, rest);
        std::istringstream fields(rest);
        fields >> p.gait_period_ >> p.gait_stance_;
        float offset;
        while (fields >> offset) p.gait_offsets_.push_back(offset);
        if (!(p.gait_period_ > 0)) throw std::runtime_error(path + ": gait: expected a period > 0");
      } else if (key == "activation") {
        in >> activation;
      } else if (key == "normalizer") {
        int enabled;
        in >> enabled >> p.epsilon_;
        p.normalize_ = enabled != 0;
      } else if (key == "memory") {
        in >> memory >> p.memory_size_ >> p.memory_layers_;
      } else if (key == "layers") {
        in >> num_layers;
      } else if (key == "tensor") {
        std::string name;
        int rows, cols;
        in >> name >> rows >> cols;
        if (!in || rows < 0 || cols < 0) throw std::runtime_error(path + ": bad tensor header");
        Matrix m(rows, cols);
        for (int i = 0; i < rows * cols; ++i) in >> m.data()[i];
        tensors[name] = m;
      } else {
        throw std::runtime_error(path + ": unknown entry '" + key + "'");
      }
      if (!in) throw std::runtime_error(path + ": truncated or malformed at '" + key + "'");
    }
    if (key != "end") throw std::runtime_error(path + ": truncated (no 'end')");
    p.activation_ = ParseActivation(activation, path);
    if (memory == "none") p.memory_ = kNoMemory;
    else if (memory == "lstm") p.memory_ = kLstm;
    else if (memory == "gru") p.memory_ = kGru;
    else throw std::runtime_error(path + ": unknown memory '" + memory + "'");
    if (p.memory_ == kNoMemory) p.memory_size_ = p.memory_layers_ = 0;

    // every tensor with the shape the header implies, named when it is absent or off
    auto take = [&](const std::string& name, Eigen::Index rows, Eigen::Index cols) {
      auto it = tensors.find(name);
      if (it == tensors.end()) throw std::runtime_error(path + ": missing tensor " + name);
      if (it->second.rows() != rows || it->second.cols() != cols)
        throw std::runtime_error(path + ": tensor " + name + " is " +
                                 std::to_string(it->second.rows()) + "x" +
                                 std::to_string(it->second.cols()) + ", expected " +
                                 std::to_string(rows) + "x" + std::to_string(cols));
      Matrix m = it->second;
      tensors.erase(it);
      return m;
    };
    const Eigen::Index obs = p.obs_dim_, actions = static_cast<Eigen::Index>(p.joints_.size());
    p.mean_ = take("normalizer.mean", 1, obs).row(0).transpose();
    p.std_ = take("normalizer.var", 1, obs).row(0).transpose().array().sqrt();
    const int gates = p.memory_ == kLstm ? 4 : 3;
    Eigen::Index width = obs;
    for (int l = 0; l < p.memory_layers_; ++l) {
      const std::string s = std::to_string(l);
      const Eigen::Index h = p.memory_size_;
      p.w_ih_.push_back(take("memory.weight_ih_l" + s, gates * h, width));
      p.w_hh_.push_back(take("memory.weight_hh_l" + s, gates * h, h));
      p.b_ih_.push_back(take("memory.bias_ih_l" + s, 1, gates * h).row(0).transpose());
      p.b_hh_.push_back(take("memory.bias_hh_l" + s, 1, gates * h).row(0).transpose());
      width = h;
    }
    if (num_layers < 1) throw std::runtime_error(path + ": expected at least one layer");
    for (int l = 0; l < num_layers; ++l) {
      const std::string name = "mlp." + std::to_string(l) + ".weight";
      auto it = tensors.find(name);
      // hidden widths come from the file; the last layer must give one action per joint
      const Eigen::Index rows =
          l + 1 == num_layers ? actions : (it == tensors.end() ? 0 : it->second.rows());
      p.weights_.push_back(take(name, rows, width));
      p.biases_.push_back(take("mlp." + std::to_string(l) + ".bias", 1, rows).row(0).transpose());
      width = rows;
    }
    if (!tensors.empty())
      throw std::runtime_error(path + ": unexpected tensor " + tensors.begin()->first);
    p.Reset();
    return p;
  }

  // one control step: observation (the group's layout) -> action (before action_scale),
  // clamped to ±action_clip as the env clamps it; feed this action back as `last_action`
  const Vector& Act(const Vector& obs) {
    if (obs.size() != obs_dim_)
      throw std::runtime_error("EigenPolicy::Act: expected " + std::to_string(obs_dim_) +
                               " observations, got " + std::to_string(obs.size()));
    x_ = normalize_ ? Vector((obs - mean_).array() / (std_.array() + epsilon_)) : obs;
    for (size_t l = 0; l < w_ih_.size(); ++l) {
      if (memory_ == kLstm) LstmStep(l);
      else GruStep(l);
      x_ = h_[l];
    }
    for (size_t l = 0; l < weights_.size(); ++l) {
      y_.noalias() = weights_[l] * x_;
      y_ += biases_[l];
      if (l + 1 < weights_.size()) Activate(&y_);
      x_.swap(y_);
    }
    x_ = x_.cwiseMax(-action_clip_).cwiseMin(action_clip_);
    return x_;
  }

  // The gait clock's `gait_phase` observation at time `t` (s since the episode, or the
  // controller, started): writes (sin, cos) of 2 pi (t / period mod 1), scaled as trained,
  // into `obs` at the term's offset. No-op for a policy without a clock.
  void WriteGaitPhase(double t, Vector* obs) const {
    if (gait_period_ <= 0) return;
    for (const auto& term : terms_) {
      if (term.name != "gait_phase") continue;
      double phase = t / gait_period_;
      phase -= std::floor(phase);
      (*obs)[term.offset] = static_cast<float>(std::sin(2.0 * M_PI * phase)) * term.scale;
      (*obs)[term.offset + 1] = static_cast<float>(std::cos(2.0 * M_PI * phase)) * term.scale;
    }
  }
  float gait_period() const { return gait_period_; }
  const std::vector<float>& gait_offsets() const { return gait_offsets_; }

  // the recurrent state back to zeros (call at the start of every episode)
  void Reset() {
    h_.assign(memory_layers_, Vector::Zero(memory_size_));
    c_.assign(memory_layers_, Vector::Zero(memory_size_));
  }
  // explicit recurrent state, for callers that manage it themselves
  std::vector<Vector>& hidden() { return h_; }
  std::vector<Vector>& cell() { return c_; }

  const std::string& group() const { return group_; }
  int obs_dim() const { return static_cast<int>(obs_dim_); }
  int num_actions() const { return static_cast<int>(joints_.size()); }
  const std::vector<ObsTerm>& terms() const { return terms_; }
  const std::vector<Joint>& joints() const { return joints_; }
  float action_scale() const { return action_scale_; }
  float action_clip() const { return action_clip_; }
  float control_dt() const { return control_dt_; }
  bool recurrent() const { return memory_ != kNoMemory; }

 private:
  enum Activation { kElu, kRelu, kSelu, kTanh, kSigmoid, kLeakyRelu, kGelu, kSilu };
  enum MemoryKind { kNoMemory, kLstm, kGru };

  static Activation ParseActivation(const std::string& name, const std::string& path) {
    static const std::pair<const char*, Activation> kNames[] = {
        {"elu", kElu},         {"relu", kRelu},      {"selu", kSelu}, {"tanh", kTanh},
        {"sigmoid", kSigmoid}, {"leaky_relu", kLeakyRelu}, {"gelu", kGelu}, {"silu", kSilu}};
    for (const auto& [n, a] : kNames)
      if (name == n) return a;
    throw std::runtime_error(path + ": unknown activation '" + name + "'");
  }

  static float Sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

  void Activate(Vector* v) const {
    auto a = v->array();
    switch (activation_) {
      case kElu: a = (a > 0).select(a, a.exp() - 1.0f); break;
      case kRelu: a = a.max(0.0f); break;
      case kSelu:
        a = 1.0507009873554805f * (a > 0).select(a, 1.6732632423543772f * (a.exp() - 1.0f));
        break;
      case kTanh: a = a.tanh(); break;
      case kSigmoid: a = 1.0f / (1.0f + (-a).exp()); break;
      case kLeakyRelu: a = (a > 0).select(a, 0.01f * a); break;
      case kGelu:
        a = a.unaryExpr([](float u) { return 0.5f * u * (1.0f + std::erf(u * 0.70710678f)); });
        break;
      case kSilu: a = a / (1.0f + (-a).exp()); break;
    }
  }

  // PyTorch LSTM: gates (i, f, g, o) = W_ih x + b_ih + W_hh h + b_hh
  void LstmStep(size_t l) {
    const int n = memory_size_;
    Vector gates = w_ih_[l] * x_ + b_ih_[l] + w_hh_[l] * h_[l] + b_hh_[l];
    for (int k = 0; k < n; ++k) {
      const float i = Sigmoid(gates[k]), f = Sigmoid(gates[n + k]);
      const float g = std::tanh(gates[2 * n + k]), o = Sigmoid(gates[3 * n + k]);
      c_[l][k] = f * c_[l][k] + i * g;
      h_[l][k] = o * std::tanh(c_[l][k]);
    }
  }

  // PyTorch GRU: r, z from both inputs; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
  void GruStep(size_t l) {
    const int n = memory_size_;
    const Vector gi = w_ih_[l] * x_ + b_ih_[l];
    const Vector gh = w_hh_[l] * h_[l] + b_hh_[l];
    for (int k = 0; k < n; ++k) {
      const float r = Sigmoid(gi[k] + gh[k]), z = Sigmoid(gi[n + k] + gh[n + k]);
      const float cand = std::tanh(gi[2 * n + k] + r * gh[2 * n + k]);
      h_[l][k] = (1.0f - z) * cand + z * h_[l][k];
    }
  }

  std::string group_;
  Activation activation_ = kElu;
  MemoryKind memory_ = kNoMemory;
  Eigen::Index obs_dim_ = 0;
  std::vector<ObsTerm> terms_;
  std::vector<Joint> joints_;
  float action_scale_ = 1, control_dt_ = 0.02f, epsilon_ = 1e-2f;
  float gait_period_ = 0, gait_stance_ = 0.5f;
  std::vector<float> gait_offsets_;
  float action_clip_ = std::numeric_limits<float>::infinity();
  bool normalize_ = true;
  int memory_size_ = 0, memory_layers_ = 0;
  Vector mean_, std_;
  std::vector<Matrix> weights_, w_ih_, w_hh_;
  std::vector<Vector> biases_, b_ih_, b_hh_, h_, c_;
  Vector x_, y_;
};

}  // namespace tutor::deploy

#endif  // TUTOR_LEARNING_EIGEN_POLICY_H_
