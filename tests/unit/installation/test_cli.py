"""sme-deploy through click's CliRunner: printing, option checks, and a failing connection (no database)."""

import functools
import socket

import pytest
from click.testing import CliRunner

from exasol_sagemaker_extension.installation import cli
from exasol_sagemaker_extension.installation.statements import installation_statements, render_sql_file

PASSWORD = "Pa55-w0rd-never-shown"


@pytest.fixture(autouse=True)
def fixture_lua_sources(monkeypatch, lua_root, fixture_scripts):
    """Render from the small fixture tree so these tests exercise the CLI, not the shipped Lua sources."""
    monkeypatch.setattr(
        cli, "installation_statements",
        functools.partial(installation_statements, entry_scripts=fixture_scripts, lua_root=lua_root),
    )


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: bind, read the number, close."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None):
    return CliRunner().invoke(cli.main, list(args), env=env, input=stdin)


def test_help_lists_standard_and_own_options():
    result = _run("--help")
    assert result.exit_code == 0
    for option in ("--dsn", "--db-password", "--bucketfs-host", "--saas-token", "--container-file", "--version",
                   "--language-alias", "--allow-override", "--alter-system", "--schema", "--deploy-slc",
                   "--no-deploy-scripts", "--to-print"):
        assert option in result.output


def test_to_print_prints_every_statement_without_a_database(lua_root, fixture_scripts):
    result = _run("--to-print", "--schema", "Mine", "--language-alias", "PY3")
    assert result.exit_code == 0, result.output
    expected = render_sql_file(installation_statements("Mine", "PY3", fixture_scripts, lua_root))
    assert result.output == expected
    assert 'CREATE OR REPLACE PY3 SCALAR SCRIPT "Mine"."SME_AUTOPILOT_TRAINING_UDF"' in result.output
    assert 'CREATE OR REPLACE LUA SCRIPT "Mine"."SME_GREET"(who) RETURNS TABLE AS' in result.output


def test_to_print_defaults_to_schema_sme_and_alias_python3_sme():
    result = _run("--to-print")
    assert 'CREATE SCHEMA IF NOT EXISTS "SME";' in result.output
    assert "CREATE OR REPLACE PYTHON3_SME SCALAR SCRIPT" in result.output


def test_invalid_schema_fails_with_code():
    result = _run("--to-print", "--schema", "")
    assert result.exit_code != 0
    assert "E-SME-300" in result.output


def test_deploy_slc_without_container_is_a_clear_error(closed_port):
    result = _run("--dsn", f"127.0.0.1:{closed_port}", "--db-user", "sys", "--db-password", PASSWORD)
    assert result.exit_code == 1
    assert "E-SME-305" in result.output and "--container-file" in result.output


def test_deploy_slc_without_bucketfs_options_is_a_clear_error(tmp_path, closed_port):
    container = tmp_path / "slc.tar.gz"
    container.write_bytes(b"not used")
    result = _run("--dsn", f"127.0.0.1:{closed_port}", "--db-user", "sys", "--db-password", PASSWORD,
                  "--container-file", str(container))
    assert result.exit_code == 1
    assert "E-SME-307" in result.output


def test_nothing_to_do_is_an_error():
    result = _run("--no-deploy-slc", "--no-deploy-scripts")
    assert result.exit_code == 1
    assert "E-SME-312" in result.output


def test_missing_database_options_are_named():
    result = _run("--no-deploy-slc")
    assert result.exit_code == 1
    assert "E-SME-306" in result.output and "--dsn" in result.output


def test_unreachable_database_fails_clearly_without_the_password(closed_port):
    result = _run("--no-deploy-slc", "--dsn", f"127.0.0.1:{closed_port}", "--db-user", "sys",
                  "--db-password", PASSWORD, "--no-use-ssl-cert-validation")
    assert result.exit_code == 1
    assert "E-SME-308" in result.output and f"127.0.0.1:{closed_port}" in result.output
    assert PASSWORD not in result.output


@pytest.mark.parametrize("variable", ["DB_PASSWORD", "DB-PASSWORD"])
def test_password_from_the_environment_is_used_and_not_shown(closed_port, variable):
    result = _run("--no-deploy-slc", "--dsn", f"127.0.0.1:{closed_port}", "--db-user", "sys",
                  env={variable: PASSWORD})
    assert "E-SME-308" in result.output  # got as far as connecting: the password was found
    assert "password" not in result.output.lower().split("e-sme-308")[0]  # no prompt happened
    assert PASSWORD not in result.output


def test_missing_password_is_prompted_hidden(closed_port):
    result = _run("--no-deploy-slc", "--dsn", f"127.0.0.1:{closed_port}", "--db-user", "sys", stdin=PASSWORD + "\n")
    assert "DB password" in result.output
    assert "E-SME-308" in result.output
    assert PASSWORD not in result.output


def test_missing_bucketfs_password_is_prompted_before_the_check(tmp_path, closed_port):
    container = tmp_path / "slc.tar.gz"
    container.write_bytes(b"not used")
    result = _run("--no-deploy-scripts", "--dsn", f"127.0.0.1:{closed_port}", "--db-user", "sys",
                  "--db-password", PASSWORD, "--container-file", str(container), "--bucketfs-host", "127.0.0.1",
                  "--bucketfs-port", str(closed_port), "--bucketfs-name", "bfsdefault", "--bucket", "default",
                  "--bucketfs-user", "w", stdin="bfs-secret\n")
    assert "BucketFS password" in result.output
    assert "E-SME-308" in result.output  # options complete: it went on to connect to the database
    assert "bfs-secret" not in result.output and PASSWORD not in result.output


def test_progress_prints_one_line_per_object_kind_and_a_summary_without_repeats(capsys):
    """A fresh install runs many column migrations; the output must still name each kind once."""
    statements = installation_statements("SME", "PYTHON3_SME")
    counts = cli.statement_counts_by_kind(statements)
    report = cli.progress_by_kind(counts)
    for statement in statements:
        report(statement)
    lines = capsys.readouterr().err.splitlines()

    assert len(lines) == len(set(lines)) == len(counts)
    assert lines[0] == "Installing schema (1)"
    assert any(line.startswith("Installing column migrations (") for line in lines)
    summary = cli.installation_summary("SME", counts)
    assert summary.startswith(f"Installed {len(statements)} statements into schema 'SME': 1 schema, ")
    assert all(f"{count} {kind}" in summary for kind, count in counts.items())
