#ifndef TUTOR_LEARNING_TEACHER_ROUTER_H_
#define TUTOR_LEARNING_TEACHER_ROUTER_H_

// Which teacher of a `teachers:` list labels each env (distillation.teacher_routing: domain).
// No LibTorch here: the rules read the env's domain (terrain type, command, env id) as it is at
// the step being labelled, so an env whose domain changes at a reset changes teacher there.

#include <string>
#include <vector>

#include "envs/vec_env.h"
#include "learning/learning_config.h"

namespace tutor {

class TeacherRouter {
 public:
  // ConfigError naming `source` and `teachers[k]` for a terrain type the env does not know, or
  // a terrain rule on an env without terrain. A data-parallel rank's env i is env
  // `first_env` + i of the run's `total_envs` (0: this env's count): the `envs` rule is a
  // share of the run's env ids, so 2 ranks x N envs route as 1 x 2N
  TeacherRouter(std::vector<TeacherDomain> domains, const VecEnv& env, const std::string& source,
                int first_env = 0, int total_envs = 0);

  int NumTeachers() const { return static_cast<int>(domains_.size()); }
  // the first teacher whose rules all hold for env i now; -1 when none does
  int TeacherOf(const VecEnv& env, int i) const;
  // every env's teacher; Error naming the first env that no teacher's domain holds, with its
  // terrain type and command
  std::vector<int64_t> Route(const VecEnv& env) const;
  // "terrain stairs_up, command (0.60, 0.00, 0.00)": env i's domain, for messages
  std::string DescribeEnv(const VecEnv& env, int i) const;

 private:
  std::vector<TeacherDomain> domains_;
  std::vector<std::vector<char>> terrain_ok_;  // [teacher][terrain type index]: empty = any
  std::vector<std::string> terrain_names_;
  std::string source_;
  int first_env_, total_envs_;
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_TEACHER_ROUTER_H_
