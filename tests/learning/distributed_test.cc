// Data-parallel training over c10d's Gloo backend, on loopback: ranks are separate processes of
// tests/learning/distributed_rank.cc (a point-mass run), started here with torchrun's variables.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

struct Proc {
  pid_t pid = 0;
  std::string err;  // its stderr's file
};

// the rank helper with these arguments; RANK/WORLD_SIZE/... when world > 0
Proc Start(const std::vector<std::string>& args, int rank, int world, int port,
           const std::string& err_file, double timeout_s = 20) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string s = *e;
    if (s.rfind("RANK=", 0) && s.rfind("WORLD_SIZE=", 0) && s.rfind("MASTER_", 0)) env.push_back(s);
  }
  if (world > 0) {
    env.push_back("RANK=" + std::to_string(rank));
    env.push_back("WORLD_SIZE=" + std::to_string(world));
    env.push_back("MASTER_ADDR=127.0.0.1");
    env.push_back("MASTER_PORT=" + std::to_string(port));
  }
  env.push_back("TEST_TIMEOUT_S=" + std::to_string(timeout_s));
  std::vector<std::string> argv_s = {DISTRIBUTED_RANK_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  Proc p;
  p.err = err_file;
  EXPECT_EQ(posix_spawn(&p.pid, argv[0], &actions, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  return p;
}

// its exit status (128 + signal when killed); kills it after `limit_s`, failing the test
int Wait(const Proc& p, double limit_s = 120) {
  const auto end = Clock::now() + std::chrono::duration<double>(limit_s);
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(p.pid, &status, WNOHANG);
    if (r == p.pid) break;
    if (Clock::now() > end) {
      kill(p.pid, SIGKILL);
      waitpid(p.pid, &status, 0);
      ADD_FAILURE() << "rank process " << p.pid << " still running after " << limit_s << " s";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<float> Floats(const std::string& path, double* lr = nullptr) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t n = bytes.size();
  if (lr) {
    EXPECT_GE(n, sizeof(double)) << path;
    n -= sizeof(double);
    std::memcpy(lr, bytes.data() + n, sizeof(double));
  }
  std::vector<float> v(n / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

double MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
  return m;
}

std::string Dir(const std::string& name) {
  const std::string d = ::testing::TempDir() + "distributed_" + name + "/";
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// one process with all envs, then `world` ranks with envs / world each
struct Comparison {
  std::vector<float> single, rank0, rank1, grad0, grad1;
  double lr_single = 0, lr0 = 0, lr1 = 0;
};

Comparison RunBoth(const std::string& name, const std::string& mode, int envs, int epochs,
                   int mini_batches, int iterations) {
  const std::string d = Dir(name);
  Comparison c;
  const auto args = [&](const std::string& out, int n) {
    return std::vector<std::string>{mode,
                                    d + out,
                                    std::to_string(n),
                                    std::to_string(epochs),
                                    std::to_string(mini_batches),
                                    std::to_string(iterations)};
  };
  const Proc one = Start(args("single", envs), 0, 0, 0, d + "single.err");
  EXPECT_EQ(Wait(one), 0) << Slurp(one.err);
  const int port = FreePort();
  const Proc r0 = Start(args("rank0", envs / 2), 0, 2, port, d + "rank0.err");
  const Proc r1 = Start(args("rank1", envs / 2), 1, 2, port, d + "rank1.err");
  EXPECT_EQ(Wait(r0), 0) << Slurp(r0.err);
  EXPECT_EQ(Wait(r1), 0) << Slurp(r1.err);
  c.single = Floats(d + "single.params", &c.lr_single);
  c.rank0 = Floats(d + "rank0.params", &c.lr0);
  c.rank1 = Floats(d + "rank1.params", &c.lr1);
  if (mode == "ppo") c.grad0 = Floats(d + "rank0.grad"), c.grad1 = Floats(d + "rank1.grad");
  return c;
}

TEST(DistributedTest, TwoRanksLearnWhatOneProcessHoldingBothRanksEnvsLearns) {
  // 1 epoch x 1 mini-batch, 3 updates: 2 ranks x 8 envs vs 1 process x 16 envs
  const Comparison c = RunBoth("one_batch", "ppo", 16, 1, 1, 3);
  ASSERT_FALSE(c.single.empty());
  std::printf(
      "1x1: |grad0 - grad1| %.3g, |single - rank0| %.3g, |rank0 - rank1| %.3g, lr %.9g / %.9g\n",
      MaxAbsDiff(c.grad0, c.grad1), MaxAbsDiff(c.single, c.rank0), MaxAbsDiff(c.rank0, c.rank1),
      c.lr_single, c.lr0);
  // each rank's own gradient (before the all-reduce) is of its own envs: they differ
  EXPECT_GT(MaxAbsDiff(c.grad0, c.grad1), 1e-3);
  EXPECT_LT(MaxAbsDiff(c.single, c.rank0), 1e-5);
  EXPECT_EQ(c.rank0, c.rank1);  // bitwise
  EXPECT_NEAR(c.lr0, c.lr_single, 1e-9 * c.lr_single);
}

TEST(DistributedTest, DefaultEpochsAndMiniBatchesWithAdaptiveRateStayBitwiseEqualAcrossRanks) {
  // 5 epochs x 4 mini-batches, the rate adapted at each of them, 3 updates
  const Comparison c = RunBoth("default", "ppo", 16, 5, 4, 3);
  ASSERT_FALSE(c.rank0.empty());
  std::printf("5x4 adaptive: |single - rank0| %.3g, |rank0 - rank1| %.3g, lr %.9g / %.9g / %.9g\n",
              MaxAbsDiff(c.single, c.rank0), MaxAbsDiff(c.rank0, c.rank1), c.lr_single, c.lr0,
              c.lr1);
  EXPECT_EQ(c.rank0, c.rank1);
  EXPECT_EQ(c.lr0, c.lr1);
  // each rank learns from its members of the run's mini-batches: the same updates as the one
  // process, up to the order of float sums
  EXPECT_LT(MaxAbsDiff(c.single, c.rank0), 1e-4);
  EXPECT_NEAR(c.lr0, c.lr_single, 1e-6 * c.lr_single);
  EXPECT_NE(c.lr0, 3e-3);  // the adaptive rate did move
}

TEST(DistributedTest, ARunIsBitwiseReproducibleForAGivenWorldSize) {
  const Comparison a = RunBoth("repeat_a", "ppo", 16, 5, 4, 2);
  const Comparison b = RunBoth("repeat_b", "ppo", 16, 5, 4, 2);
  EXPECT_EQ(a.rank0, b.rank0);
  EXPECT_EQ(a.single, b.single);
}

TEST(DistributedTest, DistillationTwoRanksLearnWhatOneProcessLearns) {
  const Comparison c = RunBoth("distill", "distill", 16, 1, 4, 3);
  ASSERT_FALSE(c.single.empty());
  std::printf("distillation: |single - rank0| %.3g, |rank0 - rank1| %.3g\n",
              MaxAbsDiff(c.single, c.rank0), MaxAbsDiff(c.rank0, c.rank1));
  EXPECT_LT(MaxAbsDiff(c.single, c.rank0), 1e-5);
  EXPECT_EQ(c.rank0, c.rank1);
}

// a failure: the survivor's exit status and message, and how long it took
struct Failure {
  int status = 0;
  std::string message;
  double seconds = 0;
};

Failure RunWithFault(const std::string& name, const std::string& fault_rank0,
                     const std::string& fault_rank1, bool start_rank1, int survivor) {
  const std::string d = Dir(name);
  const int port = FreePort();
  const double timeout = 3.0;
  auto args = [&](const std::string& out, const std::string& fault) {
    std::vector<std::string> a = {"ppo", d + out, "8", "1", "1", "50"};
    if (!fault.empty()) a.push_back(fault);
    return a;
  };
  const auto start = Clock::now();
  std::vector<Proc> procs = {
      Start(args("rank0", fault_rank0), 0, 2, port, d + "rank0.err", timeout)};
  if (start_rank1)
    procs.push_back(Start(args("rank1", fault_rank1), 1, 2, port, d + "rank1.err", timeout));
  Failure f;
  f.status = Wait(procs[survivor], 60);
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.message = Slurp(procs[survivor].err);
  std::printf("%s: exit %d after %.1f s: %s", name.c_str(), f.status, f.seconds, f.message.c_str());
  for (const auto& p : procs) kill(p.pid, SIGKILL), waitpid(p.pid, nullptr, 0);
  return f;
}

// the survivor exits 3 within 30 s, its message naming the rank; returns how long it took
double ExpectNamed(const std::string& name, const std::string& fault_rank0,
                   const std::string& fault_rank1, bool start_rank1, int survivor,
                   const std::string& named) {
  const Failure f = RunWithFault(name, fault_rank0, fault_rank1, start_rank1, survivor);
  EXPECT_EQ(f.status, 3) << name << ": " << f.message;
  EXPECT_NE(f.message.find(named), std::string::npos) << name << ": " << f.message;
  EXPECT_LT(f.seconds, 30) << name;
  return f.seconds;
}

TEST(DistributedTest, ARankThatDiesHangsOrNeverJoinsStopsTheOthersNamingIt) {
  ExpectNamed("dies", "", "die@2", true, 0, "rank 1 did not reach");
  // it waited for the timeout, no longer than about that
  EXPECT_GE(ExpectNamed("hangs", "", "hang@2", true, 0, "rank 1 did not reach"), 3.0);
  ExpectNamed("never", "", "", false, 0, "rank 1 never joined");
  ExpectNamed("rank0_dies", "die@2", "", true, 1, "rank 0");
  // inside a collective: rank 1 entered it (rank 0 comes 1 s late) and dies or stops there;
  // its heartbeat names it
  ExpectNamed("dies_inside", "slow@2", "diein@2", true, 0, "rank 1 entered collective");
  EXPECT_GE(ExpectNamed("hangs_inside", "slow@2", "hangin@2", true, 0, "rank 1 entered collective"),
            3.0);
}

TEST(DistributedTest, BadRankVariablesAreConfigErrors) {
  const std::string d = Dir("bad_env");
  const std::vector<std::string> args = {"ppo", d + "x", "8", "1", "1", "1"};
  // RANK outside [0, WORLD_SIZE)
  const Proc p = Start(args, 2, 2, 1234, d + "bad.err");
  EXPECT_EQ(Wait(p), 2);
  const std::string message = Slurp(p.err);
  EXPECT_NE(message.find("RANK='2': expected an integer in [0, 1]"), std::string::npos) << message;
}

}  // namespace
