"""What a trained TIGER with `recency_bias` learned: each decoder layer's cross-attention bias per head, against how many
items back a history item sits (0 = the newest), with the user token's bias apart.

python bench/plot_recency_bias.py outputs/tiger_cpu_recency/best --out bench/tiger_recency_bias.png

Prints one table row per layer and head (the bias at 0, 1, 2, 5, 10 items back and on the user token) and saves the
curves. A head whose bias falls steeply from 0 attends mostly to the newest item; a flat head reads the whole history.
The bias adds to attention logits, so only differences within a head matter.
"""
import argparse
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from genrec.tiger import Tiger

def recency_table(model:Tiger):
    "(layers, heads, max_seq_len + 1) learned biases: column r = r items back, the last column the user token."
    if not model.config.recency_bias: raise SystemExit("this model has no recency bias (recency_bias: false).")
    return [blk.recency.detach().view(model.config.num_heads, -1) for blk in model.decoder]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model", help="a folder saved by Tiger.save_pretrained (a run's best/)")
    p.add_argument("--out", default="bench/tiger_recency_bias.png")
    a = p.parse_args(argv)
    model = Tiger.from_pretrained(a.model)
    tabs, S = recency_table(model), model.config.max_seq_len
    cols = [r for r in (0, 1, 2, 5, 10) if r < S]
    print("| layer | head | " + " | ".join(f"{r} back" for r in cols) + " | user |\n|" + "---|" * (len(cols) + 3))
    for l, t in enumerate(tabs):
        for h, row in enumerate(t):
            print(f"| {l} | {h} | " + " | ".join(f"{row[r]:+.2f}" for r in cols) + f" | {row[S]:+.2f} |")
    fig, axs = plt.subplots(1, len(tabs), figsize=(3.6 * len(tabs), 3.2), sharey=True, squeeze=False)
    for l, (ax, t) in enumerate(zip(axs[0], tabs)):
        for h, row in enumerate(t):
            ln, = ax.plot(range(S), row[:S].tolist(), marker=".", label=f"head {h}")
            ax.scatter([S + 1], [float(row[S])], color=ln.get_color(), marker="x")
        ax.set_title(f"decoder layer {l}"); ax.set_xlabel("items back from the newest (x: user token)")
        ax.set_xticks(list(range(0, S, 5)) + [S + 1], [str(x) for x in range(0, S, 5)] + ["user"])
    axs[0][0].set_ylabel("cross-attention bias"); axs[0][-1].legend(fontsize=7)
    fig.suptitle(f"TIGER recency bias learned ({a.model})", fontsize=10); fig.tight_layout(); fig.savefig(a.out, dpi=110)
    print(f"saved {a.out}")

if __name__ == "__main__": main()
