"""Where the wall time of a workflow run goes, per rule (issue 23).

From a finished run's Snakemake ``benchmark:`` files (``results/<name>/benchmarks/``): per rule
the number of jobs, their summed wall time, its share of the summed job time and the largest
peak RSS; batch rules (``filter_1``, ``filter_2``, ...) count as one rule. From the run's
Snakemake log (``.snakemake/log/``, the newest unless named; not a ``--quiet`` run): the run's
wall time, and how much of it passed while no job of the ``--main`` rules (train and sweep) was
running, i.e. what the rest of the workflow adds to the wall time (1 s resolution of the log).

    make run && python benchmarks/bench_rule_times.py [results/default [.snakemake/log/<run>.log]]
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
STARTED = re.compile(r"^(?:local)?(?:rule|checkpoint) (\w+):$")
FINISHED = re.compile(r"^Finished jobid: \d+ \(Rule: (\w+)\)$")


def rule_of(job: str) -> str:
    """The rule a job or benchmark file belongs to: ``filter_3`` and ``filter/job3`` -> filter."""
    return re.sub(r"_\d+$", "", job)


def job_times(results: Path) -> pd.DataFrame:
    """One row per benchmark file under ``results``: rule, wall time (s), peak RSS (MB)."""
    rows = []
    for path in sorted(results.rglob("benchmarks/**/*.tsv")):
        step = path.relative_to(next(p for p in path.parents if p.name == "benchmarks")).parts[0]
        table = pd.read_csv(path, sep="\t")
        rows.append({"rule": rule_of(Path(step).stem), "file": str(path.relative_to(results)),
                     "wall_s": float(table["s"].iloc[-1]), "max_rss_mb": float(table["max_rss"].iloc[-1])})
    return pd.DataFrame(rows)


def job_intervals(log: Path) -> list[tuple[str, datetime, datetime]]:
    """(rule, start, end) of every job in a Snakemake log, jobs matched to their rule in order."""
    stamp, running, done = None, {}, []
    for line in log.read_text().splitlines():
        if match := STAMP.match(line.strip()):
            stamp = datetime.strptime(match.group(1), "%a %b %d %H:%M:%S %Y")
        elif match := STARTED.match(line.strip()):
            running.setdefault(match.group(1), []).append(stamp)
        elif match := FINISHED.match(line.strip()):
            done.append((rule_of(match.group(1)), running[match.group(1)].pop(0), stamp))
    return done


def seconds_outside(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> float:
    """Seconds of [start, end] that none of ``intervals`` covers."""
    covered, reached = 0.0, start
    for low, high in sorted(intervals):
        low = max(low, reached)
        if high > low:
            covered += (high - low).total_seconds()
            reached = high
    return (end - start).total_seconds() - covered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="?", default=Path("results/default"),
                        help="results/<name> of a finished run (default: results/default)")
    parser.add_argument("log", type=Path, nargs="?", help="its Snakemake log (default: the newest)")
    parser.add_argument("--main", nargs="+", default=["train", "sweep"],
                        help="the rules whose work the run is for (default: train sweep)")
    args = parser.parse_args()
    jobs = job_times(args.results)
    per_rule = (jobs.groupby("rule").agg(jobs=("file", "size"), wall_s=("wall_s", "sum"),
                                         max_rss_mb=("max_rss_mb", "max"))
                .sort_values("wall_s", ascending=False))
    per_rule["share"] = per_rule["wall_s"] / per_rule["wall_s"].sum()
    print(f"{args.results}: {len(jobs)} jobs, {per_rule['wall_s'].sum():.1f} s of job wall time")
    print(per_rule.to_string(formatters={"wall_s": "{:.1f}".format, "share": "{:.0%}".format,
                                         "max_rss_mb": "{:.0f}".format}))
    log = args.log or max(Path(".snakemake/log").glob("*.snakemake.log"), key=lambda p: p.stat().st_mtime)
    intervals = job_intervals(log)
    if not intervals:
        raise SystemExit(f"{log}: no job start and finish lines (a --quiet run?); name another log")
    start, end = min(i[1] for i in intervals), max(i[2] for i in intervals)
    wall = (end - start).total_seconds()
    rest = seconds_outside([(low, high) for rule, low, high in intervals if rule in args.main], start, end)
    print(f"{log.name}: {wall:.0f} s from the first job's start to the last job's end; "
          f"{rest:.0f} s ({rest / wall:.0%}) of it with no {' or '.join(args.main)} job running")


if __name__ == "__main__":
    main()
