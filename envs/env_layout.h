#ifndef TUTOR_ENVS_ENV_LAYOUT_H_
#define TUTOR_ENVS_ENV_LAYOUT_H_

#include <limits>
#include <string>
#include <vector>

namespace tutor {

// One block of an observation group: where it sits, how it was scaled and noised.
struct TermLayout {
  std::string name;
  int offset = 0;
  int width = 0;
  double scale = 1.0;
  double noise = 0.0;  // uniform ±noise before scaling; 0 for privileged groups
};

struct GroupLayout {
  std::string name;
  int width = 0;
  std::vector<TermLayout> terms;
};

// Everything a deployed policy must agree on with the env that trained it. Checkpoints and
// exports carry it, and loading compares it, so observations can never be fed in the wrong
// order or scale.
struct EnvLayout {
  std::vector<GroupLayout> groups;
  std::vector<std::string> joint_names;  // action order
  std::vector<double> default_pose;      // rad
  std::vector<double> kp, kd;            // PD gains
  std::vector<double> torque_limits;     // N·m
  double action_scale = 1.0;  // target = default_pose + action_scale * clamped action
  double action_clip = std::numeric_limits<double>::infinity();  // actions clamped to ±clip
  double control_dt = 0.02;  // s
  // the gait clock a `gait_phase` observation reads (a deployment must run it too):
  // phase = (t / gait_period) mod 1 from the episode's start; 0: no clock
  double gait_period = 0;
  std::vector<double> gait_offsets;  // per foot
  double gait_stance = 0.5;

  // the group of that name; ConfigError listing the groups there are otherwise
  const GroupLayout& Group(const std::string& name) const;
  bool HasGroup(const std::string& name) const;
  int NumActions() const { return static_cast<int>(joint_names.size()); }

  std::string Serialize() const;  // YAML text
  static EnvLayout Parse(const std::string& text);  // CheckpointError on malformed text
};

// human-readable differences between two groups ("term 3: joint_vel scale 0.05 vs 0.1", ...);
// empty when they agree
std::vector<std::string> DiffGroups(const GroupLayout& expected, const GroupLayout& actual);
// differences in the control part (joints, default pose, gains, action scale, control period)
std::vector<std::string> DiffControl(const EnvLayout& expected, const EnvLayout& actual);

}  // namespace tutor

#endif  // TUTOR_ENVS_ENV_LAYOUT_H_
