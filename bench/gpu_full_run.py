"""One GPU session, one command: every genrec model on Amazon Beauty, timed, inside a fixed time budget.

Steps (each timed, each checked against the budget and recorded as skipped, with the reason, when it would overrun;
one failing step is recorded and the others still run):
  1. tokenizer     RQ-VAE at its default config (genrec.rqvae.train_tokenizer) and its health table
  2. tiger_train   TIGER at paper size (4+4 layers, 6x64 heads, width 128, MLP 1024, 20 history items, 3x256 codes +
                   uniqueness, bf16) through genrec.tiger_trainer.train_tiger on the step-1 IDs; a short calibration
                   measures each training variant (--tiger_variants: eager, fused AdamW, torch.compile, CUDA graphs;
                   compile time counted) and decoding users/s, picks the variant that trains the planned examples
                   soonest, and plans the cosine schedule to end inside the training time (target --tiger_examples
                   training targets, at most --tiger_minutes)
  3. tiger_decode  constrained beam search (beam 20) of ALL validation and test users with the best checkpoint
  4. two_tower     genrec.two_tower.train_two_tower, default config (config/training_config.yaml), early stopping
     sasrec        genrec.sasrec.train_sasrec (the BENCHMARKS.md config), early stopping on validation NDCG@10
     baselines     most-popular and last-item transitions on the same users (the floor)
  5. --out gets results.json (rewritten atomically after every step), summary.md, log.txt, tiger_curves.png,
     rqvae_curves.png, baselines_curves.png and semantic_ids.npy (7 files).

Prepare the data once, here, from the repository root (the device copy of the repo has no ../shared):
    mkdir -p .devdata && cp -r ../shared/data/amazon-beauty .devdata/

The device run (the `run` tool, from the repository root, with the data carried):
    run(command="python bench/gpu_full_run.py --out $OUT", carry=[".devdata"], timeout_s=600)

Smoke test of the same code path on the CPU at tiny size (< 3 minutes on 2 cores):
    GENREC_DATA_DIR=/work/shared/data python bench/gpu_full_run.py --smoke --out /tmp/gpu_smoke

The script needs only torch, accelerate, safetensors, numpy, pandas, pyarrow, pyyaml, tqdm and matplotlib (no nbdev,
fastcore or papermill); it imports genrec from this checkout, so nothing needs installing on the device.
"""
import argparse, hashlib, json, os, platform, random, shutil, subprocess, sys, time, traceback
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent  # the checkout whose genrec/ this script runs
FILL_DATA = "mkdir -p .devdata && cp -r ../shared/data/amazon-beauty .devdata/"
METRIC_COLS = [f"{m}@{k}" for k in (5, 10, 20) for m in ("recall", "ndcg")]

# Sizes of the two modes; any flag given on the command line wins over its profile value.
PROFILES = {
    "full": dict(
        rqvae_epochs=50,  # TIGER's default: at most 50 epochs, the latest that passes the health bars kept
        tiger_dims=dict(embedding_dim=128, attn_dim=384, num_heads=6, n_layers=4, mlp_dim=1024),  # paper size
        tiger_batch_size=2048, tiger_lr=2e-3, tiger_minutes=5.0, tiger_examples=7e6, tiger_calibrate_steps=60,
        calibrate_warmup_steps=5, tiger_validations=12, tiger_variants="eager,fused,compile,cudagraphs",
        variants_budget_s=150, max_train_users=None, eval_users=2000, decode_users=None,
        eval_batch_size=2048, two_tower_overrides={}, sasrec_epochs=200, sasrec_users=None,
        # seconds each step is expected to need (min: the least worth starting); tiger_train plans around them
        est_s=dict(tokenizer=45, tiger_min=90, two_tower=75, sasrec=45, sasrec_min=20, baselines=20,
                   slack=20),
    ),
    "smoke": dict(
        rqvae_epochs=5,
        tiger_dims=dict(embedding_dim=32, attn_dim=32, num_heads=2, n_layers=1, mlp_dim=64),
        tiger_batch_size=256, tiger_lr=3e-3, tiger_minutes=0.5, tiger_examples=1.5e5, tiger_calibrate_steps=5,
        calibrate_warmup_steps=1, tiger_validations=3, tiger_variants="eager,fused", variants_budget_s=30, max_train_users=5000, eval_users=200, decode_users=300,
        eval_batch_size=150,
        two_tower_overrides={"data.max_users": 2000, "training.num_epochs": 1}, sasrec_epochs=1, sasrec_users=2000,
        est_s=dict(tokenizer=10, tiger_min=10, two_tower=20, sasrec=5, sasrec_min=3, baselines=5, slack=5),
    ),
}


# TIGER training variants the calibration measures (TigerTrainConfig keys); CUDA graphs come through torch.compile's
# 'reduce-overhead' mode, which records one graph per batch shape
TIGER_VARIANTS = {"eager": dict(compile="no", fused_adamw=False), "fused": dict(compile="no", fused_adamw=True),
                  "compile": dict(compile="default", fused_adamw=True),
                  "cudagraphs": dict(compile="reduce-overhead", fused_adamw=True)}


def parse_args(argv=None)->SimpleNamespace:
    "Command-line flags merged over the profile of the mode (--smoke or full)."
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="folder for results.json, summary.md, log.txt and the PNGs ($OUT)")
    p.add_argument("--smoke", action="store_true", help="tiny sizes on the CPU (even when CUDA exists), < 3 min")
    p.add_argument("--data_dir", default=".devdata",
                   help="folder holding amazon-beauty/ (falls back to $GENREC_DATA_DIR); default .devdata")
    p.add_argument("--work_dir", default=None, help="scratch folder for checkpoints and processed data "
                   "(default outputs/gpu_full_run[_smoke]; only its step subfolders are replaced)")
    p.add_argument("--budget_minutes", type=float, default=9.0, help="wall-time budget of the whole script")
    p.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"], help="auto: cuda if available")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--precision", default="bf16", choices=["bf16", "fp16", "no", "auto"], help="TIGER mixed precision")
    p.add_argument("--no_tf32", action="store_true", help="exact float32 matmuls on the GPU (default: TF32 on)")
    p.add_argument("--progress", action="store_true", help="show the library's tqdm bars")
    g = p.add_argument_group("tokenizer")
    g.add_argument("--rqvae_epochs", type=int, default=None, help="most RQ-VAE epochs (full 50, smoke 5)")
    g = p.add_argument_group("TIGER")
    g.add_argument("--tiger_encoder", default="block_causal", choices=["block_causal", "bidirectional"])
    g.add_argument("--tiger_item_ids", action=argparse.BooleanOptionalAction, default=False,
                   help="the encoder also reads a learned embedding of each history item (item_id_embeddings; on the "
                        "CPU it learned faster early, then overfitted); default: the paper's codes-only encoder")
    g.add_argument("--tiger_batch_size", type=int, default=None,
                   help="training targets per step (windows with --tiger_encoder bidirectional); full 2048")
    g.add_argument("--tiger_lr", type=float, default=None, help="AdamW peak learning rate, cosine decay; full 2e-3")
    g.add_argument("--tiger_minutes", type=float, default=None, help="training wall-time cap (full 5)")
    g.add_argument("--tiger_examples", type=float, default=None,
                   help="training targets to aim for; epochs are planned from it and the measured speed (full 7e6)")
    g.add_argument("--tiger_warmup_frac", type=float, default=0.05, help="warm-up steps as a fraction of the plan")
    g.add_argument("--tiger_validations", type=int, default=None, help="validations over the planned schedule")
    g.add_argument("--tiger_patience", type=int, default=0, help="stop after this many validations without a "
                   "better Recall@10 (0: run the planned schedule)")
    g.add_argument("--tiger_calibrate_steps", type=int, default=None, help="steps of the speed calibration run")
    g.add_argument("--tiger_variants", default=None, help="training variants to measure, comma-separated, from "
                   f"{sorted(TIGER_VARIANTS)}; the fastest for the plan trains (full: all four, smoke: eager,fused)")
    g.add_argument("--variants_budget_s", type=float, default=None, help="no new variant starts after this many "
                   "seconds of calibration (full 150, smoke 30)")
    g.add_argument("--eval_users", type=int, default=None, help="validation users during training (full 2000)")
    g.add_argument("--eval_batch_size", type=int, default=None, help="users per beam-search batch (full 2048)")
    g.add_argument("--decode_users", type=int, default=None,
                   help="users per split decoded by step 3 and scored by the baselines (default: all; smoke 300)")
    g = p.add_argument_group("SASRec (defaults: the BENCHMARKS.md runs)")
    g.add_argument("--sasrec_lr", type=float, default=2e-3)
    g.add_argument("--sasrec_dropout", type=float, default=0.3)
    g.add_argument("--sasrec_patience", type=int, default=5)
    g.add_argument("--sasrec_epochs", type=int, default=None, help="maximum epochs (full 200, smoke 1)")
    a = p.parse_args(argv)
    prof = PROFILES["smoke" if a.smoke else "full"]
    flags = {k: v for k, v in vars(a).items() if v is not None or k not in prof}
    return SimpleNamespace(**{**prof, **flags, "mode": "smoke" if a.smoke else "full"})


class Skip(Exception):
    "A step that cannot run (budget, or an earlier step it needs did not finish); the message says why."


class Budget:
    "Wall-time budget counted from `t0` (a time.perf_counter() value)."
    def __init__(self, minutes:float, t0:float): self.total_s, self.t0 = 60 * minutes, t0
    def elapsed(self)->float: return time.perf_counter() - self.t0
    def left(self)->float: return self.total_s - self.elapsed()


def _jsonable(o):
    "json.dumps fallback: numpy/torch scalars and arrays to numbers and lists, anything else (paths…) to text."
    if hasattr(o, "item") and getattr(o, "ndim", 1) == 0: return o.item()
    if hasattr(o, "tolist"): return o.tolist()
    return str(o)


class Bench:
    "The run's settings, budget, output folder, results record and the state steps hand to each other (`ctx`)."
    def __init__(self, c:SimpleNamespace, budget:Budget, device:str):
        self.c, self.budget, self.device = c, budget, device
        self.out = Path(c.out); self.out.mkdir(parents=True, exist_ok=True)
        default_work = REPO/"outputs"/("gpu_full_run_smoke" if c.mode == "smoke" else "gpu_full_run")
        self.work = Path(c.work_dir) if c.work_dir else default_work
        self.work.mkdir(parents=True, exist_ok=True)
        (self.out/"log.txt").write_text("")
        self.ctx = {}
        self.results = dict(started_utc=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), mode=c.mode,
                            seed=c.seed, budget_minutes=c.budget_minutes, settings=vars(c), steps={})

    def log(self, msg:str):
        line = f"[{self.budget.elapsed():6.1f}s] {msg}"
        print(line, flush=True)
        with open(self.out/"log.txt", "a") as f: f.write(line + "\n")

    def save(self):
        "Write results.json and summary.md, each through a temp file and a rename."
        self.results["elapsed_s"] = self.budget.elapsed()
        for name, text in (("results.json", json.dumps(self.results, indent=1, default=_jsonable)),
                           ("summary.md", summary_markdown(self.results))):
            tmp = self.out/(name + ".tmp")
            tmp.write_text(text)
            os.replace(tmp, self.out/name)

    def fresh_dir(self, name:str)->Path:
        "work/<name>, emptied: every run starts its steps over."
        d = self.work/name
        if d.exists(): shutil.rmtree(d)
        return d

    def step(self, name:str, need_s:float, fn):
        "Run `fn(bench, rec)` unless under `need_s` seconds are left; time it, catch its failure, record, save."
        import torch
        rec = self.results["steps"][name] = dict(status="running", started_at_s=round(self.budget.elapsed(), 1))
        if self.budget.left() < need_s:
            rec.update(status="skipped", reason=f"needs ~{need_s:.0f} s, {self.budget.left():.0f} s of the budget left")
            self.log(f"== {name}: skipped ({rec['reason']})"); self.save()
            return
        self.log(f"== {name} ({self.budget.left():.0f} s of the budget left)"); self.save()
        gpu = self.device == "cuda"
        if gpu: torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
        t = time.perf_counter()
        try:
            fn(self, rec)
            rec["status"] = "ok"
        except Skip as e:
            rec.update(status="skipped", reason=str(e))
        except Exception as e:
            rec.update(status="failed", error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc()[-4000:])
            self.log(rec["traceback"])
        if gpu:
            try: torch.cuda.synchronize(); rec["peak_gpu_mem_gib"] = torch.cuda.max_memory_allocated() / 2**30
            except Exception as e: rec["cuda_error_after_step"] = f"{type(e).__name__}: {e}"
        rec["seconds"] = time.perf_counter() - t
        why = rec.get("reason") or rec.get("error") or ""
        self.log(f"== {name}: {rec['status']} in {rec['seconds']:.1f} s" + (f" ({why})" if why else ""))
        self.save()

    def plot(self, name:str, draw):
        "Save the figure `draw(fig)` fills as <out>/<name>; a plotting error is recorded, not raised."
        try:
            from matplotlib.figure import Figure
            fig = Figure(figsize=(12, 3.8))
            draw(fig)
            fig.tight_layout(); fig.savefig(self.out/name, dpi=100)
        except Exception as e:
            self.results.setdefault("plot_errors", {})[name] = f"{type(e).__name__}: {e}"


def sync(device:str):
    "Wait for the GPU, so wall times are honest."
    import torch
    if device == "cuda": torch.cuda.synchronize()


# ---------------------------------------------------------------------------------------------------------- steps

def step_tokenizer(b:Bench, rec:dict):
    "RQ-VAE, default config, on the shipped MiniLM item embeddings; health table and bars."
    from dataclasses import asdict
    import numpy as np
    from genrec.embeddings import item_embeddings
    from genrec.rqvae import RqVaeConfig, train_tokenizer
    from genrec.semantic_ids import health_bars, health_summary, health_table
    ds, c = b.ctx["ds"], b.c
    emb = item_embeddings(ds)  # (n_items, 384), row i = item i
    tok_dir = b.fresh_dir("tokenizer")
    tok, hist, health = train_tokenizer(emb, "rqvae", RqVaeConfig(), epochs=c.rqvae_epochs, seed=c.seed,
                                        select="recon", out_dir=tok_dir, device=b.device,
                                        progress=c.progress)  # TIGER's rule (rqvae_select: recon)
    sync(b.device)
    bars = {k: dict(value=v, threshold=t, passed=bool(ok)) for k, (v, t, ok) in health_bars(health).items()}
    table = health_table(health).reset_index()
    rec.update(config=asdict(tok.config), epochs=health["trained_epochs"], kept_epoch=health["selected_epoch"],
               train_s=health["wall_s"], items_per_s=ds.n_items * health["trained_epochs"] / health["wall_s"],
               health=health,
               health_table=table.to_dict("records"), bars=bars,
               all_bars_passed=all(x["passed"] for x in bars.values()),
               summary=health_summary(health), history=hist)
    shutil.copy(tok_dir/"semantic_ids.npy", b.out/"semantic_ids.npy")
    b.ctx["tok_dir"] = tok_dir
    b.log(health_summary(health))
    b.log("\n" + md_table(list(table.columns), [list(r) for r in table.itertuples(index=False)]))
    for k, x in bars.items(): b.log(f"{'PASS' if x['passed'] else 'fail'}  {k}  (value {x['value']:g})")

    def draw(fig):
        a1, a2 = fig.subplots(1, 2)
        for k in ("loss", "recon_loss", "codebook_loss", "commit_loss"):
            a1.plot(range(1, len(hist[k]) + 1), hist[k], label=k)
        a1.set(title="RQ-VAE training loss", xlabel="epoch", yscale="log"); a1.legend(fontsize=8)
        a2.plot(hist["eval_epoch"], 100 * np.array(hist["collision_rate"]), "o-", label="% items colliding")
        a2.set(title="collisions on the 3 learned codes", xlabel="epoch", ylabel="%"); a2.legend(fontsize=8)
    b.plot("rqvae_curves.png", draw)


def tiger_config(b:Bench, **extra):
    "The TIGER training config of this run (paper-size model unless --smoke); `extra` overrides keys."
    from genrec.tiger_config import load_tiger_config
    c = b.c
    keys = dict(dataset="beauty", dataset_folder=str(b.ctx["data_folder"]), save_dir_root=str(b.work/"tiger"),
                pretrained_rqvae_path=str(b.ctx["tok_dir"]), **c.tiger_dims, dropout=0.1, max_seq_len=20,
                num_item_embeddings=256, num_user_embeddings=2000, sem_id_dim=3,
                block_causal=c.tiger_encoder == "block_causal", item_id_embeddings=c.tiger_item_ids, augmentation=True, subsample=False,
                bucket_by_length=True, mixed_precision_type=c.precision, batch_size=c.tiger_batch_size,
                learning_rate=c.tiger_lr, weight_decay=0.035, lr_schedule="cosine", max_grad_norm=1.0,
                patience=c.tiger_patience, beam_size=20, eval_batch_size=c.eval_batch_size, eval_users=c.eval_users,
                max_train_users=c.max_train_users, final_eval_users=c.decode_users, keep_checkpoints=1, seed=c.seed)
    return load_tiger_config(None, **{**keys, **extra})


def step_tiger_train(b:Bench, rec:dict):
    "Calibrate speed, plan the cosine schedule to fit the time left, train, keep the best checkpoint."
    import numpy as np
    from genrec.tiger_eval import evaluate_tiger
    from genrec.tiger_trainer import item_semantic_ids, make_accelerator, resolve_precision, select_users, train_tiger
    if "tok_dir" not in b.ctx: raise Skip("needs the tokenizer of step 1, which did not finish")
    ds, c, est = b.ctx["ds"], b.c, b.c.est_s
    run_dir = b.fresh_dir("tiger")
    # wandb_log_interval=1: the loss is read back every step, which waits for the GPU, so per-step times are honest
    cal_keys = dict(epochs=1, warmup_steps=10, eval_every=10**9, save_every=10**9, wandb_log_interval=1)
    cal_cfg = tiger_config(b, **cal_keys)
    ids, src = item_semantic_ids(cal_cfg, ds, run_dir)  # loads the ID table train_tokenizer wrote
    acc = make_accelerator(cal_cfg, run_dir)
    b.ctx.update(acc=acc)
    rec.update(semantic_ids=src, precision=resolve_precision(c.precision), accelerate_device=str(acc.device))

    # 1. speed: training steps through the real trainer, once per variant (eager / fused AdamW / torch.compile /
    #    CUDA graphs), then one decoding batch. Per variant: the first `calibrate_warmup_steps` steps hold the kernel
    #    warm-up and any compilation; the steps after them give the steady speed. The variant that would train the
    #    planned examples soonest, its compilation counted, trains the real run.
    t = time.perf_counter()
    cal_dir = b.fresh_dir("tiger_calibration")
    variants, first = {}, None
    for name in [v for v in c.tiger_variants.split(",") if v]:
        if name not in TIGER_VARIANTS: raise ValueError(f"--tiger_variants: unknown {name!r}; known {sorted(TIGER_VARIANTS)}")
        if variants and time.perf_counter() - t > c.variants_budget_s:
            variants[name] = dict(status="skipped", reason=f"calibration past its {c.variants_budget_s:.0f} s budget")
            continue
        vcfg = tiger_config(b, **{**cal_keys, **TIGER_VARIANTS[name]}, save_dir_root=str(cal_dir/name))
        tv = time.perf_counter()
        try:
            cal = train_tiger(vcfg, ds, ids, vcfg.save_dir_root, stop_after_steps=c.calibrate_warmup_steps + c.tiger_calibrate_steps,
                              accelerator=acc, progress=False)
            sync(b.device)
        except Exception as e:  # a variant this torch/device cannot run (e.g. no compiler): recorded, others go on
            variants[name] = dict(status="failed", error=f"{type(e).__name__}: {e}"[:500]); b.log(f"variant {name}: {variants[name]['error']}")
            continue
        w = c.calibrate_warmup_steps
        steady_s, steady_n = sum(x[0] for x in cal.step_log[w:]), sum(x[1] for x in cal.step_log[w:])
        rate = steady_n / max(steady_s, 1e-9)
        warm_s = sum(x[0] for x in cal.step_log[:w]) - w * steady_s / max(1, len(cal.step_log) - w)  # above steady
        variants[name] = dict(status="ok", **TIGER_VARIANTS[name], examples_per_s=rate, warmup_extra_s=max(0.0, warm_s),
                              wall_s=time.perf_counter() - tv)
        b.log(f"variant {name}: {rate:,.0f} targets/s steady, {max(0.0, warm_s):.1f} s of warm-up/compilation")
        if first is None: first = cal
        else: del cal
    ok = {k: v for k, v in variants.items() if v["status"] == "ok"}
    if not ok: raise RuntimeError(f"no TIGER variant ran: {variants}")
    n_dec = min(ds.n_users, c.eval_batch_size)
    decode = lambda users: evaluate_tiger(first.model, ds, "valid", users=users, beam_size=20,
                                          batch_size=c.eval_batch_size, accelerator=acc)
    decode(np.arange(min(n_dec, 64)))  # warm-up
    sync(b.device); t_dec = time.perf_counter()
    decode(np.arange(n_dec))
    sync(b.device)
    decode_rate = n_dec / (time.perf_counter() - t_dec)
    spe = first.total_steps  # one epoch was planned, so this is the optimiser steps per epoch
    # the pick: least time for the examples target (or the most examples in the time cap), compilation counted
    cost = lambda v: v["warmup_extra_s"] + c.tiger_examples / v["examples_per_s"]
    pick = min(ok, key=lambda k: cost(ok[k]))
    rec["calibration"] = dict(variants=variants, picked=pick, examples_per_s=ok[pick]["examples_per_s"],
                              steps_per_epoch=spe, decode_users=n_dec, decode_users_per_s=decode_rate,
                              seconds=time.perf_counter() - t)
    del first
    shutil.rmtree(cal_dir, ignore_errors=True)
    b.log(f"calibration: picked {pick} ({rec['calibration']['examples_per_s']:,.0f} training targets/s), "
          f"{decode_rate:,.0f} users/s decoding, {spe} steps per epoch")

    # 2. the plan: training time, then epochs from the examples target and the measured speed
    n_users_decoded = ds.n_users if c.decode_users is None else min(c.decode_users, ds.n_users)
    decode_est = 2 * n_users_decoded / decode_rate * 1.15 + 5
    b.ctx["decode_est_s"] = decode_est
    left = b.budget.left() - decode_est - est["slack"]
    later = est["two_tower"] + est["sasrec"] + est["baselines"]
    train_s = min(60 * c.tiger_minutes, left - later)
    if train_s < est["tiger_min"]: train_s = min(60 * c.tiger_minutes, left)  # TIGER first: give it the others' time
    if train_s < est["tiger_min"]:
        raise Skip(f"only {train_s:.0f} s left for training after the calibration (decoding needs ~{decode_est:.0f} s)")
    train_users, _ = select_users(cal_cfg, ds.n_users)
    seqs = ds.sequences if train_users is None else [ds.sequences[u] for u in train_users]
    n_train = int(sum(max(len(s) - 3, 0) for s in seqs))  # training targets per epoch (every sliding window)
    val_s = c.tiger_validations * min(c.eval_users or ds.n_users, ds.n_users) / decode_rate
    rate = rec["calibration"]["examples_per_s"]
    compile_s = variants[pick]["warmup_extra_s"]  # the real run compiles again (or hits the cache)
    epochs_by_time = 0.85 * rate * max(train_s - val_s - compile_s, 0.0) / n_train
    epochs = max(1, int(min(c.tiger_examples / n_train, epochs_by_time)))
    total = epochs * spe
    cfg = tiger_config(b, **TIGER_VARIANTS[pick], epochs=epochs, decay_epochs=None, warmup_steps=max(1, round(c.tiger_warmup_frac * total)),
                       eval_every=max(1, total // c.tiger_validations), save_every=0,
                       wandb_log_interval=max(1, total // 200))
    rec["plan"] = dict(train_s=train_s, n_train_targets_per_epoch=n_train, epochs=epochs, steps=total,
                       planned_examples=epochs * n_train, epochs_by_time=epochs_by_time,
                       epochs_by_target=c.tiger_examples / n_train, validation_s_est=val_s, decode_est_s=decode_est,
                       warmup_steps=cfg.warmup_steps, eval_every=cfg.eval_every)
    rec["config"] = cfg.flat()
    b.log(f"plan: {epochs} epochs x {n_train:,} targets = {epochs * n_train:,} examples, {total:,} steps, "
          f"batch {cfg.batch_size}, lr {cfg.learning_rate}, warm-up {cfg.warmup_steps}, "
          f"validate every {cfg.eval_every}, stop after {train_s / 60:.2f} min"); b.save()

    # 3. the run
    t = time.perf_counter()
    run = train_tiger(cfg, ds, ids, run_dir, accelerator=acc, progress=c.progress, stop_after_minutes=train_s / 60)
    sync(b.device)
    stopped_by = run.stopped_by
    rec.update(wall_s=time.perf_counter() - t, steps=run.steps, total_steps=run.total_steps, stopped_by=stopped_by,
               train_step_s=run.train_time_s, examples_per_s=run.examples_per_s, totals=run.totals,
               examples_seen=run.totals["examples"], epochs_done=run.steps / spe, best=run.best,
               n_parameters=run.model.num_parameters(), history=run.history, losses=[list(l) for l in run.losses])
    b.ctx.update(tiger_best=run_dir/"best" if (run_dir/"best").exists() else None, tiger_last=run.model)
    best = run.best
    b.log(f"trained {run.steps:,}/{run.total_steps:,} steps ({stopped_by}), {run.totals['examples']:,} examples at "
          f"{run.examples_per_s:,.0f}/s; best validation Recall@10 {best.get('recall@10', float('nan')):.4f} "
          f"at step {best['step']}")

    def draw(fig):
        a1, a2 = fig.subplots(1, 2)
        if run.losses: a1.plot(*zip(*run.losses))
        a1.set(title="TIGER training loss", xlabel="step", ylabel="cross-entropy per code")
        h = run.history
        for m in ("recall@10", "ndcg@10", "recall@20"):
            a2.plot([r["step"] for r in h], [r[m] for r in h], "o-", label=m)
        a2.set(title=f"validation ({c.eval_users} users, beam 20)", xlabel="step"); a2.legend(fontsize=8)
    b.plot("tiger_curves.png", draw)


def step_tiger_decode(b:Bench, rec:dict):
    "Constrained beam search of every validation and test user (or --decode_users) with the best checkpoint."
    from genrec.tiger import Tiger
    from genrec.tiger_eval import score_topk, tiger_topk
    if "acc" not in b.ctx or (b.ctx.get("tiger_best") is None and b.ctx.get("tiger_last") is None):
        raise Skip("needs a trained TIGER from step 2, which did not finish")
    ds, c, acc = b.ctx["ds"], b.c, b.ctx["acc"]
    best = b.ctx["tiger_best"]
    model = Tiger.from_pretrained(best, map_location=acc.device) if best else b.ctx["tiger_last"]
    rec["checkpoint"] = str(best) if best else "last weights (no validation ran)"
    model.eval()
    users = b.ctx["eval_user_subset"]
    n = ds.n_users if users is None else len(users)
    for split in ("valid", "test"):
        sync(b.device); t = time.perf_counter()
        top, ex = tiger_topk(model, ds, split, users=users, beam_size=20, batch_size=c.eval_batch_size, accelerator=acc)
        sync(b.device); dt = time.perf_counter() - t
        rec[split] = score_topk(top, ex, ds, split)  # both policies for the user's own items, from one decode
        rec[split + "_exclude_seen"] = score_topk(top, ex, ds, split, exclude_seen=True)
        rec.update({f"{split}_users": n, f"{split}_decode_s": dt, f"{split}_users_per_s": n / dt})
        b.log(f"{split}: {n:,} users in {dt:.1f} s ({n / dt:,.0f} users/s), Recall@10 {rec[split]['recall@10']:.4f}, "
              f"NDCG@10 {rec[split]['ndcg@10']:.4f}")
    rec["users_per_s"] = 2 * n / (rec["valid_decode_s"] + rec["test_decode_s"])


def step_two_tower(b:Bench, rec:dict):
    "The two-tower at its default config (config/training_config.yaml), through train_two_tower."
    from genrec.two_tower_trainer import train_two_tower
    c = b.c
    overrides = {"data.dataset": "beauty", "data.data_dir": str(b.ctx["data_folder"]),
                 "data.data_path": str(b.fresh_dir("two_tower_data")), "data.seed": c.seed,
                 "training.output_dir": str(b.fresh_dir("two_tower")), "training.device": b.device,
                 "training.progress": c.progress, "training.seed": c.seed, **c.two_tower_overrides}
    trainer, res = train_two_tower(REPO/"config"/"training_config.yaml", overrides)
    sync(b.device)
    n_pos = int(trainer.train_loader.dataset.label.sum())  # positives per epoch (the softmax loss uses those)
    keep = ("best_epoch", "epochs_run", "stopped_early", "best_val_metrics", "test_metrics", "train_losses",
            "val_losses", "val_metrics", "epoch_seconds", "train_seconds", "test_seconds", "config")
    rec.update({k: res.get(k) for k in keep}, overrides=overrides, train_positives_per_epoch=n_pos,
               examples_per_s=n_pos * res["epochs_run"] / sum(res["epoch_seconds"]),  # validation time included
               n_parameters=sum(p.numel() for p in trainer.model.parameters()), n_users=trainer.data.n_users)
    b.ctx["two_tower"] = res
    b.log(f"best epoch {res['best_epoch']} of {res['epochs_run']}; "
          f"test Recall@10 {res['test_metrics']['recall@10']:.4f}"
          f", NDCG@10 {res['test_metrics']['ndcg@10']:.4f}; {rec['examples_per_s']:,.0f} examples/s incl. validation")


def step_sasrec(b:Bench, rec:dict):
    "SASRec (the BENCHMARKS.md config) to its best validation epoch, capped by the budget."
    import numpy as np
    from genrec.data import RecDataset
    from genrec.sasrec import SASRecConfig, train_sasrec
    ds, c, est = b.ctx["ds"], b.c, b.c.est_s
    if c.sasrec_users is not None and c.sasrec_users < ds.n_users:  # smoke: a random subset of users
        keep = np.sort(np.random.default_rng(c.seed).choice(ds.n_users, c.sasrec_users, replace=False))
        ds = RecDataset(ds.name, [ds.sequences[u] for u in keep], ds.items, [ds.user_ids[u] for u in keep])
    max_minutes = (b.budget.left() - est["baselines"] - est["slack"] - 10) / 60
    if max_minutes * 60 < est["sasrec_min"]: raise Skip(f"only {60 * max_minutes:.0f} s left for SASRec")
    cfg = SASRecConfig(n_items=ds.n_items, max_seq_len=50, d_model=64, n_layers=2, n_heads=1, ff_mult=1,
                       dropout=c.sasrec_dropout)
    run = train_sasrec(ds, cfg, epochs=c.sasrec_epochs, batch_size=128, lr=c.sasrec_lr, seed=c.seed, device=b.device,
                       patience=c.sasrec_patience, out_dir=b.fresh_dir("sasrec"), monitor="ndcg@10",
                       max_minutes=max_minutes, progress=c.progress)
    sync(b.device)
    hist = run["history"]
    n_seq = sum(len(s) >= 2 for s in ds.train_sequences)  # training windows (one per user) per epoch
    stopped_by = ("max epochs" if len(hist) >= c.sasrec_epochs else
                  "time limit" if hist[-1]["seconds"] > 60 * max_minutes else "patience")
    rec.update(config=run["config"], lr=c.sasrec_lr, batch_size=128, max_minutes=max_minutes,
               best_epoch=run["best_epoch"], epochs_run=len(hist), stopped_by=stopped_by, valid=run["valid"],
               test=run["test"], history=hist, seconds=run["seconds"], n_users=ds.n_users,
               sequences_per_s=n_seq * len(hist) / hist[-1]["seconds"],  # validation time included
               n_parameters=sum(p.numel() for p in run["model"].parameters()))
    b.ctx["sasrec"] = rec
    b.log(f"best epoch {run['best_epoch']} of {len(hist)} ({stopped_by}); test Recall@10 {run['test']['recall@10']:.4f}"
          f", NDCG@10 {run['test']['ndcg@10']:.4f}")

    def draw(fig):
        a1, a2 = fig.subplots(1, 2)
        tt = b.ctx.get("two_tower")
        if tt:
            ep = range(1, len(tt["val_metrics"]) + 1)
            a1.plot(ep, tt["train_losses"], "o-", label="two-tower train loss")
            a2.plot(ep, [m["recall@10"] for m in tt["val_metrics"]], "o-", label="two-tower recall@10")
        a1.plot([r["epoch"] for r in hist], [r["loss"] for r in hist], "s-", label="SASRec train loss")
        ev = [r for r in hist if "valid_recall@10" in r]
        a2.plot([r["epoch"] for r in ev], [r["valid_recall@10"] for r in ev], "s-", label="SASRec recall@10")
        a2.plot([r["epoch"] for r in ev], [r["valid_ndcg@10"] for r in ev], "s--", label="SASRec ndcg@10")
        a1.set(title="training loss", xlabel="epoch"); a1.legend(fontsize=8)
        a2.set(title="validation (full ranking)", xlabel="epoch"); a2.legend(fontsize=8)
    b.plot("baselines_curves.png", draw)


def step_baselines(b:Bench, rec:dict):
    "Most-popular and last-item transitions, on the users step 3 decoded."
    from genrec.baselines import MostPopular, Transition, evaluate_recommender
    ds, users = b.ctx["ds"], b.ctx["eval_user_subset"]
    models = {"most-popular": MostPopular(ds), "transition": Transition(ds, 50)}
    for split in ("valid", "test"):
        for ex, sfx in ((False, ""), (True, "_exclude_seen")):
            rec[split + sfx] = {name: evaluate_recommender(m, ds, split, users=users, exclude_seen=ex)
                                for name, m in models.items()}
    rec["users"] = ds.n_users if users is None else len(users)


# -------------------------------------------------------------------------------------------------------- summary

def md_table(header:list, rows:list)->str:
    "A markdown table; floats to 4 decimals."
    cell = lambda v: f"{v:.4f}" if isinstance(v, float) else str(v)
    return "\n".join(["| " + " | ".join(map(str, header)) + " |", "|" + "---|" * len(header)] +
                     ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows])


def summary_markdown(r:dict)->str:
    "Markdown report of a results dict: environment, one row per step, one per (model, split)."
    env, steps = r.get("env", {}), r["steps"]
    ok = lambda s: steps.get(s, {}).get("status") == "ok"
    lines = [f"# genrec full run on Amazon Beauty ({r['mode']})", "",
             f"{env.get('device_name', '?')}, torch {env.get('torch', '?')}, CUDA {env.get('cuda', '-')}, "
             f"seed {r['seed']}, budget {r['budget_minutes']} min, elapsed {r.get('elapsed_s', 0):.0f} s, "
             f"started {r['started_utc']}", ""]
    rate = dict(tokenizer=("items_per_s", "items/s"), tiger_train=("examples_per_s", "targets/s (training steps)"),
                tiger_decode=("users_per_s", "users/s (beam 20)"),
                two_tower=("examples_per_s", "examples/s incl. valid"),
                sasrec=("sequences_per_s", "sequences/s incl. valid"))
    rows = []
    for name, s in steps.items():
        key, unit = rate.get(name, (None, ""))
        thr = f"{s[key]:,.0f} {unit}" if key and key in s else ""
        mem = f"{s['peak_gpu_mem_gib']:.2f}" if "peak_gpu_mem_gib" in s else "-"
        note = s.get("reason") or s.get("error") or ""
        if name == "tiger_train" and "steps" in s:
            note = (f"{s['steps']:,} steps, {s['examples_seen']:,} examples, {s['epochs_done']:.1f} epochs, "
                    f"stopped by {s['stopped_by']}, best step {s['best']['step']}")
            if "calibration" in s: note += f", variant {s['calibration']['picked']}"
        if name == "tokenizer" and "summary" in s: note = s["summary"] + f"; all bars passed: {s['all_bars_passed']}"
        if name in ("two_tower", "sasrec") and "best_epoch" in s:
            note = f"best epoch {s['best_epoch']} of {s['epochs_run']}"
        rows.append([name, s["status"], f"{s.get('seconds', 0):.1f}", mem, thr, note.replace("|", "/")[:300]])
    lines += [md_table(["step", "status", "seconds", "peak GPU GiB", "throughput", "note"], rows), ""]
    q = []
    if ok("tiger_decode"):
        d = steps["tiger_decode"]
        q += [["TIGER (ours)", sp.replace("_", " "), d[f"{sp.split('_')[0]}_users"]] + [d[sp][m] for m in METRIC_COLS]
              for sp in ("valid", "test", "valid_exclude_seen", "test_exclude_seen") if sp in d]
    if ok("two_tower"):
        t = steps["two_tower"]
        q += [["two-tower", "valid exclude seen", t["n_users"]] + [t["best_val_metrics"][m] for m in METRIC_COLS],
              ["two-tower", "test exclude seen", t["n_users"]] + [t["test_metrics"][m] for m in METRIC_COLS]]
    if ok("sasrec"):
        s = steps["sasrec"]
        q += [["SASRec", sp, s["n_users"]] + [s[sp][m] for m in METRIC_COLS] for sp in ("valid", "test")]
    if ok("baselines"):
        s = steps["baselines"]
        q += [[name, sp.replace("_", " "), s["users"]] + [s[sp][name][m] for m in METRIC_COLS]
              for sp in ("valid", "test", "valid_exclude_seen", "test_exclude_seen") if sp in s for name in s[sp]]
    if r.get("paper_test"):
        q.append(["TIGER (paper)", "test", "-"] + [r["paper_test"].get(m, "-") for m in METRIC_COLS])
    if q: lines += [md_table(["model", "split", "users"] + METRIC_COLS, q), ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------- main

def environment(device:str)->dict:
    "Versions, device and the exact genrec sources (sha1) this run used."
    import accelerate, numpy, pandas, torch
    env = dict(python=platform.python_version(), platform=platform.platform(), torch=torch.__version__,
               cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version() if device == "cuda" else None,
               accelerate=accelerate.__version__, numpy=numpy.__version__, pandas=pandas.__version__,
               cpu_count=os.cpu_count(), torch_threads=torch.get_num_threads(), device=device,
               device_name=torch.cuda.get_device_name(0) if device == "cuda" else f"CPU ({platform.machine()})")
    if device == "cuda":
        env["gpu_total_mem_gib"] = torch.cuda.get_device_properties(0).total_memory / 2**30
        env["tf32"] = torch.backends.cuda.matmul.allow_tf32
    h = hashlib.sha1()
    for f in sorted((REPO/"genrec").glob("*.py")): h.update(f.name.encode()); h.update(f.read_bytes())
    env["genrec_sha1"] = h.hexdigest()
    try:
        git = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
        env["git_commit"] = git.stdout.strip() or None
    except Exception: env["git_commit"] = None
    return env


def main(argv=None):
    t0 = time.perf_counter()
    c = parse_args(argv)
    if c.smoke or c.device == "cpu": os.environ["CUDA_VISIBLE_DEVICES"] = ""  # before torch sees the GPU
    sys.path.insert(0, str(REPO))  # genrec from this checkout; nothing is installed on the device
    import numpy as np
    import torch
    if c.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda, but CUDA is not available.")
    bench = Bench(c, Budget(c.budget_minutes, t0), "cuda" if torch.cuda.is_available() else "cpu")
    if bench.device == "cuda" and not c.no_tf32:
        torch.backends.cuda.matmul.allow_tf32 = True; torch.backends.cudnn.allow_tf32 = True
    random.seed(c.seed); np.random.seed(c.seed); torch.manual_seed(c.seed)
    bench.results["env"] = environment(bench.device)
    bench.log(f"{bench.results['env']['device_name']}, torch {torch.__version__}, mode {c.mode}, "
              f"budget {c.budget_minutes} min, out {bench.out}, work {bench.work}")

    from genrec.data import load_dataset
    from genrec.download import locate
    from genrec.tiger_trainer import PAPER_TIGER
    try:
        try: folder = locate("beauty", c.data_dir, download_missing=False)  # an explicit folder is used or fails,
        except FileNotFoundError: folder = locate("beauty", None, download_missing=False)  # so fall back here: env, cache
    except FileNotFoundError as e:
        env_dir = os.environ.get("GENREC_DATA_DIR")
        msg = (f"No Amazon Beauty data: --data_dir {c.data_dir!r} "
               f"({'exists but holds no amazon-beauty/' if Path(c.data_dir).exists() else 'is missing'}) and "
               f"$GENREC_DATA_DIR ({env_dir or 'unset'}) hold none. Fill it from the repository root with:\n"
               f"    {FILL_DATA}\nthen carry it to the device (carry ['.devdata']). Details: {e}")
        bench.results["error"] = msg; bench.save(); bench.log("ERROR: " + msg)
        raise SystemExit(2)
    ds = load_dataset("beauty", folder, download_missing=False)
    subset = None
    if c.decode_users is not None and c.decode_users < ds.n_users:
        subset = np.sort(np.random.default_rng(c.seed + 1).choice(ds.n_users, c.decode_users, replace=False))
    bench.ctx.update(ds=ds, data_folder=folder, eval_user_subset=subset)
    bench.results.update(data_folder=str(folder), dataset=repr(ds), paper_test=PAPER_TIGER["beauty"])
    bench.log(f"{ds} from {folder}")

    est = c.est_s
    bench.step("tokenizer", est["tokenizer"], step_tokenizer)
    bench.step("tiger_train", est["tiger_min"] + est["slack"], step_tiger_train)
    bench.step("tiger_decode", bench.ctx.get("decode_est_s", 0), step_tiger_decode)
    bench.step("two_tower", est["two_tower"], step_two_tower)
    bench.step("sasrec", est["sasrec_min"] + est["baselines"] + est["slack"] + 10, step_sasrec)
    bench.step("baselines", est["baselines"], step_baselines)
    bench.results["finished_utc"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    bench.save()
    bench.log("\n" + summary_markdown(bench.results))
    bench.log(f"wrote {', '.join(sorted(p.name for p in bench.out.iterdir()))} to {bench.out}")


if __name__ == "__main__": main()
