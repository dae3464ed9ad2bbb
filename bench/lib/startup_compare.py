#!/usr/bin/env python3
"""Times short `nulecule` commands with two or more binaries, side by side in one run.

    startup_compare.py RESULTS_TSV NAME=BIN [NAME=BIN ...] -- LABEL ARG... [-- LABEL ARG ...]

Each command (LABEL, then its arguments; `{bin}` is not needed: the binary goes first) is run once
by every binary first and must succeed (exit 0); then RUNS rounds (environment RUNS, default 20),
each running every command with every binary, the binaries' order reversed every other round so
that neither always runs first. Wall time is measured around the child, its peak resident memory
and CPU time are its own (wait4 rusage). Every sample goes to RESULTS_TSV
(`binary<TAB>label<TAB>wall s<TAB>peak MB<TAB>cpu s`); the tables go to stdout: medians and
minima per command, the ratio of each binary's median to the first binary's, peak RSS, and the
binaries' sizes.
With STATE_ROOT set, each binary keeps its own state directory (STATE_ROOT/NAME, as
NULECULE_STATE_DIR): what one binary writes to its local history is not what the other reads.
"""
import os
import statistics
import sys

# One timed run (wall, peak RSS, CPU; a failed run ends the benchmark): the same measurement as render-compare.sh.
from render_compare import run_once


def main():
    args = sys.argv[1:]
    results = args.pop(0)
    split = args.index("--")
    bins = [a.split("=", 1) for a in args[:split]]
    commands, current = [], None
    for a in args[split:]:
        if a == "--":
            current = []
            commands.append(current)
        else:
            current.append(a)
    runs = int(os.environ.get("RUNS", "20"))
    samples = {(b, c[0]): [] for b, _ in bins for c in commands}
    state_root = os.environ.get("STATE_ROOT")

    def use_state_of(name):
        if state_root:
            os.environ["NULECULE_STATE_DIR"] = os.path.join(state_root, name)

    for name, binary in bins:
        use_state_of(name)
        for label, *argv in commands:
            run_once([binary, *argv])
    with open(results, "w") as out:
        for r in range(runs):
            order = bins if r % 2 == 0 else list(reversed(bins))
            for label, *argv in commands:
                for name, binary in order:
                    use_state_of(name)
                    wall, rss, cpu = run_once([binary, *argv])
                    samples[(name, label)].append((wall * 1000, rss, cpu * 1000))
                    out.write(f"{name}\t{label}\t{wall:.6f}\t{rss:.1f}\t{cpu:.6f}\n")

    first = bins[0][0]
    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])} (at the end); {os.cpu_count()} cores; {runs} runs each, interleaved")
    print()
    head = "| command | " + " | ".join(f"{n} median ms | {n} min ms" for n, _ in bins)
    head += " | " + " | ".join(f"{n}/{first} median | {n}/{first} min" for n, _ in bins[1:])
    head += " | " + " | ".join(f"{n} peak MB" for n, _ in bins) + " |"
    print(head)
    print("|---|" + "---:|" * (2 * len(bins) + 2 * (len(bins) - 1) + len(bins)))
    for label, *_ in commands:
        med = {n: statistics.median(s[0] for s in samples[(n, label)]) for n, _ in bins}
        low = {n: min(s[0] for s in samples[(n, label)]) for n, _ in bins}
        peak = {n: max(s[1] for s in samples[(n, label)]) for n, _ in bins}
        row = f"| {label} | " + " | ".join(f"{med[n]:.1f} | {low[n]:.1f}" for n, _ in bins)
        row += " | " + " | ".join(f"**{med[n] / med[first]:.2f}** | {low[n] / low[first]:.2f}" for n, _ in bins[1:])
        row += " | " + " | ".join(f"{peak[n]:.0f}" for n, _ in bins) + " |"
        print(row)
    print()
    # CPU time (user + system) moves less than wall time with other work on the machine.
    print("| command | " + " | ".join(f"{n} CPU median ms" for n, _ in bins) + " | " + " | ".join(f"{n}/{first} CPU" for n, _ in bins[1:]) + " |")
    print("|---|" + "---:|" * (2 * len(bins) - 1))
    for label, *_ in commands:
        cpu = {n: statistics.median(s[2] for s in samples[(n, label)]) for n, _ in bins}
        print(f"| {label} | " + " | ".join(f"{cpu[n]:.1f}" for n, _ in bins) + " | " + " | ".join(f"{cpu[n] / cpu[first]:.2f}" for n, _ in bins[1:]) + " |")
    print()
    for name, binary in bins:
        print(f"{name}: {binary}, {os.path.getsize(binary):,} bytes")


if __name__ == "__main__":
    main()
