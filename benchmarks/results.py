"""Writes one run's numbers under ``benchmarks/results/``: ``latest.json`` (the whole run, with the headline
``sql_rows_per_s``, ``direct_rows_per_s``, ``sql_vs_direct_ratio`` and ``rows`` of the largest single-query
case, the direct number taken on the largest table the direct client drove), ``latest.md`` (the table the README quotes) and ``latest.png`` (rows/s against rows, per mode) when
matplotlib is installed (the ``bench`` extra)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import export_path, worker_memory

RESULTS = Path(__file__).resolve().parent / "results"


def summary(direct: list[dict[str, Any]], sql: list[dict[str, Any]]) -> dict[str, Any]:
    largest_direct = max(run["rows"] for run in direct)
    best = max((run for run in direct if run["rows"] == largest_direct), key=lambda run: run["rows_per_s"])
    largest = max((run for run in sql if run["mode"] == "single"), key=lambda run: run["rows"])
    return {
        "rows": largest["rows"],
        "sql_rows_per_s": round(largest["rows_per_s"], 1),
        "direct_rows_per_s": round(best["rows_per_s"], 1),
        "sql_vs_direct_ratio": round(largest["rows_per_s"] / best["rows_per_s"], 3),
        "direct_best": {"rows_per_request": best["rows_per_request"], "threads": best["threads"]},
        "all_rows_scored_once": all(run["complete"] for run in sql),
    }


def markdown(document: dict[str, Any]) -> str:
    direct = document["direct"]
    best = document["summary"]["direct_rows_per_s"]
    lines = ["| measurement | rows | rows/s | × direct | rows out / distinct keys / missing |",
             "|---|---|---|---|---|"]
    for run in direct:
        lines.append(f"| direct boto3, {run['rows_per_request']:,} rows/request × {run['threads']} threads | "
                     f"{run['rows']:,} | {run['rows_per_s']:,.0f} | {run['rows_per_s'] / best:.2f} | "
                     f"{run['answered_rows']:,} answered |")
    for run in document["sql"]:
        lines.append(f"| SQL, {run['mode'].replace('_', ' ')} | {run['rows']:,} | {run['rows_per_s']:,.0f} | "
                     f"{run['rows_per_s'] / best:.2f} | {run['rows_out']:,} / {run['distinct_keys']:,} / "
                     f"{run['missing_keys']:,} |")
    extra = [module.markdown(document[key])
             for key, module in (("export", export_path), ("worker_memory", worker_memory)) if key in document]
    return "\n".join(["\n".join(lines) + "\n", *extra])


def chart(document: dict[str, Any], path: Path) -> bool:
    """rows/s against rows per SQL mode, with the direct limit as a line; False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return False
    figure, axes = pyplot.subplots(figsize=(7, 4))
    for mode in sorted({run["mode"] for run in document["sql"]}):
        runs = sorted((run for run in document["sql"] if run["mode"] == mode), key=lambda run: run["rows"])
        axes.plot([run["rows"] for run in runs], [run["rows_per_s"] for run in runs], marker="o",
                  label=f"SQL, {mode.replace('_', ' ')}")
    axes.axhline(document["summary"]["direct_rows_per_s"], linestyle="--", color="grey", label="direct boto3 (best)")
    axes.set_xscale("log")
    axes.set_xlabel("rows")
    axes.set_ylabel("rows/s")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)
    return True


def write(document: dict[str, Any], directory: Path = RESULTS) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"json": directory / "latest.json", "md": directory / "latest.md"}
    paths["json"].write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    paths["md"].write_text(markdown(document), encoding="utf-8")
    if chart(document, directory / "latest.png"):
        paths["png"] = directory / "latest.png"
    return paths
