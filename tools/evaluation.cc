#include "tools/evaluation.h"

#include <cstdio>

#include "learning/runner.h"
#include "learning/torch_threads.h"

namespace tutor {

std::array<double, 3> EvalCommand(int episode) {
  static const double kVx[8] = {1.0, -1.0, 0.5, -0.5, 0.0, 0.75, -0.75, 0.25};
  static const double kVyYaw[8][2] = {{0, 0},   {0.5, 0},    {-0.5, 0},    {0, 1},
                                      {0, -1},  {0.25, 0.5}, {-0.25, -0.5}, {0, 0.5}};
  const int row = (episode / 8) % 8;
  return {kVx[episode % 8], kVyYaw[row][0], kVyYaw[row][1]};
}

void AppendEvalOverrides(int episodes, int seed, std::vector<std::string>* overrides) {
  overrides->push_back("env.num_envs=" + std::to_string(episodes));
  overrides->push_back("env.seed=" + std::to_string(seed));
  overrides->push_back("env.termination.randomize_start=false");
}

std::vector<std::string> ReferencePhysicsOverrides(double control_dt) {
  char period[64];
  std::snprintf(period, sizeof(period), "env.robot.control_dt=%.17g", control_dt);
  return {"env.physics.timestep=0.002", "env.physics.cone=elliptic",
          "env.physics.impratio=100",   "env.physics.foot_condim=6",
          "env.physics.solver=newton",  "env.physics.iterations=100",
          "env.physics.tolerance=1e-8", "env.physics.frictionloss=true",
          "env.robot.decimation=0",     period};
}

PolicyFn MeanActionPolicy(const LoadedPolicy& loaded) {
  PolicyNet net = loaded.net;
  const std::string group = loaded.group;
  return [net, group](const ObsMap& obs, const torch::Tensor& starts) mutable {
    net->Reset(starts);
    return net->forward(obs.at(group));
  };
}

EvalResult Evaluate(QuadrupedVecEnv* env, const PolicyFn& policy,
                    const std::vector<std::string>& groups) {
  torch::NoGradGuard no_grad;
  // inference on one thread: a matrix product split across threads may sum in another order,
  // and a 1e-7 difference grows over 1000 chaotic steps; the env itself is thread-invariant,
  // so the numbers are the same for any --threads
  const TorchThreadsGuard one_thread(1);
  const int env_threads = env->NumThreads();  // the env's own count, not torch's
  const int n = env->NumEnvs();
  for (int i = 0; i < n; ++i) {
    const auto command = EvalCommand(i);
    env->Env(i).SetFixedCommand(command.data());
  }
  env->Reset();
  std::vector<EpisodeInfo> first(n);
  std::vector<bool> done(n, false);
  int remaining = n;
  torch::Tensor starts = torch::ones({n, 1});
  while (remaining > 0) {
    const ObsMap obs = ObservationViews(*env, groups);
    const torch::Tensor actions = policy(obs, starts).contiguous();
    env->Step(actions.data_ptr<float>());
    starts = torch::zeros({n, 1});
    for (const auto& episode : env->FinishedEpisodes()) {
      starts[episode.env_id][0] = 1.0;
      if (done[episode.env_id]) continue;
      done[episode.env_id] = true;
      first[episode.env_id] = episode;
      --remaining;
    }
  }
  EvalResult result;
  result.episodes = n;
  result.env_threads = env_threads;
  result.per_episode = first;
  for (const auto& e : first) {
    result.mean_return += e.episode_return / n;
    result.mean_length += static_cast<double>(e.length) / n;
    result.fall_rate += (e.terminated ? 1.0 : 0.0) / n;
    result.vx_error += e.vx_error / n;
    result.vy_error += e.vy_error / n;
    result.yaw_rate_error += e.yaw_rate_error / n;
    result.power += e.power / n;
  }
  long steps = 0, nonfoot = 0, touchdowns = 0;
  double air = 0;
  for (const auto& e : first) {
    steps += e.length, nonfoot += e.nonfoot_contact_steps;
    touchdowns += e.touchdowns, air += e.air_time_sum;
  }
  result.nonfoot_contact_share = steps > 0 ? static_cast<double>(nonfoot) / steps : 0.0;
  result.foot_air_time = touchdowns > 0 ? air / touchdowns : 0.0;
  return result;
}

std::vector<std::string> GaitShortfalls(const EvalResult& r) {
  std::vector<std::string> misses;
  char text[128];
  auto check = [&](bool ok, const char* format, double value, double bar) {
    if (ok) return;
    std::snprintf(text, sizeof(text), format, value, bar);
    misses.push_back(text);
  };
  check(r.fall_rate <= 0.05, "falls %.1f %% > %.0f %%", 100 * r.fall_rate, 5.0);
  check(r.vx_error <= 0.25, "|vx err| %.3f > %.2f m/s", r.vx_error, 0.25);
  check(r.yaw_rate_error <= 0.3, "|yaw err| %.3f > %.1f rad/s", r.yaw_rate_error, 0.3);
  check(r.nonfoot_contact_share <= 0.01, "non-foot contact %.2f %% > %.0f %%",
        100 * r.nonfoot_contact_share, 1.0);
  check(r.foot_air_time >= 0.15, "air time %.3f < %.2f s", r.foot_air_time, 0.15);
  return misses;
}

nlohmann::json EvalResultJson(const EvalResult& r) {
  return {{"episodes", r.episodes},
          {"mean_return", r.mean_return},
          {"mean_episode_length", r.mean_length},
          {"fall_rate", r.fall_rate},
          {"vx_error", r.vx_error},
          {"vy_error", r.vy_error},
          {"yaw_rate_error", r.yaw_rate_error},
          {"nonfoot_contact_share", r.nonfoot_contact_share},
          {"mean_foot_air_time_s", r.foot_air_time},
          {"mean_power_w", r.power},
          {"gait", GaitShortfalls(r).empty()}};
}

}  // namespace tutor
