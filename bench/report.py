#!/usr/bin/env python3
"""Turns bench/run.sh's raw.tsv into the markdown tables of docs/benchmarks.md (stdlib only)."""
import statistics
import sys
from collections import defaultdict

COLS = "phase kind target size rep wall wb cpu rssg heap ok http extra load".split()
ORDER = ["sink", "dd", "nginx", "nginx+sha", "depot-put", "depot-mp"]
LABEL = {
    "sink": "curl → sink (nginx, discards)",
    "dd": "dd bs=1M",
    "nginx": "nginx PUT",
    "nginx+sha": "nginx PUT, then sha256 of the file",
    "depot-put": "Depot PUT",
    "depot-mp": "Depot multipart POST",
}
PHASE = {"nofsync": "depot.fsync=false (nobody fsyncs)", "fsync": "depot.fsync=true (Depot fsyncs; dd conv=fsync; nginx never does)"}


def num(v):
    try:
        return float(v)
    except ValueError:
        return None


def human(size):
    mib = size / 2**20
    return f"{mib / 1024:g} GiB" if mib >= 1024 else f"{mib:g} MiB"


def spread(values, fmt="{:.2f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main(path):
    rows = [dict(zip(COLS, line.rstrip("\n").split("\t"))) for line in open(path) if line.strip()]
    groups = defaultdict(list)
    for r in rows:
        groups[(r["phase"], r["kind"], r["size"], r["target"])].append(r)
        if r["target"] == "nginx" and r["kind"] == "single" and num(r["extra"]) is not None:
            d = dict(r, target="nginx+sha", wall=str(float(r["wall"]) + float(r["extra"])))
            groups[(r["phase"], r["kind"], r["size"], "nginx+sha")].append(d)

    loads = [num(x) for r in rows for x in r["load"].split("/")[:1]]
    print(f"Load average (1 min) during the runs: {min(loads):.1f}–{max(loads):.1f} (2 cores; other builds were running).\n")

    phases = list(dict.fromkeys(r["phase"] for r in rows))
    for phase in phases:
        sizes = sorted({int(r["size"]) for r in rows if r["phase"] == phase and r["kind"] == "single"})
        for size in sizes:
            print(f"#### Single upload, {human(size)}, {PHASE.get(phase, phase)}\n")
            print("| target | n | wall s median (min–max) | MB/s | × nginx time | × sink time | write amp. | server CPU s | RSS growth MiB | heap Δ after GC MiB | sha256 ok |")
            print("|---|---|---|---|---|---|---|---|---|---|---|")
            base = {t: med([num(r["wall"]) for r in groups.get((phase, "single", str(size), t), [])]) for t in ORDER}
            for t in ORDER:
                g = groups.get((phase, "single", str(size), t))
                if not g:
                    continue
                walls = [num(r["wall"]) for r in g]
                m = med(walls)
                mbs = size / m / 1e6 if m else None
                rn = f"{m / base['nginx']:.2f}" if base.get("nginx") and m else "–"
                rs = f"{m / base['sink']:.2f}" if base.get("sink") and m else "–"
                wa = spread([num(r["wb"]) / size if num(r["wb"]) is not None else None for r in g]) if t != "sink" else "0"
                cpu = spread([num(r["cpu"]) for r in g]) if t != "nginx+sha" else "–"
                rss = spread([num(r["rssg"]) / 1024 if num(r["rssg"]) is not None else None for r in g], "{:.0f}")
                heap = spread([num(r["heap"]) / 1024 if num(r["heap"]) is not None else None for r in g], "{:.0f}")
                ok = "–" if t == "sink" else f"{sum(r['ok'] == '1' for r in g)}/{len(g)}"
                print(f"| {LABEL[t]} | {len(g)} | {spread(walls)} | {mbs:.0f} | {rn} | {rs} | {wa} | {cpu} | {rss} | {heap} | {ok} |")
            if base.get("depot-mp") and base.get("depot-put"):
                print(f"\nMultipart ÷ PUT (Depot, medians): {base['depot-mp'] / base['depot-put']:.2f}")
            print()

        conc = [k for k in groups if k[0] == phase and k[1].startswith("concurrent")]
        if conc:
            kind = conc[0][1]
            print(f"#### {kind[len('concurrent'):]} concurrent uploads of 100 MiB, {PHASE.get(phase, phase)}\n")
            print("| target | n | wall s median (min–max) | aggregate MB/s | × nginx throughput | write amp. | server CPU s | RSS growth MiB | all sha256 ok | HTTP codes |")
            print("|---|---|---|---|---|---|---|---|---|---|")
            nb = med([num(r["wall"]) for r in groups.get((phase, kind, conc[0][2], "nginx"), [])])
            for t in ORDER:
                g = groups.get((phase, kind, conc[0][2], t))
                if not g:
                    continue
                total = int(g[0]["size"])
                walls = [num(r["wall"]) for r in g]
                m = med(walls)
                ratio = f"{nb / m:.2f}" if nb else "–"
                wa = spread([num(r["wb"]) / total for r in g])
                print(f"| {LABEL[t]} | {len(g)} | {spread(walls)} | {total / m / 1e6:.0f} | {ratio} | {wa} | {spread([num(r['cpu']) for r in g])} | "
                      f"{spread([num(r['rssg']) / 1024 for r in g], '{:.0f}')} | {sum(r['ok'] == '1' for r in g)}/{len(g)} | {'; '.join(sorted(set(r['http'] for r in g)))} |")
            print()

        slow = [k for k in groups if k[0] == phase and k[1].startswith("slow")]
        if slow:
            print(f"#### Starvation check: {slow[0][1][len('slow'):]} slow uploads running, one fast 100 MiB PUT, {PHASE.get(phase, phase)}\n")
            print("| target | fast PUT alone s | fast PUT while the slow ones run s | fast PUT status | slow uploads |")
            print("|---|---|---|---|---|")
            for k in slow:
                for r in groups[k]:
                    parts = dict(p.split("=", 1) for p in r["extra"].split(" ") if "=" in p)
                    slowinfo = r["extra"].split("slow:", 1)[1] if "slow:" in r["extra"] else ""
                    print(f"| {LABEL[r['target']]} | {parts.get('alone', '–')} | {r['wall']} | {r['http']} | {slowinfo} |")
            print()

        mem = [k for k in groups if k[0] == phase and k[1] == "memory"]
        if mem:
            print(f"#### Memory check (Depot PUT), {PHASE.get(phase, phase)}\n")
            print("| size | wall s | MB/s | RSS growth MiB (peak during − before) | heap Δ after full GC MiB | write amp. | sha256 ok |")
            print("|---|---|---|---|---|---|---|")
            for k in sorted(mem, key=lambda k: int(k[2])):
                for r in groups[k]:
                    size = int(r["size"])
                    print(f"| {human(size)} | {r['wall']} | {size / float(r['wall']) / 1e6:.0f} | {int(r['rssg']) / 1024:.0f} | "
                          f"{int(r['heap']) / 1024:.0f} | {int(r['wb']) / size:.2f} | {r['ok']} |")
            print()


if __name__ == "__main__":
    main(sys.argv[1])
