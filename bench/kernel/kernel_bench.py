#!/usr/bin/python3
"""Kernel bench: the InteractiveSpark kernel and dotnet-interactive side by side, under the same Jupyter client
(jupyter_client's KernelManager), in one run, rotating which kernel goes first each round.

  cold start   process start to the reply of the first executed cell (`1+1`), median of --starts starts
  round trip   execute_request of `1+1` to its execute_reply, p50 and p95 of --trips cells on a warm kernel
  quickstart   notebooks/quickstart.ipynb, unchanged, executed end to end by nbconvert's ExecutePreprocessor (kernel start, local Spark
               started by the notebook, every cell, kernel stop), --quickstarts times, alternating kernels
               (.NET Interactive loads the extension from artifacts/packages: pack it first)

Usage: bench/kernel/kernel_bench.py [--starts 3] [--trips 200] [--quickstarts 2] [--kernels interactivespark-csharp,.net-csharp]
(JUPYTER_PATH must find both kernelspecs: `ispark kernel install --user` and .ci/install-notebook-tools.)
"""
import argparse
import os
import statistics
import time

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

from jupyter_client.manager import KernelManager

TIMEOUT = 120


def execute(client, code):
    """Runs a cell, returns the seconds from request to execute_reply (status ok required)."""
    started = time.perf_counter()
    msg_id = client.execute(code)
    while True:
        reply = client.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = time.perf_counter() - started
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return elapsed


def cold_start(name):
    started = time.perf_counter()
    manager = KernelManager(kernel_name=name)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        execute(client, "1+1")
        return time.perf_counter() - started
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def round_trips(name, trips):
    manager = KernelManager(kernel_name=name)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        for _ in range(10):
            execute(client, "1+1")
        times = sorted(execute(client, "1+1") for _ in range(trips))
        return times[len(times) // 2], times[int(len(times) * 0.95)]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# Our packages keep version 0.1.0 across rebuilds: .NET Interactive restores the extension into the folder the notebook
# tests use (a global NuGet cache may hold an older 0.1.0).
REPOSITORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.environ.setdefault("NUGET_PACKAGES", os.path.join(REPOSITORY, "artifacts", "notebook-tests", "nuget-packages"))


def quickstart(name):
    """Seconds to execute the quickstart notebook, unchanged, on kernel `name` (every cell must succeed)."""
    folder = os.path.join(REPOSITORY, "notebooks")
    notebook = nbformat.read(os.path.join(folder, "quickstart.ipynb"), as_version=4)
    started = time.perf_counter()
    ExecutePreprocessor(timeout=600, kernel_name=name).preprocess(notebook, {"metadata": {"path": folder}})
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--trips", type=int, default=200)
    parser.add_argument("--quickstarts", type=int, default=2)
    parser.add_argument("--kernels", default="interactivespark-csharp,.net-csharp")
    args = parser.parse_args()
    kernels = args.kernels.split(",")
    starts = {k: [] for k in kernels}
    for round_ in range(args.starts):
        order = kernels if round_ % 2 == 0 else list(reversed(kernels))
        for name in order:
            starts[name].append(cold_start(name))
    trips = {name: round_trips(name, args.trips) for name in kernels}
    quick = {k: [] for k in kernels}
    for round_ in range(args.quickstarts):
        order = kernels if round_ % 2 == 0 else list(reversed(kernels))
        for name in order:
            quick[name].append(quickstart(name))
    base = kernels[-1]
    print(f"| kernel | cold start to first cell, median of {args.starts} (s) | ratio | 1+1 round trip p50 (ms) | p95 (ms) | quickstart end to end, median of {args.quickstarts} (s) | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in kernels:
        cold = statistics.median(starts[name])
        p50, p95 = trips[name]
        ratio = cold / statistics.median(starts[base])
        q = statistics.median(quick[name])
        q_ratio = q / statistics.median(quick[base])
        print(f"| {name} | {cold:.2f} ({', '.join(f'{s:.2f}' for s in starts[name])}) | {ratio:.2f}x | {p50 * 1000:.2f} | {p95 * 1000:.2f} "
              f"| {q:.1f} ({', '.join(f'{s:.1f}' for s in quick[name])}) | {q_ratio:.2f}x |")


if __name__ == "__main__":
    main()
