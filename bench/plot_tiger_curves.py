"""Validation Recall/NDCG@10 of TIGER runs against minutes of training (+ validation), one curve per run.

python bench/plot_tiger_curves.py outputs/tiger_cpu outputs/tiger_cpu_bidir --labels "block-causal" "bidirectional" \
    --out bench/tiger_cpu_curves.png

Each run folder is read from its results.yaml, or (for a run still going or stopped) from the newest
checkpoints/step_*/trainer_state.pt. Prints the curves as a markdown table too. Runs written before the trainer
recorded `wall_s`/`examples` per validation take the minutes from their tqdm log (`--logs`, one per run, '-' for
none: the bar's elapsed time at that step) and the examples from the epoch count × the training targets of Beauty.
"""
import argparse, re
from pathlib import Path
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch, yaml

def history(run:Path)->list:
    "The validation rows of a run folder."
    if (run/"results.yaml").exists(): return yaml.safe_load((run/"results.yaml").read_text())["history"]
    from genrec.tiger_trainer import latest_checkpoint, load_training_state
    ck = latest_checkpoint(run)
    if ck is None: raise FileNotFoundError(f"{run}: no results.yaml and no checkpoint with a history.")
    return load_training_state(ck)["history"]

N_TRAIN = 131_413  # Beauty training targets per epoch (max_seq_len 20)

def elapsed_by_step(log:Path)->dict:
    "{step: elapsed seconds} from the tqdm bar lines of a training log."
    out = {}
    for m in re.finditer(r"tiger:[^|]*\|[^|]*\| (\d+)/\d+ \[(?:(\d+):)?(\d+):(\d+)<", log.read_text(errors="replace")):
        h = int(m.group(2) or 0)
        out[int(m.group(1))] = h * 3600 + int(m.group(3)) * 60 + int(m.group(4))
    return out

def fill_times(h:list, log:Path|None)->list:
    "Add wall_s/examples to rows that lack them (older runs), from the log."
    if all("wall_s" in r for r in h): return h
    t = elapsed_by_step(log) if log else {}
    return [{**r, "wall_s": r.get("wall_s", t.get(r["step"] + 1, t.get(r["step"], float("nan")))),
             "examples": r.get("examples", round(r["epoch"] * N_TRAIN))} for r in h]

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", type=Path); p.add_argument("--labels", nargs="*")
    p.add_argument("--logs", nargs="*", help="tqdm log per run ('-' for none), for runs without wall_s")
    p.add_argument("--out", type=Path, default=Path("bench/tiger_cpu_curves.png"))
    a = p.parse_args()
    labels = a.labels or [r.name for r in a.runs]
    fig, ax = plt.subplots(1, 2, figsize=(11, 3.8))
    logs = [None if l == "-" else Path(l) for l in (a.logs or ["-"] * len(a.runs))]
    for run, label, log in zip(a.runs, labels, logs):
        h = fill_times(history(run), log)
        mins = [r["wall_s"] / 60 for r in h]
        for i, m in enumerate(("recall@10", "ndcg@10")): ax[i].plot(mins, [r[m] for r in h], marker="o", ms=3, label=label)
        print(f"\n{label} ({run})\n\n| minutes | examples | epoch | valid Recall@10 | valid NDCG@10 |\n|---|---|---|---|---|")
        for r in h: print(f"| {r['wall_s'] / 60:.1f} | {r['examples']:,} | {r['epoch']:.1f} | {r['recall@10']:.4f} | {r['ndcg@10']:.4f} |")
    for i, m in enumerate(("Recall@10", "NDCG@10")):
        ax[i].set(xlabel="minutes on the 2-core CPU (training + validation)", ylabel=f"validation {m}", title=m)
        ax[i].grid(alpha=0.3); ax[i].legend(fontsize=8)
    fig.tight_layout(); fig.savefig(a.out, dpi=110)
    print(f"\nwrote {a.out}")

if __name__ == "__main__": main()
