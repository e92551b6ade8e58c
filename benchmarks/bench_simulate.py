"""Time and peak memory of simulating records at clinical size: the full 8 x 24 array, 1 kHz.

Each montage (bipoles along the rows: 184; both ways would be 352 channels, more than a WFDB
annotation can name) runs in a fresh process, which simulates ``--records`` records of ``--seconds`` s
with configs/default.yaml's other settings and writes them as WFDB (``simulate_dataset``, the
code the simulate rule runs), then prints the seconds per record and the process's peak resident
set size (``ru_maxrss``, imports included) beside its size after the imports; the time of
``simulate_record`` alone (no writing) is measured once on the first record.

    python benchmarks/bench_simulate.py [--seconds 10] [--records 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

from common import ROOT

MONTAGES = ("unipolar", "bipolar_array", "catheter")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def one(montage: str, seconds: float, records: int) -> dict:
    """Simulate and write ``records`` records of one montage in this process."""
    sys.path.insert(0, str(ROOT))
    from signalrnn.config.load import load_config, validate_config
    from signalrnn.data.simulate import simulate_dataset, simulate_record

    config = load_config(ROOT / "configs/default.yaml")
    config["simulate"].update(array_shape=[8, 24], fs_hz=1000, duration_s=seconds, montage=montage,
                              n_patients=records, records_per_patient=1)
    sim = validate_config(config)["simulate"]
    imported = peak_rss_mib()
    start = time.perf_counter()
    simulate_record(sim, "p01_r1")
    alone = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        names = simulate_dataset(sim, folder)
        elapsed = time.perf_counter() - start
    return {"montage": montage, "records": len(names), "s_per_record": elapsed / len(names),
            "s_simulate_only": alone, "rss_after_imports_mib": imported, "peak_rss_mib": peak_rss_mib()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="record length (s, default 10)")
    parser.add_argument("--records", type=int, default=3, help="records per montage (at least 3)")
    parser.add_argument("--one", choices=MONTAGES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.seconds, args.records)))
        return
    print(f"8 x 24 array (192 electrodes), 1000 Hz, {args.seconds:g} s per record, "
          f"{args.records} records per montage, one process each")
    for montage in MONTAGES:
        out = subprocess.run([sys.executable, __file__, "--one", montage, "--seconds", str(args.seconds),
                              "--records", str(args.records)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {montage:13s} {r['s_per_record']:5.2f} s per record (simulate + WFDB write; simulate "
              f"alone {r['s_simulate_only']:.2f} s), "
              f"peak RSS {r['peak_rss_mib']:6.0f} MiB ({r['rss_after_imports_mib']:.0f} MiB after imports)")


if __name__ == "__main__":
    main()
