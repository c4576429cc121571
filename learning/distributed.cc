// The one translation unit that includes c10d: a Gloo process group over a TCPStore, behind
// learning/communicator.h. Built with -DUSE_C10D_GLOO (learning/CMakeLists.txt).
#include "learning/distributed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "learning/communicator.h"

extern char** environ;

namespace tutor {
namespace {

using Millis = std::chrono::milliseconds;

// an integer environment variable in [lo, hi]; `fallback` when unset
int IntVariable(const char* name, int lo, int hi, int fallback, bool required) {
  const char* text = std::getenv(name);
  if (!text || !*text) {
    if (required)
      throw ConfigError(std::string("distributed run: ") + name +
                        " is not set (WORLD_SIZE is; torchrun's convention needs RANK, "
                        "WORLD_SIZE, MASTER_ADDR and MASTER_PORT)");
    return fallback;
  }
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi)
    throw ConfigError(std::string("distributed run: ") + name + "='" + text +
                      "': expected an integer in [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
  return static_cast<int>(v);
}

std::string Key(const char* what, int rank) {
  return std::string(what) + "/" + std::to_string(rank);
}

int64_t ReadCount(c10d::Store& store, const std::string& key) {
  const auto bytes = store.get(key);
  return std::stoll(std::string(bytes.begin(), bytes.end()));
}

void WriteCount(c10d::Store& store, const std::string& key, int64_t count) {
  const std::string text = std::to_string(count);
  store.set(key, std::vector<uint8_t>(text.begin(), text.end()));
}

// a rank's pulse: a thread with a store client of its own bumps "alive/<rank>" every
// `kBeat` while the process lives, also while its main thread blocks inside a collective; a
// rank that died or was stopped (SIGSTOP stops every thread) stops beating
constexpr Millis kBeat{200};

class Heartbeat {
 public:
  Heartbeat(const std::string& addr, c10d::TCPStoreOptions options, int rank) {
    options.isServer = false;
    store_ = c10::make_intrusive<c10d::TCPStore>(addr, options);
    WriteCount(*store_, Key("alive", rank), 0);
    thread_ = std::thread([this, rank] {
      std::unique_lock<std::mutex> lock(mutex_);
      for (int64_t beats = 1; !cv_.wait_for(lock, kBeat, [this] { return stop_; }); ++beats) {
        try {
          WriteCount(*store_, Key("alive", rank), beats);
        } catch (const std::exception&) {
          return;  // the store is gone: the main thread finds out at its next collective
        }
      }
    });
  }
  ~Heartbeat() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  c10::intrusive_ptr<c10d::TCPStore> store_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

class GlooCommunicator : public Communicator {
 public:
  static std::string Seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g s", s);
    return buf;
  }

  GlooCommunicator(const RankInfo& info, double timeout_s)
      : rank_(info.rank),
        world_(info.world_size),
        timeout_(Millis(static_cast<int64_t>(timeout_s * 1000))) {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(info.master_port);
    options.isServer = rank_ == 0;
    options.numWorkers = world_;
    options.waitWorkers = false;  // the wait below names who is missing
    options.timeout = timeout_;
    const std::string where = info.master_addr + ":" + std::to_string(info.master_port);
    try {
      store_ = c10::make_intrusive<c10d::TCPStore>(info.master_addr, options);
      heartbeat_ = std::make_unique<Heartbeat>(info.master_addr, options, rank_);
    } catch (const std::exception& e) {
      throw DistributedError("rank " + std::to_string(rank_) + ": cannot reach rank 0's store at " +
                             where + " within " + Seconds(timeout_s) +
                             " (rank 0 never started, or died): " + FirstLine(e.what()));
    }
    // rendezvous: every rank announces itself; each waits for all, naming the missing
    store_->set(Key("joined", rank_), std::vector<uint8_t>{'1'});
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
      std::vector<int> missing;
      try {
        for (int r = 0; r < world_; ++r)
          if (!store_->check({Key("joined", r)})) missing.push_back(r);
      } catch (const std::exception& e) {
        throw DistributedError("rank " + std::to_string(rank_) + ": rank 0 (it hosts the store) " +
                               "is gone during the rendezvous: " + FirstLine(e.what()));
      }
      if (missing.empty()) break;
      if (std::chrono::steady_clock::now() > deadline)
        throw DistributedError("rank " + std::to_string(rank_) + ": " + RankList(missing) +
                               " never joined within " + Seconds(timeout_s) + " (" +
                               std::to_string(world_ - static_cast<int>(missing.size())) + " of " +
                               std::to_string(world_) + " ranks at " + where + ")");
      std::this_thread::sleep_for(Millis(20));
    }
    auto pg_options = c10d::ProcessGroupGloo::Options::create(timeout_);
    pg_options->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForHostname(LocalHostFor(info.master_addr)));
    pg_options->threads = 1;
    try {
      // the process group's own keys under a prefix of their own
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(
          c10::make_intrusive<c10d::PrefixStore>("gloo", store_), rank_, world_, pg_options);
    } catch (const std::exception& e) {
      Fail(e);
    }
  }

  int Rank() const override { return rank_; }
  int WorldSize() const override { return world_; }

  void AllReduceSum(torch::Tensor* t) override {
    const auto start = std::chrono::steady_clock::now();
    Announce();
    std::vector<at::Tensor> tensors = {*t};
    try {
      group_->allreduce(tensors)->wait(timeout_);
    } catch (const std::exception& e) {
      Fail(e);
    }
    Count(start, *t);
  }

  void Broadcast(torch::Tensor* t, int root) override {
    const auto start = std::chrono::steady_clock::now();
    Announce();
    std::vector<at::Tensor> tensors = {*t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    try {
      group_->broadcast(tensors, options)->wait(timeout_);
    } catch (const std::exception& e) {
      Fail(e);
    }
    Count(start, *t);
  }

  double CollectiveSeconds() const override { return seconds_; }
  int64_t CollectiveCalls() const override { return calls_; }
  int64_t CollectiveBytes() const override { return bytes_; }

 private:
  static std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
  static std::string RankList(const std::vector<int>& ranks) {
    std::string s = ranks.size() == 1 ? "rank " : "ranks ";
    for (size_t i = 0; i < ranks.size(); ++i) s += (i ? ", " : "") + std::to_string(ranks[i]);
    return s;
  }
  // the address this host reaches MASTER_ADDR from: loopback for a local run, else the host name
  static std::string LocalHostFor(const std::string& master) {
    if (master == "127.0.0.1" || master == "localhost") return "127.0.0.1";
    char name[HOST_NAME_MAX + 1] = {};
    gethostname(name, sizeof(name));
    return name;
  }

  void Count(std::chrono::steady_clock::time_point start, const torch::Tensor& t) {
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bytes_ += t.numel() * static_cast<int64_t>(t.element_size());
  }

  // before each collective: this rank's count of collectives entered, in the store
  void Announce() {
    ++calls_;
    try {
      WriteCount(*store_, Key("calls", rank_), calls_);
    } catch (const std::exception& e) {
      throw DistributedError("rank " + std::to_string(rank_) + ": rank 0 (it hosts the store) " +
                             "is gone: " + FirstLine(e.what()));
    }
  }

  // a collective failed: the ranks that did not enter it (fewer calls than this one) are named
  [[noreturn]] void Fail(const std::exception& e) {
    const std::string cause = FirstLine(e.what());
    std::string who;
    try {
      store_->setTimeout(Millis(2000));
      std::vector<int> behind;
      for (int r = 0; r < world_; ++r) {
        if (r == rank_) continue;
        const std::string key = Key("calls", r);
        if (!store_->check({key}) || ReadCount(*store_, key) < calls_) behind.push_back(r);
      }
      if (!behind.empty()) {
        who = RankList(behind) + " did not reach collective " + std::to_string(calls_) +
              " (died, hangs or stalled past the timeout)";
      } else {
        // every rank entered it: those whose pulse stands still died or stopped inside it
        const std::vector<int> still = Pulseless();
        who = still.empty()
                  ? "every rank entered collective " + std::to_string(calls_) + " and is alive"
                  : RankList(still) + " entered collective " + std::to_string(calls_) +
                        " and then died or stopped (no heartbeat for " +
                        Seconds(std::chrono::duration<double>(kPulseWait).count()) + ")";
        // rank 0 hosts the store: it stays a while, so the others can still read it
        if (rank_ == 0 && world_ > 2) std::this_thread::sleep_for(kPulseWait);
      }
    } catch (const std::exception&) {
      who = "rank 0 (it hosts the store) is gone";
    }
    throw DistributedError("rank " + std::to_string(rank_) + ": " + who + ": " + cause);
  }

  // the other ranks whose heartbeat did not move in `kPulseWait` (several beats)
  static constexpr Millis kPulseWait{1000};
  std::vector<int> Pulseless() {
    std::vector<int64_t> before(world_, -1);
    for (int r = 0; r < world_; ++r)
      if (r != rank_ && store_->check({Key("alive", r)}))
        before[r] = ReadCount(*store_, Key("alive", r));
    std::this_thread::sleep_for(kPulseWait);
    std::vector<int> still;
    for (int r = 0; r < world_; ++r)
      if (r != rank_ && (before[r] < 0 || ReadCount(*store_, Key("alive", r)) == before[r]))
        still.push_back(r);
    return still;
  }

  int rank_, world_;
  Millis timeout_;
  int64_t calls_ = 0, bytes_ = 0;
  double seconds_ = 0;
  c10::intrusive_ptr<c10d::TCPStore> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  std::unique_ptr<Heartbeat> heartbeat_;  // stops (joins) before the store goes
};

// a TCP port nobody listens on now (the kernel's choice)
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw DistributedError(std::string("--nproc: socket(): ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw DistributedError(std::string("--nproc: no free port: ") + std::strerror(errno));
  }
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::atomic<int> g_signal{0}, g_signals{0};
void RecordSignal(int sig) {
  g_signal = sig;
  ++g_signals;
}

}  // namespace

RankInfo ReadRankInfo() {
  RankInfo info;
  if (!std::getenv("WORLD_SIZE")) {
    if (std::getenv("RANK"))
      throw ConfigError(
          "distributed run: RANK is set but WORLD_SIZE is not (torchrun's "
          "convention needs both, with MASTER_ADDR and MASTER_PORT)");
    return info;
  }
  info.world_size = IntVariable("WORLD_SIZE", 1, 1 << 16, 1, true);
  info.rank = IntVariable("RANK", 0, info.world_size - 1, 0, true);
  info.local_world_size = IntVariable("LOCAL_WORLD_SIZE", 1, info.world_size, 1, false);
  info.local_rank = IntVariable("LOCAL_RANK", 0, info.local_world_size - 1, 0, false);
  if (info.world_size > 1) {
    const char* addr = std::getenv("MASTER_ADDR");
    if (!addr || !*addr)
      throw ConfigError("distributed run: MASTER_ADDR is not set (WORLD_SIZE is " +
                        std::to_string(info.world_size) + "; expected rank 0's host name)");
    info.master_addr = addr;
    info.master_port = IntVariable("MASTER_PORT", 1, 65535, 0, true);
  }
  return info;
}

std::unique_ptr<Communicator> ConnectRanks(const RankInfo& info, double timeout_s) {
  if (!info.distributed()) return nullptr;
  if (!(timeout_s > 0))
    throw ConfigError("distributed run: the timeout must be > 0 s, got " +
                      std::to_string(timeout_s));
  return std::make_unique<GlooCommunicator>(info, timeout_s);
}

int LaunchLocalRanks(int nproc, const std::vector<std::string>& args) {
  if (nproc < 1 || nproc > 1024)
    throw ConfigError("--nproc " + std::to_string(nproc) + ": expected 1 to 1024 local ranks");
  if (std::getenv("WORLD_SIZE"))
    throw ConfigError(
        "--nproc: WORLD_SIZE is already set (this process is a rank of a launched "
        "run; launch with either --nproc or a launcher, not both)");
  const std::string port = std::to_string(FreePort());
  std::vector<pid_t> pids;
  struct sigaction record {
  }, old_int{}, old_term{};
  record.sa_handler = RecordSignal;
  sigemptyset(&record.sa_mask);
  sigaction(SIGINT, &record, &old_int);
  sigaction(SIGTERM, &record, &old_term);
  for (int r = 0; r < nproc; ++r) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"RANK", std::to_string(r)},
             {"WORLD_SIZE", std::to_string(nproc)},
             {"LOCAL_RANK", std::to_string(r)},
             {"LOCAL_WORLD_SIZE", std::to_string(nproc)},
             {"MASTER_ADDR", "127.0.0.1"},
             {"MASTER_PORT", port}})
      env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string self = "/proc/self/exe";
    std::vector<std::string> arg_strings = {"tutor"};
    arg_strings.insert(arg_strings.end(), args.begin(), args.end());
    for (auto& s : arg_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    // each rank in a process group of its own: a terminal's Ctrl-C reaches the launcher,
    // which forwards it once to every rank
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, self.c_str(), nullptr, &attr, argv.data(), envp.data());
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
      for (pid_t p : pids) kill(p, SIGTERM);
      throw DistributedError("--nproc: cannot start rank " + std::to_string(r) + ": " +
                             std::strerror(rc));
    }
    pids.push_back(pid);
  }
  int status_out = 0;
  size_t left = pids.size();
  std::vector<bool> done(pids.size(), false);
  int forwarded = 0;  // each signal once to every rank still running (a second Ctrl-C too)
  while (left > 0) {
    while (forwarded < g_signals) {
      ++forwarded;
      for (size_t i = 0; i < pids.size(); ++i)
        if (!done[i]) kill(pids[i], g_signal);
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      std::this_thread::sleep_for(Millis(20));
      continue;
    }
    for (size_t i = 0; i < pids.size(); ++i) {
      if (pids[i] != pid || done[i]) continue;
      done[i] = true;
      --left;
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (code != 0) {
        std::fprintf(stderr, "tutor --nproc: rank %zu exited with status %d\n", i, code);
        if (status_out == 0) status_out = code;
      }
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return status_out;
}

}  // namespace tutor
