"""The training export to S3 (issue 15 d): the EXPORT statement ``SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT`` issues,
timed on the emulator against DuckDB writing the same gzip CSV directly, in the same run.

The statement is built by the product's own Lua (``sme_export.statement`` and ``sme_s3_locations.export_files``,
run in lupa), with one FILE per export file the script writes on this cluster (NPROC() × the declared default of
``export_files_per_node``; the script writes fewer only below 10,000 rows per file). Its ``:file_n`` parameters
are inlined as string literals, as the script's ``query(sql, params)`` does. The data is california_housing
replicated to ``rows`` rows, every copy after the first with multiplicative noise (1 %, rounded to 4 decimals),
loaded once with pyexasol's ``import_from_pandas`` and given to DuckDB as the same DataFrame.

The exported objects are checked: their parsed rows, sorted, must equal the source frame, sorted.
Run ``python -m benchmarks.export_path --rows 1000000`` (own stack on free ports), or see ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import boto3  # noqa: E402
import duckdb  # noqa: E402
import lupa.lua54 as lupa  # noqa: E402
import numpy  # noqa: E402
import pandas  # noqa: E402
import pyexasol  # noqa: E402

from exasol_sagemaker_extension.declarations.training_options import TRAINING_OPTIONS  # noqa: E402
from exasol_sagemaker_extension.installation.lua_bundle import bundle, lua_sources_root  # noqa: E402
from sme_local.datasets import CALIFORNIA_HOUSING, create_table_sql, find_data_dir, read_frame  # noqa: E402
from sme_local.extension_calls import create_aws_connection  # noqa: E402
from sme_local.sql_console import SqlConsole, sql_string  # noqa: E402
from sme_local.stack import LocalStack, StackDescription  # noqa: E402

SCHEMA = "BENCH_EXPORT"
TABLE = "HOUSING"
CONNECTION = "BENCH_EXPORT_S3"
TARGET_RATIO = 0.5  # issue 15: export >= 0.5x DuckDB
NOISE = 0.01
MB = 1_000_000

# Builds the statement with the modules the training script uses; returns the SQL and the FILE names in order.
_STATEMENT_LUA = """
local export = require("sme_export")
local s3_locations = require("sme_s3_locations")
return function(names, schema, table_name, connection, prefix, count)
    local columns = {}
    for i, name in ipairs(names) do columns[i] = { name = name } end
    local files = s3_locations.export_files(prefix, count)
    local sql, params = export.statement(columns, schema, table_name, connection, files)
    return sql, params, files
end
"""


@dataclass(frozen=True)
class Writer:
    """One side's numbers: wall time of the write and the bytes it produced (gzip, and once decompressed)."""

    seconds: float
    compressed_bytes: int
    uncompressed_bytes: int
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {
            "rows_per_s": round(self.rows / self.seconds, 1),
            "compressed_mb_per_s": round(self.compressed_bytes / MB / self.seconds, 2),
            "uncompressed_mb_per_s": round(self.uncompressed_bytes / MB / self.seconds, 2),
        }


def housing_frame(rows: int, data_dir: Path, seed: int = 15) -> pandas.DataFrame:
    """california_housing cycled to ``rows`` rows; copies after the first get multiplicative noise."""
    base = read_frame(data_dir / CALIFORNIA_HOUSING.file_name, CALIFORNIA_HOUSING)
    numeric = [c.name for c in CALIFORNIA_HOUSING.columns if c.sql_type == "DOUBLE"]
    base[numeric] = base[numeric].astype("float64")
    frame = base.iloc[numpy.arange(rows) % len(base)].reset_index(drop=True)
    copies = numpy.arange(rows) >= len(base)
    factors = 1 + numpy.random.default_rng(seed).normal(0, NOISE, (int(copies.sum()), len(numeric)))
    frame.loc[copies, numeric] = numpy.round(frame.loc[copies, numeric].to_numpy() * factors, 4)
    return frame


def training_export(names: list[str], prefix: str, file_count: int) -> tuple[str, list[str]]:
    """The training script's EXPORT of ``names`` from SCHEMA.TABLE to ``file_count`` files under ``prefix``,
    with its file parameters inlined; and the file names."""
    runtime = lupa.LuaRuntime(unpack_returned_tuples=True)
    build = runtime.execute(bundle(_STATEMENT_LUA, lua_sources_root().joinpath("modules"), "export benchmark"))
    sql, params, files = build(runtime.table_from(names), SCHEMA, TABLE, CONNECTION, prefix, file_count)
    files = [files[i] for i in range(1, len(files) + 1)]
    for i in range(len(files), 0, -1):  # file_10 before file_1
        sql = sql.replace(f":file_{i}", sql_string(params[f"file_{i}"]))
    return sql, files


def files_per_node() -> int:
    return next(option.default for option in TRAINING_OPTIONS if option.name == "export_files_per_node")


def parse_csv(data: bytes) -> pandas.DataFrame:
    """A gzip CSV with a header, as the training export writes it, with DOUBLEs parsed back exactly."""
    return pandas.read_csv(io.BytesIO(data), compression="gzip", float_precision="round_trip",
                           keep_default_na=False, na_values=[""])


def same_rows(expected: pandas.DataFrame, parts: list[pandas.DataFrame]) -> bool:
    """Whether the parts hold exactly the rows of ``expected`` (in any order and split)."""
    actual = pandas.concat(parts, ignore_index=True) if parts else expected.iloc[0:0]
    if list(actual.columns) != list(expected.columns) or len(actual) != len(expected):
        return False
    columns = list(expected.columns)

    def ordered(frame: pandas.DataFrame) -> pandas.DataFrame:
        return frame.sort_values(columns, kind="stable").reset_index(drop=True)

    return ordered(expected.astype(actual.dtypes.to_dict())).equals(ordered(actual))


def load(description: StackDescription, frame: pandas.DataFrame) -> tuple[pyexasol.ExaConnection, float]:
    connection = pyexasol.connect(dsn=description.dsn, user=description.db_user, password=description.db_password)
    console = SqlConsole(connection, lambda _: None, secrets=[description.aws_secret_access_key])
    console.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
    console.execute(create_table_sql(SCHEMA, TABLE, CALIFORNIA_HOUSING.columns))
    create_aws_connection(console, CONNECTION, description)
    started = time.perf_counter()
    connection.import_from_pandas(frame, (SCHEMA, TABLE))
    return connection, time.perf_counter() - started


def emulator_export(description: StackDescription, connection: pyexasol.ExaConnection, names: list[str],
                    rows: int) -> tuple[Writer, dict[str, Any], list[pandas.DataFrame]]:
    prefix = f"bench-export/{time.time_ns()}"
    sql, files = training_export(names, prefix, description.db_nodes * files_per_node())
    started = time.perf_counter()
    exported = connection.execute(sql).rowcount()
    seconds = time.perf_counter() - started
    s3 = boto3.client("s3", endpoint_url=description.aws_endpoint_url, region_name=description.aws_region,
                      aws_access_key_id=description.aws_access_key_id,
                      aws_secret_access_key=description.aws_secret_access_key)
    objects = [s3.get_object(Bucket=description.s3_bucket, Key=name)["Body"].read() for name in files]
    parts = [parse_csv(data) for data in objects]
    writer = Writer(seconds, sum(map(len, objects)), sum(len(gzip.decompress(data)) for data in objects), rows)
    facts = {"statement": sql, "files": len(files), "rows_exported": exported,
             "rows_in_files": sum(map(len, parts)), "rows_per_file": [len(part) for part in parts]}
    return writer, facts, parts


def duckdb_export(frame: pandas.DataFrame, directory: Path) -> tuple[Writer, pandas.DataFrame]:
    """DuckDB's own gzip CSV writer on the same rows (one file, header, its default threads)."""
    database = duckdb.connect()
    database.register("source", frame)
    database.execute("CREATE TABLE housing AS SELECT * FROM source")
    path = directory / "housing.csv.gz"
    started = time.perf_counter()
    database.execute(f"COPY housing TO '{path}' (FORMAT CSV, HEADER, COMPRESSION gzip)")
    seconds = time.perf_counter() - started
    database.close()
    data = path.read_bytes()
    return Writer(seconds, len(data), len(gzip.decompress(data)), len(frame)), parse_csv(data)


def measure(description: StackDescription, rows: int, data_dir: Path | None = None) -> dict[str, Any]:
    """The ``export`` section of latest.json for a ``rows``-row table on the running stack."""
    frame = housing_frame(rows, find_data_dir(data_dir))
    connection, load_seconds = load(description, frame)
    try:
        emulator, facts, parts = emulator_export(description, connection, list(frame.columns), rows)
    finally:
        connection.close()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        duck, duck_rows = duckdb_export(frame, Path(directory))
    ratio = emulator.as_dict()["rows_per_s"] / duck.as_dict()["rows_per_s"]
    return {
        "rows": rows, **facts, "load_seconds": round(load_seconds, 2),
        "emulator": emulator.as_dict(), "duckdb": duck.as_dict(),
        "ratio_vs_duckdb": round(ratio, 3), "target_ratio": TARGET_RATIO,
        "content_matches": same_rows(frame, parts), "duckdb_content_matches": same_rows(frame, [duck_rows]),
    }


def complete(section: dict[str, Any]) -> bool:
    """Every source row in the exported files, once, with the same values."""
    return section["rows_exported"] == section["rows_in_files"] == section["rows"] and section["content_matches"]


def markdown(section: dict[str, Any]) -> str:
    lines = ["| training export (gzip CSV) | rows | files | seconds | rows/s | MB/s gzip | MB/s CSV | × DuckDB |",
             "|---|---|---|---|---|---|---|---|"]
    for label, side, files in (("emulator EXPORT to S3", section["emulator"], section["files"]),
                               ("DuckDB COPY to a file", section["duckdb"], 1)):
        lines.append(f"| {label} | {side['rows']:,} | {files} | {side['seconds']:.2f} | {side['rows_per_s']:,.0f} | "
                     f"{side['compressed_mb_per_s']:.1f} | {side['uncompressed_mb_per_s']:.1f} | "
                     f"{side['rows_per_s'] / section['duckdb']['rows_per_s']:.2f} |")
    lines.append(f"\nExported rows {section['rows_exported']:,}, rows in the files {section['rows_in_files']:,}, "
                 f"same rows as the source: {'yes' if section['content_matches'] else 'NO'}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export_path", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-export-stack-") as directory, \
            LocalStack(Path(directory)) as stack:
        section = measure(stack.description, args.rows, args.data_dir)
    print(markdown(section))
    return 0 if complete(section) else 1


if __name__ == "__main__":
    raise SystemExit(main())
