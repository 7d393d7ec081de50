"""Does a wider beam help a trained TIGER? Recall/NDCG@10 and decoding speed of one saved model at several beam sizes.

python bench/tiger_beam_sizes.py outputs/tiger_cpu_drop2/best --dataset beauty --split valid --users 4000 \
    --beams 20,50,100

The users are a seeded random subset (`--seed`, default 7: not the trainer's seed, so not the 2,000 validation users
its best checkpoint was picked on). Every beam size decodes the same users with the same model; the beams run in the
order given, one after the other, on all the threads torch has. Use a validation split to choose a beam size and the
test split only to report the one chosen.
"""
import argparse, time
import torch
from genrec.tiger_eval import evaluate_tiger
from common import add_saved_model_args, load_saved_model  # bench/common.py

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_saved_model_args(p, "users decoded per beam size")
    p.add_argument("--beams", default="20,50,100", help="comma-separated beam sizes")
    p.add_argument("--batch_size", type=int, default=256)
    a = p.parse_args(argv)
    ds, model, users = load_saved_model(a)
    n = ds.n_users if users is None else len(users)
    trie = model.sem_id_trie()
    print(f"{a.model}: {a.split}, {n} users, {torch.get_num_threads()} threads")
    print("| beam | R@5 | N@5 | R@10 | N@10 | R@20 | N@20 | users/s |\n|---|---|---|---|---|---|---|---|")
    for beam in (int(b) for b in a.beams.split(",")):
        t0 = time.perf_counter()
        with torch.inference_mode():
            m = evaluate_tiger(model, ds, a.split, trie=trie, users=users, beam_size=beam, batch_size=a.batch_size)
        s = time.perf_counter() - t0
        cells = " | ".join(f"{m[f'{x}@{k}']:.4f}" for k in (5, 10, 20) for x in ("recall", "ndcg"))
        print(f"| {beam} | {cells} | {n / s:.0f} |", flush=True)

if __name__ == "__main__": main()
