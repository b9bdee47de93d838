#!/usr/bin/env python3
"""PyTorch reference timings for the networks and the training step of issues 2 and 3.

Builds R3D-tiny and R(2+1)D-tiny (widths 16-32-64-128, one BasicBlock a stage) and times, on
2 threads, (a) backbone forward+backward for 16 clips of 3x8x64x64 and (b) the training step of
issue 3 (contrastive, first-order and second-order MCN), in the default and channels_last_3d
layouts. Prints one JSON line per figure in the `mcn-tui bench --json` format:
  {"name": "pytorch.step.r3d-tiny.first-order.default", "value": 0.18, "unit": "s", ...}
Usage: python3 scripts/pytorch-reference.py [--quick] [--threads 2] [--only TEXT] [--paired-flops F]

With --paired-flops F (the backbone pass's FLOPs as `mcn-tui bench` counts them), each backbone
figure is also given as a share of the workbench's reference product, measured the way `bench
--only paired` measures ours: rounds of the system OpenBLAS's 1024^3 cblas_sgemm (best of 3; the
library `mcn-tui` opens, OPENBLAS_CORETYPE as `mcn-tui bench` passes it) then the pass (best of 2),
the median of the rounds' ratios: {"name": "pytorch.paired.backbone.r3d-tiny.train.default",
"value": 0.61, "unit": "of sgemm", ...}.

OpenMP threads wait passively unless OMP_WAIT_POLICY says otherwise: on a machine shared with
other work, spinning OpenMP barriers make PyTorch 10x slower; on an idle one it changes little.
"""
import argparse, ctypes, json, os, time
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call


def conv_bn(ci, co, k, s, p):
    return [nn.Conv3d(ci, co, k, s, p, bias=False), nn.BatchNorm3d(co)]


class Unit(nn.Sequential):
    """A 3x3x3 conv + BN, or (R(2+1)D) 1x3x3 -> BN -> ReLU -> 3x1x1 + BN, mid channels = out."""
    def __init__(self, kind, ci, co, s):
        if kind == "r3d":
            super().__init__(*conv_bn(ci, co, 3, s, 1))
        else:
            super().__init__(*conv_bn(ci, co, (1, 3, 3), (1, s, s), (0, 1, 1)), nn.ReLU(inplace=True),
                             *conv_bn(co, co, (3, 1, 1), (s, 1, 1), (1, 0, 0)))


class Block(nn.Module):
    def __init__(self, kind, ci, co, s):
        super().__init__()
        self.conv1, self.conv2 = Unit(kind, ci, co, s), Unit(kind, co, co, 1)
        self.down = nn.Sequential(*conv_bn(ci, co, 1, s, 0)) if s != 1 or ci != co else nn.Identity()

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))) + self.down(x))


def backbone(kind, widths=(16, 32, 64, 128)):
    if kind == "r3d":
        stem = conv_bn(3, widths[0], (3, 7, 7), (1, 2, 2), (1, 3, 3)) + [nn.ReLU(inplace=True)]
    else:
        stem = (conv_bn(3, widths[0], (1, 7, 7), (1, 2, 2), (0, 3, 3)) + [nn.ReLU(inplace=True)]
                + conv_bn(widths[0], widths[0], (3, 1, 1), 1, (1, 0, 0)) + [nn.ReLU(inplace=True)])
    layers, ci = [], widths[0]
    for i, co in enumerate(widths):
        layers.append(Block(kind, ci, co, 1 if i == 0 else 2))
        ci = co
    return nn.Sequential(*stem, *layers, nn.AdaptiveAvgPool3d(1), nn.Flatten())


class MCN(nn.Module):
    """Backbone, projection head Linear(128,128)-ReLU-Linear(128,128), meta head on concatenated
    pair features Linear(256,128)-ReLU-Linear(128,2)."""
    def __init__(self, kind):
        super().__init__()
        self.backbone = backbone(kind)
        self.projection = nn.Sequential(nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 128))
        self.meta = nn.Sequential(nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 2))

    def forward(self, clips, groups, pairs, tau=0.07):
        h = self.backbone(clips)
        z = F.normalize(self.projection(h), dim=1)
        # NT-Xent with every other view of the same video as a positive.
        sim = z @ z.t() / tau
        eye = torch.eye(len(groups), dtype=torch.bool)
        logp = sim.masked_fill(eye, -1e9).log_softmax(dim=1)
        pos = (groups[:, None] == groups[None, :]) & ~eye
        loss = -(logp * pos).sum() / pos.sum()
        if pairs is None:
            return loss
        u, v, labels = pairs
        return loss + F.cross_entropy(self.meta(torch.cat([h[u], h[v]], dim=1)), labels)


def all_pairs(groups):
    """Every ordered pair (a, b), a != b, of a set: label 1 when both views share a video."""
    m = len(groups)
    u = [a for a in range(m) for b in range(m) if a != b]
    v = [b for a in range(m) for b in range(m) if a != b]
    return torch.tensor(u), torch.tensor(v), (groups[u] == groups[v]).long()


def step(model, mode, clips, videos, alpha=0.01, clip_norm=10.0):
    """One training step's gradients (the optimiser update is the same elementwise pass for every
    mode and is left out, as in `mcn-tui bench --only step`)."""
    views = clips.shape[0] // videos
    groups = torch.arange(videos).repeat_interleave(views)
    params = dict(model.named_parameters())
    if mode == "contrastive":
        model(clips, groups, None).backward()
        return
    half = clips.shape[0] // 2
    s, q, gs, gq = clips[:half], clips[half:], groups[:half], groups[half:]
    ps, pq = all_pairs(gs), all_pairs(gq)
    second = mode == "second-order"
    ls = functional_call(model, params, (s, gs, ps))
    g = torch.autograd.grad(ls, list(params.values()), create_graph=second)
    norm = torch.sqrt(sum((x * x).sum() for x in g))
    scale = torch.clamp(clip_norm / (norm + 1e-12), max=1.0).detach()
    fast = {k: (p - alpha * scale * gi) if second else (p - alpha * scale * gi).detach().requires_grad_()
            for (k, p), gi in zip(params.items(), g)}
    lq = functional_call(model, fast, (q, gq, pq))
    if second:
        lq.backward()
    else:
        outer = torch.autograd.grad(lq, list(fast.values()))
        for p, gi in zip(params.values(), outer):
            p.grad = gi


def best_time(fn, iters, warmup=1):
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def openblas_product(threads):
    """The reference product of `mcn-tui bench`: C = A B at 1024^3 by cblas_sgemm of the system's
    OpenBLAS on `threads` threads; (product, core name), or None when the library cannot be opened."""
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")   # as mcn-tui: idle workers sleep at once
    try:
        blas = ctypes.CDLL(os.environ.get("MCN_BLAS_LIBRARY", "libopenblas.so.0"))
        set_threads, corename, sgemm = blas.openblas_set_num_threads, blas.openblas_get_corename, blas.cblas_sgemm
    except (OSError, AttributeError):   # not there, or a CBLAS that is not OpenBLAS
        return None
    set_threads(threads)
    corename.restype = ctypes.c_char_p
    p, i, f = ctypes.c_void_p, ctypes.c_int, ctypes.c_float
    sgemm.argtypes = [i, i, i, i, i, i, f, p, i, p, i, f, p, i]
    n = 1024
    a, b, c = torch.full((n, n), 0.5), torch.full((n, n), 0.25), torch.zeros(n, n)
    row_major, no_trans = 101, 111

    def product():
        sgemm(row_major, no_trans, no_trans, n, n, n, 1.0, a.data_ptr(), n, b.data_ptr(), n, 0.0, c.data_ptr(), n)
    return product, corename().decode()


def paired_ratio(pass_fn, flops, product, rounds):
    """The same measurement as `PairedRatio` in Sources/mcn-tui/Bench/BenchTensor.swift. Median over rounds of (pass GFLOP/s, best of 2) / (sgemm GFLOP/s, best of 3), with the
    medians of both figures and the lowest and highest ratio."""
    product()
    pass_fn()
    ratios, passes, products = [], [], []
    for _ in range(rounds):
        s = best_time(product, 3, warmup=0)
        t = best_time(pass_fn, 2, warmup=0)
        products.append(2.0 * 1024 ** 3 / s / 1e9)
        passes.append(flops / t / 1e9)
        ratios.append(passes[-1] / products[-1])
    mid = lambda v: sorted(v)[len(v) // 2]
    return {"value": mid(ratios), "pass_gflops": mid(passes), "sgemm_gflops": mid(products),
            "lowest": min(ratios), "highest": max(ratios)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="run only figures whose name contains this text")
    ap.add_argument("--paired-flops", type=float, default=0,
                    help="the backbone pass's FLOPs: also give it as a share of sgemm, in pairs")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    reference = openblas_product(args.threads) if args.paired_flops > 0 else None
    torch.manual_seed(1)
    iters = 2 if args.quick else 5
    clips = torch.randn(16, 3, 8, 64, 64)
    for net in ("r3d-tiny", "r2plus1d-tiny"):
        for layout, fmt in (("default", torch.contiguous_format), ("channels-last", torch.channels_last_3d)):
            model = MCN(net.split("-")[0]).to(memory_format=fmt).train()
            x = clips.to(memory_format=fmt)
            runs = [(f"pytorch.backbone.{net}.train.{layout}",
                     lambda: model.backbone(x).mean().backward())]
            runs += [(f"pytorch.step.{net}.{mode}.{layout}", lambda mode=mode: step(model, mode, x, 8))
                     for mode in ("contrastive", "first-order", "second-order")]
            for name, fn in runs:
                if args.only not in name:
                    continue
                model.zero_grad(set_to_none=True)
                seconds = best_time(fn, iters)
                print(json.dumps({"name": name, "value": seconds, "unit": "s", "threads": args.threads,
                                  "torch": torch.__version__}), flush=True)
                if reference and name.startswith("pytorch.backbone."):
                    product, core = reference
                    figure = paired_ratio(fn, args.paired_flops, product, 5 if args.quick else 11)
                    print(json.dumps({"name": name.replace("pytorch.", "pytorch.paired.", 1), "unit": "of sgemm",
                                      **figure, "threads": args.threads, "torch": torch.__version__,
                                      "blas_core": core}), flush=True)


if __name__ == "__main__":
    main()
