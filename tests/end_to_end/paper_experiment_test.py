#!/usr/bin/env python3
"""scripts/paper_experiment.py --quick on the built edgetwin: it runs, writes a well-formed CSV
table and SVG plot (both parsed back here), the exhaustive-equivalent architectures decide alike,
and bad input exits 2 writing nothing.

Usage: paper_experiment_test.py SCRIPT EDGETWIN
"""

import csv
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ARCHS = ["framework", "framework-adaptive", "incremental", "parallel", "batch"]
SVG = "{http://www.w3.org/2000/svg}"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(script, args):
    return subprocess.run([sys.executable, script] + args, capture_output=True, text=True,
                          check=False)


def main():
    script, edgetwin = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as out:
        p = run(script, ["--quick", "--edgetwin", edgetwin, "--out-dir", out])
        if p.returncode != 0:
            fail("quick run exited %d: %s" % (p.returncode, p.stderr))
        with open(os.path.join(out, "paper-experiment.csv")) as f:
            rows = list(csv.DictReader(f))
        # The quick grid: 2 node counts x 2 soft-constraint counts x 5 architectures = 20 rows.
        if len(rows) != 20:
            fail("expected 20 rows, got %d" % len(rows))
        cells = {(r["arch"], int(r["nodes"]), int(r["soft_constraints"])): r for r in rows}
        for arch in ARCHS:
            for nodes in (200, 400):
                for soft in (1, 20):
                    r = cells.get((arch, nodes, soft))
                    if r is None:
                        fail("missing row %s %d %d" % (arch, nodes, soft))
                    if float(r["placements_per_s"]) <= 0:
                        fail("non-positive rate in %s" % r)
                    # --quick sizes every cell at 100 pods; each is a decision.
                    if int(r["pods"]) != 100 or int(r["placed"]) + int(r["unschedulable"]) != 100:
                        fail("expected 100 decisions in %s" % r)
        for nodes in (200, 400):
            for soft in (1, 20):
                h = cells[("framework", nodes, soft)]["decisions_hash"]
                for arch in ("incremental", "parallel"):
                    if cells[(arch, nodes, soft)]["decisions_hash"] != h:
                        fail("%s decides unlike framework at %d nodes, %d soft" % (arch, nodes,
                                                                                   soft))
            # 1 and 20 soft constraints rank nodes differently: the hashes must differ.
            if (cells[("framework", nodes, 1)]["decisions_hash"] ==
                    cells[("framework", nodes, 20)]["decisions_hash"]):
                fail("1 and 20 soft constraints decided alike at %d nodes" % nodes)

        root = ET.parse(os.path.join(out, "paper-experiment.svg")).getroot()
        if root.tag != SVG + "svg":
            fail("root element is %s" % root.tag)
        panels = [g for g in root.iter(SVG + "g") if g.get("class") == "panel"]
        if [p.get("data-soft-constraints") for p in panels] != ["1", "20"]:
            fail("expected panels for 1 and 20 soft constraints")
        for panel in panels:
            series = [e for e in panel.iter(SVG + "polyline") if e.get("class") == "series"]
            if sorted(s.get("data-arch") for s in series) != sorted(ARCHS):
                fail("panel %s lacks a line per architecture" % panel.get("data-soft-constraints"))
            for s in series:
                if len(s.get("points").split()) != 2:  # one point per node count
                    fail("a line of %s does not have 2 points" % s.get("data-arch"))
        texts = [t.text or "" for t in root.iter(SVG + "text")]
        for arch in ARCHS:
            if arch not in texts:
                fail("legend lacks %s" % arch)
        if not any("log scale" in t for t in texts):
            fail("axes are not labelled log scale")
        yticks = [t.text for t in root.iter(SVG + "text") if t.get("class") == "ytick"]
        xticks = [t.text for t in root.iter(SVG + "text") if t.get("class") == "xtick"]
        if len(yticks) < 2 or xticks[:2] != ["200", "400"]:
            fail("ticks: y %s, x %s" % (yticks, xticks))

        # Redrawn from the CSV per CPU second, measuring nothing (no executable needed).
        p = run(script, ["--from-csv", os.path.join(out, "paper-experiment.csv"), "--metric",
                         "cpu", "--out-dir", out, "--svg-name", "cpu.svg", "--edgetwin",
                         "/nonexistent/edgetwin"])
        if p.returncode != 0:
            fail("--from-csv exited %d: %s" % (p.returncode, p.stderr))
        cpu = ET.parse(os.path.join(out, "cpu.svg")).getroot()
        if not any("per CPU second" in (t.text or "") for t in cpu.iter(SVG + "text")):
            fail("the --metric cpu plot is not labelled per CPU second")
        if len([e for e in cpu.iter(SVG + "polyline") if e.get("class") == "series"]) != 10:
            fail("the redrawn plot lacks lines")

    # Bad input: exit 2, a message naming the option, nothing written.
    for args, needle in ((["--edgetwin", "/nonexistent/edgetwin"], "--edgetwin"),
                         (["--edgetwin", edgetwin, "--archs", "quantum"], "unknown architecture"),
                         (["--edgetwin", edgetwin, "--soft", "21"], "--soft"),
                         (["--edgetwin", edgetwin, "--nodes", "-5"], "--nodes")):
        with tempfile.TemporaryDirectory() as out:
            p = run(script, ["--quick", "--out-dir", out] + args)
            if p.returncode != 2 or needle not in p.stderr:
                fail("%s: exit %d, stderr %r" % (args, p.returncode, p.stderr))
            if os.listdir(out):
                fail("%s left files: %s" % (args, os.listdir(out)))
    print("ok")


if __name__ == "__main__":
    main()
