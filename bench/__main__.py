"""`make bench`: every benchmark, one table. Set DATABASE_URL to run them on PostgreSQL too."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--only", choices=["clock", "http", "queue", "mail", "reports", "compare", "million"],
        action="append",
    )
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke check")
    args = parser.parse_args()
    wanted = set(args.only or ["clock", "http", "queue", "mail", "reports", "compare"])
    rows: list[tuple[str, str]] = []
    print(f"machine: {_machine()}", flush=True)
    if "clock" in wanted:
        subprocess.run(
            [sys.executable, "bench/clock_bench.py", "20000" if args.quick else "100000"],
            check=True,
        )
    if "http" in wanted:
        from bench import http_bench

        total = 300 if args.quick else 2000
        rows += http_bench.run(total=total, lookups=total)
    if "queue" in wanted:
        from bench import queue_bench

        counts = (10_000,) if args.quick else (100_000, 1_000_000)
        rows += queue_bench.run(counts=counts)
    if "mail" in wanted:
        from bench import mail_bench

        rows += mail_bench.run()
    if "reports" in wanted:
        from bench import report_bench

        rows += report_bench.run(count=10_000 if args.quick else 1_000_000)
    if "compare" in wanted:
        from bench import compare_bench

        rows += compare_bench.run(seconds=5 if args.quick else 15)
    if "million" in wanted:
        # Asked for by name only (it is not in the default list): a long fill.
        from bench import million_bench

        count = int(os.environ.get("MILLION_COUNT", "1000000"))
        rows += million_bench.run(count=10_000 if args.quick else count)
    if rows:
        width = max(len(label) for label, _ in rows)
        print(f"\n| {'benchmark':<{width}} | figure |\n|{'-' * (width + 2)}|--------|")
        for label, figure in rows:
            print(f"| {label:<{width}} | {figure} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
