"""TIGER with the last-item transition prior in its beams: Recall/NDCG@10 of one saved model at several prior weights.

python bench/tiger_prior.py outputs/tiger_cpu_recency/best --split valid --users 4000 --weights 0,0.3,0.6,1

Each weight decodes the same users with the same model and the same prior, `genrec.baselines.Transition`'s
next-item distribution after the user's newest item (fitted on the training parts only), mixed into the beam as
`log P_model + weight · log P_prior` per prefix (`genrec.tiger`, "A prior in the beam"). Weight 0 is TIGER alone.
The users are a seeded random subset (`--seed`, default 7: not the 2,000 validation users the trainer picked its
checkpoint on). Choose the weight on a validation split; use the test split (`--users 0`: all) only to report it.
"""
import argparse, time
import torch
from genrec.baselines import Transition
from genrec.tiger_eval import tiger_topk, score_topk
from common import add_saved_model_args, load_saved_model  # bench/common.py

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_saved_model_args(p, "users decoded per weight")
    p.add_argument("--weights", default="0,0.3,0.6,1", help="comma-separated prior weights")
    p.add_argument("--beam", type=int, default=20)
    p.add_argument("--batch_size", type=int, default=256)
    a = p.parse_args(argv)
    ds, model, users = load_saved_model(a)
    n = ds.n_users if users is None else len(users)
    trie, prior = model.sem_id_trie(), Transition(ds)  # next_item_probs: smoothed by one popularity pseudo-count
    subset = "all users" if users is None else f"{n} users (seed {a.seed})"
    print(f"{a.model}: {a.split}, {subset}, beam {a.beam}, {torch.get_num_threads()} threads")
    print("| weight | policy | R@5 | N@5 | R@10 | N@10 | R@20 | N@20 | users/s |\n|---|---|---|---|---|---|---|---|---|")
    for w in (float(x) for x in a.weights.split(",")):
        t0 = time.perf_counter()
        with torch.inference_mode():
            top, t = tiger_topk(model, ds, a.split, trie, users, 20, a.beam, a.batch_size, prior=prior, prior_weight=w)
        s = time.perf_counter() - t0
        for ex in (False, True):
            m = score_topk(top, t, ds, a.split, exclude_seen=ex)
            cells = " | ".join(f"{m[f'{x}@{k}']:.4f}" for k in (5, 10, 20) for x in ("recall", "ndcg"))
            print(f"| {w:g} | {'unseen only' if ex else 'all items'} | {cells} | {n / s:.0f} |", flush=True)

if __name__ == "__main__": main()
