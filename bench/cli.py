"""Time ``constructeur --help`` against ``python -c "import torch"``.

Prints the median wall time of ``--repeat`` runs of each (fresh processes, in turns) and
their ratio; the target is at most 0.5: the command's help must not wait for the heavy
imports of grading or PyTorch. Timings are only meaningful on an otherwise idle machine.

    .venv/bin/python bench/cli.py [--repeat 15]
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "constructeur --help": [str(Path(sys.executable).parent / "constructeur"), "--help"],
    'python -c "import torch"': [sys.executable, "-c", "import torch"],
}


def seconds(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    runs = {label: [] for label in COMMANDS}
    for _ in range(args.repeat):
        for label, command in COMMANDS.items():
            runs[label].append(seconds(command))
    medians = {label: statistics.median(times) for label, times in runs.items()}
    for label, median in medians.items():
        print(f"{label:<28}{median * 1000:8.0f} ms (médiane de {args.repeat})")
    help_time, torch_time = medians.values()
    print(f"{'rapport':<28}{help_time / torch_time:8.2f}   (cible\u00a0: au plus 0,5)")


if __name__ == "__main__":
    main()
