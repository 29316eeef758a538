#!/usr/bin/python3
"""The Python peer of `earshot serve` for the load test (bench/compare_serve.sh):
the default keyword spotter's architecture and front end (configs/kws-dscnn.toml:
40 HTK log-mels of 1 s at 16 kHz, n_fft 640, hop 320, not centred; global
normalisation; DS-CNN-S, 12 classes) in PyTorch and torchaudio, behind Python's
standard http.server.ThreadingHTTPServer (a thread per connection).

POST /v1/classify with a WAV body answers JSON like earshot's: the top 5 labels
and every probability. The weights are the model's own random ones (speed does
not depend on their values); the model runs in eval mode under
torch.inference_mode, one request per forward pass, on --threads torch threads.

  /usr/bin/python3 bench/pytorch_serve_kws.py --port 8091 [--threads 1]
"""
import argparse
import io
import json
import os
import sys
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import torch
import torch.nn.functional as F
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_train_kws import CLASSES, LENGTH, RATE, DsCnnS  # noqa: E402


class Model:
    def __init__(self):
        self.melspec = torchaudio.transforms.MelSpectrogram(
            sample_rate=RATE, n_fft=640, win_length=640, hop_length=320, center=False, n_mels=40,
            f_min=20.0, f_max=7600.0, power=2.0, mel_scale="htk", norm=None, window_fn=torch.hann_window)
        self.net = DsCnnS(1, len(CLASSES)).eval()
        self.mean, self.std = -6.0, 4.0  # a fixed global normalisation

    def probabilities(self, samples):
        x = torch.from_numpy(samples)
        n = x.numel()  # centre pad/crop to the model's 1 s, as earshot's one window
        if n > LENGTH:
            start = (n - LENGTH) // 2
            x = x[start:start + LENGTH]
        elif n < LENGTH:
            left = (LENGTH - n) // 2
            x = F.pad(x, (left, LENGTH - n - left))
        with torch.inference_mode():
            feats = (torch.log(self.melspec(x) + 1e-6) - self.mean) / self.std
            return torch.softmax(self.net(feats.unsqueeze(0).unsqueeze(0)), dim=1)[0].tolist()


MODEL = None


def decode_wav(body):
    with wave.open(io.BytesIO(body)) as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1 or w.getframerate() != RATE:
            raise ValueError("expected 16 kHz mono 16-bit WAV")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    disable_nagle_algorithm = True  # TCP_NODELAY, as earshot: no 40 ms wait between headers and body

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path.split("?")[0] != "/v1/classify":
            return self.answer(404, {"error": "no endpoint"})
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            samples = decode_wav(body)
        except Exception as e:  # noqa: BLE001 - any bad upload is the client's
            return self.answer(400, {"error": str(e)})
        probs = MODEL.probabilities(samples)
        order = sorted(range(len(probs)), key=lambda c: -probs[c])[:5]
        self.answer(200, {"top": [{"label": CLASSES[c], "probability": probs[c]} for c in order],
                          "probabilities": dict(zip(CLASSES, probs))})


def main():
    global MODEL
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8091)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    MODEL = Model()
    ThreadingHTTPServer.request_queue_size = 128  # listen backlog (5 by default), as earshot raises its own
    server = ThreadingHTTPServer((a.host, a.port), Handler)
    server.daemon_threads = True
    print(f"listening on http://{a.host}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
