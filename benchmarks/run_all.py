"""Run every benchmark in this folder, one after the other, each printing its own figures.

    make bench            # = python benchmarks/run_all.py
Benchmarks on real data need SIGNALRNN_DATA (the folder that holds mitdb-ds1/ and iafdb/).
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEEDS_REAL_DATA = {"bench_preprocess.py", "bench_detect_iafdb.py"}
NEEDS_RESULTS = {"bench_companion_cv.py": Path("results/mitdb/split.csv"),
                 "bench_mitdb_seeds.py": Path("results/mitdb-s2/stacked/predictions.csv"),
                 "bench_rule_times.py": Path("results/default/benchmarks")}


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        if script.name in NEEDS_REAL_DATA and not os.environ.get("SIGNALRNN_DATA"):
            print(f"== {script.name}: skipped (set SIGNALRNN_DATA)", flush=True)
            continue
        needed = NEEDS_RESULTS.get(script.name)
        if needed and not (HERE.parent / needed).exists():
            print(f"== {script.name}: skipped (needs {needed}; see its docstring)", flush=True)
            continue
        print(f"== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0
    return int(failed > 0)


if __name__ == "__main__":
    sys.exit(main())
