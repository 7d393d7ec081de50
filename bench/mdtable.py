"""Markdown tables for the bench scripts' output (pasted into BENCHMARKS.md)."""


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
