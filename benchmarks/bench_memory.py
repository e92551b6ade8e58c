"""Peak memory of windowing and training on a synthetic dataset ten times the default size.

Runs the real workflow (simulate -> filter -> annotate -> window -> split -> train, one epoch)
on configs/default.yaml with every record ten times longer, then reads the peak resident set
size (max_rss, MiB) that Snakemake's benchmark files recorded for every job.

    python benchmarks/bench_memory.py [--scale 10] [--cores 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from common import ROOT, copy_project, venv_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="record length x this (default 10)")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "configs/default.yaml").read_text())
    config["simulate"]["duration_s"] *= args.scale
    config.update(name="memory", data_dir="data/memory")
    config["train"]["epochs"] = 1
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        (project / "configs/memory.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "snakemake"), "--cores", str(args.cores),
                        "--configfile", "configs/memory.yaml", "--until", "train", "--quiet"],
                       cwd=project, check=True, env=venv_env())
        seconds = time.perf_counter() - start
        results = project / "results/memory"
        n_windows = sum(len(np.load(p, mmap_mode="r")) for p in (results / "windows").glob("*.npy"))
        window_gib = sum(p.stat().st_size for p in (results / "windows").glob("*.npy")) / 2**30
        rss = {}
        for tsv in (results / "benchmarks").rglob("*.tsv"):
            step = tsv.relative_to(results / "benchmarks").parts[0].removesuffix(".tsv")
            rss[step] = max(rss.get(step, 0.0), float(pd.read_csv(tsv, sep="\t")["max_rss"].iat[0]))
    print(f"{args.scale}x default: {n_windows} windows, {window_gib:.2f} GiB of windows on disk, "
          f"{seconds:.0f} s with {args.cores} cores")
    for step, mib in sorted(rss.items(), key=lambda kv: -kv[1]):
        print(f"  peak RSS {step:10s} {mib / 1024:6.2f} GiB")


if __name__ == "__main__":
    main()
