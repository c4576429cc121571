#include "envs/terms.h"

namespace tutor {

const std::vector<ObsTermInfo>& ObservationTerms() {
  static const std::vector<ObsTermInfo> terms = {
      {ObsTerm::kBaseLinVel, "base_lin_vel", true},
      {ObsTerm::kBaseAngVel, "base_ang_vel", false},
      {ObsTerm::kProjectedGravity, "projected_gravity", false},
      {ObsTerm::kVelocityCommand, "velocity_command", false},
      {ObsTerm::kJointPos, "joint_pos", false},
      {ObsTerm::kJointVel, "joint_vel", false},
      {ObsTerm::kLastAction, "last_action", false},
      {ObsTerm::kFootContactForces, "foot_contact_forces", true},
      {ObsTerm::kFootHeights, "foot_heights", true},
      {ObsTerm::kFriction, "friction", true},
      {ObsTerm::kAddedMass, "added_mass", true},
      {ObsTerm::kMotorStrength, "motor_strength", true},
      {ObsTerm::kBaseHeight, "base_height", true},
      {ObsTerm::kGaitPhase, "gait_phase", false},
      {ObsTerm::kBaseLinAcc, "base_lin_acc", false},
      {ObsTerm::kHeightScan, "height_scan", true},
  };
  return terms;
}

const ObsTermInfo* FindObservationTerm(const std::string& name) {
  for (const auto& term : ObservationTerms())
    if (name == term.name) return &term;
  return nullptr;
}

int ObservationTermWidth(ObsTerm term, int num_joints, int num_feet, int scan_width) {
  switch (term) {
    case ObsTerm::kBaseLinVel:
    case ObsTerm::kBaseLinAcc:
    case ObsTerm::kBaseAngVel:
    case ObsTerm::kProjectedGravity:
    case ObsTerm::kVelocityCommand:
      return 3;
    case ObsTerm::kJointPos:
    case ObsTerm::kJointVel:
    case ObsTerm::kLastAction:
    case ObsTerm::kMotorStrength:
      return num_joints;
    case ObsTerm::kFootContactForces:
    case ObsTerm::kFootHeights:
      return num_feet;
    case ObsTerm::kFriction:
    case ObsTerm::kAddedMass:
    case ObsTerm::kBaseHeight:
      return 1;
    case ObsTerm::kGaitPhase:
      return 2;
    case ObsTerm::kHeightScan:
      return scan_width;
  }
  return 0;
}

const std::vector<RewardTermInfo>& RewardTerms() {
  static const std::vector<RewardTermInfo> terms = {
      {RewardTerm::kTrackingLinVel, "tracking_lin_vel"},
      {RewardTerm::kTrackingAngVel, "tracking_ang_vel"},
      {RewardTerm::kLinVelZ, "lin_vel_z"},
      {RewardTerm::kAngVelXy, "ang_vel_xy"},
      {RewardTerm::kOrientation, "orientation"},
      {RewardTerm::kBaseHeight, "base_height"},
      {RewardTerm::kTorques, "torques"},
      {RewardTerm::kJointAcc, "joint_acc"},
      {RewardTerm::kJointVel, "joint_vel"},
      {RewardTerm::kActionRate, "action_rate"},
      {RewardTerm::kEnergy, "energy"},
      {RewardTerm::kFeetAirTime, "feet_air_time"},
      {RewardTerm::kStandStill, "stand_still"},
      {RewardTerm::kDofPosLimits, "dof_pos_limits"},
      {RewardTerm::kCollision, "collision"},
      {RewardTerm::kGait, "gait"},
      {RewardTerm::kFeetClearance, "feet_clearance"},
      {RewardTerm::kTermination, "termination"},
  };
  return terms;
}

const RewardTermInfo* FindRewardTerm(const std::string& name) {
  for (const auto& term : RewardTerms())
    if (name == term.name) return &term;
  return nullptr;
}

std::string KnownObservationTermNames() {
  std::string names;
  for (const auto& term : ObservationTerms()) names += (names.empty() ? "" : ", ") + std::string(term.name);
  return names;
}

std::string KnownRewardTermNames() {
  std::string names;
  for (const auto& term : RewardTerms()) names += (names.empty() ? "" : ", ") + std::string(term.name);
  return names;
}

}  // namespace tutor
