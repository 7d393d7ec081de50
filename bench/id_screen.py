"""A cheap screen of semantic-ID tables before a TIGER run: does the last item's first code tell the next item's?

python bench/id_screen.py outputs/tiger_cpu_recency outputs/tiger_cpu_avx2 --labels "text+cooc" "text"

TIGER's beam keeps 20 first codes out of 256 and must find the target's among them, from the user's history. This
scores each ID table by the simplest model of that first step: a bigram over first codes, counted on the consecutive
training items of `ds.train_sequences` (no validation or test item enters it), smoothed towards the first-code
popularity (add-`alpha`). On every user's validation transition (last training item -> validation item) and test
transition (validation item -> test item) it reports how often the true next first code is in the bigram's top 5 and
top 20, the information it carries beyond popularity (mean log-ratio, nats), how often the next item shares the last
item's first code, and the entropy of the first-code popularity (fewer codes in use make every bigram look better).
It takes seconds and trains nothing. It is a screen, not a result: it sees one level and one item of history.
"""
import argparse
from pathlib import Path
import numpy as np
from genrec.data import load_dataset
from genrec.semantic_ids import load_semantic_ids

def id_table(path)->np.ndarray:
    "(n_items, levels) codes from a run folder, its tokenizer folder, or an ID table (`load_semantic_ids`)."
    p = Path(path)
    for stem in (p/"tokenizer"/"semantic_ids", p/"semantic_ids"):
        if any(stem.with_suffix(s).exists() for s in (".npy", ".parquet")): return load_semantic_ids(stem)
    return load_semantic_ids(p)  # a table's own path; its error names what it looked for

def transitions(ds):
    "Training (prev, next) item pairs, and each user's validation and test (prev, next) pair."
    tr = [np.asarray(s) for s in ds.train_sequences if len(s) > 1]
    out = {"train": (np.concatenate([s[:-1] for s in tr]), np.concatenate([s[1:] for s in tr]))}
    for split in ("valid", "test"):  # the newest item a model may see, and the held-out item
        out[split] = (np.array([h[-1] for h in ds.histories(split)]), ds.targets(split))
    return out

def screen(ids, pairs, alpha:float=50.0)->dict:
    "The first-code bigram's scores on the validation and test transitions."
    c1 = ids[:, 0]
    V = int(c1.max()) + 1
    a, b = pairs["train"]
    counts = np.zeros((V, V)); np.add.at(counts, (c1[a], c1[b]), 1)
    pop = np.bincount(c1[b], minlength=V) + 1.0; pop /= pop.sum()
    out = {"first codes used": len(np.unique(c1)), "popularity entropy": float(-(pop * np.log(pop)).sum())}
    for split in ("valid", "test"):
        x, y = c1[pairs[split][0]], c1[pairs[split][1]]
        P = (counts[x] + alpha * pop[None]) / (counts[x].sum(1, keepdims=True) + alpha)  # (N, V)
        p = P[np.arange(len(y)), y]
        above = (P > p[:, None]).sum(1)  # codes ranked strictly above the true one
        out[f"{split} top-5"], out[f"{split} top-20"] = (above < 5).mean(), (above < 20).mean()
        out[f"{split} info (nats)"] = float((np.log(p) - np.log(pop[y])).mean())
        out[f"{split} same code"] = float((x == y).mean())
    return out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tables", nargs="+", help="run folders, tokenizer folders or semantic_ids.npy files")
    ap.add_argument("--labels", nargs="+", help="a label per table (default: the paths)")
    ap.add_argument("--dataset", default="beauty")
    ap.add_argument("--alpha", type=float, default=50.0, help="add-alpha smoothing towards first-code popularity")
    a = ap.parse_args(argv)
    labels = a.labels or a.tables
    if len(labels) != len(a.tables): ap.error(f"{len(a.tables)} tables but {len(labels)} labels")
    ds = load_dataset(a.dataset)
    pairs = transitions(ds)
    rows = [(lab, screen(id_table(t), pairs, a.alpha)) for lab, t in zip(labels, a.tables)]
    cols = list(rows[0][1])
    print("| IDs | " + " | ".join(cols) + " |\n" + "|---" * (len(cols) + 1) + "|")
    for lab, r in rows:
        print(f"| {lab} | " + " | ".join(f"{r[c]}" if isinstance(r[c], int) else f"{r[c]:.3f}" for c in cols) + " |")

if __name__ == "__main__": main()
