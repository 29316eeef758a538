#!/usr/bin/python3
"""Regenerates tests/fixtures/features/: reference outputs of the feature
front end, computed with torch / torchaudio (scipy and numpy where torch has
no equivalent: tf.signal.stft framing, librosa's power_to_db with ref=max).

    /usr/bin/python3 scripts/gen_golden_features.py

Each case of manifest.json names an input signal (an .npy of float32
samples), the FrontEndOptions as `--set` key=value strings, the expected
output (.npy float32, shape [channels, rows, frames]) and the tolerance the
C++ test applies. References are computed in float64 from the float32
signals. Needs python3-torch, python3-torchaudio, python3-scipy, numpy.
"""
import json
import os
import sys

import numpy as np
import scipy.fft
import scipy.signal
import torch
import torchaudio

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "features")

# FrontEndOptions defaults (include/earshot/features/frontend_options.h) when
# the fixtures were made; the C++ default win_length is now 0 (= n_fft), and
# tests/core/features_golden_test.cc starts every case from 480 as here.
DEFAULTS = dict(sample_rate=16000, feature="mel", n_fft=512, win_length=480, hop_length=160,
                window="hann", periodic=True, center=True, pad_mode="reflect", framing="torch",
                power=2.0, n_mels=40, f_min=0.0, f_max=0.0, mel_scale="htk", mel_norm="none",
                scale="log", log_offset=1e-6, db_ref="one", amin=1e-10, top_db=0.0, n_mfcc=40,
                multi_n_fft=[], multi_win_length=[])

# Tolerances of the C++ comparison, by what the output holds. The front end
# computes in float32 (FFTW's single precision, as torch.stft on float32
# tensors): its FFT rounding is about 1.5e-8 of the peak magnitude, so values
# 80 dB under the peak carry ~4e-4 relative error whatever the code. Each
# tolerance is therefore checked down to 60 dB under the peak, with a bound
# on the absolute error below that.
#   linear: |error| <= rtol |expected| where expected > floor x peak (60 dB:
#           1e-6 of a power peak, 1e-3 of a magnitude peak), <= atol_peak x
#           peak below it.
#   db / log: |error| <= atol within `range` of the peak (80 dB; 18.42 = ln
#           1e8 for natural logs), <= deep_atol below it.
#   mfcc: |error| <= atol everywhere.
def tolerance(o):
    if o["feature"] == "mfcc":
        return dict(kind="absolute", atol=0.01)
    if o["scale"] == "db":
        return dict(kind="db", atol=0.01, range=80.0, deep_atol=1.0)
    if o["scale"] == "log":
        # 0.01 dB as a natural log: 0.01 / 10 * ln(10).
        return dict(kind="db", atol=0.01 / 10 * np.log(10), range=float(np.log(1e8)),
                    deep_atol=1.0 / 10 * np.log(10))
    return dict(kind="relative", rtol=1e-4, floor=1e-6 if o["power"] == 2 else 1e-3,
                atol_peak=1e-7)


def make_signals():
    rng = np.random.default_rng(7)
    t8 = np.arange(8000) / 8000.0
    t16 = np.arange(8000) / 16000.0
    t1s = np.arange(16000) / 16000.0
    sig = {
        # 1 s at 8 kHz, seed 001's clip length.
        "chirp_8k": 0.5 * scipy.signal.chirp(t8, 50, t8[-1], 3900, method="logarithmic"),
        "chirp_16k": 0.5 * scipy.signal.chirp(t16, 100, t16[-1], 7900, method="logarithmic"),
        "noise_16k": 0.1 * rng.standard_normal(6000),
        "silence_16k": np.zeros(4000),
        # A 440 Hz sine driven three times past full scale and clipped.
        "square_16k": np.clip(3.0 * np.sin(2 * np.pi * 440 * np.arange(5000) / 16000), -1, 1),
        # 1 s at 16 kHz for the seeds' shapes: a chirp in noise.
        "speechlike_1s": 0.3 * scipy.signal.chirp(t1s, 200, 1.0, 3000)
                         + 0.02 * rng.standard_normal(16000),
    }
    return {k: v.astype(np.float32) for k, v in sig.items()}


def window(kind, length, periodic):
    if kind == "rect":
        return torch.ones(length)
    fn = torch.hann_window if kind == "hann" else torch.hamming_window
    return fn(length, periodic=periodic)


def spectrogram(x, o, n_fft, win):
    """[bins, frames]: |X|^power, as torch.stft or tf.signal.stft."""
    w = window(o["window"], win, o["periodic"])
    hop = o["hop_length"]
    if o["framing"] == "tf":
        # tf.signal.stft: frames of win samples, no padding at either end,
        # windowed, then zero-padded at the end to n_fft by the rfft.
        frames = 1 + (len(x) - win) // hop
        idx = np.arange(win)[None, :] + hop * np.arange(frames)[:, None]
        X = np.fft.rfft(x[idx] * w.numpy(), n=n_fft, axis=1).T
    else:
        X = torch.stft(torch.from_numpy(x), n_fft, hop_length=hop, win_length=win, window=w,
                       center=o["center"], pad_mode=o["pad_mode"], return_complex=True).numpy()
    mag = np.abs(X)
    return mag if o["power"] == 1.0 else mag ** 2


def filterbank(n_freqs, o):
    f_max = o["f_max"] if o["f_max"] > 0 else o["sample_rate"] / 2
    return torchaudio.functional.melscale_fbanks(
        n_freqs, o["f_min"], f_max, o["n_mels"], o["sample_rate"],
        norm=None if o["mel_norm"] == "none" else "slaney", mel_scale=o["mel_scale"]).numpy()


def to_db(S, o):
    """librosa.power_to_db (multiplier 10) / amplitude_to_db (20), per channel."""
    mult = 20.0 / o["power"]
    ref = S.max() if o["db_ref"] == "max" else 1.0
    d = mult * np.log10(np.maximum(o["amin"], S)) - mult * np.log10(max(o["amin"], ref))
    if o["top_db"] > 0:
        d = np.maximum(d, d.max() - o["top_db"])
    return d


def reference(x, o):
    x = x.astype(np.float64)
    resolutions = (list(zip(o["multi_n_fft"], o["multi_win_length"])) if o["multi_n_fft"]
                   else [(o["n_fft"], o["win_length"])])
    channels = []
    for n_fft, win in resolutions:
        y = spectrogram(x, o, n_fft, win)
        if o["feature"] in ("mel", "mfcc"):
            y = filterbank(n_fft // 2 + 1, o).T @ y
        if o["scale"] == "log":
            y = np.log(y + o["log_offset"])
        elif o["scale"] == "db":
            y = to_db(y, o)
        if o["feature"] == "mfcc":
            dct = torchaudio.functional.create_dct(o["n_mfcc"], o["n_mels"], "ortho").numpy()
            dct_ii = scipy.fft.dct(y, type=2, norm="ortho", axis=0)[:o["n_mfcc"]]
            y = dct.T @ y
            assert np.allclose(y, dct_ii, rtol=1e-9, atol=1e-9), "create_dct is not DCT-II"
        channels.append(y)
    return np.stack(channels)


def cross_check(x, o, expected):
    """Where torchaudio has the whole pipeline as one transform, the
    composition above must agree with it."""
    if o["framing"] != "torch" or o["multi_n_fft"] or o["window"] != "hann" or not o["periodic"]:
        return
    if o["feature"] == "mel" and o["scale"] == "linear":
        t = torchaudio.transforms.MelSpectrogram(
            sample_rate=o["sample_rate"], n_fft=o["n_fft"], win_length=o["win_length"],
            hop_length=o["hop_length"], f_min=o["f_min"],
            f_max=o["f_max"] if o["f_max"] > 0 else None, n_mels=o["n_mels"],
            power=o["power"], center=o["center"], pad_mode=o["pad_mode"],
            norm=None if o["mel_norm"] == "none" else "slaney", mel_scale=o["mel_scale"])
        got = t(torch.from_numpy(x.astype(np.float64))).numpy()
        assert np.allclose(got, expected[0], rtol=1e-9, atol=1e-12), "MelSpectrogram differs"
    if (o["feature"] == "mfcc" and o["scale"] == "db" and o["db_ref"] == "one"
            and o["top_db"] == 80 and o["amin"] == 1e-10 and o["power"] == 2):
        t = torchaudio.transforms.MFCC(
            sample_rate=o["sample_rate"], n_mfcc=o["n_mfcc"], log_mels=False,
            melkwargs=dict(n_fft=o["n_fft"], win_length=o["win_length"],
                           hop_length=o["hop_length"], f_min=o["f_min"],
                           f_max=o["f_max"] if o["f_max"] > 0 else None, n_mels=o["n_mels"],
                           center=o["center"], pad_mode=o["pad_mode"],
                           norm=None if o["mel_norm"] == "none" else "slaney",
                           mel_scale=o["mel_scale"]))
        got = t(torch.from_numpy(x.astype(np.float64))).numpy()
        assert np.allclose(got, expected[0], rtol=1e-9, atol=1e-9), "MFCC differs"
    if o["scale"] == "db" and o["db_ref"] == "one" and o["feature"] == "mel":
        # With ref 1, power_to_db is torchaudio's amplitude_to_DB.
        lin = reference(x, dict(o, scale="linear"))
        got = torchaudio.functional.amplitude_to_DB(
            torch.from_numpy(lin), 20.0 / o["power"], o["amin"], 0.0,
            o["top_db"] if o["top_db"] > 0 else None).numpy()
        assert np.allclose(got, expected, rtol=1e-9, atol=1e-9), "amplitude_to_DB differs"


def set_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(str(i) for i in v)
    return repr(v) if isinstance(v, float) else str(v)


SEED_002 = dict(multi_n_fft=[256, 512, 1024, 2048], multi_win_length=[200, 400, 800, 1600],
                hop_length=160, n_mels=64, mel_scale="slaney", mel_norm="slaney", scale="db",
                db_ref="max", top_db=80.0)
SEED_003_MFCC = dict(feature="mfcc", n_fft=2048, win_length=2048, hop_length=512, n_mels=128,
                     mel_scale="slaney", mel_norm="slaney", scale="db", top_db=80.0, n_mfcc=40)
SEED_004 = dict(feature="spectrogram", n_fft=512, win_length=480, hop_length=160, center=False,
                framing="tf", power=2.0, scale="log", log_offset=0.01)
LINEAR_SPEC = dict(feature="spectrogram", scale="linear")

# (name, signal, options that differ from the defaults)
CASES = [
    # STFT: n_fft (powers of two and not, odd), hops, windows, centring, padding.
    ("spec_hann_512_reflect", "chirp_16k", dict(LINEAR_SPEC, n_fft=512, win_length=512, hop_length=128)),
    ("spec_hann_400_300_constant", "noise_16k", dict(LINEAR_SPEC, n_fft=400, win_length=300, hop_length=100, pad_mode="constant")),
    ("spec_hamming_258_magnitude", "square_16k", dict(LINEAR_SPEC, n_fft=258, win_length=258, hop_length=64, window="hamming", power=1.0)),
    ("spec_rect_256_200_nocenter", "chirp_16k", dict(LINEAR_SPEC, n_fft=256, win_length=200, hop_length=80, window="rect", center=False)),
    ("spec_hann_symmetric_320", "chirp_16k", dict(LINEAR_SPEC, n_fft=320, win_length=320, hop_length=160, periodic=False)),
    ("spec_odd_255_201_magnitude", "square_16k", dict(LINEAR_SPEC, n_fft=255, win_length=201, hop_length=97, power=1.0)),
    ("spec_hamming_1024_constant_nocenter", "noise_16k", dict(LINEAR_SPEC, n_fft=1024, win_length=800, hop_length=333, window="hamming", center=False, pad_mode="constant")),
    ("spec_silence", "silence_16k", dict(LINEAR_SPEC)),
    ("spec_tf_256_magnitude", "chirp_16k", dict(LINEAR_SPEC, n_fft=256, win_length=256, hop_length=128, center=False, framing="tf", power=1.0)),
    ("spec_tf_hamming_600_500", "noise_16k", dict(LINEAR_SPEC, n_fft=600, win_length=500, hop_length=250, window="hamming", center=False, framing="tf")),
    ("spec_db_magnitude_ref_max", "chirp_8k", dict(LINEAR_SPEC, sample_rate=8000, n_fft=258, win_length=258, hop_length=64, power=1.0, scale="db", db_ref="max", amin=1e-5, top_db=80.0)),
    # The seeds' spectrograms.
    ("seed001_magnitude_258", "chirp_8k", dict(LINEAR_SPEC, sample_rate=8000, n_fft=258, win_length=258, hop_length=64, power=1.0)),
    ("seed004_tf_log_power", "speechlike_1s", SEED_004),
    ("seed004_tf_log_silence", "silence_16k", SEED_004),
    # Mel: scales, norms, n_mels, f_min / f_max, log and dB.
    ("mel_defaults_htk_log", "chirp_16k", dict()),
    ("mel_defaults_htk_log_silence", "silence_16k", dict()),
    ("mel_slaney_slaney_64_linear", "chirp_16k", dict(n_fft=1024, win_length=1024, hop_length=256, n_mels=64, mel_scale="slaney", mel_norm="slaney", scale="linear")),
    ("mel_htk_slaneynorm_80_linear", "noise_16k", dict(n_fft=2048, win_length=1600, hop_length=400, n_mels=80, mel_norm="slaney", scale="linear")),
    ("mel_slaney_fmin_fmax_32_db", "chirp_16k", dict(n_fft=400, win_length=400, hop_length=160, n_mels=32, f_min=300.0, f_max=6000.0, mel_scale="slaney", scale="db")),
    ("mel_128_db_ref_max_top80", "noise_16k", dict(n_fft=1024, win_length=1024, hop_length=256, n_mels=128, scale="db", db_ref="max", top_db=80.0)),
    ("mel_magnitude_db_fmin20", "square_16k", dict(n_fft=512, win_length=400, hop_length=160, power=1.0, n_mels=48, f_min=20.0, scale="db")),
    ("mel_hamming_constant_top60", "square_16k", dict(window="hamming", pad_mode="constant", scale="db", db_ref="max", top_db=60.0)),
    ("mel_8k_40_rect_log", "chirp_8k", dict(sample_rate=8000, n_fft=256, win_length=256, hop_length=80, window="rect", n_mels=40)),
    ("mel_amin_1e-5_ref_max", "chirp_16k", dict(scale="db", db_ref="max", amin=1e-5)),
    ("mel_silence_db_ref_one", "silence_16k", dict(scale="db")),
    ("mel_silence_db_ref_max_top80", "silence_16k", dict(scale="db", db_ref="max", top_db=80.0)),
    ("mel_tf_framing_log", "speechlike_1s", dict(center=False, framing="tf", n_mels=40)),
    # MFCC from dB mels (torchaudio.transforms.MFCC's defaults) and from log mels.
    ("mfcc_torchaudio_db_top80", "chirp_16k", dict(feature="mfcc", n_fft=400, win_length=400, hop_length=200, n_mels=64, scale="db", top_db=80.0, n_mfcc=40)),
    ("mfcc_log_mels_13", "noise_16k", dict(feature="mfcc", n_mels=40, n_mfcc=13, mel_scale="slaney", mel_norm="slaney")),
    ("mfcc_silence_db", "silence_16k", dict(feature="mfcc", n_fft=400, win_length=400, hop_length=200, n_mels=64, scale="db", top_db=80.0, n_mfcc=20)),
    ("seed003_mfcc_40", "speechlike_1s", SEED_003_MFCC),
    # Several resolutions stacked as channels.
    ("seed002_multires_db_max", "speechlike_1s", SEED_002),
    ("multires_htk_log", "chirp_16k", dict(multi_n_fft=[256, 512], multi_win_length=[256, 400], hop_length=128, n_mels=32)),
]

# (n_freqs, n_mels, sample_rate, f_min, f_max, scale, norm) for melscale_fbanks.
FILTERBANKS = [
    (257, 40, 16000, 0.0, 8000.0, "htk", "none"),
    (257, 64, 16000, 0.0, 8000.0, "slaney", "slaney"),
    (129, 64, 16000, 0.0, 8000.0, "slaney", "slaney"),
    (1025, 128, 16000, 20.0, 7600.0, "htk", "slaney"),
    (201, 80, 16000, 50.0, 6000.0, "slaney", "none"),
    (130, 40, 8000, 0.0, 4000.0, "htk", "none"),
    (513, 96, 22050, 0.0, 11025.0, "slaney", "slaney"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy") or f == "manifest.json":
            os.remove(os.path.join(OUT, f))
    signals = make_signals()
    for name, x in signals.items():
        np.save(os.path.join(OUT, "signal_" + name + ".npy"), x)
    manifest = {"generator": "scripts/gen_golden_features.py",
                "versions": {"torch": torch.__version__, "torchaudio": torchaudio.__version__,
                             "numpy": np.__version__},
                "cases": [], "filterbanks": []}
    for name, signal, changes in CASES:
        unknown = set(changes) - set(DEFAULTS)
        assert not unknown, f"{name}: unknown options {unknown}"
        o = dict(DEFAULTS, **changes)
        y = reference(signals[signal], o)
        cross_check(signals[signal], o, y)
        assert np.all(np.isfinite(y)), name
        np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(y, dtype=np.float32))
        manifest["cases"].append({
            "name": name, "signal": "signal_" + signal + ".npy",
            "options": [f"{k}={set_value(v)}" for k, v in changes.items()],
            "expected": name + ".npy", "shape": list(y.shape), "tolerance": tolerance(o)})
        print(f"{name:40s} {str(y.shape):18s} {signal}", file=sys.stderr)
    for n_freqs, n_mels, sr, f_min, f_max, scale, norm in FILTERBANKS:
        o = dict(DEFAULTS, n_mels=n_mels, sample_rate=sr, f_min=f_min, f_max=f_max,
                 mel_scale=scale, mel_norm=norm)
        fb = filterbank(n_freqs, o)
        name = f"fbank_{n_freqs}_{n_mels}_{sr}_{scale}_{norm}"
        np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(fb, dtype=np.float32))
        manifest["filterbanks"].append({
            "n_freqs": n_freqs, "n_mels": n_mels, "sample_rate": sr, "f_min": f_min,
            "f_max": f_max, "mel_scale": scale, "mel_norm": norm, "expected": name + ".npy"})
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
