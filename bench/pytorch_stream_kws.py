"""The Python peer of `earshot stream` (docs/benchmarks.md, "Streaming").

The same work over the same audio: a 16-bit mono WAV fed in 100 ms chunks;
an incremental front end (torchaudio's mel spectrogram of each chunk's new
frames, the recipe configs/kws-dscnn.toml: n_fft 640, hop 320, not
centred, 40 HTK mels 20-7600 Hz, log(x + 1e-6)); DS-CNN-S (as
bench/pytorch_train_kws.py builds it, untrained weights) every 20 ms on the
last 49 frames, windows of a chunk batched; posterior smoothing by the
rules of docs/stream.md (500 ms average, 0.7, 1500 ms, 3, label change).
Prints the seconds of audio, the wall time and the real-time factor.

    /usr/bin/python3 bench/pytorch_stream_kws.py long.wav --threads 1
"""
import argparse
import collections
import os
import sys
import time

import scipy.io.wavfile
import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_train_kws import DsCnnS  # noqa: E402

RATE, N_FFT, HOP, FRAMES, STRIDE_FRAMES = 16000, 640, 320, 49, 1
LABELS = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]


class Smoother:
    def __init__(self, average_ms=500.0, threshold=0.7, suppression_ms=1500.0, minimum_count=3):
        self.average_ms, self.threshold = average_ms, threshold
        self.suppression_ms, self.minimum_count = suppression_ms, minimum_count
        self.window = collections.deque()
        self.last_label, self.last_time, self.armed = -1, 0.0, True

    def add(self, time_ms, probs):
        self.window.append((time_ms, probs))
        while self.window[0][0] < time_ms - self.average_ms:
            self.window.popleft()
        mean = torch.stack([p for _, p in self.window]).mean(0)
        if self.last_label >= 0 and mean[self.last_label] < self.threshold:
            self.armed = True
        top = int(mean.argmax())
        score = float(mean[top])
        if len(self.window) < self.minimum_count or top < 2 or score < self.threshold:
            return None
        if self.last_label >= 0 and time_ms - self.last_time < self.suppression_ms:
            return None
        if top == self.last_label and not self.armed:
            return None
        self.last_label, self.last_time, self.armed = top, time_ms, False
        return (time_ms - 1000.0, time_ms, LABELS[top], score)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wav")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--chunk-ms", type=float, default=100.0)
    ap.add_argument("--batch-size", type=int, default=32)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rate, data = scipy.io.wavfile.read(a.wav)
    assert rate == RATE and data.dtype.name == "int16"
    audio = torch.from_numpy(data.astype("float32") / 32768.0)
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=RATE, n_fft=N_FFT, win_length=N_FFT, hop_length=HOP, center=False, n_mels=40,
        f_min=20.0, f_max=7600.0, power=2.0, mel_scale="htk", norm=None, window_fn=torch.hann_window)
    model = DsCnnS(1, len(LABELS)).eval()
    smoother = Smoother()
    chunk = int(a.chunk_ms * RATE / 1000)
    start = time.perf_counter()
    pending = torch.zeros(0)  # samples from the next frame's start on
    frames = []               # [40] log-mel frames, the ones still needed
    first_frame = 0           # stream index of frames[0]
    computed = 0              # frames computed so far
    next_window = 0
    events = []
    with torch.inference_mode():
        for at in range(0, audio.numel(), chunk):
            pending = torch.cat([pending, audio[at:at + chunk]])
            if pending.numel() >= N_FFT:
                m = 1 + (pending.numel() - N_FFT) // HOP
                f = torch.log(mel(pending[:(m - 1) * HOP + N_FFT]) + 1e-6)  # [40, m]
                frames.extend(f.T.unbind(0))
                computed += m
                pending = pending[m * HOP:]
            ready = []
            while next_window * STRIDE_FRAMES + FRAMES <= computed:
                k0 = next_window * STRIDE_FRAMES - first_frame
                ready.append(torch.stack(frames[k0:k0 + FRAMES], 1))
                next_window += 1
            for b in range(0, len(ready), a.batch_size):
                x = torch.stack(ready[b:b + a.batch_size]).unsqueeze(1)  # [B, 1, 40, 49]
                probs = torch.softmax(model(x), -1)
                first = next_window - len(ready) + b
                for i in range(probs.shape[0]):
                    end_ms = ((first + i) * STRIDE_FRAMES * HOP + RATE) * 1000.0 / RATE
                    e = smoother.add(end_ms, probs[i])
                    if e:
                        events.append(e)
            drop = next_window * STRIDE_FRAMES - first_frame
            if drop > 0:
                del frames[:drop]
                first_frame += drop
    wall = time.perf_counter() - start
    seconds = audio.numel() / RATE
    print(f"pytorch stream: {seconds:.1f} s of audio in {wall:.2f} s, real-time factor {wall / seconds:.4f}, "
          f"{next_window} windows, {len(events)} events")


if __name__ == "__main__":
    main()
