"""Two-tower speed on CPU (or GPU): one training epoch over Beauty with the default config, and full-catalogue
scoring (every user against every item: catalogue embedding, user embeddings, one (B, n_items) matrix product per
batch of users, top-k; `--exclude-seen` masks the user's own items first).

    python bench/bench_two_tower.py --threads 1
    python bench/bench_two_tower.py --threads 2 --config config/training_config.yaml --set model.use_history=false
    python bench/bench_two_tower.py --data-path <processed beauty folder>   # read the processed layout instead
"""
import argparse, time

import numpy as np
import torch

from genrec.core import parse_value
from genrec.two_tower import TwoTowerRecommender
from genrec.two_tower_trainer import (TwoTowerTrainer, build_two_tower, load_two_tower_config, load_two_tower_data,
                                      two_tower_loader)
from common import add_runtime_args, measure_table, runtime  # bench/common.py


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="config/training_config.yaml", help="training config (YAML)")
    ap.add_argument("--data-path", default=None, help="processed folder (read if it holds one, else written); "
                                                      "default: the dataset in memory")
    ap.add_argument("--set", nargs="*", default=[], metavar="SECTION.KEY=VALUE",
                    help="config overrides (JSON or YAML values: 1e-3, true, null, [64], text)")
    ap.add_argument("--exclude-seen", action="store_true", help="mask the user's own items before the top-k")
    ap.add_argument("--k", type=int, default=10, help="top-k of the scoring benchmark")
    ap.add_argument("--repeats", type=int, default=3, help="scoring repeats (best is reported)")
    ap.add_argument("--skip-epoch", action="store_true", help="time only the scoring")
    add_runtime_args(ap)
    a = ap.parse_args()
    dev, sync, device_label = runtime(a)
    ov = {"data.data_path": a.data_path, "training.device": a.device, "training.progress": False,
          **{k: parse_value(v) for k, v in (s.split("=", 1) for s in a.set)}}
    cfg = load_two_tower_config(a.config, ov)
    tc = cfg.training

    t = time.perf_counter()
    d = load_two_tower_data(cfg.data); train_ds, val_ds, _ = d.datasets(cfg.data.neg_ratio, cfg.data.history_len)
    data_s = time.perf_counter() - t
    model = build_two_tower(cfg, d).to(dev)
    loader = two_tower_loader(train_ds, tc.batch_size, True, seed=a.seed)
    trainer = TwoTowerTrainer(model, loader, two_tower_loader(val_ds, tc.eval_batch_size, False), cfg)

    rows = [("device", device_label),
            ("dataset", f"{d.name}: {d.n_users:,} users, {d.n_items:,} items, "
                        f"{int(train_ds.label.sum()):,} train positives"),
            ("model", f"loss={tc.loss} history_len={model.history_len} use_user_id={cfg.model.use_user_id} "
                      f"embedding_dim={cfg.model.embedding_dim} batch_size={tc.batch_size}"),
            ("parameters", f"{sum(p.numel() for p in model.parameters()):,}"),
            ("load data (s)", f"{data_s:.2f}")]
    if not a.skip_epoch:
        sync(); t = time.perf_counter()
        trainer.train_epoch(0)
        sync(); ep_s = time.perf_counter() - t
        rows += [("one training epoch (s)",
                  f"{ep_s:.1f} ({len(loader)} steps, {len(train_ds) / ep_s:,.0f} examples/s)")]
        t = time.perf_counter(); trainer.validate(); sync()
        rows += [("validation: loss + full ranking of all users (s)", f"{time.perf_counter() - t:.1f}")]

    users, hist = np.arange(d.n_users), d.histories("test")
    model.eval()
    best = {}
    for _ in range(a.repeats):
        rec = TwoTowerRecommender(model, tc.eval_batch_size)
        sync(); t = time.perf_counter(); rec.item_embeddings(); sync(); t_items = time.perf_counter() - t
        t = time.perf_counter(); top = rec.recommend(users, hist, a.k, exclude_seen=a.exclude_seen); sync()
        t_rec = time.perf_counter() - t
        for k, v in (("items", t_items), ("rec", t_rec)): best[k] = min(best.get(k, 1e9), v)
    assert top.shape == (d.n_users, a.k)
    U = torch.nn.functional.normalize(torch.randn(d.n_users, model.hparams["embedding_dim"], device=dev), dim=-1)
    V = rec.item_embeddings()
    sync(); t = time.perf_counter()
    for lo in range(0, d.n_users, tc.eval_batch_size): (U[lo:lo + tc.eval_batch_size] @ V.T).topk(a.k, dim=1)
    sync(); t_mm = time.perf_counter() - t
    rows += [("embed catalogue (s)", f"{best['items']:.2f} ({d.n_items:,} items)"),
             (f"recommend top-{a.k} for all users (s)",
              f"{best['rec']:.2f} ({d.n_users:,} x {d.n_items:,} scores, batches of {tc.eval_batch_size}, "
              f"exclude_seen={a.exclude_seen}; best of {a.repeats})"),
             ("scored users/s", f"{d.n_users / best['rec']:,.0f}"),
             ("matrix product + top-k only (s)", f"{t_mm:.2f}")]
    print(measure_table(rows))


if __name__ == "__main__":
    main()
