"""Floor baselines and the embedding check on a dataset: prints markdown tables for BENCHMARKS.md.

    GENREC_DATA_DIR=../shared/data python bench/bench_baselines.py --dataset beauty
"""
import argparse, os, platform, time

import numpy as np
import torch

from genrec.baselines import baseline_table
from genrec.data import load_dataset
from genrec.embeddings import encode_texts, item_embeddings
from common import frame_table  # bench/common.py


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="beauty", help="dataset name for genrec.data.load_dataset")
    p.add_argument("--data_dir", default=None, help="folder holding the dataset (default: $GENREC_DATA_DIR)")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    p.add_argument("--n_check", type=int, default=512, help="items to re-encode for the embedding check (0: skip)")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"# {a.dataset} · {platform.processor() or platform.machine()} · {a.threads} threads · torch {torch.__version__}")

    t = time.perf_counter()
    ds = load_dataset(a.dataset, a.data_dir)
    print(f"\nload: {time.perf_counter() - t:.1f} s · {ds.n_users} users, {ds.n_items} items, "
          f"{sum(len(s) for s in ds.sequences)} interactions")

    for split in ("valid", "test"):
        t = time.perf_counter()
        tab = baseline_table(ds, split)
        print(f"\n## {split} (full ranking, item-level; {time.perf_counter() - t:.1f} s)\n")
        print(frame_table(tab))

    if a.n_check:
        from pathlib import Path
        from genrec.embeddings import model_name
        shipped = Path(ds.source)/f"item_emb_{model_name('all-MiniLM-L6-v2')}.npy" if ds.source is not None else None
        what = (f"the dataset's own file {shipped}" if shipped is not None and shipped.exists() else
                "genrec's embedding cache (encoded by genrec, possibly just now: a self-check, not a comparison with a shipped file)")
        emb = item_embeddings(ds)
        rng = np.random.default_rng(a.seed)
        idx = np.sort(rng.choice(ds.n_items, min(a.n_check, ds.n_items), replace=False))
        t = time.perf_counter()
        enc = encode_texts(ds.items.text.iloc[idx].tolist(), "all-MiniLM-L6-v2", progress=False)
        dt = time.perf_counter() - t
        cos = (enc * emb[idx]).sum(1) / np.linalg.norm(enc, axis=1) / np.linalg.norm(emb[idx], axis=1)
        print(f"\n## embeddings: re-encoded {len(idx)} items in {dt:.1f} s ({len(idx) / dt:.0f} items/s); "
              f"cosine to {what}: min {cos.min():.7f}, mean {cos.mean():.7f}")


if __name__ == "__main__":
    main()
