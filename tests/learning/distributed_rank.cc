// One rank of a data-parallel point-mass run, for tests/learning/distributed_test.cc, which
// starts it as separate processes (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set) or alone.
//   distributed_rank ppo|distill OUT ENVS_PER_RANK EPOCHS MINI_BATCHES ITERATIONS [FAULT]
// FAULT: die@N (this rank exits at once after iteration N), hang@N (it stops itself with
// SIGSTOP after iteration N), diein@N / hangin@N (the same 0.3 s later, from another thread,
// while its main thread waits inside the next collective), slow@N (it sleeps 1 s after
// iteration N, so the other rank's next collective waits for it). Writes OUT.params (the trained
// parameters, float32, then the learning rate as float64), OUT.grad (this rank's first mini-batch
// gradient before the all-reduce, float32) and rank 0's logs into OUT.log/. Exit 3 on a
// DistributedError, with its message on stderr.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "learning/communicator.h"
#include "learning/distillation.h"
#include "learning/distributed.h"
#include "learning/ppo.h"
#include "learning/runner.h"
#include "learning/student_teacher.h"
#include "tests/learning/learning_test_util.h"
#include "tests/learning/point_mass_env.h"

namespace {

using namespace tutor;
using tutor::testing::PointMassEnv;

void WriteFloats(const std::string& path, const std::vector<torch::Tensor>& tensors,
                 const double* lr) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& t : tensors) {
    const auto c = t.detach().to(torch::kFloat32).contiguous().reshape({-1});
    out.write(reinterpret_cast<const char*>(c.data_ptr<float>()), c.numel() * sizeof(float));
  }
  if (lr) out.write(reinterpret_cast<const char*>(lr), sizeof(double));
}

int Run(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(
        stderr,
        "usage: distributed_rank ppo|distill OUT ENVS EPOCHS MINI_BATCHES ITERATIONS [FAULT]\n");
    return 2;
  }
  const std::string mode = argv[1], out = argv[2];
  const int envs = std::atoi(argv[3]), epochs = std::atoi(argv[4]),
            mini_batches = std::atoi(argv[5]), iterations = std::atoi(argv[6]);
  const std::string fault = argc > 7 ? argv[7] : "";
  const double timeout =
      std::getenv("TEST_TIMEOUT_S") ? std::atof(std::getenv("TEST_TIMEOUT_S")) : 20.0;
  torch::set_num_threads(1);
  torch::manual_seed(5);
  const RankInfo info = ReadRankInfo();
  auto comm = ConnectRanks(info, timeout);
  PointMassEnv env = PointMassEnv::Shard(envs, 10, 7, info.rank * envs);
  RunnerConfig rc;
  rc.num_steps_per_env = 8;
  rc.save_interval = 0;
  rc.log_dir = out + ".log";
  std::unique_ptr<Algorithm> algorithm;
  std::vector<torch::Tensor> params;
  std::function<double()> lr;
  ActorCritic policy{nullptr};
  if (mode == "ppo") {
    PpoConfig pc;
    pc.num_learning_epochs = epochs;
    pc.num_mini_batches = mini_batches;
    pc.learning_rate = 3e-3;
    pc.schedule = Schedule::kAdaptive;
    pc.desired_kl = 0.02;  // the rate moves up and down within the 3 updates
    policy = tutor::testing::PointMassActorCritic({16}, {16}, 0.5);
    auto ppo =
        std::make_unique<Ppo>(policy, pc, rc.num_steps_per_env, envs, tutor::testing::PpoSets());
    bool first = true;
    ppo->local_gradient_observer = [&](const std::vector<torch::Tensor>& g) {
      if (first) WriteFloats(out + ".grad", g, nullptr), first = false;
    };
    params = policy->parameters();
    Ppo* raw = ppo.get();
    lr = [raw] { return raw->LearningRate(); };
    algorithm = std::move(ppo);
  } else {
    PolicySpec spec{2, 1, tutor::testing::NetConfig({16}, 0.5)};
    PolicyNet teacher(spec);
    StudentTeacher model(PolicyNet(spec), teacher);
    DistillationConfig dc;
    dc.num_learning_epochs = epochs;
    dc.gradient_length = mini_batches;
    auto d = std::make_unique<Distillation>(model, dc, rc.num_steps_per_env, envs,
                                            tutor::testing::DistillSets());
    params = model->student->parameters();
    Distillation* raw = d.get();
    lr = [raw] { return raw->LearningRate(); };
    algorithm = std::move(d);
  }
  Runner runner(&env, algorithm.get(), rc, "{}");
  runner.quiet = true;
  runner.SetCommunicator(comm.get());
  if (!fault.empty()) {
    const auto at = fault.find('@');
    const std::string what = fault.substr(0, at);
    const int when = std::atoi(fault.c_str() + at + 1);
    runner.after_iteration = [what, when](int iteration) {
      if (iteration == when) {
        if (what == "die") std::_Exit(9);
        if (what == "hang") raise(SIGSTOP);
        if (what == "slow") std::this_thread::sleep_for(std::chrono::seconds(1));
        if (what == "diein" || what == "hangin")
          std::thread([what] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            if (what == "diein") std::_Exit(9);
            raise(SIGSTOP);
          }).detach();
      }
      return false;
    };
  }
  runner.Learn(iterations);
  const double rate = lr();
  WriteFloats(out + ".params", params, &rate);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const tutor::DistributedError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
