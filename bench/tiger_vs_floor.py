"""Where TIGER's hits sit against the last-item transition floor's: same users, same targets, rank by rank.

python bench/tiger_vs_floor.py outputs/tiger_cpu_recency/best --split valid --users 4000

The floor (`genrec.baselines.Transition`) beats TIGER's NDCG@10 on Beauty by far. This asks why, on one seeded subset
of users (`--seed`, default 7: not the trainer's 2,000 validation users): how many targets each model puts in its top
10, how many both do, and at which ranks. If TIGER finds the floor's targets but ranks them lower, the gap is ranking;
if it misses them, it is recall of item-to-item transitions. Decoding is the trainer's (beam 20, the model's trie).
It also counts the items of the user's own history in each top 10 (sure misses on Beauty, where no training, validation
or test target is ever an item of its history), by how many items back they are (0 = the newest).
"""
import argparse, time
import numpy as np
from genrec.baselines import Transition
from genrec.metrics import TopKAccumulator
from genrec.tiger_eval import tiger_topk
from common import add_saved_model_args, load_saved_model  # bench/common.py

def hit_rank(top, target)->np.ndarray:
    "(N,) 1-based rank of the target in each row of `top`, 0 when absent (the metrics' own ranks)."
    return TopKAccumulator().update(top, target).ranks[0].numpy()

def rank_hist(rank, k=10):
    "How many targets sit at ranks 1..k."
    return np.bincount(rank[(rank >= 1) & (rank <= k)] - 1, minlength=k)

def history_slots(top, hist, k=10)->np.ndarray:
    "(N, k) how many items back (0 = newest) each of the first k recommendations sits in the user's history; -1: not in it."
    out = np.full((len(top), k), -1)
    for r, h in enumerate(hist):
        back = {}
        for b, it in enumerate(np.asarray(h)[::-1]): back.setdefault(int(it), b)  # newest first: a repeat counts as its newest
        for c in range(k): out[r, c] = back.get(int(top[r, c]), -1)
    return out

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_saved_model_args(p, "users compared")
    a = p.parse_args(argv)
    ds, model, users = load_saved_model(a)
    t0 = time.perf_counter()
    top, t = tiger_topk(model, ds, a.split, users=users, k=20, beam_size=20)
    dec_s = time.perf_counter() - t0
    u = t["user"].numpy()
    hist = ds.histories(a.split)
    floor = Transition(ds).recommend(u, [hist[i] for i in u], 20)
    tgt = t["target"]
    rt, rf = hit_rank(top, tgt), hit_rank(floor, tgt)  # 1-based, 0 = not in the 20
    n, ht, hf = len(u), (rt >= 1) & (rt <= 10), (rf >= 1) & (rf <= 10)
    print(f"{a.model}: {a.split}, {n} users (seed {a.seed}), decoded in {dec_s:.0f} s")
    print("\n| top 10 | users | share |\n|---|---|---|")
    for name, m in (("both", ht & hf), ("TIGER only", ht & ~hf), ("floor only", ~ht & hf), ("neither", ~ht & ~hf)):
        print(f"| {name} | {m.sum()} | {m.mean():.4f} |")
    print(f"\nRecall@10: TIGER {ht.mean():.4f}, floor {hf.mean():.4f}, either {(ht | hf).mean():.4f}")
    print("\n| first-hit rank | " + " | ".join(str(r) for r in range(1, 11)) + " |\n|" + "---|" * 11)
    print("| TIGER | " + " | ".join(str(x) for x in rank_hist(rt)) + " |")
    print("| floor | " + " | ".join(str(x) for x in rank_hist(rf)) + " |")
    both = ht & hf
    if both.any():
        print(f"\nOn the {both.sum()} targets both find: mean rank TIGER {rt[both].mean():.2f}, "
              f"floor {rf[both].mean():.2f}; TIGER ranks it higher in {(rt[both] < rf[both]).sum()}, "
              f"lower in {(rt[both] > rf[both]).sum()}")
    repeats = sum(int(x) in set(np.asarray(hist[i]).tolist()) for x, i in zip(tgt, u))
    print(f"\nTargets that are an item of their own history: {repeats} of {n}")
    print("\n| in the top 10 | history items per list | lists with one at rank 1 | "
          + " | ".join(f"{b} back" for b in range(6)) + " |\n|" + "---|" * 9)
    for name, tp in (("TIGER", np.asarray(top)), ("floor", np.asarray(floor))):
        back = history_slots(tp, [hist[i] for i in u])
        seen = back >= 0
        by = np.bincount(back[seen], minlength=6)[:6]
        print(f"| {name} | {seen.sum(1).mean():.3f} | {seen[:, 0].mean():.3f} | " + " | ".join(str(x) for x in by) + " |")
    fo = ~ht & hf
    if fo.any():
        r20 = (rt[fo] > 10).sum()
        print(f"Of the {fo.sum()} targets only the floor finds, TIGER has {r20} at ranks 11-20 and "
              f"{fo.sum() - r20} outside its 20 beams")

if __name__ == "__main__": main()
