#ifndef TUTOR_ENVS_TERMS_H_
#define TUTOR_ENVS_TERMS_H_

#include <string>
#include <vector>

namespace tutor {

// the observation terms the quadruped env can emit, in registry order
enum class ObsTerm {
  kBaseLinVel,         // 3, body-frame base linear velocity (privileged)
  kBaseAngVel,         // 3, body-frame gyro
  kProjectedGravity,   // 3, gravity direction in the body frame
  kVelocityCommand,    // 3, (vx, vy, yaw rate)
  kJointPos,           // J, relative to the default pose
  kJointVel,           // J
  kLastAction,         // J
  kFootContactForces,  // F, normal force per foot (N, privileged)
  kFootHeights,        // F, foot clearance above the floor (m, privileged)
  kFriction,           // 1, sampled ground friction (privileged)
  kAddedMass,          // 1, sampled added base mass (kg, privileged)
  kMotorStrength,      // J, sampled torque multipliers (privileged)
  kBaseHeight,         // 1, trunk height (m, privileged)
  kGaitPhase,          // 2, (sin, cos) of the gait clock's phase (env.gait)
  kBaseLinAcc,         // 3, body-frame accelerometer: specific force (m/s^2) averaged over
                       // the policy step, (0, 0, +g) at rest, 0 in free fall
  kHeightScan,         // nx x ny, ground height minus base height on env.terrain.height_scan's
                       // grid in the yaw-aligned base frame (m, privileged; needs env.terrain)
};

struct ObsTermInfo {
  ObsTerm id;
  const char* name;
  bool privileged;  // simulator truth a real robot cannot sense
};

const std::vector<ObsTermInfo>& ObservationTerms();
// the term of that name, or nullptr
const ObsTermInfo* FindObservationTerm(const std::string& name);
// scan_width: the height scan's samples (env.terrain.height_scan nx x ny)
int ObservationTermWidth(ObsTerm term, int num_joints, int num_feet, int scan_width);

// reward terms, each weighted by a YAML scale (per second of simulated time)
enum class RewardTerm {
  kTrackingLinVel,   // exp(-|cmd_xy - v_xy|^2 / sigma)
  kTrackingAngVel,   // exp(-(cmd_wz - w_z)^2 / sigma)
  kLinVelZ,          // v_z^2
  kAngVelXy,         // w_x^2 + w_y^2
  kOrientation,      // g_x^2 + g_y^2 of the projected gravity
  kBaseHeight,       // (z - target)^2
  kTorques,          // sum tau^2
  kJointAcc,         // sum ((qd - qd_prev) / dt)^2
  kJointVel,         // sum qd^2
  kActionRate,       // sum (a - a_prev)^2
  kEnergy,           // sum |qd * tau|
  kFeetAirTime,      // sum (t_air - target) on touchdown, when commanded to move
  kStandStill,       // sum |q - q0| when the command is zero
  kDofPosLimits,     // sum of joint excursions beyond the soft limits (rad)
  kCollision,        // number of collision parts pressing the ground above the threshold
  kGait,             // share of feet whose contact matches the gait clock (env.gait)
  kFeetClearance,    // sum over feet the clock has in swing of max(0, target - h) (m), moving
  kTermination,      // 1 on a fall (not on a time-out)
};

struct RewardTermInfo {
  RewardTerm id;
  const char* name;
};

const std::vector<RewardTermInfo>& RewardTerms();
const RewardTermInfo* FindRewardTerm(const std::string& name);

// "a, b, c" of all known names, for error messages
std::string KnownObservationTermNames();
std::string KnownRewardTermNames();

}  // namespace tutor

#endif  // TUTOR_ENVS_TERMS_H_
