"""Worker processes: parallel SET groups, language containers, the /buckets view, time limits, crashes."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from sme_local.exasol.udf import UdfError, UdfExecutor, parse_script_languages, resolve_language
from udf_test_support import col, run, script, session

CONTAINER_ALIAS = ("PYTHON3_T=localzmq+protobuf:///bfsdefault/default/slc/python3?lang=python"
                   "#/buckets/bfsdefault/default/slc/python3/exaudf/exaudfclient")


def test_set_groups_run_in_parallel_worker_processes():
    udf = script("""
        import os, time
        groups_seen = 0
        def run(ctx):
            global groups_seen
            groups_seen += 1
            time.sleep(0.3)
            ctx.emit(os.getpid(), groups_seen)
        """, outputs=(col("PID", "DECIMAL(18,0)"), col("N", "DECIMAL(18,0)")))
    executor = UdfExecutor(None, {}, workers=2)
    _, rows = run(udf, [[(i,)] for i in range(6)], executor=executor)
    pids = {group[0][0] for group in rows}
    assert len(pids) == 2 and os.getpid() not in pids
    for pid in pids:  # each VM ran the body once and then counted its own groups
        assert sorted(n for group in rows for p, n in group if p == pid) == list(range(1, 1 + sum(
            1 for group in rows if group[0][0] == pid)))


def test_scalar_scripts_run_in_one_worker():
    udf = script("import os\ndef run(ctx):\n    return os.getpid()\n", input_type="SCALAR", output_type="RETURNS",
                 outputs=(col("PID", "DECIMAL(18,0)"),))
    _, rows = run(udf, [[(1,), (2,)], [(3,)], [(4,)]], executor=UdfExecutor(None, {}, workers=4))
    assert len({row[0] for group in rows for row in group}) == 1


def make_container(root: Path) -> Path:
    packages = root / "bfsdefault" / "default" / "slc" / "python3" / "usr" / "lib" / "python3" / "dist-packages"
    packages.mkdir(parents=True)
    (packages / "fakemod.py").write_text("VALUE = 42\n")
    (packages / "extra.pth").write_text("extra_dir\n")
    (packages / "extra_dir").mkdir()
    (packages / "extra_dir" / "viapth.py").write_text("OK = 'pth'\n")
    return packages


def test_container_alias_uses_only_the_container_packages(tmp_path):
    make_container(tmp_path)
    udf = script("""
        import sys, fakemod, viapth
        def run(ctx):
            ctx.emit(f"{fakemod.VALUE} {viapth.OK} {any('site-packages' in p for p in sys.path)}")
            for name in ("boto3", "pandas"):
                try:
                    __import__(name)
                except ModuleNotFoundError as error:
                    ctx.emit(f"{type(error).__name__}: {error}")
        """, alias="PYTHON3_T", outputs=(col("T", "VARCHAR(200) UTF8"),))
    _, rows = run(udf, [[(1,)]], udf_session=session(script_languages=f"PYTHON3=builtin_python3 {CONTAINER_ALIAS}"),
                  bucketfs_root=tmp_path)
    assert [row[0] for row in rows[0]] == ["42 pth False", "ModuleNotFoundError: No module named 'boto3'",
                                          "ModuleNotFoundError: No module named 'pandas'"]


def test_missing_host_package_in_container_fails_like_exasol(tmp_path):
    make_container(tmp_path)
    udf = script("import boto3\ndef run(ctx):\n    pass\n", alias="PYTHON3_T")
    with pytest.raises(UdfError, match="F-UDF-CL-SL-PYTHON-1122: Exception while parsing UDF: ModuleNotFoundError: "
                                       "No module named 'boto3'"):
        run(udf, [[(1,)]], udf_session=session(script_languages=CONTAINER_ALIAS), bucketfs_root=tmp_path)


def test_missing_container_is_reported(tmp_path):
    udf = script("def run(ctx):\n    pass\n", alias="PYTHON3_T")
    with pytest.raises(UdfError, match="E-EMU-UDF-4: script language container of alias PYTHON3_T not found at "
                                       "/buckets/bfsdefault/default/slc/python3"):
        run(udf, [[(1,)]], udf_session=session(script_languages=CONTAINER_ALIAS), bucketfs_root=tmp_path)


def test_resolve_language_reads_script_languages(tmp_path):
    packages = make_container(tmp_path)
    value = f"R=builtin_r JAVA=builtin_java PYTHON3=builtin_python3 {CONTAINER_ALIAS}"
    assert parse_script_languages(value)["PYTHON3_T"] == CONTAINER_ALIAS.split("=", 1)[1]
    builtin = resolve_language("python3", value, None)
    assert (builtin.container_dir, builtin.package_dirs, builtin.interpreter_flags) == (None, (), ("-I",))
    container = resolve_language("PYTHON3_T", value, tmp_path)
    assert container.container_dir == tmp_path / "bfsdefault" / "default" / "slc" / "python3"
    assert container.package_dirs == (packages,)
    assert container.interpreter_flags == ("-I", "-S")
    old_style = "X=localzmq+protobuf:///bfsdefault/default/slc/python3?lang=python#buckets/bfsdefault/default/slc/" \
                "python3/exaudf/exaudfclient_py3"
    assert resolve_language("X", old_style, tmp_path).package_dirs == (packages,)
    for alias, languages, code in (
        ("NOPE", value, "E-EMU-UDF-1"), ("R", value, "E-EMU-UDF-2"), ("JAVA", value, "E-EMU-UDF-2"),
        ("J", "J=localzmq+protobuf:///b/d/j?lang=java#/buckets/b/d/j/exaudf/exaudfclient", "E-EMU-UDF-2"),
        ("P", "P=localzmq+protobuf:///bfsdefault/default/../x?lang=python#/buckets/bfsdefault/default/../x/e",
         "E-EMU-UDF-3"),
        ("P", "P=localzmq+protobuf:///bfsdefault/default/a?lang=python#/buckets/bfsdefault/default/b/e",
         "E-EMU-UDF-3"),
        ("P", "P=http://example.com", "E-EMU-UDF-3"), ("P", "P", "E-EMU-UDF-3"),
    ):
        with pytest.raises(UdfError, match=code):
            resolve_language(alias, languages, tmp_path)
    (tmp_path / "bfsdefault" / "default" / "empty").mkdir()
    with pytest.raises(UdfError, match="E-EMU-UDF-5"):
        resolve_language("E", "E=localzmq+protobuf:///bfsdefault/default/empty?lang=python"
                              "#/buckets/bfsdefault/default/empty/exaudf/exaudfclient", tmp_path)


def test_container_symlinks_leaving_the_tree_are_ignored(tmp_path):
    container = tmp_path / "bfsdefault" / "default" / "slc"
    (container / "usr" / "lib").mkdir(parents=True)
    (container / "usr" / "lib" / "site-packages").symlink_to("/usr")
    with pytest.raises(UdfError, match="E-EMU-UDF-5"):
        resolve_language("S", "S=localzmq+protobuf:///bfsdefault/default/slc?lang=python"
                              "#/buckets/bfsdefault/default/slc/exaudf/exaudfclient", tmp_path)


def test_buckets_view_shows_bucketfs_root_read_only_in_the_worker_only(tmp_path):
    manifest = tmp_path / "bfsdefault" / "default" / "x" / "exasol-manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"ok": true}')
    udf = script("""
        import os
        def run(ctx):
            ctx.emit(exa.meta.node_id, os.path.isfile(ctx.my_path), open(ctx.my_path).read())
            try:
                open("/buckets/bfsdefault/default/x/new.txt", "w")
            except OSError as error:
                ctx.emit(exa.meta.node_id, False, error.strerror)
        """, parameters=(col("my_path", "VARCHAR(256) UTF8"),),
        outputs=(col("NODE", "DECIMAL(18,0)"), col("FOUND", "BOOLEAN"), col("TEXT", "VARCHAR(100) UTF8")))
    _, rows = run(udf, [[("/buckets/bfsdefault/default/x/exasol-manifest.json",)]], bucketfs_root=tmp_path)
    assert rows == [[(0, True, '{"ok": true}'), (0, False, "Read-only file system")]]
    assert not Path("/buckets/bfsdefault/default/x/exasol-manifest.json").exists()


SLEEPER = """
    import os, time
    open({pid_file!r}, "w").write(str(os.getpid()))
    def run(ctx):
        time.sleep(30)
    """


def wait_for_pid(pid_file: Path) -> int:
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text():
            return int(pid_file.read_text())
        time.sleep(0.05)
    raise AssertionError("worker did not start")


def assert_gone(pid: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_time_limit_kills_the_worker(tmp_path):
    pid_file = tmp_path / "pid"
    udf = script(SLEEPER.format(pid_file=str(pid_file)))
    started = time.monotonic()
    with pytest.raises(UdfError, match="E-EMU-UDF-9") as caught:
        run(udf, [[(1,)]], executor=UdfExecutor(None, {}, workers=1, timeout_seconds=1.5))
    assert time.monotonic() - started < 10
    assert caught.value.sql_code == "R0001"
    assert_gone(wait_for_pid(pid_file))


def test_close_kills_running_workers(tmp_path):
    pid_file = tmp_path / "pid"
    udf = script(SLEEPER.format(pid_file=str(pid_file)))
    executor = UdfExecutor(None, {}, workers=1, timeout_seconds=60)
    errors: list[UdfError] = []

    def call() -> None:
        try:
            executor.run(udf, list(udf.parameters), [[(1,)]], None, session())
        except UdfError as error:
            errors.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    pid = wait_for_pid(pid_file)
    executor.close()
    thread.join(timeout=10)
    assert not thread.is_alive() and errors and "E-EMU-UDF-8" in errors[0].text
    assert_gone(pid)
    with pytest.raises(UdfError, match="shut down"):
        executor.run(udf, list(udf.parameters), [[(1,)]], None, session())


def test_a_crashing_worker_is_reported_and_stops_the_others():
    udf = script("""
        import os, time
        def run(ctx):
            if ctx.x == 1:
                os._exit(3)
            time.sleep(30)
        """)
    started = time.monotonic()
    with pytest.raises(UdfError, match=r"E-EMU-UDF-8: .*exit code 3"):
        run(udf, [[(1,)], [(2,)]], executor=UdfExecutor(None, {}, workers=2, timeout_seconds=60))
    assert time.monotonic() - started < 10


def test_first_user_error_wins_over_the_killed_workers():
    udf = script("""
        import time
        def run(ctx):
            if ctx.x == 1:
                time.sleep(0.3)
                raise ValueError("E-SME-299: first")
            time.sleep(30)
        """)
    with pytest.raises(UdfError, match="ValueError: E-SME-299: first"):
        run(udf, [[(1,)], [(2,)]], executor=UdfExecutor(None, {}, workers=2, timeout_seconds=60))
