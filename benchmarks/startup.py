"""How fast ``momentum --help`` and ``momentum --version`` answer (target: under 0.3 s).

    python benchmarks/startup.py [--runs 10]

Runs each as a fresh process, the installed ``momentum`` script (``python -m bot`` if it
is not on PATH), and prints the median and the slowest of the runs against the target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 0.3


def command() -> list[str]:
    script = shutil.which("momentum")
    return [script] if script else [sys.executable, "-m", "bot"]


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    base = command()
    timed([*base, "--version"])  # warm the file cache and the bytecode
    slow = False
    for option in ("--help", "--version"):
        times = [timed([*base, option]) for _ in range(runs)]
        median = statistics.median(times)
        verdict = "ok" if median < TARGET_SECONDS else "TOO SLOW"
        slow = slow or median >= TARGET_SECONDS
        print(
            f"momentum {option:<9} median {median:.3f} s, slowest {max(times):.3f} s "
            f"over {runs} runs (target < {TARGET_SECONDS} s): {verdict}"
        )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
