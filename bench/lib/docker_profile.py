#!/usr/bin/env python3
"""Summarizes bench/docker-profile.sh's recordings: python3 bench/lib/docker_profile.py OUTDIR.

Per round (and the median over rounds): wall time; the machine's CPU over the deploy; fsync and
fdatasync per program (count, seconds inside, and the wall time during which at least one was in
flight); flock; dockerd's waitid (waiting for the programs it ran); execs by program; the engine's
event timeline (create, network connect, start); the engine calls' latencies from -v; and, for
goroutine dumps, what the request goroutines wait in.
"""
import glob
import json
import os
import re
import statistics
import sys
from collections import Counter, defaultdict

TRACE = re.compile(r"^\s*(?P<comm>.+?)\s+(?P<pid>\d+)/(?P<tid>\d+)\s+(?P<time>\d+\.\d+):\s+(?P<event>[\w:-]+)(/[^:]*/)?:\s?(?P<rest>.*)$")
CPU_PERIOD = 0.01  # seconds per cpu-clock sample (docker-profile.sh: cpu-clock/period=10000000/)
CALL = re.compile(r"docker: (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d+|-) (?P<ms>\d+) ms")


def union(intervals):
    total, end = 0.0, None
    for s, e in sorted(intervals):
        if end is None or s > end:
            total += e - s
            end = e
        elif e > end:
            total += e - end
            end = e
    return total


def program(comm):
    # dockerd runs itself again (/proc/self/exe: comm "exe") for libnetwork-setkey, set-ipv6 and setup-resolver.
    return "dockerd (re-executed)" if comm == "exe" else comm


def trace_summary(path):
    open_calls = {}
    calls = defaultdict(list)  # (kind, program) -> [(start, end)]
    execs = Counter()
    cpu = Counter()
    first = last = None
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE.match(line)
            if not m:
                continue
            t = float(m["time"])
            first = t if first is None else min(first, t)
            last = t if last is None else max(last, t)
            ev = m["event"]
            if ev == "cpu-clock":
                if m["pid"] != "0":
                    cpu[program(m["comm"])] += CPU_PERIOD
                continue
            if ev == "sched:sched_process_exec":
                fn = re.search(r"filename=(\S+)", m["rest"])
                name = fn.group(1) if fn else "?"
                name = "/proc/PID/exe (dockerd)" if re.match(r"/proc/(self|\d+)/exe$", name) else os.path.basename(name)
                execs[name] += 1
                continue
            kind = ev.split("sys_enter_")[-1].split("sys_exit_")[-1]
            key = (m["tid"], kind)
            if "sys_enter_" in ev:
                open_calls[key] = (t, program(m["comm"]))
            elif key in open_calls:
                start, prog = open_calls.pop(key)
                calls[(kind, prog)].append((start, t))
    return calls, execs, cpu


def stat_summary(path):
    lines = open(path).read().split("\n")
    a = [int(x) for x in lines[0].split()[1:]]
    b = [int(x) for x in lines[1].split()[1:]]
    d = [y - x for x, y in zip(a, b)]
    hz = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq = d[:7]
    steal = d[7] if len(d) > 7 else 0
    busy = user + nice + system + irq + softirq + steal
    return {"busy": busy / hz, "user": (user + nice) / hz, "system": (system + irq + softirq) / hz,
            "iowait": iowait / hz, "idle": idle / hz, "steal": steal / hz}


def events_summary(path, t0):
    names, created, connected, started = {}, {}, {}, {}
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        e = json.loads(line)
        t = e.get("timeNano", 0) / 1e9 - t0
        attrs = e.get("Actor", {}).get("Attributes", {})
        if e.get("Type") == "container":
            cid = e.get("Actor", {}).get("ID") or e.get("id")
            names[cid] = attrs.get("name", cid[:12])
            if e.get("Action") == "create":
                created[cid] = t
            elif e.get("Action") == "start":
                started[cid] = t
        elif e.get("Type") == "network" and e.get("Action") == "connect":
            connected[attrs.get("container")] = t
    return created, connected, started


def calls_summary(path):
    by = defaultdict(list)
    for line in open(path, errors="replace"):
        m = CALL.search(line)
        if not m:
            continue
        p = re.sub(r"^/v[\d.]+", "", m["path"])
        p = re.sub(r"/containers/[^/]+/", "/containers/{id}/", p)
        by[f'{m["method"]} {p}'].append(int(m["ms"]))
    return by


GOROUTINE = re.compile(r"^goroutine \d+ \[(?P<state>[^\],]+)")
FUNC = re.compile(r"^(?P<func>\S+)\(")
BORING = ("runtime.", "sync.", "internal/", "syscall.", "golang.org/x/sys", "os.", "io.", "bufio.", "net.", "time.")


def stacks_summary(paths):
    """What each goroutine serving a deploy request (create, start, the setkey hook) waits in."""
    sites = Counter()
    per_dump = []
    for path in paths:
        text = open(path, errors="replace").read()
        n = 0
        for block in text.split("\n\n"):
            lines = block.strip().split("\n")
            if not lines or not (m := GOROUTINE.match(lines[0])):
                continue
            funcs = [fm["func"] for fm in (FUNC.match(l) for l in lines[1::2]) if fm]
            joined = " ".join(funcs)
            if "postContainersStart" in joined:
                what = "start"
            elif "postContainersCreate" in joined:
                what = "create"
            elif "processExternalKey" in joined or "processSetKeyReexec" in joined:
                what = "setkey"
            else:
                continue
            n += 1
            # The innermost frame of moby, libnetwork, containerd, bolt... that is not plumbing.
            site = next((f for f in funcs if not f.startswith(BORING)), funcs[0] if funcs else "?")
            site = re.sub(r"^github\.com/docker/docker/vendor/", "", site)
            site = re.sub(r"^github\.com/(docker/)?", "", site)
            sites[(what, m["state"], site)] += 1
        per_dump.append(n)
    return sites, per_dump


def sample(path):
    """Writes the machine's CPU counters every 50 ms (wall time first) until killed."""
    import time
    with open(path, "w", buffering=1) as out:
        while True:
            with open("/proc/stat") as f:
                out.write(f"{time.time():.3f} {f.readline()[3:].strip()}\n")
            time.sleep(0.05)


def timeline(path, t0, t1, step=0.25):
    """Busy share of the machine's cores per STEP seconds from t0 to t1, from sample()'s file."""
    rows = []
    for line in open(path):
        parts = line.split()
        if len(parts) < 8:
            continue
        v = [int(x) for x in parts[1:]]
        busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
        rows.append((float(parts[0]), busy, busy + v[3] + v[4]))
    shares = []
    t = t0
    while t < t1 - 1e-9:
        inside = [r for r in rows if t <= r[0] <= t + step]
        if len(inside) >= 2:
            a, b = inside[0], inside[-1]
            shares.append((b[1] - a[1]) / max(1, b[2] - a[2]))
        else:
            shares.append(float("nan"))
        t += step
    return shares


def med(values):
    return statistics.median(values) if values else float("nan")


def main():
    if sys.argv[1] == "sample":
        sample(sys.argv[2])
        return
    out = sys.argv[1]
    rounds = sorted(glob.glob(os.path.join(out, "round-*.wall")), key=lambda p: int(re.search(r"round-(\d+)", p).group(1)))
    rows = defaultdict(list)
    kinds = ("fsync", "fdatasync", "flock", "waitid")
    for wall_path in rounds:
        p = wall_path[: -len(".wall")]
        r = os.path.basename(p)
        t0, t1 = (float(x) for x in open(wall_path).read().split())
        wall = t1 - t0
        print(f"\n## {r}: {wall * 1000:.0f} ms")
        rows["wall s"].append(wall)
        st = stat_summary(p + ".stat")
        cores = os.cpu_count()
        print(f"machine CPU over the deploy: busy {st['busy']:.2f} core-s of {wall * cores:.2f} "
              f"({st['busy'] / (wall * cores):.0%}; user {st['user']:.2f}, system {st['system']:.2f}), "
              f"iowait {st['iowait']:.2f}, idle {st['idle']:.2f}, steal {st['steal']:.2f}")
        rows["busy core-s"].append(st["busy"])
        rows["busy share"].append(st["busy"] / (wall * cores))
        rows["iowait core-s"].append(st["iowait"])
        rows["idle core-s"].append(st["idle"])
        if os.path.exists(p + ".cpu"):
            shares = timeline(p + ".cpu", t0, t1)
            print("machine busy per 250 ms from the command's start: " + " ".join(f"{x:.0%}" for x in shares))
            rows["cpu timeline"].append(shares)
        if os.path.exists(p + ".trace"):
            calls, execs, cpu = trace_summary(p + ".trace")
            if cpu:
                print("CPU seconds by program (perf samples every 10 ms): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.most_common(12)))
                for k, v in cpu.items():
                    rows[f"cpu s {k}"].append(v)
            print("| call | program | count | s inside | s of wall with one in flight | max ms |")
            print("|---|---|---:|---:|---:|---:|")
            for (kind, prog), iv in sorted(calls.items(), key=lambda kv: (kinds.index(kv[0][0]), -len(kv[1]))):
                if kind == "waitid" and not prog.startswith("dockerd"):
                    continue
                durs = [e - s for s, e in iv]
                print(f"| {kind} | {prog} | {len(iv)} | {sum(durs):.3f} | {union(iv):.3f} | {max(durs) * 1000:.1f} |")
                rows[f"{kind} {prog} count"].append(len(iv))
                rows[f"{kind} {prog} union s"].append(union(iv))
            syncs = [iv for (kind, _), ivs in calls.items() if kind in ("fsync", "fdatasync") for iv in ivs]
            u = union(syncs)
            print(f"fsync+fdatasync, every program: {len(syncs)} calls, {sum(e - s for s, e in syncs):.3f} s inside, "
                  f"{u:.3f} s of the wall with at least one in flight ({u / wall:.0%})")
            rows["syncs all count"].append(len(syncs))
            rows["syncs all union s"].append(u)
            print("execs: " + ", ".join(f"{k} {v}" for k, v in execs.most_common()))
            for k, v in execs.items():
                rows[f"exec {k}"].append(v)
        if os.path.exists(p + ".events"):
            created, connected, started = events_summary(p + ".events", t0)
            if started:
                s = sorted(started.values())
                c = sorted(connected.values())
                gaps = [b - a for a, b in zip(c, c[1:])]
                c2s = [started[k] - connected[k] for k in started if k in connected]
                cr2c = [connected[k] - created[k] for k in connected if k in created]
                print(f"events: {len(created)} creates (first {min(created.values()) * 1000:.0f} ms, last {max(created.values()) * 1000:.0f} ms), "
                      f"{len(connected)} network connects, {len(started)} starts (first {s[0] * 1000:.0f} ms, last {s[-1] * 1000:.0f} ms); "
                      f"between consecutive connects median {med(gaps) * 1000:.0f} ms (min {min(gaps) * 1000:.0f}); "
                      f"connect -> start median {med(c2s) * 1000:.0f} ms; create -> connect median {med(cr2c) * 1000:.0f} ms")
                rows["first start ms"].append(s[0] * 1000)
                rows["last start ms"].append(s[-1] * 1000)
                rows["connect gap ms"].append(med(gaps) * 1000)
                rows["connect->start ms"].append(med(c2s) * 1000)
                rows["create->connect ms"].append(med(cr2c) * 1000)
        if os.path.exists(p + ".v"):
            by = calls_summary(p + ".v")
            parts = []
            for k in ("POST /containers/create", "POST /containers/{id}/start"):
                if by.get(k):
                    parts.append(f"{k}: {len(by[k])}, median {med(by[k]):.0f} ms, max {max(by[k])} ms")
                    rows[f"{k} median ms"].append(med(by[k]))
            others = sum(len(v) for k, v in by.items() if k not in ("POST /containers/create", "POST /containers/{id}/start"))
            print("engine calls (-v): " + "; ".join(parts) + f"; {others} others")
        dumps = sorted(glob.glob(p + ".stacks-*"))
        if dumps:
            sites, per_dump = stacks_summary(dumps)
            print(f"goroutine dumps: {len(dumps)}, deploy goroutines in each: {per_dump}")
            for (what, state, site), count in sites.most_common(20):
                print(f"  {count:4d}  {what:6s} [{state}] {site}")
            for k, v in sites.items():
                rows[f"stack {k[0]} [{k[1]}] {k[2]}"].append(v)
    if len(rounds) > 1:
        print(f"\n## medians over {len(rounds)} rounds\n")
        print("| figure | median | per round |")
        print("|---|---:|---|")
        for k, v in rows.items():
            if k.startswith("stack ") or k == "cpu timeline":
                continue
            print(f"| {k} | {med(v):.3f} | {' '.join(f'{x:.3f}' for x in v)} |")
        stack_rows = {k: v for k, v in rows.items() if k.startswith("stack ")}
        if stack_rows:
            print("\n| where deploy goroutines were, summed over every dump | count |")
            print("|---|---:|")
            for k, v in sorted(stack_rows.items(), key=lambda kv: -sum(kv[1]))[:25]:
                print(f"| {k[len('stack '):]} | {sum(v)} |")


if __name__ == "__main__":
    main()
