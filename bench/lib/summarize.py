#!/usr/bin/env python3
"""Prints a markdown table (median, min, mean, max, stddev in ms, runs) from hyperfine JSON
exports or from plain 'name<TAB>seconds' sample files (the no-hyperfine fallback).

    summarize.py FILE...     (*.json: hyperfine --export-json; anything else: name<TAB>seconds lines)
"""
import json
import statistics
import sys


def rows(path):
    if path.endswith(".json"):
        with open(path) as f:
            for result in json.load(f)["results"]:
                yield result["command"], result["times"]
    else:
        samples = {}
        with open(path) as f:
            for line in f:
                name, seconds = line.rstrip("\n").split("\t")
                samples.setdefault(name, []).append(float(seconds))
        yield from samples.items()


def main():
    print("| command | median ms | min ms | mean ms | max ms | stddev ms | runs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in sys.argv[1:]:
        for name, times in rows(path):
            ms = [t * 1000 for t in times]
            sd = statistics.stdev(ms) if len(ms) > 1 else 0.0
            print(f"| `{name}` | {statistics.median(ms):.1f} | {min(ms):.1f} | {statistics.mean(ms):.1f} "
                  f"| {max(ms):.1f} | {sd:.1f} | {len(ms)} |")


main()
