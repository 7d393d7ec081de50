"""TIGER speed: training examples/s (old vs new batching, interleaved) and constrained-beam-search users/s, paper size, Beauty.

python bench/bench_tiger.py --threads 2                                        # CPU: the A/B of issue #12 + decoding
python bench/bench_tiger.py --threads 1 --train_steps 3 --decode_users 256     # CPU, quick
python bench/bench_tiger.py --device cuda --modes bucketed:bf16 --decode_users 0 --decode_precision bf16   # GPU

Training modes (NAME:PRECISION[:OPTION...]), each timed through the trainer's own batching (`epoch_batches`) and the
model's forward, in rounds that interleave the modes so machine drift hits all of them alike:
  random:no        what main did before length buckets: random batches of windows, float32
  bucketed:bf16    windows batched by history length, bf16 autocast
  block_causal:bf16  block-causal encoder, one pass per piece of a user's sequence (examples = targets)
Options: `torch_kernels` runs the model with PyTorch's own attention and dropout (F.scaled_dot_product_attention and
F.dropout everywhere, what genrec did before its CPU paths), `noattndrop` sets attn_dropout=0, `nodrop` dropout=0,
`recency` sets recency_bias=True (the decoder's cross-attention biased by how many items back; ninth sitting of #12),
`compile` times the model under `torch.compile(dynamic=True)` (its compile time, the warm-up, is printed apart),
`unlikelihood` sets history_unlikelihood=1.0 (a second, teacher-forced decoder pass per target on its newest history item),
`allcols` decodes every column of a block-causal piece, also the targets an earlier piece served (what main did before the
eleventh sitting of #12; `forward_sequence(..., decode_all_columns=True)`, the same loss).
With --decode_each every mode's model is also timed decoding (interleaved rounds); otherwise only the first mode's.

python bench/bench_tiger.py --threads 2 --decode_users 0 --modes block_causal:bf16:torch_kernels,block_causal:bf16,block_causal:bf16:noattndrop,block_causal:bf16:nodrop
python bench/bench_tiger.py --threads 2 --modes block_causal:no:noattndrop,block_causal:no:noattndrop:recency --decode_each
python bench/bench_tiger.py --threads 2 --decode_users 256 --rounds 4 --modes block_causal:no:noattndrop:recency,block_causal:no:noattndrop:recency:compile,block_causal:no:noattndrop:recency:unlikelihood
python bench/bench_tiger.py --threads 2 --decode_users 0 --rounds 4 --modes block_causal:no:noattndrop:recency:allcols,block_causal:no:noattndrop:recency,block_causal:no:noattndrop:recency:unlikelihood:allcols,block_causal:no:noattndrop:recency:unlikelihood
"""
import argparse, time, platform
import numpy as np, torch
from common import add_runtime_args, runtime  # bench/common.py

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--modes", default="random:no,bucketed:no,bucketed:bf16,block_causal:bf16", help="training modes to compare")
    p.add_argument("--batch_size", type=int, default=256, help="training batch (examples; targets for block_causal)")
    p.add_argument("--train_steps", type=int, default=6, help="timed training steps per mode and round (after 1 warm-up step)")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the modes")
    p.add_argument("--decode_users", type=int, default=512, help="test users decoded (0 = all)")
    p.add_argument("--decode_batch", type=int, default=256, help="users per decoding batch")
    p.add_argument("--decode_precision", default="no", choices=["no", "bf16", "fp16"])
    p.add_argument("--decode_each", action="store_true", help="time decoding for every mode's model, interleaved")
    p.add_argument("--beam", type=int, default=20); p.add_argument("--k", type=int, default=10)
    add_runtime_args(p)  # --threads (0: torch default), --device, --seed
    a = p.parse_args()
    dev, sync, label = runtime(a)
    from genrec.data import load_dataset
    from genrec.tiger import Tiger, TigerConfig
    from genrec.tiger_batches import example_tensors, take_batch, epoch_batches, training_segments
    from genrec.semantic_ids import add_uniqueness_level
    ds = load_dataset("beauty")
    # a random but valid ID table of paper shape (3 codes of 256 + uniqueness): speed does not depend on which IDs
    ids = add_uniqueness_level(np.random.default_rng(0).integers(0, 256, (ds.n_items, 3)))
    tr = example_tensors(ds, "train", TigerConfig().max_seq_len)
    seg = training_segments(tr, TigerConfig().max_seq_len)
    serve_of = torch.zeros(len(tr["target"]), dtype=torch.long); serve_of[seg[0]] = seg[1]
    dts = {"no": None, "bf16": torch.bfloat16, "fp16": torch.float16}
    import genrec.tiger as gt
    def kernels(kind):  # genrec's CPU attention/dropout paths, or PyTorch's own calls (read at call time)
        gt.TIGER_CPU_KERNELS = kind != "torch"
    modes = []
    for m in a.modes.split(","):
        kind, prec, *opts = m.split(":")
        torch.manual_seed(a.seed)
        mc = TigerConfig(block_causal=kind == "block_causal", attn_dropout=0.0 if "noattndrop" in opts else None,
                         dropout=0.0 if "nodrop" in opts else 0.1, recency_bias="recency" in opts,
                         history_unlikelihood=1.0 if "unlikelihood" in opts else 0.0)
        model = Tiger(mc, ids).to(dev).train()
        batches = epoch_batches(tr, 0, a.seed, a.batch_size, bucket_by_length=kind != "random",
                                segments=seg if kind == "block_causal" else None)
        fwd = torch.compile(model, dynamic=True) if "compile" in opts else model
        modes.append(dict(name=m, model=model, fwd=fwd, opt=torch.optim.AdamW(model.parameters(), 1e-3), batches=batches,
                          dt=dts[prec], n=0, t=0.0, rates=[], bc=kind == "block_causal", allcols="allcols" in opts,
                          kernels="torch" if "torch_kernels" in opts else "genrec"))
    def step(md, i):
        kernels(md["kernels"])
        idx = md["batches"][i % len(md["batches"])]
        b = {k: v.to(dev) for k, v in take_batch(tr, idx).items()}
        n_t = serve_of[idx].to(dev) if md["bc"] else None
        with torch.autocast(dev.type, dtype=md["dt"], enabled=md["dt"] is not None):
            if md["allcols"]:
                seq = torch.cat([b["history"], b["target"][:, None]], 1)
                _, loss = md["model"].forward_sequence(seq, n_t, b["user"], decode_all_columns=True)
            else: _, loss = md["fwd"](b["history"], b["target"], b["user"], n_targets=n_t)
        loss.backward(); torch.nn.utils.clip_grad_norm_(md["model"].parameters(), 1.0)
        md["opt"].step(); md["opt"].zero_grad(set_to_none=True)
        return int(n_t.sum()) if md["bc"] else len(idx)
    rng = np.random.default_rng(a.seed)
    for md in modes:  # warm-up (and, for `compile`, the compilation): timed apart
        sync(); t = time.perf_counter(); step(md, 0); sync(); md["warm_s"] = time.perf_counter() - t
    for r in range(a.rounds):
        draw = rng.integers(1, 2**62, a.train_steps)  # this round's batches: the same draw for every mode, so modes with
        for md in modes:                              # the same batching time the very same batches
            picks = 1 + draw % (len(md["batches"]) - 1)  # random batches of the epoch (not the warm-up's): all lengths
            sync(); t = time.perf_counter(); n = sum(step(md, int(i)) for i in picks); sync()
            dt = time.perf_counter() - t
            md["n"] += n; md["t"] += dt; md["rates"].append(n / dt)

    te = example_tensors(ds, "test", TigerConfig().max_seq_len)
    n = len(te["target"]) if a.decode_users == 0 else min(a.decode_users, len(te["target"]))
    kernels("genrec")
    model = modes[0]["model"].eval()
    trie = model.sem_id_trie()
    dt = dts[a.decode_precision]
    def decode(mdl, lo, hi):
        b = {k: v.to(dev) for k, v in take_batch(te, torch.arange(lo, hi)).items()}
        with torch.autocast(dev.type, dtype=dt, enabled=dt is not None):
            return mdl.generate_items(b["history"], b["user"], k=a.k, beam_size=a.beam, trie=trie)
    decoded = modes if a.decode_each else modes[:1]
    for md in decoded: md["model"].eval(); md["dec_s"] = 0.0; decode(md["model"], 0, min(a.decode_batch, n))
    for r in range(a.rounds if a.decode_each else 1):
        for md in decoded:
            sync(); t = time.perf_counter()
            for lo in range(0, n, a.decode_batch): out = decode(md["model"], lo, min(lo + a.decode_batch, n))
            sync(); md["dec_s"] += time.perf_counter() - t
            assert (out >= 0).all()
    for md in decoded: md["dec_s"] /= a.rounds if a.decode_each else 1  # seconds per pass over the n users
    dec_s = modes[0]["dec_s"]
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else f"{platform.processor() or platform.machine()} {label}"
    base = modes[0]["n"] / modes[0]["t"]
    print(f"\nTIGER paper size ({model.num_parameters():,} parameters), Beauty, {name}; "
          f"{a.rounds} interleaved rounds × {a.train_steps} steps, batch {a.batch_size}\n")
    print(f"| training mode | examples/s (overall) | per round | vs {modes[0]['name']} | warm-up step |\n|---|---|---|---|---|")
    for md in modes:
        rate = md["n"] / md["t"]
        print(f"| {md['name']} | {rate:,.0f} | {' / '.join(f'{x:,.0f}' for x in md['rates'])} | {rate / base:.2f}× "
              f"| {md['warm_s']:.1f} s |")
    n_test, n_train = len(te["target"]), len(tr["target"])
    print("\n| decoding | value |\n|---|---|")
    for md in decoded:
        who = f" ({md['name']})" if a.decode_each else ""
        print(f"| constrained beam search{who}, beam {a.beam}, k {a.k}, {n:,} test users, batch {a.decode_batch}, "
              f"{a.decode_precision} | {n / md['dec_s']:,.1f} users/s ({md['dec_s']:.1f} s) |")
    print(f"| full test set ({n_test:,} users), extrapolated | {n_test / (n / dec_s):,.1f} s |")
    best = max(modes, key=lambda md: md["n"] / md["t"])
    print(f"| one epoch ({n_train:,} training targets) at {best['name']}, extrapolated | {n_train / (best['n'] / best['t']):,.0f} s |")

if __name__ == "__main__": main()
