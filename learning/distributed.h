#ifndef TUTOR_LEARNING_DISTRIBUTED_H_
#define TUTOR_LEARNING_DISTRIBUTED_H_

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace tutor {

class Communicator;

// a peer rank died, hung past the timeout, or never joined: the run cannot go on (exit 3)
class DistributedError : public Error {
 public:
  using Error::Error;
};

// A rank's place in a run, from torchrun's variables: RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT (mpirun: OMPI_COMM_WORLD_RANK / _SIZE /
// _LOCAL_RANK / _LOCAL_SIZE; srun: SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID /
// SLURM_NTASKS_PER_NODE; map them onto these names in the job script).
struct RankInfo {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  bool distributed() const { return world_size > 1; }
};

// RankInfo from the environment: none of the variables set is one process; WORLD_SIZE set
// needs RANK, MASTER_ADDR and MASTER_PORT too. ConfigError naming the variable and what was
// expected for a missing, non-numeric or out-of-range value.
RankInfo ReadRankInfo();

// Joins the run through a c10d TCPStore at MASTER_ADDR:MASTER_PORT (rank 0 hosts it) and a
// Gloo process group. `timeout_s` bounds the rendezvous and every collective: a rank that
// never joins, dies or hangs makes the others throw DistributedError within about that time,
// naming it: before each collective a rank records in the store how many it has entered, so a
// failed one names the ranks that did not reach it (or rank 0, when the store itself is gone).
// Null for a single process.
std::unique_ptr<Communicator> ConnectRanks(const RankInfo& info, double timeout_s);

// `tutor train|distill --nproc N`: runs N ranks of this very command (the same binary, the
// same arguments without --nproc) as new processes with RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT set; forwards SIGINT and
// SIGTERM to every rank and returns the first non-zero exit status (0 when all succeed).
// `args` are argv without the program name.
int LaunchLocalRanks(int nproc, const std::vector<std::string>& args);

}  // namespace tutor

#endif  // TUTOR_LEARNING_DISTRIBUTED_H_
