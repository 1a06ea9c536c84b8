#!/usr/bin/env python3
"""bench/check_regression, the CI gate: a passing run, regressions of each kind, bad input.

Run by ctest as: check_regression_test.py BENCH_DIR DATA_DIR. The passing input is a real
`edgetwin bench scheduler --json` line recorded on the build machine (data/scheduler_bench.json);
the failing ones are that line with one figure changed, so each verdict follows from the baseline
by hand (arithmetic in the comments).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BENCH = sys.argv[1] if len(sys.argv) > 1 else "bench"
DATA = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "data")
GATE = os.path.join(BENCH, "check_regression")
BASELINE = os.path.join(BENCH, "baselines", "scheduler.json")


def run(*args):
    p = subprocess.run([sys.executable, GATE, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class CheckRegression(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(DATA, "scheduler_bench.json"), encoding="utf-8") as f:
            self.recorded = json.load(f)
        self.tmp = tempfile.TemporaryDirectory()
        self.files = 0

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, value):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(value if isinstance(value, str) else json.dumps(value))
        return path

    def with_value(self, key, value):
        run_json = dict(self.recorded)
        run_json[key] = value
        self.files += 1  # one file per call: cases are built before they run
        return self.write(f"current{self.files}.json", run_json)

    def test_the_recorded_run_passes_the_committed_baseline(self):
        code, out, err = run(os.path.join(DATA, "scheduler_bench.json"), BASELINE)
        self.assertEqual(code, 0, err)
        self.assertIn("ok          placements_per_s", out)
        self.assertEqual(err, "")

    def test_a_slower_run_fails_with_the_key_and_the_change(self):
        # Baseline 75,000 with tolerance 0.3333: the floor is 75,000 * 0.6667 = 50,002.5.
        # 37,500 is 50.0 % below the baseline.
        code, _, err = run(self.with_value("placements_per_s", 37500), BASELINE)
        self.assertEqual(code, 1)
        self.assertIn("REGRESSION  placements_per_s: 37500 is 50.0% below the baseline 75000", err)
        # 50,100 is above the floor: no regression.
        code, _, err = run(self.with_value("placements_per_s", 50100), BASELINE)
        self.assertEqual(code, 0, err)

    def test_a_tolerance_on_the_command_line_overrides_the_baseline(self):
        # 60,000 is 20 % below 75,000: inside 33 %, outside 10 %.
        current = self.with_value("placements_per_s", 60000)
        self.assertEqual(run(current, BASELINE)[0], 0)
        code, _, err = run(current, BASELINE, "--tolerance", "placements_per_s=0.1")
        self.assertEqual(code, 1)
        self.assertIn("20.0% below", err)

    def test_changed_decisions_fail_an_equal_key(self):
        code, _, err = run(self.with_value("decisions_hash", "0000000000000000"), BASELINE)
        self.assertEqual(code, 1)
        self.assertIn("REGRESSION  decisions_hash", err)

    def test_lower_is_better_keys_fail_when_higher(self):
        baseline = self.write("baseline.json", {"metrics": {
            "wall_s": {"value": 0.2, "better": "lower", "tolerance": 0.5}}})
        # Ceiling 0.2 * 1.5 = 0.3: 0.29 passes, 0.31 (55 % above) fails.
        self.assertEqual(run(self.with_value("wall_s", 0.29), baseline)[0], 0)
        code, _, err = run(self.with_value("wall_s", 0.31), baseline)
        self.assertEqual(code, 1)
        self.assertIn("wall_s: 0.31 is 55.0% above the baseline 0.2", err)

    def test_bad_input_exits_2_and_names_the_problem(self):
        cases = [
            ([os.path.join(self.tmp.name, "missing.json"), BASELINE], "cannot read"),
            ([self.write("garbage.json", "no json here"), BASELINE], "no JSON object found"),
            ([self.write("partial.json", '{"placements_per_s": 1'), BASELINE], "invalid JSON"),
            ([self.write("other.json", {"events_per_s": 5}), BASELINE],
             "no key decisions_hash (the baseline checks it)"),
            ([self.with_value("placements_per_s", "fast"), BASELINE],
             "placements_per_s: expected a finite number"),
            ([self.with_value("placements_per_s", float("nan")), BASELINE],
             "placements_per_s: expected a finite number, got NaN"),
            ([self.with_value("placed", 1), BASELINE, "--tolerance", "nope=0.1"],
             "the baseline has no metric nope"),
            ([self.with_value("placed", 1), BASELINE, "--tolerance", "placed=-1"],
             "FRACTION >= 0"),
            ([self.with_value("placed", 1)], "usage"),
        ]
        for args, message in cases:
            code, out, err = run(*args)
            self.assertEqual(code, 2, (args, err))
            self.assertIn(message, err)
            self.assertEqual(out, "")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
