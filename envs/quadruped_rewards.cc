#include "envs/quadruped_rewards.h"

#include <algorithm>
#include <cmath>

#include "envs/quadruped_env.h"

namespace tutor {
namespace {

constexpr double kContactThreshold = 1.0;  // N of normal force that counts as a foot contact
constexpr double kMovingCommand = 0.1;     // m/s: a slower command counts as "stand still"

double SumOfSquares(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v * v;
  return sum;
}

}  // namespace

double RewardTermValue(RewardTerm term, const RewardInputs& in, const RewardConfig& config) {
  double value = 0;
  switch (term) {
    // exp(-|cmd_xy - v_xy|^2 / sigma) and exp(-(cmd_wz - w_z)^2 / sigma)
    case RewardTerm::kTrackingLinVel: {
      const double ex = in.command[0] - in.lin_vel[0], ey = in.command[1] - in.lin_vel[1];
      return std::exp(-(ex * ex + ey * ey) / config.tracking_sigma);
    }
    case RewardTerm::kTrackingAngVel: {
      const double e = in.command[2] - in.ang_vel[2];
      return std::exp(-e * e / config.tracking_sigma);
    }
    // base motion and posture
    case RewardTerm::kLinVelZ:
      return in.lin_vel[2] * in.lin_vel[2];
    case RewardTerm::kAngVelXy:
      return in.ang_vel[0] * in.ang_vel[0] + in.ang_vel[1] * in.ang_vel[1];
    case RewardTerm::kOrientation:
      return in.gravity[0] * in.gravity[0] + in.gravity[1] * in.gravity[1];
    case RewardTerm::kBaseHeight: {
      const double e = in.base_height - config.base_height_target;
      return e * e;
    }
    // effort and smoothness, summed over joints
    case RewardTerm::kTorques:
      return SumOfSquares(in.torques);
    case RewardTerm::kJointAcc:
      for (size_t j = 0; j < in.joint_vel.size(); ++j) {
        const double acc = (in.joint_vel[j] - in.last_joint_vel[j]) / in.dt;
        value += acc * acc;
      }
      return value;
    case RewardTerm::kJointVel:
      return SumOfSquares(in.joint_vel);
    case RewardTerm::kActionRate:
      for (size_t j = 0; j < in.action.size(); ++j)
        value += (in.action[j] - in.last_action[j]) * (in.action[j] - in.last_action[j]);
      return value;
    case RewardTerm::kEnergy:
      for (size_t j = 0; j < in.joint_vel.size(); ++j)
        value += std::abs(in.joint_vel[j] * in.torques[j]);
      return value;
    // gait and pose
    case RewardTerm::kFeetAirTime:
      return in.moving ? in.feet_air_time : 0.0;
    case RewardTerm::kStandStill:
      if (!in.standing) return 0.0;
      for (size_t j = 0; j < in.joint_pos.size(); ++j)
        value += std::abs(in.joint_pos[j] - in.default_pose[j]);
      return value;
    case RewardTerm::kDofPosLimits:
      for (size_t j = 0; j < in.joint_pos.size(); ++j) {
        const double q = in.joint_pos[j];
        value += std::max(0.0, in.joint_low[j] - q) + std::max(0.0, q - in.joint_high[j]);
      }
      return value;
    case RewardTerm::kCollision:
      return in.collisions;
    case RewardTerm::kGait: {
      // standing still, every foot belongs on the ground; otherwise where the clock says
      if (in.foot_contact.empty()) return 0.0;
      for (size_t f = 0; f < in.foot_contact.size(); ++f)
        value += (in.standing || in.foot_stance[f]) == static_cast<bool>(in.foot_contact[f]);
      return value / static_cast<double>(in.foot_contact.size());
    }
    case RewardTerm::kFeetClearance:
      // a swing foot below the target height: the shortfall, so risers are stepped over
      if (!in.moving) return 0.0;
      for (size_t f = 0; f < in.foot_height.size(); ++f)
        if (!in.foot_stance[f]) value += std::max(0.0, config.feet_clearance_target - in.foot_height[f]);
      return value;
    case RewardTerm::kTermination:
      return in.fell ? 1.0 : 0.0;
  }
  return value;
}

double QuadrupedEnv::UnstableReward() {
  for (size_t i = 0; i < quadruped_.rewards.size(); ++i)
    reward_values_[i] = quadruped_.rewards[i].first == RewardTerm::kTermination ? 1.0 : 0.0;
  const double reward = CombineRewards(quadruped_.rewards, reward_values_,
                                       quadruped_.layout.control_dt, false, &weighted_);
  for (size_t i = 0; i < weighted_.size(); ++i) term_sums_[i] += weighted_[i];
  return reward;
}

double CombineRewards(const std::vector<std::pair<RewardTerm, double>>& terms,
                      const std::vector<double>& values, double dt, bool clip_negative,
                      std::vector<double>* weighted) {
  weighted->resize(terms.size());
  double total = 0, termination = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    const auto [term, scale] = terms[i];
    (*weighted)[i] = values[i] * scale * dt;
    if (term == RewardTerm::kTermination)
      termination += (*weighted)[i];
    else
      total += (*weighted)[i];
  }
  // clipping keeps early, clumsy policies from learning to end episodes early
  if (clip_negative) total = std::max(total, 0.0);
  return total + termination;
}

double QuadrupedEnv::ComputeReward(bool fell) {
  const RewardConfig& config = quadruped_.config.rewards;
  const mjData* data = data_.get();
  const double dt = quadruped_.layout.control_dt;
  RewardInputs& in = reward_inputs_;

  // feet air time (legged_gym): a touchdown pays (t_air - target); contact is filtered with
  // the previous step's so a single-step bounce is not a touchdown
  double air_time = 0;
  for (int k = 0; k < quadruped_.num_feet; ++k) {
    const bool contact = foot_force_[k] > kContactThreshold;
    const bool filtered = contact || last_contact_[k];
    const bool first_contact = air_time_[k] > 0 && filtered;
    air_time_[k] += dt;
    if (first_contact) {
      air_time += air_time_[k] - config.feet_air_time_target;
      air_time_sum_ += air_time_[k];
      ++touchdowns_;
    }
    if (filtered) air_time_[k] = 0;
    last_contact_[k] = contact;
    in.foot_contact[k] = contact;
    in.foot_stance[k] = FootInStance(k, length_);
    if (needs_foot_height_) in.foot_height[k] = FootHeight(k);
  }

  // this step's state, as the pure term functions read it
  std::copy(command_.begin(), command_.end(), in.command);
  mju_copy3(in.lin_vel, lin_vel_);
  mju_copy3(in.ang_vel, ang_vel_);
  mju_copy3(in.gravity, gravity_);
  in.base_height = base_height_;
  for (int j = 0; j < quadruped_.num_joints; ++j) {
    in.torques[j] = torques_[j];
    in.joint_vel[j] = data->qvel[quadruped_.joint_dof[j]];
    in.last_joint_vel[j] = last_qvel_[j];
    in.action[j] = action_[j];
    in.last_action[j] = last_action_[j];
    in.joint_pos[j] = data->qpos[quadruped_.joint_qpos[j]];
  }
  in.feet_air_time = air_time;
  in.moving = std::hypot(command_[0], command_[1]) > kMovingCommand;
  in.standing = std::sqrt(command_[0] * command_[0] + command_[1] * command_[1] +
                          command_[2] * command_[2]) < kMovingCommand;
  in.collisions = collisions_;
  in.fell = fell;
  in.dt = dt;

  // weighted terms, the step's total and the episode's per-term sums
  for (size_t i = 0; i < quadruped_.rewards.size(); ++i)
    reward_values_[i] = RewardTermValue(quadruped_.rewards[i].first, in, config);
  const double reward =
      CombineRewards(quadruped_.rewards, reward_values_, dt, config.clip_negative, &weighted_);
  for (size_t i = 0; i < weighted_.size(); ++i) term_sums_[i] += weighted_[i];

  // the next step's "previous" action and joint velocity
  for (int j = 0; j < quadruped_.num_joints; ++j) {
    last_action_[j] = action_[j];
    last_qvel_[j] = data->qvel[quadruped_.joint_dof[j]];
  }
  return reward;
}

}  // namespace tutor
