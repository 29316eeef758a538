#!/usr/bin/python3
"""Regenerates tests/fixtures/models/: reference forward passes of the model
zoo's DS-CNN-S and BC-ResNet, computed with PyTorch models written here from
the published descriptions (docs/models.md, "The architectures").

    /usr/bin/python3 scripts/gen_golden_models.py

Each case of manifest.json names the model's `--set` options, the number of
classes, the input ([B, 1, F, T], float32), every parameter and buffer under
the name the zoo gives it (one .npy each in the case's directory), the
expected logits in eval mode (running statistics) and in training mode
(batch statistics), the running statistics after that one training forward
(train/<name>.npy), and the tolerance tests/ml/models_golden_test.cc
applies. Weights, batch-norm statistics and inputs are seeded random float32
values; the references are computed in float64 from them (and stored as
float32), so they are the exact answer the float32 zoo approximates. Needs
python3-torch and numpy.
"""
import json
import os
import shutil

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "models")

# |got - expected| <= RTOL x max |expected| over all logits of a case. The zoo
# runs in float32; its rounding (about 1e-7 relative per operation, through
# a dozen layers) stays below 1e-5 of the logit scale (the manifest records
# what float32 PyTorch itself gets), while a changed layer moves logits by
# a sizeable fraction of it.
RTOL = 1e-4


# --- DS-CNN ("Hello Edge", Zhang et al. 2017) --------------------------------
# The input is [B, C, F, T] (mels x frames); the paper's 10x4 (time x
# frequency) first convolution is therefore 4 x 10 here. The TensorFlow
# implementation pads "same" for the stride-2 first layer: ceil(n / 2)
# outputs, the odd padding pixel after the data.

def tf_same_padding(n, kernel, stride):
    out = -(-n // stride)
    total = max((out - 1) * stride + kernel - n, 0)
    return total // 2, total - total // 2


class DepthwiseSeparable(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.depthwise = nn.Conv2d(channels, channels, 3, padding=1, groups=channels, bias=False)
        self.depthwise_norm = nn.BatchNorm2d(channels)
        self.pointwise = nn.Conv2d(channels, channels, 1, bias=False)
        self.pointwise_norm = nn.BatchNorm2d(channels)

    def forward(self, x):
        x = F.relu(self.depthwise_norm(self.depthwise(x)))
        return F.relu(self.pointwise_norm(self.pointwise(x)))


class DsCnn(nn.Module):
    SIZES = {"s": (64, 4), "m": (172, 4), "l": (276, 5)}

    def __init__(self, in_channels, classes, size="s"):
        super().__init__()
        channels, blocks = self.SIZES[size]
        self.kernel = (4, 10)
        self.conv = nn.Conv2d(in_channels, channels, self.kernel, stride=2, bias=False)
        self.norm = nn.BatchNorm2d(channels)
        for i in range(blocks):
            self.add_module(f"block{i + 1}", DepthwiseSeparable(channels))
        self.blocks = blocks
        self.out = nn.Linear(channels, classes)

    def forward(self, x):
        pf = tf_same_padding(x.shape[2], self.kernel[0], 2)
        pt = tf_same_padding(x.shape[3], self.kernel[1], 2)
        x = F.pad(x, (pt[0], pt[1], pf[0], pf[1]))
        x = F.relu(self.norm(self.conv(x)))
        for i in range(self.blocks):
            x = getattr(self, f"block{i + 1}")(x)
        return self.out(x.mean(dim=(2, 3)))


# --- BC-ResNet (Kim et al. 2021) ---------------------------------------------

class SubSpectralNorm(nn.Module):
    """Batch norm with separate statistics and affine parameters for each of
    `subbands` equal frequency bands of every channel: channel c, band s is
    feature c * subbands + s of one BatchNorm2d."""

    def __init__(self, channels, subbands):
        super().__init__()
        self.subbands = subbands
        self.norm = nn.BatchNorm2d(channels * subbands)

    def forward(self, x):
        b, c, f, t = x.shape
        x = x.reshape(b, c * self.subbands, f // self.subbands, t)
        return self.norm(x).reshape(b, c, f, t)


class BroadcastedBlock(nn.Module):
    """out = ReLU([x +] f2 + f1(mean_freq(f2))), f2 the frequency-wise
    depthwise conv with SubSpectralNorm, f1 temporal depthwise conv, BN,
    Swish, 1x1 conv, channel dropout, broadcast over frequency. A block that
    changes channels first maps them with 1x1 conv, BN, ReLU and adds no
    identity."""

    def __init__(self, cin, cout, freq_stride, dilation, subbands, dropout):
        super().__init__()
        self.transition = cin != cout
        if self.transition:
            self.pre = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout),
                                     nn.ReLU())
        self.freq = nn.Sequential(
            nn.Conv2d(cout, cout, (3, 1), stride=(freq_stride, 1), padding=(1, 0), groups=cout,
                      bias=False),
            SubSpectralNorm(cout, subbands))
        self.time = nn.Sequential(
            nn.Conv2d(cout, cout, (1, 3), padding=(0, dilation), dilation=(1, dilation),
                      groups=cout, bias=False),
            nn.BatchNorm2d(cout), nn.SiLU(),
            nn.Conv2d(cout, cout, 1, bias=False),
            nn.Dropout2d(dropout))

    def forward(self, x):
        if self.transition:
            x = self.pre(x)
        f2 = self.freq(x)
        y = f2 + self.time(f2.mean(dim=2, keepdim=True))
        if not self.transition:
            y = y + x
        return F.relu(y)


class BcResNet(nn.Module):
    # (channels / width, blocks, frequency stride of the first block, time dilation)
    STAGES = [(8, 2, 1, 1), (12, 2, 2, 2), (16, 4, 2, 4), (20, 4, 1, 8)]

    def __init__(self, in_channels, classes, width=1, subbands=5, dropout=0.1):
        super().__init__()
        w = width
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16 * w, 5, stride=(2, 1), padding=2,
                                            bias=False),
                                  nn.BatchNorm2d(16 * w), nn.ReLU())
        cin, n = 16 * w, 0
        for channels, blocks, stride, dilation in self.STAGES:
            for i in range(blocks):
                n += 1
                self.add_module(f"block{n}", BroadcastedBlock(
                    cin, channels * w, stride if i == 0 else 1, dilation, subbands, dropout))
                cin = channels * w
        self.blocks = n
        self.head = nn.Sequential(
            nn.Conv2d(cin, cin, 5, padding=(0, 2), groups=cin, bias=False),
            nn.Conv2d(cin, 32 * w, 1, bias=False), nn.BatchNorm2d(32 * w), nn.ReLU())
        self.out = nn.Linear(32 * w, classes)

    def forward(self, x):
        x = self.stem(x)
        for i in range(self.blocks):
            x = getattr(self, f"block{i + 1}")(x)
        return self.out(self.head(x).mean(dim=(2, 3)))


# --- Cases ---------------------------------------------------------------------

# Each case: directory name, the zoo's options, a factory of the PyTorch model,
# classes, input shape [B, C, F, T]. Dropout is 0 so that the training-mode
# forward is deterministic; in eval mode dropout does nothing anyway.
CASES = [
    ("ds_cnn_s", ["name=ds_cnn", "size=s", "dropout=0"],
     lambda: DsCnn(1, 12, "s"), 12, [3, 1, 40, 49]),
    ("bc_resnet_1", ["name=bc_resnet", "width=1", "subbands=5", "dropout=0"],
     lambda: BcResNet(1, 12, width=1, subbands=5, dropout=0.0), 12, [3, 1, 40, 101]),
    ("bc_resnet_3", ["name=bc_resnet", "width=3", "subbands=5", "dropout=0"],
     lambda: BcResNet(1, 12, width=3, subbands=5, dropout=0.0), 12, [3, 1, 40, 101]),
]


def randomize(model, rng, x):
    """He-normal conv and dense weights, small random biases, random batch-norm
    gamma and beta; then running statistics near what the layers see on `x`
    (one training-mode pass that keeps the batch's mean and variance), moved
    by a random fraction of a standard deviation and scaled by a random
    factor, so that eval mode differs from training mode everywhere while
    the activations keep their scale through the residual blocks."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                fan_in = p[0].numel()
                v = rng.standard_normal(p.shape) * np.sqrt(2.0 / fan_in)
            elif name.endswith(".weight"):  # batch-norm gamma
                v = rng.uniform(0.5, 1.5, p.shape)
            else:                           # batch-norm beta, dense bias
                v = rng.normal(0.1, 0.2, p.shape)
            p.copy_(torch.from_numpy(v.astype(np.float32)))
        norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
        for m in norms:
            m.momentum = 1.0
        model.train()
        model(torch.from_numpy(x))
        for m in norms:
            m.momentum = 0.1
            std = m.running_var.sqrt()
            shift = rng.normal(0.0, 0.3, std.shape).astype(np.float32)
            scale = rng.uniform(0.5, 2.0, std.shape).astype(np.float32)
            m.running_mean += torch.from_numpy(shift) * std
            m.running_var *= torch.from_numpy(scale)
            m.num_batches_tracked.fill_(7)


def save(path, t):
    a = t.detach().cpu().numpy()
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    np.save(path, a)


def main():
    torch.manual_seed(0)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    cases = []
    for index, (name, options, factory, classes, shape) in enumerate(CASES):
        rng = np.random.default_rng(1000 + index)
        model = factory()
        x = rng.standard_normal(shape).astype(np.float32)
        randomize(model, rng, x)
        state = {k: v.clone() for k, v in model.state_dict().items()}

        d = os.path.join(OUT, name)
        os.makedirs(os.path.join(d, "train"))
        tensors = {}
        for k, v in state.items():
            save(os.path.join(d, k + ".npy"), v)
            tensors[k] = list(v.shape)
        np.save(os.path.join(d, "input.npy"), x)

        # float32 PyTorch, to record how far float32 rounding moves the logits.
        model.eval()
        with torch.no_grad():
            eval32 = model(torch.from_numpy(x)).double()
        model.load_state_dict(state)
        model.train()
        with torch.no_grad():
            train32 = model(torch.from_numpy(x)).double()

        # float64 references from the same float32 values.
        model.load_state_dict(state)
        model.double()
        x64 = torch.from_numpy(x).double()
        model.eval()
        with torch.no_grad():
            eval64 = model(x64)
        model.train()
        with torch.no_grad():
            train64 = model(x64)
        save(os.path.join(d, "logits_eval.npy"), eval64)
        save(os.path.join(d, "logits_train.npy"), train64)
        updated = []
        for k, v in model.state_dict().items():
            if k.endswith("running_mean") or k.endswith("running_var"):
                save(os.path.join(d, "train", k + ".npy"), v)
                updated.append(k)

        def rel(a, b):
            return float((a - b).abs().max() / b.abs().max())

        cases.append(dict(
            name=name, options=options, classes=classes, input="input.npy",
            input_shape=shape, tensors=tensors,
            parameters=sum(p.numel() for p in model.parameters()),
            outputs=[dict(mode="eval", expected="logits_eval.npy", scale=float(eval64.abs().max()),
                          torch_float32_error=rel(eval32, eval64)),
                     dict(mode="train", expected="logits_train.npy",
                          scale=float(train64.abs().max()),
                          torch_float32_error=rel(train32, train64))],
            running_after_train=dict(directory="train", names=updated),
            tolerance=dict(kind="relative_to_scale", rtol=RTOL)))
        print(f"{name}: {cases[-1]['parameters']} parameters, eval scale "
              f"{cases[-1]['outputs'][0]['scale']:.3g}, float32 torch error "
              f"{cases[-1]['outputs'][0]['torch_float32_error']:.2g} (eval), "
              f"{cases[-1]['outputs'][1]['torch_float32_error']:.2g} (train)")

    manifest = dict(
        generator="scripts/gen_golden_models.py",
        versions=dict(torch=torch.__version__, numpy=np.__version__),
        tolerance_note="max |got - expected| <= rtol * max |expected| per output; the running "
                       "statistics after training mode within rtol of their largest value",
        cases=cases)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
