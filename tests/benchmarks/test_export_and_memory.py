"""The measuring logic of ``benchmarks/export_path.py`` and ``benchmarks/worker_memory.py`` on small tables of
the shared e2e stack (no training): the export's statement, counts and content check, and the worker sampler."""

import subprocess
import sys

import pandas

from benchmarks import export_path, worker_memory
from sme_local.datasets import CALIFORNIA_HOUSING, read_frame


def test_the_export_benchmark_issues_the_training_export_and_checks_every_row(e2e_stack):
    section = export_path.measure(e2e_stack.description, 2_000, e2e_stack.data_dir)
    assert export_path.complete(section), section
    assert section["rows_exported"] == section["rows_in_files"] == 2_000
    assert section["files"] == 4 and section["rows_per_file"] == [500] * 4  # one node x 4 files per node
    assert section["statement"].startswith('EXPORT (SELECT "LONGITUDE", "LATITUDE", ')
    assert f'FROM "{export_path.SCHEMA}"."{export_path.TABLE}") INTO CSV AT "{export_path.CONNECTION}" ' \
           f"FILE 'bench-export/" in section["statement"]
    assert section["statement"].endswith("/training-data/part-4.csv.gz' WITH COLUMN NAMES")
    for side in ("emulator", "duckdb"):
        numbers = section[side]
        assert numbers["rows"] == 2_000 and numbers["compressed_bytes"] < numbers["uncompressed_bytes"]
        assert numbers["rows_per_s"] > 0 and numbers["compressed_mb_per_s"] > 0
    assert section["duckdb_content_matches"] is True
    assert section["ratio_vs_duckdb"] == round(section["emulator"]["rows_per_s"] / section["duckdb"]["rows_per_s"], 3)
    assert "| emulator EXPORT to S3 | 2,000 | 4 |" in export_path.markdown(section)


def test_the_content_check_finds_a_changed_a_lost_and_a_duplicated_row(e2e_stack):
    frame = export_path.housing_frame(30_000, e2e_stack.data_dir)
    assert export_path.same_rows(frame, [frame.iloc[:10_000], frame.iloc[10_000:]])
    changed = frame.copy()
    changed.loc[25_000, "MEDIAN_INCOME"] += 0.0001
    assert not export_path.same_rows(frame, [changed])
    assert not export_path.same_rows(frame, [frame.iloc[1:]])
    assert not export_path.same_rows(frame, [pandas.concat([frame.iloc[1:], frame.iloc[:1], frame.iloc[:1]])])


def test_copies_of_the_dataset_carry_noise(e2e_stack):
    frame = export_path.housing_frame(45_000, e2e_stack.data_dir)
    original = len(read_frame(e2e_stack.data_dir / CALIFORNIA_HOUSING.file_name, CALIFORNIA_HOUSING))
    first, copy = frame.iloc[:original].reset_index(drop=True), frame.iloc[original:2 * original].reset_index(drop=True)
    assert not first.equals(copy)
    assert (first["OCEAN_PROXIMITY"] == copy["OCEAN_PROXIMITY"]).all()
    ratio = (copy["MEDIAN_HOUSE_VALUE"] / first["MEDIAN_HOUSE_VALUE"]).abs()
    assert ratio.between(0.9, 1.1).all() and ratio.std() > 0.005


def test_worker_peaks_are_sampled_from_udf_workers_only(e2e_stack):
    runs = worker_memory.measure_chunked_udf(e2e_stack.description, [2_000, 20_000])
    assert [run["rows"] for run in runs] == [2_000, 20_000]
    for run in runs:
        assert run["rows_out"] == run["rows"] and run["workers"] == 1
        assert 30 < run["peak_rss_mb"] < 2_000  # an interpreter with pandas, not nothing and not the host
    memory = worker_memory.section(runs)
    assert set(memory["mb_per_100k_rows"]) == {"chunked get_dataframe UDF"}
    assert "| chunked get_dataframe UDF | 20,000 |" in worker_memory.markdown(memory)
    with worker_memory.WorkerPeaks() as peaks:  # a child that is not a UDF worker is not counted
        subprocess.run([sys.executable, "-c", "import time; time.sleep(0.2)"], check=True)
    assert peaks.kilobytes == {}


def test_growth_is_the_slope_between_the_smallest_and_largest_table():
    runs = [{"udf": "u", "rows": 100_000, "peak_rss_mb": 110.0}, {"udf": "u", "rows": 1_000_000, "peak_rss_mb": 200.0},
            {"udf": "flat", "rows": 10, "peak_rss_mb": 5.0}]
    assert worker_memory.growth(runs) == {"u": 10.0}
