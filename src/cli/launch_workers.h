// `earshot train ... --nproc N`: the N ranks of a data-parallel job on this
// host, each a copy of this program with the torchrun variables set.
#pragma once

namespace earshot::cli {

// Starts `nproc` copies of this process's command line without its
// `--nproc`, rank r with RANK=r, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR
// (127.0.0.1) and MASTER_PORT (a free port), and waits for all of them. When
// one fails, the others are stopped (SIGTERM, SIGKILL after
// `grace_seconds`) and the error names the rank and how it ended; each
// child dies with this process, so none is left behind. SIGINT and SIGTERM
// sent to this process go on to the ranks.
void LaunchLocalWorkers(int nproc, double grace_seconds);

}  // namespace earshot::cli
