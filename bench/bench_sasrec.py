"""SASRec throughput: training sequences/s (forward + backward + AdamW step, full-softmax loss) and the time to score
the full test split (every user, full ranking, top-20).

    python bench/bench_sasrec.py --dataset beauty --data-dir ../shared/data --threads 1
"""
import argparse, time

import numpy as np
import torch

from genrec.baselines import evaluate_recommender
from genrec.data import load_dataset
from genrec.sasrec import SASRec, SASRecConfig, sasrec_batches, sasrec_train_step, sasrec_windows
from common import add_runtime_args, measure_table, runtime  # bench/common.py


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default="beauty")
    ap.add_argument("--data-dir", default=None, help="folder holding the dataset (default: $GENREC_DATA_DIR, cache)")
    ap.add_argument("--max-seq-len", type=int, default=50)
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--n-layers", type=int, default=2)
    ap.add_argument("--n-heads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=50, help="timed training steps")
    ap.add_argument("--pool", type=int, default=50, help="sasrec_batches pool (1: plain random batches)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed training steps first")
    ap.add_argument("--eval-batch-size", type=int, default=1024)
    add_runtime_args(ap)
    a = ap.parse_args()
    dev, sync, device_label = runtime(a)

    ds = load_dataset(a.dataset, a.data_dir)
    cfg = SASRecConfig(n_items=ds.n_items, max_seq_len=a.max_seq_len, d_model=a.d_model, n_layers=a.n_layers,
                       n_heads=a.n_heads, dropout=0.5)
    model = SASRec(cfg).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    inputs, targets = sasrec_windows(ds.train_sequences, cfg.max_seq_len)
    lengths = (inputs >= 0).sum(1).numpy()
    rng = np.random.default_rng(a.seed)
    batches = sasrec_batches(lengths, a.batch_size, rng, pool=a.pool)  # what train_sasrec draws each epoch
    batches = batches * (1 + (a.warmup + a.steps) // len(batches))

    def step(i):  # the step train_sasrec takes, clipping included
        return len(batches[i]), sasrec_train_step(model, opt, inputs, targets, lengths, batches[i])[1]

    model.train()
    for i in range(a.warmup): step(i)
    sync(); t = time.perf_counter(); n_seq = n_tok = 0
    for i in range(a.warmup, a.warmup + a.steps):
        s, k = step(i); n_seq += s; n_tok += k
    sync(); train_s = time.perf_counter() - t

    model.eval()
    t = time.perf_counter()
    metrics = evaluate_recommender(model, ds, "test", (5, 10, 20), batch_size=a.eval_batch_size)
    sync(); eval_s = time.perf_counter() - t

    rows = [("device", device_label),
            ("dataset", f"{ds.name}: {ds.n_users:,} users, {ds.n_items:,} items"),
            ("model", f"d_model={a.d_model} n_layers={a.n_layers} n_heads={a.n_heads} max_seq_len={a.max_seq_len}"),
            ("parameters", f"{sum(p.numel() for p in model.parameters()):,}"),
            ("train batch size / pool", f"{a.batch_size} / {a.pool}"),
            ("train sequences/s", f"{n_seq / train_s:,.0f}"),
            ("train target tokens/s", f"{n_tok / train_s:,.0f}"),
            ("train ms/step", f"{1000 * train_s / a.steps:.1f}"),
            ("est. s/epoch", f"{len(inputs) / (n_seq / train_s):.1f} ({len(inputs):,} sequences)"),
            ("score full test split (s)", f"{eval_s:.2f} ({ds.n_users:,} users, top-20 of {ds.n_items:,})"),
            ("scored users/s", f"{ds.n_users / eval_s:,.0f}"),
            ("(untrained) test recall@10", f"{metrics['recall@10']:.4f}")]
    print(measure_table(rows))


if __name__ == "__main__":
    main()
