"""How much room do the training notebooks' CI checks have? Run a notebook's CI profile (as `nbdev_test` does, with
`IN_TEST` set) at several seeds and report the spread of the quantity its final check tests.

    python bench/check_spread.py --notebook nbs/10_train_tiger.ipynb --seeds 0 1 2 3 4 --jobs 2
    python bench/check_spread.py --notebook nbs/11_train_two_tower.ipynb --seeds 0 1 2 3 4 --jobs 2
    python bench/check_spread.py --notebook nbs/12_train_rqvae.ipynb --seeds 0 1 2 3 4 --jobs 2

Each run executes the notebook's code cells in order in a fresh process and its own working folder (what papermill
does with `-p seed N`): the seed changes the initialisation, the users sampled for training and evaluation, and the
shuffling. A seed's run prints one JSON line; the summary gives mean, standard deviation and minimum of each margin.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile
from pathlib import Path

# what each notebook's final check compares, read from the notebook's variables after its last cell
MARGINS = {
    "10_train_tiger": "{'valid R@10: TIGER - most-popular': res['valid']['recall@10'] - "
                      "res['baselines']['valid']['most-popular']['recall@10'], "
                      "'valid R@10: TIGER': res['valid']['recall@10']}",
    "11_train_two_tower": "{'test R@10: two-tower - most-popular': float(table.loc['two-tower', 'recall@10'] - "
                          "table.loc['most-popular', 'recall@10']), "
                          "'test R@10: two-tower': float(table.loc['two-tower', 'recall@10'])}",
    # each health bar: how far the value is on the passing side of its threshold (negative: the bar is missed)
    "12_train_rqvae": "{f'{k}: margin': (v - t if ok == (v >= t) else t - v) for k, (v, t, ok) in bars.items()}",
}

RUNNER = r'''
import json, os, sys
os.environ["IN_TEST"] = "1"
nb = json.load(open(sys.argv[1])); seed = int(sys.argv[2]); expr = sys.argv[3]
ns = {"__name__": "__main__"}
for cell in nb["cells"]:
    if cell["cell_type"] != "code": continue
    src = "".join(cell["source"])
    src = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!")))  # magics: not Python
    exec(compile(src, f"{sys.argv[1]}:{cell.get('id')}", "exec"), ns)
    if "parameters" in cell.get("metadata", {}).get("tags", []): ns["seed"] = seed  # papermill's -p seed N
print("MARGIN " + json.dumps(eval(expr, ns)), flush=True)
'''


def run(notebook:Path, seed:int, expr:str, root:Path):
    "Start one seed's run in its own working folder; returns the process."
    cwd = root/f"seed{seed}"; cwd.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(notebook.resolve().parents[1]))
    return subprocess.Popen([sys.executable, "-c", RUNNER, str(notebook.resolve()), str(seed), expr], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notebook", required=True, help="a training notebook with a CI check: " + ", ".join(MARGINS))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--jobs", type=int, default=2, help="runs at once (the CI profiles use one core each)")
    ap.add_argument("--workdir", default=None, help="working folders of the runs (default: a temporary folder)")
    a = ap.parse_args()
    nb = Path(a.notebook)
    expr = MARGINS.get(nb.stem) or sys.exit(f"{nb}: no CI check known; known notebooks: {sorted(MARGINS)}")
    root = Path(a.workdir or tempfile.mkdtemp(prefix=f"spread_{nb.stem}_"))
    results, pending = {}, list(a.seeds)
    running = {}
    while pending or running:
        while pending and len(running) < a.jobs:
            s = pending.pop(0); running[s] = run(nb, s, expr, root)
        s, p = next(iter(running.items()))
        out, _ = p.communicate(); del running[s]
        line = [l for l in out.splitlines() if l.startswith("MARGIN ")]
        if p.returncode or not line:
            print(f"seed {s}: failed (exit {p.returncode}); last output:\n{out[-3000:]}", flush=True); continue
        results[s] = json.loads(line[-1][7:]); print(f"seed {s}: {results[s]}", flush=True)
    if not results: sys.exit("no run finished")
    print(f"\n{nb.name}, CI profile, seeds {sorted(results)}:\n")
    print("| quantity | mean | sd | min | max |\n|---|---|---|---|---|")
    for k in results[min(results)]:
        v = [r[k] for r in results.values()]
        sd = statistics.stdev(v) if len(v) > 1 else float("nan")
        print(f"| {k} | {statistics.mean(v):.4f} | {sd:.4f} | {min(v):.4f} | {max(v):.4f} |")


if __name__ == "__main__":
    main()
