#ifndef TUTOR_ENVS_QUADRUPED_REWARDS_H_
#define TUTOR_ENVS_QUADRUPED_REWARDS_H_

#include <utility>
#include <vector>

#include "envs/env_config.h"
#include "envs/terms.h"

namespace tutor {

// Everything one step's reward terms are computed from, so each term is a pure function that
// a test can fill by hand. Per-joint vectors are in policy joint order.
struct RewardInputs {
  double command[3] = {0, 0, 0};                  // vx, vy (m/s, body frame), yaw rate (rad/s)
  double lin_vel[3] = {0, 0, 0};                  // m/s, body frame
  double ang_vel[3] = {0, 0, 0};                  // rad/s, body frame
  double gravity[3] = {0, 0, -1};                 // unit gravity direction in the body frame
  double base_height = 0;                         // m, trunk above the floor geom
  std::vector<double> torques;                    // N·m
  std::vector<double> joint_vel, last_joint_vel;  // rad/s, this step and the previous one
  std::vector<double> action, last_action;        // clipped policy actions
  std::vector<double> joint_pos, default_pose;    // rad
  std::vector<double> joint_low, joint_high;      // soft joint limits (rad)
  double feet_air_time = 0;  // s, sum of (t_air - target) over this step's touchdowns
  bool moving = false;       // commanded |v_xy| above the moving threshold
  bool standing = false;     // commanded |(vx, vy, wz)| below it
  int collisions = 0;        // collision parts pressing the ground above the threshold
  bool fell = false;         // the step ended in a fall (not a time-out)
  std::vector<char> foot_contact;  // per foot: down this step
  std::vector<char> foot_stance;   // per foot: the gait clock wants it down
  std::vector<double> foot_height;  // per foot: m, its lowest point above the ground under it
                                    // (filled only when feet_clearance is weighted)
  double dt = 0.02;          // s, policy step
};

// the unweighted value of one term (the formulas beside RewardTerm in envs/terms.h)
double RewardTermValue(RewardTerm term, const RewardInputs& in, const RewardConfig& config);

// The step's reward from per-term values parallel to `terms` (term, scale per second):
// weighted[i] = value[i] * scale[i] * dt. With `clip_negative` the sum of every term but
// termination is clipped at 0 first, then termination is added, so a fall always costs.
double CombineRewards(const std::vector<std::pair<RewardTerm, double>>& terms,
                      const std::vector<double>& values, double dt, bool clip_negative,
                      std::vector<double>* weighted);

}  // namespace tutor

#endif  // TUTOR_ENVS_QUADRUPED_REWARDS_H_
