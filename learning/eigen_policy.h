#ifndef TUTOR_LEARNING_EIGEN_POLICY_H_
#define TUTOR_LEARNING_EIGEN_POLICY_H_

// A header-only runtime for policies written by `tutor export`: Eigen and the standard
// library only, no LibTorch, so a robot links just this file. It reproduces the exported
// network exactly: observation normalizer -> optional LSTM/GRU step (explicit state) -> MLP.
//
// File format (text, every number printed to round-trip float32):
//   tutor-policy 1
//   group <name> <width>                      the observation group it reads
//   term <name> <offset> <width> <scale> <noise>     (repeated: the group's layout)
//   joint <name> <default_pos> <kp> <kd> <torque_limit>   (repeated: action order)
//   action_scale <s>
//   control_dt <s>
//   activation <name>
//   normalizer <enabled 0|1> <epsilon>
//   memory <none|lstm|gru> <size> <layers>
//   layers <n>                                 number of Linear layers
//   tensor <name> <rows> <cols>  then rows*cols numbers, row-major
//   end

#include <Eigen/Dense>

#include <cmath>
#include <fstream>
#include <map>
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
    if (!(in >> key >> version) || key != "tutor-policy" || version != 1)
      throw std::runtime_error(path + ": not a tutor-policy version 1 file");
    std::map<std::string, Matrix> tensors;
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
      } else if (key == "control_dt") {
        in >> p.control_dt_;
      } else if (key == "activation") {
        in >> p.activation_;
      } else if (key == "normalizer") {
        int enabled;
        in >> enabled >> p.epsilon_;
        p.normalize_ = enabled != 0;
      } else if (key == "memory") {
        in >> p.memory_ >> p.memory_size_ >> p.memory_layers_;
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
    auto take = [&](const std::string& name) {
      auto it = tensors.find(name);
      if (it == tensors.end()) throw std::runtime_error(path + ": missing tensor " + name);
      return it->second;
    };
    p.mean_ = take("normalizer.mean").row(0).transpose();
    p.std_ = take("normalizer.var").row(0).transpose().array().sqrt();
    for (int l = 0; l < num_layers; ++l) {
      p.weights_.push_back(take("mlp." + std::to_string(l) + ".weight"));
      p.biases_.push_back(take("mlp." + std::to_string(l) + ".bias").row(0).transpose());
    }
    for (int l = 0; p.memory_ != "none" && l < p.memory_layers_; ++l) {
      const std::string s = std::to_string(l);
      p.w_ih_.push_back(take("memory.weight_ih_l" + s));
      p.w_hh_.push_back(take("memory.weight_hh_l" + s));
      p.b_ih_.push_back(take("memory.bias_ih_l" + s).row(0).transpose());
      p.b_hh_.push_back(take("memory.bias_hh_l" + s).row(0).transpose());
    }
    if (p.mean_.size() != p.obs_dim_) throw std::runtime_error(path + ": normalizer width mismatch");
    p.Reset();
    return p;
  }

  // one control step: observation (the group's layout) -> action (before action_scale)
  const Vector& Act(const Vector& obs) {
    if (obs.size() != obs_dim_)
      throw std::runtime_error("EigenPolicy::Act: expected " + std::to_string(obs_dim_) +
                               " observations, got " + std::to_string(obs.size()));
    x_ = normalize_ ? Vector((obs - mean_).array() / (std_.array() + epsilon_)) : obs;
    for (size_t l = 0; l < w_ih_.size(); ++l) {
      if (memory_ == "lstm") LstmStep(l);
      else GruStep(l);
      x_ = h_[l];
    }
    for (size_t l = 0; l < weights_.size(); ++l) {
      y_.noalias() = weights_[l] * x_;
      y_ += biases_[l];
      if (l + 1 < weights_.size()) Activate(&y_);
      x_.swap(y_);
    }
    return x_;
  }

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
  float control_dt() const { return control_dt_; }
  bool recurrent() const { return memory_ != "none"; }

 private:
  static float Sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

  void Activate(Vector* v) const {
    auto a = v->array();
    if (activation_ == "elu") a = (a > 0).select(a, a.exp() - 1.0f);
    else if (activation_ == "relu") a = a.max(0.0f);
    else if (activation_ == "selu")
      a = 1.0507009873554805f * (a > 0).select(a, 1.6732632423543772f * (a.exp() - 1.0f));
    else if (activation_ == "tanh") a = a.tanh();
    else if (activation_ == "sigmoid") a = 1.0f / (1.0f + (-a).exp());
    else if (activation_ == "leaky_relu") a = (a > 0).select(a, 0.01f * a);
    else if (activation_ == "gelu")
      a = a.unaryExpr([](float u) { return 0.5f * u * (1.0f + std::erf(u * 0.70710678f)); });
    else if (activation_ == "silu") a = a / (1.0f + (-a).exp());
    else throw std::runtime_error("EigenPolicy: unknown activation " + activation_);
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

  std::string group_, activation_ = "elu", memory_ = "none";
  Eigen::Index obs_dim_ = 0;
  std::vector<ObsTerm> terms_;
  std::vector<Joint> joints_;
  float action_scale_ = 1, control_dt_ = 0.02f, epsilon_ = 1e-2f;
  bool normalize_ = true;
  int memory_size_ = 0, memory_layers_ = 0;
  Vector mean_, std_;
  std::vector<Matrix> weights_, w_ih_, w_hh_;
  std::vector<Vector> biases_, b_ih_, b_hh_, h_, c_;
  Vector x_, y_;
};

}  // namespace tutor::deploy

#endif  // TUTOR_LEARNING_EIGEN_POLICY_H_
