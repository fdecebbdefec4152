"""Writes one run's numbers under ``benchmarks/results/``: ``latest.json`` (the whole run, with the headline
``sql_rows_per_s``, ``direct_rows_per_s``, ``sql_vs_direct_ratio`` and ``rows`` of the largest single-query case
on the trained endpoint — on the stub when no model was trained — at the direct client's best setting, the direct
number taken on the largest table the direct client drove), ``latest.md`` (the table the README quotes) and
``latest.png`` (rows/s against rows, per endpoint, setting and mode) when matplotlib is installed (the ``bench``
extra)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import export_path, worker_memory

RESULTS = Path(__file__).resolve().parent / "results"


def _limit(direct: list[dict[str, Any]], endpoint: str) -> dict[str, Any]:
    """The endpoint's limit: its best direct run on the largest table the direct client drove on it."""
    runs = [run for run in direct if run["endpoint"] == endpoint]
    largest = max(run["rows"] for run in runs)
    return max((run for run in runs if run["rows"] == largest), key=lambda run: run["rows_per_s"])


def _setting(run: dict[str, Any]) -> tuple[int, int]:
    return run["rows_per_request"], run.get("threads", run.get("in_flight"))


def _headline(direct: list[dict[str, Any]], sql: list[dict[str, Any]], endpoint: str) -> dict[str, Any]:
    """The largest single-query case of ``endpoint`` at its limit's setting, and at the default setting."""
    best = _limit(direct, endpoint)
    single = [run for run in sql if run["endpoint"] == endpoint and run["mode"] == "single" and run["nodes"] == 1]
    rows = max(run["rows"] for run in single)
    largest = {_setting(run): run for run in single if run["rows"] == rows}
    tuned = largest.get(_setting(best)) or max(largest.values(), key=lambda run: run["rows_per_s"])
    by_setting = {f"{r} rows x {f} in flight": {"rows_per_s": round(run["rows_per_s"], 1),
                                                "vs_direct": round(run["rows_per_s"] / _reference(direct, run), 3)}
                  for (r, f), run in largest.items()}
    return {
        "endpoint": endpoint,
        "rows": rows,
        "sql_rows_per_s": round(tuned["rows_per_s"], 1),
        "direct_rows_per_s": round(best["rows_per_s"], 1),
        "sql_vs_direct_ratio": round(tuned["rows_per_s"] / best["rows_per_s"], 3),
        "direct_best": {"rows_per_request": best["rows_per_request"], "threads": best["threads"]},
        "sql_rows_per_s_by_setting": by_setting,
    }


def summary(direct: list[dict[str, Any]], sql: list[dict[str, Any]], endpoint: str, stub: str) -> dict[str, Any]:
    measured = {run["endpoint"] for run in sql}
    headline = _headline(direct, sql, endpoint if endpoint in measured else stub)
    return headline | {"stub": _headline(direct, sql, stub),
                       "all_rows_scored_once": all(run["complete"] for run in sql)}


def _reference(direct: list[dict[str, Any]], run: dict[str, Any]) -> float:
    """What a SQL run is compared with: the direct client at the same setting on the largest table it drove on
    that endpoint if it was measured there (the stub), else the endpoint's limit."""
    limit = _limit(direct, run["endpoint"])
    same = [d for d in direct if d["endpoint"] == run["endpoint"] and d["rows"] == limit["rows"]
            and _setting(d) == _setting(run)]
    return (same[0] if same else limit)["rows_per_s"]


def markdown(document: dict[str, Any]) -> str:
    direct = document["direct"]
    limits = {endpoint: _limit(direct, endpoint)["rows_per_s"] for endpoint in {run["endpoint"] for run in direct}}
    lines = ["| measurement | endpoint | rows/request × in flight | rows | rows/s | × direct | "
             "rows out / distinct keys / missing |", "|---|---|---|---|---|---|---|"]
    for run in direct:
        lines.append(f"| direct boto3 | {run['endpoint']} | {run['rows_per_request']:,} × {run['threads']} | "
                     f"{run['rows']:,} | {run['rows_per_s']:,.0f} | {run['rows_per_s'] / limits[run['endpoint']]:.2f} "
                     f"| {run['answered_rows']:,} answered |")
    for run in document["sql"]:
        nodes = f", {run['nodes']} nodes" if run["nodes"] > 1 else ""
        lines.append(f"| SQL, {run['mode'].replace('_', ' ')}{nodes} | {run['endpoint']} | "
                     f"{run['rows_per_request']:,} × {run['in_flight']} | {run['rows']:,} | {run['rows_per_s']:,.0f} | "
                     f"{run['rows_per_s'] / _reference(direct, run):.2f} | {run['rows_out']:,} / "
                     f"{run['distinct_keys']:,} / {run['missing_keys']:,} |")
    extra = [module.markdown(document[key])
             for key, module in (("export", export_path), ("worker_memory", worker_memory)) if key in document]
    return "\n".join(["\n".join(lines) + "\n", *extra])


def chart(document: dict[str, Any], path: Path) -> bool:
    """rows/s against rows per endpoint, setting and SQL mode (one node), with each endpoint's direct limit as a
    line; False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return False
    figure, axes = pyplot.subplots(figsize=(8, 4.5))
    one_node = [run for run in document["sql"] if run["nodes"] == 1]
    for key in sorted({(run["endpoint"], _setting(run), run["mode"]) for run in one_node}):
        endpoint, (rows, in_flight), mode = key
        runs = sorted((run for run in one_node if (run["endpoint"], _setting(run), run["mode"]) == key),
                      key=lambda run: run["rows"])
        axes.plot([run["rows"] for run in runs], [run["rows_per_s"] for run in runs], marker="o",
                  label=f"SQL {mode.replace('_', ' ')}, {endpoint}, {rows}×{in_flight}")
    for endpoint in sorted({run["endpoint"] for run in document["direct"]}):
        axes.axhline(_limit(document["direct"], endpoint)["rows_per_s"], linestyle="--",
                     color="grey" if endpoint == document["summary"]["endpoint"] else "silver",
                     label=f"direct boto3 limit, {endpoint}")
    axes.set_xscale("log")
    axes.set_xlabel("rows")
    axes.set_ylabel("rows/s")
    axes.legend(fontsize="small")
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
