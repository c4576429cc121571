#ifndef TUTOR_ENVS_QUADRUPED_ENV_H_
#define TUTOR_ENVS_QUADRUPED_ENV_H_

#include <array>
#include <vector>

#include "envs/env_config.h"
#include "envs/env_layout.h"
#include "envs/mujoco_util.h"
#include "envs/rng.h"
#include "envs/terms.h"
#include "envs/vec_env.h"

namespace tutor {

// Read-only facts shared by every env of a batch: the resolved config, MuJoCo ids, the
// observation layout compiled into term lists. Built once; every name is checked here.
struct QuadrupedSpec {
  struct CompiledTerm {
    ObsTerm id;
    int offset, width;
    double scale, noise;
  };
  struct CompiledGroup {
    std::vector<CompiledTerm> terms;
    int width = 0;
  };

  QuadrupedSpec(const EnvConfig& config, const std::string& source);

  EnvConfig config;
  ModelPtr model;  // the loaded scene; each env copies it (randomization edits model fields)
  EnvLayout layout;
  std::vector<CompiledGroup> groups;  // parallel to layout.groups
  std::vector<std::pair<RewardTerm, double>> rewards;  // scale per second
  std::vector<std::string> reward_names;

  int num_joints = 0, num_feet = 0;
  int base_body = -1, base_qpos = 0, base_dof = 0, keyframe = -1, floor_geom = -1;
  std::vector<int> joint_qpos, joint_dof;  // per policy joint
  std::vector<double> joint_low, joint_high;  // soft limits (rad)
  std::vector<int> foot_geoms;
  std::vector<int> geom_role;  // per geom: foot index >= 0, kFallGeom, or kOtherGeom
  double base_mass = 0;
  double base_inertia[3] = {0, 0, 0};
  double control_dt = 0.02;
  int episode_steps = 1000;

  static constexpr int kOtherGeom = -1;
  static constexpr int kFallGeom = -2;
};

// tau = clip(strength * (kp * (target - q) - kd * qd), -strength * limit, strength * limit)
double PdTorque(double kp, double kd, double target, double q, double qd, double limit,
                double strength);

// One quadruped: an mjData, its own model copy, its RNG stream, commands, episode bookkeeping.
// Writes its observations straight into the batch rows it is handed.
class QuadrupedEnv {
 public:
  QuadrupedEnv(const QuadrupedSpec& spec, int env_id, uint64_t seed);

  // per-group output rows of this env (one pointer per layout group)
  struct Rows {
    float* const* obs;
    float* const* final_obs;
    float* reward;
    float* terminated;
    float* truncated;
  };

  void Reset(const Rows& rows, bool randomize_progress);
  // returns true when the episode ended (then `episode` holds its info and the env is reset)
  bool Step(const float* action, const Rows& rows, EpisodeInfo* episode);

  // evaluation / viewer controls
  void SetFixedCommand(const double command[3]);
  void ClearFixedCommand() { fixed_command_ = false; }
  void Push(double vx, double vy);  // adds to the base velocity (m/s, world frame)

  const mjModel* model() const { return model_.get(); }
  mjData* data() const { return data_.get(); }
  const double* command() const { return command_.data(); }
  double friction() const { return friction_; }
  double added_mass() const { return added_mass_; }
  const std::vector<double>& motor_strength() const { return strength_; }
  const std::vector<double>& torques() const { return torques_; }

 private:
  void Randomize();
  void ResampleCommand();
  void ApplyTorques(const double* targets);
  void ReadState();  // body-frame velocities, gravity, contacts from qpos/qvel and contacts
  void WriteObservations(float* const* rows);
  // weighted reward terms x dt; also advances last action/velocity and feet air time
  double ComputeReward(bool fell);
  bool Unstable() const;

  const QuadrupedSpec& spec_;
  int env_id_;
  ModelPtr model_;
  DataPtr data_;
  Rng rng_;

  // randomization drawn at reset
  double friction_ = 1.0, added_mass_ = 0.0;
  std::vector<double> strength_;
  // command and schedules
  std::array<double, 3> command_{};
  bool fixed_command_ = false;
  std::array<double, 3> fixed_{};
  int command_timer_ = 0, push_timer_ = 0;
  // per-step state
  std::vector<double> action_, last_action_, last_qvel_, torques_, air_time_;
  std::vector<double> foot_force_, scratch_;
  std::vector<bool> last_contact_;
  double lin_vel_[3], ang_vel_[3], gravity_[3], up_z_ = 1;
  bool fall_contact_ = false;
  // episode bookkeeping
  int progress_ = 0;  // steps towards the time limit (may start random)
  int length_ = 0;    // steps taken in this episode
  double episode_return_ = 0;
  std::vector<double> term_sums_;
  double error_sums_[3] = {0, 0, 0}, power_sum_ = 0;
};

}  // namespace tutor

#endif  // TUTOR_ENVS_QUADRUPED_ENV_H_
