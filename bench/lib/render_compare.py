#!/usr/bin/env python3
"""Times two `nulecule` binaries side by side on synthetic apps: `template` and `validate`.

    render_compare.py BASE_BIN NEW_BIN APPS_DIR RUNS SIZES...

APPS_DIR holds app-N for every N in SIZES (bench/gen-synthetic.py). Each command is run once
first and must succeed; then the runs are interleaved (base, new, base, new ...) so that a
change in the machine's load hits both alike. Each run's wall time is measured around the child
and its peak resident memory is the child's own (wait4 rusage, ru_maxrss). Prints one row per
command and size (medians), then the ratios the goals are stated in.
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(argv):
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one run; stdout to /dev/null, stderr kept for failures."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"FAILED ({proc.returncode}): {' '.join(argv)}\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def main():
    base, new, apps, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    sizes = [int(s) for s in sys.argv[5:]]
    bins = {"base": base, "new": new}
    rows = {}
    for verb in ("template", "validate"):
        for n in sizes:
            app = os.path.join(apps, f"app-{n}")
            samples = {name: ([], [], []) for name in bins}
            for name, binary in bins.items():
                run_once([binary, verb, app])  # must succeed; also warms the page cache
            for _ in range(runs):
                for name, binary in bins.items():
                    wall, rss, cpu = run_once([binary, verb, app])
                    samples[name][0].append(wall * 1000)
                    samples[name][1].append(rss)
                    samples[name][2].append(cpu * 1000)
            for name in bins:
                walls, rsss, cpus = samples[name]
                rows[(verb, n, name)] = (statistics.median(walls), min(walls), max(walls), max(rsss), statistics.median(cpus))

    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}; {os.cpu_count()} cores; {runs} runs each, interleaved")
    print()
    # CPU time (user + system, both cores) moves less with other work on the machine than wall time.
    print("| command | components | base median ms | new median ms | new/base | base peak MB | new peak MB | base CPU ms | new CPU ms | CPU new/base |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for verb in ("template", "validate"):
        for n in sizes:
            b, w = rows[(verb, n, "base")], rows[(verb, n, "new")]
            print(f"| `{verb}` | {n} | {b[0]:.0f} | {w[0]:.0f} | **{w[0] / b[0]:.2f}** | {b[3]:.0f} | {w[3]:.0f} | {b[4]:.0f} | {w[4]:.0f} | {w[4] / b[4]:.2f} |")
    print()
    for name in bins:
        line = []
        for verb in ("template", "validate"):
            for small, large in zip(sizes, sizes[1:]):
                ratio = rows[(verb, large, name)][0] / rows[(verb, small, name)][0]
                line.append(f"{verb} {large}/{small}: x{ratio:.1f} time for x{large / small:.0f} components")
        print(f"{name}: " + "; ".join(line))
    for name in bins:
        parts = [f"{n}: {rows[('validate', n, name)][0] / rows[('template', n, name)][0]:.2f}" for n in sizes]
        print(f"{name}: validate/template " + ", ".join(parts))


if __name__ == "__main__":
    main()
