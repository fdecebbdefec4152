"""``python -m benchmarks --quick`` end to end: it starts its own stack, deploys the latency stub (no training) and must write the result files with the headline numbers and every row scored exactly once
in every SQL mode."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_the_results_and_loses_no_row(tmp_path):
    environment = dict(os.environ, EXASOL_TELEMETRY_DISABLE="1")
    run = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--results-dir", str(tmp_path)],
                         cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    document = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    summary = document["summary"]
    assert summary["endpoint"] == "bench-stub" and summary["rows"] == 2_000
    assert summary["sql_rows_per_s"] > 0 and summary["direct_rows_per_s"] > 0
    assert summary["sql_vs_direct_ratio"] == pytest.approx(summary["sql_rows_per_s"] / summary["direct_rows_per_s"],
                                                          abs=0.0006)
    assert summary["all_rows_scored_once"] is True
    # the latency stub answers 50 ms after each request: 1,000 rows x 4 in flight can never beat 80,000 rows/s
    (direct,) = document["direct"]
    assert (direct["rows_per_request"], direct["threads"], direct["rows"]) == (1000, 4, 2_000)
    assert direct["rows_per_s"] < 1000 * 4 / 0.05
    assert {(run["mode"], run["rows"], run["rows_per_request"], run["in_flight"], run["nodes"])
            for run in document["sql"]} == {
        (mode, rows, 1000, 4, 1) for mode in ("single", "group_by_iproc") for rows in (500, 2_000)}
    for sql in document["sql"]:
        assert sql["rows_out"] == sql["distinct_keys"] == sql["rows"] and sql["missing_keys"] == 0, sql
    for direct in document["direct"]:
        assert direct["answered_rows"] == direct["rows"], direct
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| SQL, group by iproc | bench-stub | 1,000 × 4 | 2,000 |" in table
