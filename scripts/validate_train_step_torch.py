#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The amp-fp16 training step of `mpsim validate train_step --export DIR` in PyTorch on a GPU
# (torch.autocast fp16 + GradScaler, the same weights, batch and loss scale), compared with
# mpsim's emulated tensors within tolerances fixed in advance (docs/validation.md, "One training
# step"). Two comparisons:
#   per_op      each operation of the step fed the emulation's own inputs (its binary16 operands),
#               so no difference propagates: fc forward (F.linear under autocast), grad_input and
#               grad_weight (torch.mm of binary16 operands), bias gradient (sum over the batch).
#               Tolerance |torch - mpsim| <= 2 (k + 1) 2^-24 S + ulp16(max(|torch|, |mpsim|))
#               + (forward only) ulp16(bias) / 2, with S = sum_k |a_k b_k| + |c| in float64: two
#               binary32 sums of k + 1 terms in any order differ by at most 2 (k + 1) u S, and
#               rounding both to binary16 adds at most one binary16 ulp; autocast also rounds the
#               bias to binary16, which mpsim's Linear adds in binary32. Also softmax
#               cross-entropy on the emulation's logits: loss and logits gradient reported (no bound).
#               Diagnostics beside the verdict: the forward bound without the bias term, the
#               differing elements where there are at most four.
#   end_to_end  the whole step (autograd), differences propagating from layer to layer.
#               Tolerance: relative L2 error <= 1e-2 for every tensor; loss relative error <= 1e-3.
#               Diagnostic beside the verdict: where the two forwards disagree on a ReLU mask.
# Run with the device's python: python3 scripts/validate_train_step_torch.py DIR --out report.json
import argparse
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F


def load(d, name, dtype, shape):
    return torch.from_numpy(np.fromfile(f"{d}/{name}", dtype=dtype).reshape(shape))


def ulp16(v):
    """Spacing of binary16 at |v| (float64 tensor), 2^-24 in the subnormal range."""
    a = v.abs().clamp(min=2.0**-14)
    return torch.exp2(torch.floor(torch.log2(a)) - 10)


def stats(name, torch_value, mpsim_value, tolerance=None):
    t = torch_value.double().flatten().cpu()
    m = mpsim_value.double().flatten().cpu()
    diff = (t - m).abs()
    units = diff / ulp16(torch.maximum(t.abs(), m.abs()))
    out = {
        "tensor": name,
        "elements": int(t.numel()),
        "exact": int((t == m).sum()),
        "max_abs_diff": float(diff.max()),
        "max_diff_in_fp16_ulps": float(units.max()),
        "relative_l2": float((t - m).norm() / max(m.norm(), 1e-300)),
    }
    if tolerance is not None:
        out["over_tolerance"] = int((diff > tolerance.flatten().cpu()).sum())
    differing = torch.nonzero(t != m).flatten()
    if 0 < differing.numel() <= 4:  # a few: list them (flat index, torch value, mpsim value)
        out["differing"] = [[int(i), float(t[i]), float(m[i])] for i in differing]
    return out


def per_op(manifest, d, emulated, params, dev):
    """Each operation on the emulation's own inputs."""
    widths, batch = manifest["widths"], manifest["batch"]
    layers = len(widths) - 1
    x = load(d, "x.f32", np.float32, (batch, widths[0])).to(dev)
    rows = []
    for l in range(1, layers + 1):
        w = params[f"fc{l}.weight"]
        b = params[f"fc{l}.bias"]
        xin = x if l == 1 else emulated[f"relu{l-1}.activation"]
        x16, w16 = xin.half(), w.half()
        with torch.autocast("cuda", dtype=torch.float16):
            y = F.linear(xin, w, b)
        s = (x16.double().abs() @ w16.double().abs().t()) + b.double().abs()
        k = widths[l - 1]
        y_emu = emulated[f"fc{l}.activation"]
        tol = 2 * (k + 1) * 2.0**-24 * s + ulp16(torch.maximum(y.double().abs(), y_emu.double().abs()))
        row = stats(f"fc{l}.activation", y, y_emu, tol + ulp16(b.double()) / 2)
        # Diagnostic, not the verdict: the same bound without the bias-rounding term.
        row["over_tolerance_without_bias_term"] = int(((y.double() - y_emu.double()).abs() > tol).sum())
        rows.append(row)
        if l == layers:  # softmax cross-entropy on the emulation's logits, its backward from the scaled loss
            labels = load(d, "labels.i32", np.int32, (batch,)).long().to(dev)
            z = emulated[f"fc{l}.activation"].half().requires_grad_()
            with torch.autocast("cuda", dtype=torch.float16):
                loss = F.cross_entropy(z, labels)
            (loss * manifest["loss_scale"]).backward()
            rows.append(stats("loss", loss.detach().reshape(1), emulated["loss"]))
            rows[-1]["ulps_binary32"] = abs(int(np.float32(loss.item()).view(np.int32)) - int(np.float32(emulated["loss"].item()).view(np.int32)))
            rows.append(stats(f"fc{l}.grad_output", z.grad, emulated[f"fc{l}.grad_output"]))
            # Diagnostic: the same outside autocast on explicitly float32 logits, the gradient
            # rounded to binary16 as autocast's cast back does.
            z32 = emulated[f"fc{l}.activation"].clone().requires_grad_()
            loss32 = F.cross_entropy(z32, labels)
            (loss32 * manifest["loss_scale"]).backward()
            rows.append(stats("loss (fp32, no autocast)", loss32.detach().reshape(1), emulated["loss"]))
            rows[-1]["ulps_binary32"] = abs(int(np.float32(loss32.item()).view(np.int32)) - int(np.float32(emulated["loss"].item()).view(np.int32)))
            rows.append(stats(f"fc{l}.grad_output (fp32, no autocast)", z32.grad.half(), emulated[f"fc{l}.grad_output"]))
            rows[-1]["autocast_logits_grad_vs_fp32_path_differing"] = int((z.grad.float() != z32.grad.half().float()).sum())
        go = emulated[f"fc{l}.grad_output"] if l == layers else emulated[f"relu{l}.grad_input"]
        go16 = go.half()
        n_out = widths[l]
        if l > 1:
            gx = torch.mm(go16, w16)
            s = go16.double().abs() @ w16.double().abs()
            ref = emulated[f"fc{l}.grad_input"]
            tol = 2 * (n_out + 1) * 2.0**-24 * s + ulp16(torch.maximum(gx.double().abs(), ref.double().abs()))
            rows.append(stats(f"fc{l}.grad_input", gx, ref, tol))
        gw = torch.mm(go16.t(), x16)
        s = go16.double().abs().t() @ x16.double().abs()
        ref = emulated[f"fc{l}.weight_gradient"]
        tol = 2 * (batch + 1) * 2.0**-24 * s + ulp16(torch.maximum(gw.double().abs(), ref.double().abs()))
        rows.append(stats(f"fc{l}.weight_gradient", gw, ref, tol))
        gb = go16.sum(0)
        s = go16.double().abs().sum(0)
        ref = emulated[f"fc{l}.bias_gradient"]
        tol = 2 * (batch + 1) * 2.0**-24 * s + ulp16(torch.maximum(gb.double().abs(), ref.double().abs()))
        rows.append(stats(f"fc{l}.bias_gradient", gb, ref, tol))
    return rows


def end_to_end(manifest, d, emulated, params, dev):
    widths, batch = manifest["widths"], manifest["batch"]
    layers = len(widths) - 1
    x = load(d, "x.f32", np.float32, (batch, widths[0])).to(dev)
    labels = load(d, "labels.i32", np.int32, (batch,)).long().to(dev)
    fcs = []
    for l in range(1, layers + 1):
        fc = torch.nn.Linear(widths[l - 1], widths[l]).to(dev)
        with torch.no_grad():
            fc.weight.copy_(params[f"fc{l}.weight"])
            fc.bias.copy_(params[f"fc{l}.bias"])
        fcs.append(fc)
    scaler = torch.amp.GradScaler("cuda", init_scale=manifest["loss_scale"])
    seen = {}
    with torch.autocast("cuda", dtype=torch.float16):
        h = x
        for l, fc in enumerate(fcs, start=1):
            y = fc(h)
            y.retain_grad()
            seen[f"fc{l}.activation"] = y
            if l < layers:
                h = torch.relu(y)
                h.retain_grad()
                seen[f"relu{l}.activation"] = h
        loss = F.cross_entropy(y, labels)
    scaler.scale(loss).backward()
    got = {name: t.detach() for name, t in seen.items()}
    got["loss"] = loss.detach().reshape(1)
    got[f"fc{layers}.grad_output"] = seen[f"fc{layers}.activation"].grad
    for l in range(1, layers + 1):
        if l > 1:
            got[f"fc{l}.grad_input"] = seen[f"relu{l-1}.activation"].grad
            got[f"relu{l-1}.grad_input"] = seen[f"fc{l-1}.activation"].grad
        got[f"fc{l}.weight_gradient"] = fcs[l - 1].weight.grad
        got[f"fc{l}.bias_gradient"] = fcs[l - 1].bias.grad
    rows = []
    for e in manifest["emulated"]:
        name = e["name"]
        row = stats(name, got[name], emulated[name])
        row["within_tolerance"] = row["relative_l2"] <= (1e-3 if name == "loss" else 1e-2)
        if name.startswith("relu") and name.endswith(".grad_input"):
            # Diagnostic: where the two forwards disagree on the ReLU's mask (an activation > 0 on
            # one side only), the gradient passes on one side and is 0 on the other.
            act = name.replace(".grad_input", ".activation")
            flips = (got[act] > 0) != (emulated[act] > 0)
            row["relu_mask_disagreements"] = int(flips.sum())
            keep = ~flips
            t, m = got[name][keep].double(), emulated[name][keep].double()
            row["relative_l2_where_masks_agree"] = float((t - m).norm() / max(m.norm(), 1e-300))
        rows.append(row)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("dir", help="the directory `mpsim validate train_step --export` wrote")
    p.add_argument("--out", help="write the report as JSON")
    args = p.parse_args()
    if not torch.cuda.is_available():
        print("SKIPPED: no CUDA device for PyTorch", file=sys.stderr)
        return 77
    dev = torch.device("cuda")
    with open(f"{args.dir}/manifest.json") as f:
        manifest = json.load(f)
    params = {q["name"]: load(args.dir, q["file"], np.float32, q["shape"]).to(dev) for q in manifest["parameters"]}
    emulated = {e["name"]: load(args.dir, e["file"], np.float32, e["shape"]).to(dev) for e in manifest["emulated"]}
    report = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cublas_fp16_reduced_precision_reduction_default": torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction,
    }
    report["per_op_default"] = per_op(manifest, args.dir, emulated, params, dev)
    torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
    report["per_op_no_reduced_precision_reduction"] = per_op(manifest, args.dir, emulated, params, dev)
    torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = True
    report["end_to_end"] = end_to_end(manifest, args.dir, emulated, params, dev)
    ok = True
    for key in ("per_op_default", "per_op_no_reduced_precision_reduction"):
        print(f"{key}:")
        for r in report[key]:
            if "over_tolerance" not in r:  # the loss and its gradient: no bound, reported
                print(f"  {r['tensor']:24s} {r['elements']:7d} exact {r['exact']:7d}  max {r['max_diff_in_fp16_ulps']:6.2f} fp16 ulps"
                      f"  (reported){'  binary32 ulps ' + str(r['ulps_binary32']) if 'ulps_binary32' in r else ''}"
                      f"{'  autocast vs fp32 path differing ' + str(r['autocast_logits_grad_vs_fp32_path_differing']) if 'autocast_logits_grad_vs_fp32_path_differing' in r else ''}")
                continue
            ok = ok and r["over_tolerance"] == 0
            extra = f"  (without the bias term: {r['over_tolerance_without_bias_term']})" if "over_tolerance_without_bias_term" in r else ""
            listed = f"  differing {r['differing']}" if "differing" in r else ""
            print(f"  {r['tensor']:24s} {r['elements']:7d} exact {r['exact']:7d}  max {r['max_diff_in_fp16_ulps']:6.2f} fp16 ulps"
                  f"  over tolerance {r['over_tolerance']}{extra}{listed}")
    print("end_to_end:")
    for r in report["end_to_end"]:
        ok = ok and r["within_tolerance"]
        masks = (f"  mask disagreements {r['relu_mask_disagreements']}, rel L2 where masks agree "
                 f"{r['relative_l2_where_masks_agree']:.3e}") if "relu_mask_disagreements" in r else ""
        print(f"  {r['tensor']:24s} {r['elements']:7d} exact {r['exact']:7d}  max {r['max_diff_in_fp16_ulps']:8.2f} fp16 ulps"
              f"  rel L2 {r['relative_l2']:.3e}  {'ok' if r['within_tolerance'] else 'OVER'}{masks}")
    report["all_within_tolerance"] = ok
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)
    print("all within tolerance" if ok else "SOME OVER TOLERANCE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
