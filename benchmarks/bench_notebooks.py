"""The notebooks at their full default replication counts: wall time of each, and in all.

``make test`` runs the notebooks with a small count (``LABOUR_SIM_REPLICATIONS``); this runs
them as an analyst does, with that variable unset, so each notebook uses its own default
(1,000 replications; notebook 03 then calibrates at the default settings). Each notebook is
executed in a fresh kernel in a temporary copy, so nothing in ``notebooks/`` changes.

Usage: python benchmarks/bench_notebooks.py [--timeout 3600] [NAME ...]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args()
    os.environ.pop("LABOUR_SIM_REPLICATIONS", None)  # each notebook's own default
    os.environ["TQDM_DISABLE"] = "1"
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.names:
        paths = [p for p in paths if p.name in args.names or p.stem in args.names]
    total = 0.0
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=args.timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
        total += seconds
        errors = sum(
            out.get("output_type") == "error"
            for cell in notebook.cells
            for out in cell.get("outputs", [])
        )
        print(f"{path.name}: {seconds:.0f} s" + (f" ({errors} cells failed)" if errors else ""))
    print(f"all {len(paths)} notebooks at their default counts: {total:.0f} s")


if __name__ == "__main__":
    main()
