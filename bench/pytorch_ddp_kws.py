#!/usr/bin/python3
"""The data-parallel peer of `earshot train --nproc N` on
configs/kws-dscnn.toml: the job of bench/pytorch_train_kws.py (same clips,
pipeline, DS-CNN-S, Adam and cosine schedule, imported from it) under
PyTorch's DistributedDataParallel on the Gloo backend, N processes on this
host. The global batch is --batch (64), each rank takes batch / N of it
through a DistributedSampler, as earshot's ranks take their share of every
batch.

  /usr/bin/python3 bench/pytorch_ddp_kws.py --data DATA --split RUN/model/split.csv \
      --nproc 2 --epochs 3 [--threads 1] [--workers 1] [--json out.json]

Prints each rank's epochs and, from rank 0, the job's training clips per
second over the epochs after the warm-up (all ranks' clips) and per process.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_train_kws as kws  # noqa: E402


def worker(rank, a, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=a.nproc)
    torch.set_num_threads(a.threads)
    clips, noise = kws.load_clips(a.data, a.split)
    mean, std = kws.fit_norm(clips, noise)
    torch.manual_seed(1)
    data = kws.KwsSet(clips, noise, augment=True, mean=mean, std=std)
    model = torch.nn.parallel.DistributedDataParallel(kws.DsCnnS(1, len(kws.CLASSES)))
    opt = torch.optim.Adam(model.parameters(), lr=0.003, betas=(0.9, 0.999), eps=1e-7)
    local_batch = a.batch // a.nproc
    sampler = torch.utils.data.distributed.DistributedSampler(data, num_replicas=a.nproc, rank=rank,
                                                              shuffle=True, seed=1000)
    steps = math.ceil(len(sampler) / local_batch)
    total_epochs = a.epochs + 1
    timed_clips, timed_seconds = 0, 0.0
    for epoch in range(total_epochs):
        data.epoch = epoch
        sampler.set_epoch(epoch)
        loader = torch.utils.data.DataLoader(data, batch_size=local_batch, sampler=sampler,
                                             num_workers=a.workers, prefetch_factor=4 if a.workers else 2)
        model.train()
        seen = 0
        dist.barrier()
        t0 = time.perf_counter()
        for step, (x, y) in enumerate(loader):
            for group in opt.param_groups:
                group["lr"] = kws.cosine_lr(epoch, step, steps, total_epochs)
            target = F.one_hot(y, len(kws.CLASSES)).float()
            opt.zero_grad()
            loss = -(target * F.log_softmax(model(x), 1)).sum(1).mean()
            loss.backward()
            opt.step()
            seen += x.shape[0]
        dt = time.perf_counter() - t0
        figures = torch.tensor([float(seen), dt], dtype=torch.float64)
        dist.all_reduce(figures)  # clips of all ranks; seconds summed
        job_clips, job_seconds = figures[0].item(), figures[1].item() / a.nproc
        if rank == 0:
            tag = "warm-up" if epoch == 0 else "timed"
            print(f"epoch {epoch + 1}/{total_epochs} ({tag}): {int(job_clips)} clips in {job_seconds:.2f} s "
                  f"({job_clips / job_seconds:.1f} clips/s)", flush=True)
        if epoch > 0:
            timed_clips += job_clips
            timed_seconds += job_seconds
    if rank == 0:
        rate = timed_clips / timed_seconds
        print(f"ddp training clips/s: {rate:.1f} over {a.nproc} process(es), {rate / a.nproc:.1f} per process")
        if a.json:
            with open(a.json, "w") as f:
                json.dump(dict(train_clips_per_second=rate, per_process=rate / a.nproc, nproc=a.nproc,
                               threads=a.threads, workers=a.workers, epochs=a.epochs), f, indent=2)
    dist.destroy_process_group()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", required=True, help="split.csv of an earshot run on the same data")
    ap.add_argument("--nproc", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs, after one warm-up epoch")
    ap.add_argument("--batch", type=int, default=64, help="global batch, split over the processes")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1, help="DataLoader workers per process")
    ap.add_argument("--port", type=int, default=29533)
    ap.add_argument("--json")
    a = ap.parse_args()
    mp.spawn(worker, args=(a, a.port), nprocs=a.nproc, join=True)


if __name__ == "__main__":
    main()
