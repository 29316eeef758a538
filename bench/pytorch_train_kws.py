#!/usr/bin/python3
"""The training job of `earshot train configs/kws-dscnn.toml` in PyTorch and
torchaudio, timed the way earshot times it: clips per second through the
training loop (data pipeline, augmentation, front end, forward, backward and
Adam step), validation left out.

Same clips (the train rows of an earshot run's split.csv, silence rows
included), same 12 classes, DS-CNN-S built layer for layer as
src/models/ds_cnn.cc, batch 64, Adam (lr 0.003, eps 1e-7) with the cosine
schedule's per-step learning-rate update, global feature normalisation fitted
on the training clips, and the loader's pipeline per example:

  speed U(0.9, 1.1) -> centre pad/crop to 1 s -> shift U(-100, 100) ms
  -> gain U(-6, 6) dB -> noise (80 %, volume U(0, 0.1)) -> clip to [-1, 1]
  -> MFCC (10 of 40 HTK log-mels, n_fft 640, hop 320, not centred)
  -> normalisation -> SpecAugment (1 x 2 bins, 2 x 5 frames, example mean)

Silence rows are background noise at volume U(0, 1), as earshot makes them.
Clips are decoded once into memory before timing, as earshot's clip store.

  /usr/bin/python3 bench/pytorch_train_kws.py --data DATA --split RUN/model/split.csv \
      --epochs 3 [--workers 1] [--threads 2]

Speed perturbation: earshot resamples with soxr from round(16000 * factor)
Hz. torchaudio's resampler builds a kernel of (new / gcd) phases, which is
unusable for arbitrary integer rates (e.g. 15234 -> 16000 needs 8000 phases),
so here the source rate is rounded to 100 Hz and one Resample transform per
rate (33 of them) is built ahead and cached: the cheapest fair way in
torchaudio, and no slower per clip than earshot's draw.

EARSHOT_BENCH_PROFILE=1 splits the timed epochs into time spent waiting for
the next batch (data pipeline) and time in the model step.
"""
import argparse
import csv
import json
import math
import os
import time

import numpy as np
import scipy.io.wavfile
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchaudio

RATE = 16000
LENGTH = RATE  # 1 s clips
WANTED = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
CLASSES = ["_silence_", "_unknown_"] + WANTED


def read_wav(path):
    rate, data = scipy.io.wavfile.read(path)
    if rate != RATE or data.dtype != np.int16 or data.ndim != 1:
        raise SystemExit(f"{path}: expected 16 kHz mono 16-bit, got {rate} Hz {data.dtype} {data.shape}")
    return torch.from_numpy(data.copy())


def load_clips(root, split_csv):
    """Training rows of split.csv: (int16 samples or None for silence, label)."""
    clips = []
    with open(split_csv, newline="") as f:
        for row in csv.DictReader(f):
            if row["split"] != "train":
                continue
            cid = row["id"]
            word = cid.split("/")[0]
            if word == "_silence_":
                clips.append((None, 0))
                continue
            label = CLASSES.index(word) if word in WANTED else 1
            clips.append((read_wav(os.path.join(root, cid)), label))
    noise_dir = os.path.join(root, "_background_noise_")
    noise = [read_wav(os.path.join(noise_dir, n)) for n in sorted(os.listdir(noise_dir)) if n.endswith(".wav")]
    return clips, noise


class Mfcc(nn.Module):
    """The recipe's front end: MFCC of log(mel + 1e-6), DCT-II orthonormal."""

    def __init__(self):
        super().__init__()
        self.mfcc = torchaudio.transforms.MFCC(
            sample_rate=RATE, n_mfcc=10, dct_type=2, norm="ortho", log_mels=True,
            melkwargs=dict(n_fft=640, win_length=640, hop_length=320, center=False, n_mels=40,
                           f_min=20.0, f_max=7600.0, power=2.0, mel_scale="htk", norm=None,
                           window_fn=torch.hann_window))

    def forward(self, wave):
        return self.mfcc(wave).unsqueeze(-3)  # [..., 1, 10, 49]


class KwsSet(torch.utils.data.Dataset):
    def __init__(self, clips, noise, augment, mean=0.0, std=1.0, seed=1):
        self.clips, self.noise, self.augment = clips, noise, augment
        self.mean, self.std, self.seed = mean, std, seed
        self.frontend = Mfcc()
        self.epoch = 0
        self.resamplers = {}
        if augment:
            for rate in range(14400, 17601, 100):
                self.resamplers[rate] = torchaudio.transforms.Resample(rate, RATE)

    def __len__(self):
        return len(self.clips)

    def add_noise(self, wave, volume, g):
        n = self.noise[int(torch.randint(len(self.noise), (1,), generator=g))]
        offset = int(torch.randint(max(1, n.numel() - LENGTH + 1), (1,), generator=g))
        seg = n[offset:offset + LENGTH].float() / 32768.0
        if seg.numel() < LENGTH:
            seg = seg.repeat(LENGTH // seg.numel() + 1)[:LENGTH]
        return wave + volume * seg

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(self.seed * 1000003 + self.epoch * 100003 + i)
        u = lambda lo, hi: lo + (hi - lo) * float(torch.rand((), generator=g))
        samples, label = self.clips[i]
        if samples is None:
            wave = self.add_noise(torch.zeros(LENGTH), u(0.0, 1.0), g).clamp_(-1.0, 1.0)
        else:
            wave = samples.float() / 32768.0
            if self.augment:
                rate = int(round(RATE * u(0.9, 1.1) / 100.0)) * 100
                if rate != RATE:
                    wave = self.resamplers[rate](wave)
            # centre pad/crop
            n = wave.numel()
            if n > LENGTH:
                start = (n - LENGTH) // 2
                wave = wave[start:start + LENGTH].clone()
            elif n < LENGTH:
                left = (LENGTH - n) // 2
                wave = F.pad(wave, (left, LENGTH - n - left))
            if self.augment:
                shift = int(torch.randint(-1600, 1601, (1,), generator=g))
                wave = torch.roll(wave, shift)
                if shift > 0:
                    wave[:shift] = 0
                elif shift < 0:
                    wave[shift:] = 0
                wave = wave * (10.0 ** (u(-6.0, 6.0) / 20.0))
                if u(0.0, 1.0) < 0.8:
                    wave = self.add_noise(wave, u(0.0, 0.1), g)
                wave = wave.clamp_(-1.0, 1.0)
        with torch.no_grad():
            x = (self.frontend(wave) - self.mean) / self.std
        if self.augment:
            x = self.spec_augment(x, g)
        return x, label

    @staticmethod
    def spec_augment(x, g):
        value = float(x.mean())
        bins, frames = x.shape[-2], x.shape[-1]
        for _ in range(1):
            w = int(torch.randint(0, 3, (1,), generator=g))
            s = int(torch.randint(0, bins - w + 1, (1,), generator=g))
            x[..., s:s + w, :] = value
        for _ in range(2):
            w = int(torch.randint(0, 6, (1,), generator=g))
            s = int(torch.randint(0, frames - w + 1, (1,), generator=g))
            x[..., :, s:s + w] = value
        return x


def tf_same_pad(x, kernel, stride):
    pads = []
    for axis in (1, 0):  # F.pad order: last dim (time) first
        n = x.shape[x.dim() - 2 + axis]
        out = (n + stride[axis] - 1) // stride[axis]
        total = max((out - 1) * stride[axis] + kernel[axis] - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


class DsBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.depthwise = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False)
        self.depthwise_norm = nn.BatchNorm2d(c)
        self.pointwise = nn.Conv2d(c, c, 1, bias=False)
        self.pointwise_norm = nn.BatchNorm2d(c)

    def forward(self, x):
        x = F.relu(self.depthwise_norm(self.depthwise(x)))
        return F.relu(self.pointwise_norm(self.pointwise(x)))


class DsCnnS(nn.Module):
    """src/models/ds_cnn.cc, size s: 64 channels, 4 blocks, 4 x 10 (F x T) stride-2 conv."""
    KERNEL = (4, 10)

    def __init__(self, in_channels, classes, channels=64, blocks=4):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, channels, self.KERNEL, stride=2, bias=False)
        self.norm = nn.BatchNorm2d(channels)
        self.blocks = nn.Sequential(*[DsBlock(channels) for _ in range(blocks)])
        self.dropout = nn.Dropout(0.0)
        self.out = nn.Linear(channels, classes)

    def forward(self, x):
        x = F.relu(self.norm(self.conv(tf_same_pad(x, self.KERNEL, (2, 2)))))
        x = self.blocks(x)
        return self.out(self.dropout(x.mean((2, 3))))


def fit_norm(clips, noise):
    """Global mean and std of the unaugmented training features (earshot's normalize = global)."""
    plain = KwsSet(clips, noise, augment=False)
    s = s2 = n = 0.0
    for i in range(len(plain)):
        x = plain[i][0].double()
        s += float(x.sum())
        s2 += float((x * x).sum())
        n += x.numel()
    mean = s / n
    return mean, math.sqrt(max(s2 / n - mean * mean, 1e-12))


def cosine_lr(epoch, step, steps, epochs, lr=0.003, min_lr=5e-5, warmup=1):
    t = epoch + step / steps
    if t < warmup:
        return lr * (t + 1.0 / steps) / warmup
    p = (t - warmup) / max(epochs - warmup, 1e-9)
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * min(p, 1.0)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="Speech Commands-layout root (earshot synth keywords)")
    ap.add_argument("--split", required=True, help="split.csv of an earshot run on the same data")
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs, after one warm-up epoch")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (train.threads)")
    ap.add_argument("--workers", type=int, default=None,
                    help="DataLoader workers; default as earshot: min(loader.threads 2, cores - 1), at least 1")
    ap.add_argument("--json", help="write the figures here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    workers = a.workers if a.workers is not None else max(1, min(2, (os.cpu_count() or 1) - 1))
    profile = os.environ.get("EARSHOT_BENCH_PROFILE") == "1"

    t = time.perf_counter()
    clips, noise = load_clips(a.data, a.split)
    mean, std = fit_norm(clips, noise)
    print(f"loaded {len(clips)} training clips and {len(noise)} noise files in "
          f"{time.perf_counter() - t:.1f} s; norm mean {mean:.4f} std {std:.4f}", flush=True)

    torch.manual_seed(1)
    data = KwsSet(clips, noise, augment=True, mean=mean, std=std)
    model = DsCnnS(1, len(CLASSES))
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"ds_cnn (PyTorch), {params} parameters, input {list(data[0][0].shape)}, "
          f"{workers} DataLoader worker(s), {a.threads} torch threads", flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=0.003, betas=(0.9, 0.999), eps=1e-7)

    steps = math.ceil(len(data) / a.batch)
    total_epochs = a.epochs + 1
    timed_clips, timed_seconds, wait_s, step_s = 0, 0.0, 0.0, 0.0
    for epoch in range(total_epochs):
        data.epoch = epoch
        g = torch.Generator().manual_seed(1000 + epoch)
        loader = torch.utils.data.DataLoader(
            data, batch_size=a.batch, sampler=torch.utils.data.RandomSampler(data, generator=g),
            num_workers=workers, prefetch_factor=4 if workers else 2,
            persistent_workers=False)
        model.train()
        seen = correct = 0
        loss_sum = 0.0
        t0 = time.perf_counter()
        t_wait = t0
        for step, (x, y) in enumerate(loader):
            t_got = time.perf_counter()
            for group in opt.param_groups:
                group["lr"] = cosine_lr(epoch, step, steps, total_epochs)
            target = F.one_hot(y, len(CLASSES)).float()
            opt.zero_grad()
            logits = model(x)
            loss = -(target * F.log_softmax(logits, 1)).sum(1).mean()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * x.shape[0]
            correct += int((logits.argmax(1) == target.argmax(1)).sum().item())
            seen += x.shape[0]
            t_done = time.perf_counter()
            if epoch > 0:
                wait_s += t_got - t_wait
                step_s += t_done - t_got
            t_wait = t_done
        dt = time.perf_counter() - t0
        tag = "warm-up" if epoch == 0 else "timed"
        print(f"epoch {epoch + 1}/{total_epochs} ({tag}): {seen} clips in {dt:.2f} s "
              f"({seen / dt:.1f} clips/s), loss {loss_sum / seen:.4f}, accuracy {correct / seen:.4f}",
              flush=True)
        if epoch > 0:
            timed_clips += seen
            timed_seconds += dt
    rate = timed_clips / timed_seconds
    print(f"pytorch training clips/s: {rate:.1f} ({timed_clips} clips in {timed_seconds:.2f} s "
          f"over {a.epochs} epochs after a warm-up epoch)")
    if profile:
        print(f"profile: waiting for batches {wait_s:.2f} s, model step {step_s:.2f} s "
              f"({100 * wait_s / timed_seconds:.0f} % / {100 * step_s / timed_seconds:.0f} %)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(train_clips_per_second=rate, clips=timed_clips, seconds=timed_seconds,
                           epochs=a.epochs, parameters=params, workers=workers, threads=a.threads,
                           wait_seconds=wait_s if profile else None,
                           step_seconds=step_s if profile else None), f, indent=2)


if __name__ == "__main__":
    main()
