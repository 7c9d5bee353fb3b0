"""Turns the raw results of scripts/bench-nbd and scripts/bench-collie into Markdown tables of medians, ratios
and the targets of docs/performance.md.

Usage: bench_report.py nbd RESULTS_DIR | bench_report.py collie RESULTS_DIR
"""
import csv
import glob
import os
import statistics
import sys

# Column order and labels of the servers bench-nbd knows.
SERVERS = [
    ("qemu-nbd", "qemu-nbd"),
    ("sheep1", "sheep 1 node c=1"),
    ("sheep3", "sheep 3 nodes c=3"),
    ("sheep3-tls", "sheep 3 nodes c=3 TLS"),
    ("nbdkit-memory", "nbdkit memory"),
]
WORKLOADS = ["seqwrite-1m-qd8", "seqread-1m-qd8", "randread-4k-qd1", "randread-4k-qd32",
             "randwrite-4k-qd1", "randwrite-4k-qd32"]
REFERENCE = "qemu-nbd"
# (server, the server it is also compared with, column label): the same cluster with and without keys.
PAIRS = [("sheep3-tls", "sheep3", "TLS / plain")]
# (server, workload, reference server, minimum ratio): the targets of the benchmark issue.
NBD_TARGETS = [("sheep1", w, "qemu-nbd", 1.0) for w in WORKLOADS] + [
    ("sheep1", "randread-4k-qd32", "nbdkit-memory", 0.8),
    ("sheep3", "randwrite-4k-qd32", "qemu-nbd", 0.5),
    ("sheep3", "seqwrite-1m-qd8", "qemu-nbd", 0.33),
]
# (copies, phase, minimum MiB/s)
COLLIE_TARGETS = [(3, "fresh", 48.0), (3, "overwrite", 120.0)]


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def metric(workload):
    """Sequential workloads are compared in MB/s (10^6 bytes/s, as fio reports), 4k ones in IOPS."""
    return ("MBps", "MB/s") if workload.startswith("seq") else ("iops", "IOPS")


def fmt(x):
    if x is None:
        return "-"
    return "%.0f" % x if x >= 100 else "%.1f" % x


def ratio(a, b):
    return None if a is None or not b else a / b


def fmt_ratio(r):
    return "-" if r is None else "%.2fx" % r


def nbd(results):
    runs = {}  # (server, workload) -> [value per round]
    for path in sorted(glob.glob(os.path.join(results, "fio", "*", "round*", "summary.tsv"))):
        server = path.split(os.sep)[-3]
        for row in read_tsv(path):
            key, _ = metric(row["workload"])
            runs.setdefault((server, row["workload"]), []).append(float(row[key]))
    copies = {}  # (server, direction) -> [MiB/s per round]
    for row in read_tsv(os.path.join(results, "nbdcopy.tsv")):
        mib_s = int(row["bytes"]) / 1048576 / float(row["seconds"])
        copies.setdefault((row["server"], row["direction"]), []).append(mib_s)
    present = [(s, label) for s, label in SERVERS if any(k[0] == s for k in list(runs) + list(copies))]
    names = [s for s, _ in present]
    pairs = {s: (other, label) for s, other, label in PAIRS if s in names and other in names}

    def med(table, key):
        return statistics.median(table[key]) if table.get(key) else None

    if os.path.exists(os.path.join(results, "header.txt")):
        print("```")
        print(open(os.path.join(results, "header.txt")).read().rstrip())
        print("```")
        print()
    head = ["workload", "unit"]
    for s, label in present:
        head.append(label)
        if s != REFERENCE and s != "nbdkit-memory":
            head.append("ratio")
        if s == "nbdkit-memory":
            head.append("sheep1 / nbdkit")
        if s in pairs:
            head.append(pairs[s][1])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    rows = [(w, metric(w)[1], lambda s, w=w: med(runs, (s, w))) for w in WORKLOADS]
    rows += [("nbdcopy " + d, "MiB/s", lambda s, d=d: med(copies, (s, d))) for d in ("in", "out")]
    for name, unit, value in rows:
        ref = value(REFERENCE)
        cells = [name, unit]
        for s, _ in present:
            v = value(s)
            cells.append(fmt(v))
            if s != REFERENCE and s != "nbdkit-memory":
                cells.append(fmt_ratio(ratio(v, ref)))
            if s == "nbdkit-memory":
                cells.append(fmt_ratio(ratio(value("sheep1"), v)))
            if s in pairs:
                cells.append(fmt_ratio(ratio(v, value(pairs[s][0]))))
        print("| " + " | ".join(cells) + " |")
    print()
    print("Medians over %d round(s); ratio = this server / qemu-nbd; sheep1 / nbdkit = the 1-node cluster / nbdkit memory%s."
          % (max([len(v) for v in runs.values()] or [0]),
             "; TLS / plain = sheep3-tls / sheep3" if pairs else ""))
    print()

    print("Per round (the spread behind each median):")
    print()
    print("| server | workload | rounds |")
    print("|---|---|---|")
    for s, label in present:
        for w in WORKLOADS:
            if runs.get((s, w)):
                print("| %s | %s | %s |" % (label, w, " / ".join(fmt(x) for x in runs[(s, w)])))
        for d in ("in", "out"):
            if copies.get((s, d)):
                print("| %s | nbdcopy %s | %s |" % (label, d, " / ".join(fmt(x) for x in copies[(s, d)])))
    print()

    rss = read_tsv(os.path.join(results, "rss.tsv"))
    if rss:
        whens = list(dict.fromkeys(r["when"] for r in rss))
        print("Resident memory (VmRSS, MiB):")
        print()
        print("| server | node | " + " | ".join(whens) + " |")
        print("|---|---|" + "---|" * len(whens))
        seen = list(dict.fromkeys((r["server"], r["node"]) for r in rss))
        for server, node in seen:
            cells = [next((r["rss_mib"] for r in rss if (r["server"], r["node"], r["when"]) == (server, node, w)),
                          "-") for w in whens]
            print("| %s | %s | %s |" % (server, node, " | ".join(cells)))
        print()

    traffic = read_tsv(os.path.join(results, "traffic.tsv"))
    if traffic:
        # What each cluster's connections carried during the run: "after the run" minus "after start".
        by = {(r["server"], r["channel"], r["when"]): r for r in traffic}
        print("TCP traffic of each cluster during the run, by the port its connections go to (sheep: peer "
              "operations; membership: JGroups; bytes received by both ends, connections open at the end):")
        print()
        print("| server | channel | connections | MiB |")
        print("|---|---|---|---|")
        for server, channel in dict.fromkeys((r["server"], r["channel"]) for r in traffic):
            start, end = by.get((server, channel, "after start")), by.get((server, channel, "after the run"))
            if start and end:
                delta = (int(end["bytes"]) - int(start["bytes"])) / 1048576
                print("| %s | %s | %s | %s |" % (server, channel, end["connections"], "%.2f" % delta))
        print()

    print("Targets:")
    print()
    print("| target | measured | |")
    print("|---|---|---|")
    for server, w, ref, minimum in NBD_TARGETS:
        r = ratio(med(runs, (server, w)), med(runs, (ref, w)))
        if r is None:
            continue
        print("| %s %s >= %.2fx %s | %.2fx | %s |" % (server, w, minimum, ref, r, "met" if r >= minimum else "NOT met"))


def collie(results):
    rows = read_tsv(os.path.join(results, "collie.tsv"))
    speeds = {}  # (copies, phase) -> [MiB/s]
    startup = []  # seconds of `collie node list`
    for row in rows:
        if row["phase"] == "startup":
            startup.append(float(row["seconds"]))
            continue
        speeds.setdefault((int(row["copies"]), row["phase"]), []).append(
            int(row["bytes"]) / 1048576 / float(row["seconds"]))
    if os.path.exists(os.path.join(results, "header.txt")):
        print("```")
        print(open(os.path.join(results, "header.txt")).read().rstrip())
        print("```")
        print()
    if not speeds:
        images(results)  # --images-only
        return
    phases = ["fresh", "overwrite", "read"]
    print("| copies | " + " | ".join("%s MiB/s" % p for p in phases) + " |")
    print("|---|" + "---|" * len(phases))
    for c in sorted({k[0] for k in speeds}, reverse=True):
        cells = []
        for p in phases:
            v = speeds.get((c, p))
            cells.append("-" if not v else "%s (%s)" % (fmt(statistics.median(v)), " / ".join(fmt(x) for x in v)))
        print("| %d | %s |" % (c, " | ".join(cells)))
    print()
    print("Median (runs in brackets) of `collie vdi write` (fresh: a new VDI; overwrite: the same range again) "
          "and `collie vdi read`, each one collie process including its JVM start.")
    if startup:
        print("Starting collie (`collie node list`) takes %.2f s (median)." % statistics.median(startup))
    print()
    print("Targets:")
    print()
    print("| target | measured | |")
    print("|---|---|---|")
    for c, p, minimum in COLLIE_TARGETS:
        v = speeds.get((c, p))
        if v:
            m = statistics.median(v)
            print("| vdi write %s, copies=%d > %.0f MiB/s | %.1f MiB/s | %s |"
                  % (p, c, minimum, m, "met" if m > minimum else "NOT met"))

    images(results)


# Phases of images.tsv in table order; the image ones have a qemu-img row to compare with.
IMAGE_PHASES = [("import", "vdi import (file -> VDI)"), ("export", "vdi export (VDI -> file)"),
                ("backup", "vdi backup, full"), ("restore", "vdi restore, full"),
                ("backup-incr", "vdi backup, incremental"), ("restore-incr", "vdi restore, incremental"),
                ("startup", "collie node list (JVM start)")]


def images(results):
    rows = read_tsv(os.path.join(results, "images.tsv"))
    if not rows:
        return
    secs = {}  # (phase, tool) -> {run: seconds}
    data = 0
    for row in rows:
        secs.setdefault((row["phase"], row["tool"]), {})[row["run"]] = float(row["seconds"])
        data = int(row["bytes"])
    print()
    print("Raw images and backups (seconds, median and runs; MiB/s of the image's %d MiB of data, or of the 16 MiB"
          " an incremental backup moves):" % (data >> 20))
    print()
    print("| phase | collie s | collie MiB/s | qemu-img s | qemu-img MiB/s | collie / qemu-img (time, per run) |")
    print("|---|---|---|---|---|---|")
    for phase, label in IMAGE_PHASES:
        c = secs.get((phase, "collie"), {})
        q = secs.get((phase, "qemu-img"), {})
        if not c:
            continue

        def cell(v):
            if not v:
                return "-"
            vals = [v[k] for k in sorted(v)]
            return "%.2f (%s)" % (statistics.median(vals), " / ".join("%.2f" % x for x in vals))

        def rate(v):
            if not v or phase == "startup":
                return "-"
            moved = 16 << 20 if phase.endswith("-incr") else data
            return fmt(moved / 1048576 / statistics.median(list(v.values())))

        ratios = [c[k] / q[k] for k in sorted(c) if k in q and q[k]]
        rcell = "-" if not ratios else "%s (%s)" % (fmt_ratio(statistics.median(ratios)),
                                                     " / ".join(fmt_ratio(r) for r in ratios))
        print("| %s | %s | %s | %s | %s | %s |" % (label, cell(c), rate(c), cell(q), rate(q), rcell))
    print()
    print("collie: one `scripts/collie` process over the sheep protocol to node 0, its JVM start included; qemu-img: "
          "`qemu-img convert -n -O raw` through node 0's NBD export. Ratio < 1: collie is faster.")
    sparse = os.path.join(results, "sparseness.txt")
    if os.path.exists(sparse):
        print()
        print("```")
        print(open(sparse).read().rstrip())
        print("```")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("nbd", "collie"):
        sys.exit(__doc__)
    {"nbd": nbd, "collie": collie}[sys.argv[1]](sys.argv[2])
