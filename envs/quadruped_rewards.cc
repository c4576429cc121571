#include <cmath>

#include "envs/quadruped_env.h"

namespace tutor {
namespace {
constexpr double kContactThreshold = 1.0;  // N of normal force that counts as a foot contact
constexpr double kMovingCommand = 0.1;     // m/s: a slower command counts as "stand still"
}  // namespace

double QuadrupedEnv::ComputeReward(bool fell) {
  const RewardConfig& cfg = spec_.config.rewards;
  const RobotConfig& robot = spec_.config.robot;
  const mjData* data = data_.get();
  const double dt = spec_.control_dt;
  const int nj = spec_.num_joints;
  const double moving = std::hypot(command_[0], command_[1]) > kMovingCommand;
  const double standing =
      std::sqrt(command_[0] * command_[0] + command_[1] * command_[1] + command_[2] * command_[2]) <
      kMovingCommand;

  // feet air time (legged_gym): a touchdown pays (t_air - target); contact is filtered with
  // the previous step's so a single-step bounce is not a touchdown
  double air_time = 0;
  for (int k = 0; k < spec_.num_feet; ++k) {
    const bool contact = foot_force_[k] > kContactThreshold;
    const bool filtered = contact || last_contact_[k];
    const bool first_contact = air_time_[k] > 0 && filtered;
    air_time_[k] += dt;
    if (first_contact) air_time += air_time_[k] - cfg.feet_air_time_target;
    if (filtered) air_time_[k] = 0;
    last_contact_[k] = contact;
  }

  double total = 0, termination = 0;
  for (size_t i = 0; i < spec_.rewards.size(); ++i) {
    const auto [term, scale] = spec_.rewards[i];
    double value = 0;
    switch (term) {
      case RewardTerm::kTrackingLinVel: {
        const double ex = command_[0] - lin_vel_[0], ey = command_[1] - lin_vel_[1];
        value = std::exp(-(ex * ex + ey * ey) / cfg.tracking_sigma);
        break;
      }
      case RewardTerm::kTrackingAngVel: {
        const double e = command_[2] - ang_vel_[2];
        value = std::exp(-e * e / cfg.tracking_sigma);
        break;
      }
      case RewardTerm::kLinVelZ: value = lin_vel_[2] * lin_vel_[2]; break;
      case RewardTerm::kAngVelXy: value = ang_vel_[0] * ang_vel_[0] + ang_vel_[1] * ang_vel_[1]; break;
      case RewardTerm::kOrientation: value = gravity_[0] * gravity_[0] + gravity_[1] * gravity_[1]; break;
      case RewardTerm::kBaseHeight: {
        const double e = data->qpos[spec_.base_qpos + 2] - cfg.base_height_target;
        value = e * e;
        break;
      }
      case RewardTerm::kTorques:
        for (int j = 0; j < nj; ++j) value += torques_[j] * torques_[j];
        break;
      case RewardTerm::kJointAcc:
        for (int j = 0; j < nj; ++j) {
          const double acc = (data->qvel[spec_.joint_dof[j]] - last_qvel_[j]) / dt;
          value += acc * acc;
        }
        break;
      case RewardTerm::kJointVel:
        for (int j = 0; j < nj; ++j) value += data->qvel[spec_.joint_dof[j]] * data->qvel[spec_.joint_dof[j]];
        break;
      case RewardTerm::kActionRate:
        for (int j = 0; j < nj; ++j) value += (action_[j] - last_action_[j]) * (action_[j] - last_action_[j]);
        break;
      case RewardTerm::kEnergy:
        for (int j = 0; j < nj; ++j) value += std::abs(data->qvel[spec_.joint_dof[j]] * torques_[j]);
        break;
      case RewardTerm::kFeetAirTime: value = air_time * moving; break;
      case RewardTerm::kStandStill:
        for (int j = 0; j < nj; ++j)
          value += std::abs(data->qpos[spec_.joint_qpos[j]] - robot.default_pose[j]);
        value *= standing;
        break;
      case RewardTerm::kDofPosLimits:
        for (int j = 0; j < nj; ++j) {
          const double q = data->qpos[spec_.joint_qpos[j]];
          value += std::max(0.0, spec_.joint_low[j] - q) + std::max(0.0, q - spec_.joint_high[j]);
        }
        break;
      case RewardTerm::kTermination: value = fell ? 1.0 : 0.0; break;
    }
    const double weighted = value * scale * dt;
    term_sums_[i] += weighted;
    if (term == RewardTerm::kTermination) termination += weighted;
    else total += weighted;
  }
  for (int j = 0; j < nj; ++j) {
    last_action_[j] = action_[j];
    last_qvel_[j] = data->qvel[spec_.joint_dof[j]];
  }
  // clipping keeps early, clumsy policies from learning to end episodes early
  if (cfg.clip_negative) total = std::max(total, 0.0);
  return total + termination;
}

}  // namespace tutor
