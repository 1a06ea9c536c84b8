#!/usr/bin/env python3
"""The paper's experiment, reproduced (issue 5, item 9; docs/paper-experiment.md).

Rausch et al. (HotEdge 2019) found that a Kubernetes-style scheduler "struggles to process more
than 10-15 functions per second" at 5,000 nodes with fewer than 10 soft constraints. This script
measures placement throughput against the number of nodes and of soft constraints for each
placement architecture, by running `edgetwin bench scheduler --json` once per cell, and writes

  paper-experiment.csv   one row per (architecture, nodes, soft constraints)
  paper-experiment.svg   placements/s against nodes, one panel per soft-constraint count, one
                         line per architecture, log-log axes

into --out-dir. A "soft constraint" is one score plug-in instance of the bench (`--scorers K`,
docs/scheduling.md, "Throughput benchmark"). Python 3 standard library only.

Every cell also checks that the exhaustive-equivalent architectures decide alike: incremental and
parallel are run on the framework's pod count and their `decisions_hash` must equal the
exhaustive framework's; a mismatch is an error (exit 1).

Exit codes: 0 success, 2 bad input (nothing written), 1 a benchmark failed (nothing written).
"""

import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile

FULL_NODES = [500, 1000, 2000, 5000, 12583]
FULL_SOFT = [1, 2, 5, 10, 20]
QUICK_NODES = [200, 400]
QUICK_SOFT = [1, 20]

# name -> (bench arguments, cost factor per pod relative to exhaustive framework, sampled)
ARCHS = {
    "framework": (["--arch", "framework", "--sample-pct", "100"], 1.0, False),
    "framework-adaptive": (["--arch", "framework", "--sample-pct", "0"], 1.0, True),
    "incremental": (["--arch", "incremental"], None, False),
    "parallel": (["--arch", "parallel", "--sample-pct", "100", "--threads", "2"], 1.0, False),
    "batch": (["--arch", "batch", "--sample-pct", "100", "--flow-batch", "64"], 3.0, False),
}
COLORS = {
    "framework": "#d62728",
    "framework-adaptive": "#ff7f0e",
    "incremental": "#2ca02c",
    "parallel": "#1f77b4",
    "batch": "#9467bd",
}
# Wall-clock node x (scorer + 4) evaluations per second of exhaustive framework scoring measured on
# the shared 2-core machine (docs/paper-experiment.md); only used to size cells.
UNITS_PER_S = 60e6
MAX_PODS = 20000

CSV_FIELDS = ["arch", "nodes", "soft_constraints", "pods", "placed", "unschedulable",
              "wall_s", "cpu_s", "placements_per_s", "placements_per_cpu_s", "decisions_hash"]


class BadInput(Exception):
    pass


def adaptive_sample(nodes):
    """kube-scheduler's numFeasibleNodesToFind with the adaptive percentage (framework.h)."""
    if nodes < 100:
        return nodes
    pct = max(5, 50 - nodes // 125)
    return min(nodes, max(100, nodes * pct // 100))


def pods_for(arch, nodes, soft, budget_s, max_pods):
    """Pods that keep one cell near budget_s seconds, at most 2 per node and max_pods."""
    cap = min(max_pods, 2 * nodes)
    _, factor, sampled = ARCHS[arch]
    if factor is None:  # incremental: cost per pod is nearly flat; amortise the template caches
        return cap
    scanned = adaptive_sample(nodes) / 0.8 if sampled else nodes
    per_pod = scanned * (soft + 4) * factor
    return max(10, min(cap, int(budget_s * UNITS_PER_S / per_pod)))


def run_bench(edgetwin, arch, nodes, soft, pods, seed):
    args = [edgetwin, "bench", "scheduler", "--nodes", str(nodes), "--scorers", str(soft),
            "--pods", str(pods), "--seed", str(seed), "--json"] + ARCHS[arch][0]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args[1:]), proc.returncode,
                                                proc.stderr.strip()))
    out = json.loads(proc.stdout)
    for key in ("placements_per_s", "placements_per_cpu_s", "decisions_hash", "placed"):
        if key not in out:
            raise RuntimeError("%s: the JSON lacks '%s'" % (" ".join(args[1:]), key))
    return out


def measure(edgetwin, nodes_list, soft_list, archs, budget_s, max_pods, seed, log):
    rows = []
    for nodes in nodes_list:
        for soft in soft_list:
            hashes = {}
            for arch in archs:
                pods = pods_for(arch, nodes, soft, budget_s, max_pods)
                r = run_bench(edgetwin, arch, nodes, soft, pods, seed)
                rows.append({
                    "arch": arch, "nodes": nodes, "soft_constraints": soft, "pods": pods,
                    "placed": r["placed"], "unschedulable": r["unschedulable"],
                    "wall_s": r["wall_s"], "cpu_s": r["cpu_s"],
                    "placements_per_s": r["placements_per_s"],
                    "placements_per_cpu_s": r["placements_per_cpu_s"],
                    "decisions_hash": r["decisions_hash"]})
                log("%-18s nodes %5d soft %2d pods %5d: %10.0f placements/s (%.0f per CPU s)"
                    % (arch, nodes, soft, pods, r["placements_per_s"],
                       r["placements_per_cpu_s"]))
                if arch == "framework":
                    hashes["pods"] = pods
                    hashes["framework"] = r["decisions_hash"]
            if "framework" in hashes:  # exhaustive equivalence on the framework's pods
                for arch in ("incremental", "parallel"):
                    if arch not in archs:
                        continue
                    r = run_bench(edgetwin, arch, nodes, soft, hashes["pods"], seed)
                    if r["decisions_hash"] != hashes["framework"]:
                        raise RuntimeError(
                            "%s decides unlike exhaustive framework at %d nodes, %d soft "
                            "constraints, %d pods: hash %s != %s"
                            % (arch, nodes, soft, hashes["pods"], r["decisions_hash"],
                               hashes["framework"]))
    return rows


# ---------------------------------------------------------------------------------------------
# SVG


def esc(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def fmt_rate(v):
    if v >= 1e6:
        return "%gM" % (v / 1e6)
    if v >= 1e3:
        return "%gk" % (v / 1e3)
    return "%g" % v


def svg_plot(rows, nodes_list, soft_list, archs, title, metric="placements_per_s"):
    """Placements/s (log) against nodes (log), a panel per soft-constraint count; `metric` is
    placements_per_s (wall clock) or placements_per_cpu_s."""
    rows = [dict(r, placements_per_s=r[metric]) for r in rows]
    rates = [r["placements_per_s"] for r in rows if r["placements_per_s"] > 0]
    references = [3.0, 10.0, 15.0, 61.0]  # the paper's and skippy-core's figures
    lo = 10 ** math.floor(math.log10(min(rates + references)))
    hi = 10 ** math.ceil(math.log10(max(rates + references)))
    if hi <= lo:
        hi = lo * 10
    x_lo, x_hi = min(nodes_list), max(nodes_list)
    if x_hi <= x_lo:
        x_hi = x_lo * 2
    pw, ph, ml, mt, gap = 230, 260, 70, 50, 20
    width = ml + len(soft_list) * (pw + gap) + 10
    height = mt + ph + 60 + 22 * (len(archs) + 3)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">'
           % (width, height, width, height),
           '<rect x="0" y="0" width="%d" height="%d" fill="white"/>' % (width, height),
           '<text x="%d" y="20" font-size="14" text-anchor="middle">%s</text>'
           % (width // 2, esc(title))]

    def ypos(v):
        return mt + ph - ph * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    for p, soft in enumerate(soft_list):
        x0 = ml + p * (pw + gap)

        def xpos(n, x0=x0):
            return x0 + pw * (math.log10(n) - math.log10(x_lo)) / (
                math.log10(x_hi) - math.log10(x_lo))

        out.append('<g class="panel" data-soft-constraints="%d">' % soft)
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="black"/>'
                   % (x0, mt, pw, ph))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d soft constraint%s</text>'
                   % (x0 + pw / 2, mt - 8, soft, "" if soft == 1 else "s"))
        decade = lo
        while decade <= hi * 1.0001:
            y = ypos(decade)
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                       % (x0, y, x0 + pw, y))
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"/>'
                       % (x0 - 4, y, x0, y))
            if p == 0:
                out.append('<text class="ytick" x="%d" y="%.1f" text-anchor="end">%s</text>'
                           % (x0 - 6, y + 4, fmt_rate(decade)))
            decade *= 10
        for n in nodes_list:
            x = xpos(n)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/>'
                       % (x, mt + ph, x, mt + ph + 4))
            out.append('<text class="xtick" x="%.1f" y="%d" text-anchor="middle" '
                       'font-size="9">%d</text>' % (x, mt + ph + 15, n))
        # The paper's 10-15/s at 5,000 nodes (< 10 soft constraints) as a band, and skippy-core's
        # 3/s and 61/s (sampling) at 12,583 nodes x 10 scorers as points.
        if soft < 10 and x_lo <= 5000 <= x_hi:
            out.append('<line class="reference" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" '
                       'stroke="black" stroke-width="5"/>'
                       % (xpos(5000), ypos(15), xpos(5000), ypos(10)))
        if soft == 10 and x_lo <= 12583 <= x_hi:
            for v in (3.0, 61.0):
                out.append('<rect class="reference" x="%.1f" y="%.1f" width="7" height="7" '
                           'fill="black"/>' % (xpos(12583) - 3.5, ypos(v) - 3.5))
        for arch in archs:
            pts = sorted((r["nodes"], r["placements_per_s"]) for r in rows
                         if r["arch"] == arch and r["soft_constraints"] == soft
                         and r["placements_per_s"] > 0)
            if not pts:
                continue
            coords = " ".join("%.1f,%.1f" % (xpos(n), ypos(v)) for n, v in pts)
            out.append('<polyline class="series" data-arch="%s" points="%s" fill="none" '
                       'stroke="%s" stroke-width="2"/>' % (esc(arch), coords, COLORS[arch]))
            for n, v in pts:
                out.append('<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>'
                           % (xpos(n), ypos(v), COLORS[arch]))
        out.append('</g>')
    out.append('<text x="%.1f" y="%d" text-anchor="middle">nodes (log scale)</text>'
               % (ml + (len(soft_list) * (pw + gap) - gap) / 2, mt + ph + 32))
    out.append('<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">'
               'placements per %s (log scale)</text>'
               % (mt + ph / 2, mt + ph / 2,
                  "CPU second" if metric == "placements_per_cpu_s" else "second, wall clock"))
    ly = mt + ph + 55
    out.append('<g class="legend">')
    for i, arch in enumerate(archs):
        y = ly + 22 * i
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>'
                   % (ml, y, ml + 30, y, COLORS[arch]))
        out.append('<text x="%d" y="%d">%s</text>' % (ml + 38, y + 4, esc(arch)))
    y = ly + 22 * len(archs)
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black" stroke-width="5"/>'
               % (ml + 15, y - 6, ml + 15, y + 6))
    out.append('<text x="%d" y="%d">Rausch et al. 2019: 10-15 placements/s at 5,000 nodes, '
               'fewer than 10 soft constraints</text>' % (ml + 38, y + 4))
    y += 22
    out.append('<rect x="%d" y="%d" width="7" height="7" fill="black"/>' % (ml + 11, y - 4))
    out.append('<text x="%d" y="%d">skippy-core: 3/s exhaustive, 61/s sampling, 12,583 nodes x '
               '10 scorers</text>' % (ml + 38, y + 4))
    out.append('</g>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Output


def csv_text(rows):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r[k] for k in CSV_FIELDS})
    return buf.getvalue()


def markdown_table(rows, nodes_list, soft_list, archs, key):
    head = "| architecture | soft constraints | " + " | ".join(
        "%d nodes" % n for n in nodes_list) + " |"
    lines = [head, "|" + "---|" * (2 + len(nodes_list))]
    index = {(r["arch"], r["nodes"], r["soft_constraints"]): r for r in rows}
    for arch in archs:
        for soft in soft_list:
            cells = []
            for n in nodes_list:
                r = index.get((arch, n, soft))
                cells.append("%.0f" % r[key] if r else "")
            lines.append("| %s | %d | %s |" % (arch, soft, " | ".join(cells)))
    return "\n".join(lines) + "\n"


def read_csv(path):
    """Rows of a CSV written by csv_text, numbers converted; raises on a foreign file."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError("'%s' has no rows" % path)
    for r in rows:
        if r["arch"] not in ARCHS:
            raise ValueError("'%s': unknown architecture '%s'" % (path, r["arch"]))
        for k in ("nodes", "soft_constraints", "pods", "placed", "unschedulable"):
            r[k] = int(r[k])
        for k in ("wall_s", "cpu_s", "placements_per_s", "placements_per_cpu_s"):
            r[k] = float(r[k])
    return rows


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def parse_list(text, name):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise BadInput("%s: expected comma-separated integers, got '%s'" % (name, text))
    if not values or any(v < 1 for v in values):
        raise BadInput("%s: expected positive integers, got '%s'" % (name, text))
    return sorted(set(values))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edgetwin", default="build/cli/edgetwin",
                        help="the edgetwin executable (default: build/cli/edgetwin)")
    parser.add_argument("--out-dir", default="docs", help="where the CSV and the SVG go")
    parser.add_argument("--quick", action="store_true",
                        help="a small grid (200, 400 nodes x 1, 20 soft constraints, <= 100 "
                             "pods per cell) for tests")
    parser.add_argument("--nodes", help="comma-separated node counts (default: the full grid)")
    parser.add_argument("--soft", help="comma-separated soft-constraint counts, 1..20")
    parser.add_argument("--archs", default=",".join(ARCHS),
                        help="comma-separated architectures: " + ", ".join(ARCHS))
    parser.add_argument("--budget-s", type=float, default=1.5,
                        help="target seconds per cell (sizes --pods)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--metric", choices=["wall", "cpu"], default="wall",
                        help="what the SVG plots: placements per wall second (default) or per "
                             "CPU second (steadier on a shared machine)")
    parser.add_argument("--from-csv", metavar="CSV",
                        help="measure nothing: redraw the SVG (and the tables) from a CSV this "
                             "script wrote")
    parser.add_argument("--svg-name", default="paper-experiment.svg",
                        help="file name of the SVG in --out-dir")
    parser.add_argument("--markdown", action="store_true",
                        help="print the tables as Markdown on stdout at the end")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    log = (lambda s: None) if args.quick else (lambda s: print(s, file=sys.stderr, flush=True))
    try:
        nodes_list = parse_list(args.nodes, "--nodes") if args.nodes else (
            QUICK_NODES if args.quick else FULL_NODES)
        soft_list = parse_list(args.soft, "--soft") if args.soft else (
            QUICK_SOFT if args.quick else FULL_SOFT)
        if soft_list[-1] > 20:
            raise BadInput("--soft: at most 20 soft constraints (the bench's --scorers), got %d"
                           % soft_list[-1])
        archs = [a.strip() for a in args.archs.split(",") if a.strip()]
        for a in archs:
            if a not in ARCHS:
                raise BadInput("--archs: unknown architecture '%s'; valid: %s"
                               % (a, ", ".join(ARCHS)))
        if not archs:
            raise BadInput("--archs: expected at least one architecture")
        if not (args.budget_s > 0):
            raise BadInput("--budget-s: expected a positive number of seconds")
        if not args.from_csv and not (os.path.isfile(args.edgetwin) and
                                      os.access(args.edgetwin, os.X_OK)):
            raise BadInput("--edgetwin: '%s' is not an executable file" % args.edgetwin)
        if not os.path.isdir(args.out_dir):
            raise BadInput("--out-dir: '%s' is not a directory" % args.out_dir)
    except BadInput as e:
        print("paper_experiment: %s" % e, file=sys.stderr)
        return 2
    max_pods = 100 if args.quick else MAX_PODS
    metric = "placements_per_cpu_s" if args.metric == "cpu" else "placements_per_s"
    title = "Placement throughput vs nodes and soft constraints (edgetwin bench scheduler)"
    svg_path = os.path.join(args.out_dir, args.svg_name)
    if args.from_csv:
        try:
            rows = read_csv(args.from_csv)
        except (OSError, KeyError, ValueError) as e:
            print("paper_experiment: --from-csv: %s" % e, file=sys.stderr)
            return 2
        nodes_list = sorted({r["nodes"] for r in rows})
        soft_list = sorted({r["soft_constraints"] for r in rows})
        archs = [a for a in ARCHS if any(r["arch"] == a for r in rows)]
        write_atomically(svg_path, svg_plot(rows, nodes_list, soft_list, archs, title, metric))
        return 0
    load_before = os.getloadavg()
    try:
        rows = measure(args.edgetwin, nodes_list, soft_list, archs, args.budget_s, max_pods,
                       args.seed, log)
    except (RuntimeError, ValueError) as e:
        print("paper_experiment: %s" % e, file=sys.stderr)
        return 1
    load_after = os.getloadavg()
    write_atomically(os.path.join(args.out_dir, "paper-experiment.csv"), csv_text(rows))
    write_atomically(svg_path, svg_plot(rows, nodes_list, soft_list, archs, title, metric))
    log("load average (1, 5, 15 min) before %.2f %.2f %.2f, after %.2f %.2f %.2f"
        % (load_before + load_after))
    if args.markdown:
        print("placements per second (wall clock):\n")
        print(markdown_table(rows, nodes_list, soft_list, archs, "placements_per_s"))
        print("placements per CPU second:\n")
        print(markdown_table(rows, nodes_list, soft_list, archs, "placements_per_cpu_s"))
        print("pods per cell:\n")
        print(markdown_table(rows, nodes_list, soft_list, archs, "pods"))
        print("load average (1, 5, 15 min): before %.2f %.2f %.2f, after %.2f %.2f %.2f"
              % (load_before + load_after))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
