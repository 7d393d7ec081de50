"""Shared pieces of the bench scripts: markdown tables (pasted into BENCHMARKS.md) and the runtime options."""


def measure_table(rows)->str:
    "A two-column `| measure | value |` table from (measure, value) pairs, the first column padded."
    w = max(len(k) for k, _ in rows)
    return "\n".join([f"| {'measure'.ljust(w)} | value |", f"|{'-' * (w + 2)}|-------|"] +
                     [f"| {k.ljust(w)} | {v} |" for k, v in rows])


def frame_table(df, index_name:str="model", fmt:str=".4f")->str:
    "A DataFrame of numbers as a markdown table (no tabulate needed)."
    rows = [f"| {index_name} | " + " | ".join(df.columns) + " |", "|---" * (len(df.columns) + 1) + "|"]
    rows += [f"| {i} | " + " | ".join(f"{v:{fmt}}" for v in r) + " |" for i, r in zip(df.index, df.to_numpy())]
    return "\n".join(rows)


def add_runtime_args(ap):
    "Add the `--threads`, `--device` and `--seed` options every timing script takes."
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=0)


def runtime(a):
    "Apply `--threads` and `--seed`; return the device, a `sync()` for honest GPU timings, and a label for the table."
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    label = str(dev) + (f" ({torch.get_num_threads()} threads)" if dev.type == "cpu" else "")
    return dev, sync, label


def add_saved_model_args(ap, users_help:str):
    "Add the options of the scripts that read one saved TIGER: the model folder, dataset, split and a user subset."
    ap.add_argument("model", help="a folder saved by Tiger.save_pretrained (a run's best/)")
    ap.add_argument("--dataset", default="beauty")
    ap.add_argument("--split", default="valid", choices=("valid", "test"))
    ap.add_argument("--users", type=int, default=4000, help=users_help + " (0: all)")
    ap.add_argument("--seed", type=int, default=7, help="of the user subset (7: not the trainer's validation users)")


def load_saved_model(a):
    "(dataset, the model in eval mode, the seeded user subset or None for all) of `add_saved_model_args`' options."
    from genrec.data import load_dataset
    from genrec.tiger import Tiger
    from genrec.training import user_subset
    ds = load_dataset(a.dataset)
    return ds, Tiger.from_pretrained(a.model).eval(), user_subset(ds.n_users, a.users or None, a.seed)
