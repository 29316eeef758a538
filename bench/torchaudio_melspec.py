#!/usr/bin/python3
"""Times torchaudio.transforms.MelSpectrogram with the settings of
bench/features_bench.cc: 40 HTK mels, n_fft 512, window 480, hop 160,
log(x + 1e-6), one-second 16 kHz clips, one thread; per clip and as a
batch of 64. Prints one JSON line: microseconds of the calling thread's CPU
time (time.thread_time, so that a shared, busy machine's preemptions do not
count), median of repeats; bench/compare_features.sh compares it with the
CPU time Google Benchmark reports.

    /usr/bin/python3 bench/torchaudio_melspec.py [--repeats N]
"""
import argparse
import json
import statistics
import time

import torch
import torchaudio


def median_us(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.thread_time()
        fn()
        times.append(time.thread_time() - start)
    return statistics.median(times) * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(1)
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=16000, n_fft=512, win_length=480, hop_length=160, n_mels=40,
        window_fn=torch.hann_window, power=2.0, center=True, pad_mode="reflect",
        mel_scale="htk", norm=None)
    generator = torch.Generator().manual_seed(1)
    clip = 0.1 * torch.randn(16000, generator=generator)
    batch = 0.1 * torch.randn(64, 16000, generator=generator)

    with torch.inference_mode():
        per_clip = median_us(lambda: torch.log(mel(clip) + 1e-6), args.repeats, 20)
        per_batch = median_us(lambda: torch.log(mel(batch) + 1e-6),
                              max(5, args.repeats // 20), 3)
    print(json.dumps({"torch": torch.__version__, "torchaudio": torchaudio.__version__,
                      "per_clip_us": per_clip, "batch64_us": per_batch,
                      "batch64_per_clip_us": per_batch / 64}))


if __name__ == "__main__":
    main()
