"""TIGER speed: training examples/s and constrained-beam-search users/s at paper size on Beauty.

python bench/bench_tiger.py --threads 2                                        # CPU
python bench/bench_tiger.py --threads 1 --train_steps 3 --decode_users 256     # CPU, quick
python bench/bench_tiger.py --device cuda --precision bf16                     # GPU (full test set decode)
"""
import argparse, time, platform
import numpy as np, torch
from common import add_runtime_args, runtime  # bench/common.py

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--precision", default="no", choices=["no", "bf16", "fp16"], help="autocast dtype")
    p.add_argument("--batch_size", type=int, default=256, help="training batch")
    p.add_argument("--train_steps", type=int, default=5, help="timed training steps (after 2 warm-up steps)")
    p.add_argument("--decode_users", type=int, default=512, help="test users decoded (0 = all)")
    p.add_argument("--decode_batch", type=int, default=256, help="users per decoding batch")
    p.add_argument("--beam", type=int, default=20); p.add_argument("--k", type=int, default=10)
    p.add_argument("--compile", action="store_true", help="torch.compile the model for training")
    add_runtime_args(p)  # --threads (0: torch default), --device, --seed
    a = p.parse_args()
    dev, sync, label = runtime(a)
    from genrec.data import load_dataset
    from genrec.tiger import Tiger, TigerConfig, build_trie
    from genrec.tiger_trainer import example_tensors, take_batch
    ds = load_dataset("beauty")
    # a random but valid ID table of paper shape (3 codes of 256 + uniqueness): speed does not depend on which IDs
    from genrec.rqvae import add_uniqueness_level
    ids = add_uniqueness_level(np.random.default_rng(0).integers(0, 256, (ds.n_items, 3)))
    cfg = TigerConfig()  # paper size: 4+4 layers, 6x64 heads, d 128, MLP 1024, max_seq_len 20
    model = Tiger(cfg, ids).to(dev)
    dt = {"no": None, "bf16": torch.bfloat16, "fp16": torch.float16}[a.precision]
    ac = lambda: torch.autocast(dev.type, dtype=dt, enabled=dt is not None)
    tr = {k: v.to(dev) for k, v in example_tensors(ds, "train", cfg.max_seq_len).items()}
    opt = torch.optim.AdamW(model.parameters(), 1e-3)
    fwd = torch.compile(model) if a.compile else model
    order = torch.randperm(len(tr["target"]), device=dev)
    model.train()
    def step(i):
        b = take_batch(tr, order[i * a.batch_size:(i + 1) * a.batch_size])
        with ac(): _, loss = fwd(b["history"], b["target"], b["user"])
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    for i in range(2): step(i)
    sync(); t = time.perf_counter()
    for i in range(2, 2 + a.train_steps): step(i)
    sync(); train_s = time.perf_counter() - t
    ex_s = a.train_steps * a.batch_size / train_s

    va = example_tensors(ds, "test", cfg.max_seq_len)
    n = len(va["target"]) if a.decode_users == 0 else min(a.decode_users, len(va["target"]))
    va = {k: v.to(dev) for k, v in va.items()}
    trie = build_trie(ids, [cfg.num_item_embeddings] * cfg.n_levels).to(dev)
    model.eval()
    def decode(lo, hi):
        b = take_batch(va, torch.arange(lo, hi, device=dev))
        with ac(): return model.generate_with_trie(b["history"], trie, k=a.k, user=b["user"], beam_size=a.beam)
    decode(0, min(a.decode_batch, n)); sync()
    t = time.perf_counter()
    for lo in range(0, n, a.decode_batch): out = decode(lo, min(lo + a.decode_batch, n))
    sync(); dec_s = time.perf_counter() - t
    assert (out >= 0).all()
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else f"{platform.processor() or platform.machine()} {label}"
    print(f"\nTIGER paper size ({model.num_parameters():,} parameters), Beauty, {name}, precision {a.precision}\n")
    print("| measure | setting | value |\n|---|---|---|")
    print(f"| training throughput | batch {a.batch_size}, {a.train_steps} steps{', compiled' if a.compile else ''} | {ex_s:,.0f} examples/s |")
    print(f"| constrained beam search | beam {a.beam}, k {a.k}, {n:,} test users, batch {a.decode_batch} | {n / dec_s:,.1f} users/s ({dec_s:.1f} s) |")
    n_test, n_train = len(va["target"]), len(tr["target"])
    print(f"| full test set ({n_test:,} users), extrapolated | | {n_test / (n / dec_s):,.1f} s |")
    print(f"| one epoch ({n_train:,} examples), extrapolated | | {n_train / ex_s:,.0f} s |")

if __name__ == "__main__": main()
