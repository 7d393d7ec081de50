"""Time a full tokenizer training on Beauty (shipped MiniLM embeddings) and report its health.

    python bench/bench_rqvae.py --threads 1                      # RQ-VAE default config + RQ-KMeans, seed 42
    python bench/bench_rqvae.py --threads 1 --kinds rqkmeans     # only RQ-KMeans
    python bench/bench_rqvae.py --threads 1 --seeds 42,0,1       # several seeds
    python bench/bench_rqvae.py --threads 1 --kinds rqvae --epochs 50 --patience none   # a fixed count, last kept
    python bench/bench_rqvae.py --threads 1 --kinds rqvae --features text+cooc          # + co-occurrence vectors

"epochs" is the epoch kept / the epochs trained: by default the RQ-VAE stops by tokenizer health (the fewest colliding
items, `patience` checks 5 epochs apart) with `--epochs` an upper bound.

"wall s" is `train_tokenizer`'s own `wall_s`: the training (RQ-VAE, including writing its files when --out_dir is
given) or the fit (RQ-KMeans), without the health numbers.
"""
import argparse, os, platform
from common import add_runtime_args, runtime  # bench/common.py

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default="beauty")
    ap.add_argument("--kinds", default="rqvae,rqkmeans", help="comma-separated: rqvae, rqkmeans")
    ap.add_argument("--epochs", type=int, default=None, help="most RQ-VAE epochs (default: the library default)")
    ap.add_argument("--patience", default=None, help="RQ-VAE health patience (default: the library's); 'none': train "
                    "every epoch and keep the last")
    ap.add_argument("--select", default=None, help="RQ-VAE epoch kept: healthy, recon or last (default: the library's)")
    ap.add_argument("--features", default="text", help="what the tokenizer reads: text or text+cooc "
                    "(genrec.item_features.tokenizer_features)")
    ap.add_argument("--seeds", default=None, help="comma-separated seeds (default: --seed)")
    ap.add_argument("--out_dir", default=None, help="write each tokenizer's checkpoint + ID table under here")
    add_runtime_args(ap)
    ap.set_defaults(threads=1, seed=42)  # one thread: the documented timings; seed 42: the library default
    a = ap.parse_args()
    if a.threads: os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    dev, _, label = runtime(a)
    from genrec.data import load_dataset
    from genrec.item_features import tokenizer_features
    from genrec.rqvae import RqVaeConfig, TokenizerTrainConfig, train_tokenizer
    epochs = a.epochs or TokenizerTrainConfig().epochs
    fixed = a.patience is not None and a.patience.lower() == "none"
    stop = (dict(patience=None, select="last") if fixed else
            dict(patience=int(a.patience)) if a.patience is not None else {})
    if a.select is not None: stop["select"] = a.select
    ds = load_dataset(a.dataset); emb = tokenizer_features(ds, a.features)
    rows = []
    for kind in a.kinds.split(","):
        for seed in map(int, (a.seeds or str(a.seed)).split(",")):
            out = None if a.out_dir is None else f"{a.out_dir}/{kind}-seed{seed}"
            run = TokenizerTrainConfig(kind, RqVaeConfig(), epochs=epochs, seed=seed, out_dir=out, device=str(dev),
                                       **stop)
            _, _, h = train_tokenizer(emb, config=run, progress=False)
            ep = f"{h['selected_epoch']} / {h['trained_epochs']}" if kind == "rqvae" else "-"
            rows.append((kind, ep, seed, h))
            print(f"done {kind} seed {seed}: {h['wall_s']:.1f}s", flush=True)
    print(f"\n{a.dataset}: {ds.n_items:,} items, {a.features} features {emb.shape}, {label}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus\n")
    print("| tokenizer | epochs (kept / trained) | seed | wall s | L1 used | L2 used | L3 used | L1 perplexity "
          "| % items colliding "
          "| largest group | unique IDs | recon error |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for kind, ep, seed, h in rows:
        u = h["codes_used"]
        print(f"| {kind} | {ep} | {seed} | {h['wall_s']:.1f} | {u[0]} | {u[1]} | {u[2]} | {h['perplexity'][0]:.1f} | "
              f"{100 * h['collision_rate']:.2f} | {h['max_collision_group']} | {100 * h['unique_id_rate']:.1f}% | "
              f"{h['recon_error']:.4f} |")

if __name__ == "__main__": main()
