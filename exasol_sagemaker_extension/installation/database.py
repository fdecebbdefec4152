"""Opens the admin's database connection and runs the installation statements, with E-SME errors.

The connection comes from python-extension-common's standard helper (on-premise DSN or SaaS, SSL options), so
``sme-deploy`` accepts exactly the options of every other Exasol extension. Two things differ on purpose: no
schema is opened at login (the extension schema may not exist yet; every statement names its schema), and
every failure is turned into an SmeError whose text can never contain a password or token.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import pyexasol
from exasol.python_extension_common.cli.std_options import StdParams, check_params
from exasol.python_extension_common.connections.pyexasol_connection import open_pyexasol_connection

from exasol_sagemaker_extension.installation.statements import Statement
from exasol_sagemaker_extension.errors import SmeError

ONPREM_DB_PARAMS = [StdParams.dsn, StdParams.db_user, StdParams.db_password]
SAAS_PARAMS = [
    StdParams.saas_url,
    StdParams.saas_account_id,
    StdParams.saas_token,
    [StdParams.saas_database_id, StdParams.saas_database_name],
]
SECRET_PARAMS = (
    StdParams.db_password,
    StdParams.bucketfs_password,
    StdParams.saas_token,
    StdParams.saas_account_id,
    StdParams.saas_database_id,
)


def secrets_of(options: Mapping[str, Any]) -> list[str]:
    """Every secret value among the CLI options, for masking."""
    return [str(options[p.name]) for p in SECRET_PARAMS if options.get(p.name)]


def open_connection(options: Mapping[str, Any]) -> pyexasol.ExaConnection:
    """Connect with the standard options; raise E-SME-306 if they are incomplete, E-SME-308 if it fails."""
    kwargs = dict(options)
    if not (check_params(ONPREM_DB_PARAMS, kwargs) or check_params(SAAS_PARAMS, kwargs)):
        raise SmeError(
            "E-SME-306",
            "The database connection options are incomplete.",
            [
                "On-premise: pass --dsn, --db-user and --db-password (or set DB_PASSWORD, or answer the prompt).",
                "SaaS: pass --saas-url, --saas-account-id, --saas-token and --saas-database-id or "
                "--saas-database-name.",
                "To only look at the SQL, use --to-print, which needs no database.",
            ],
        )
    kwargs[StdParams.schema.name] = ""
    try:
        return open_pyexasol_connection(**kwargs)
    except Exception as error:  # pyexasol, websocket and SaaS client errors alike
        reason = getattr(error, "message", None) or str(error)
        target = kwargs.get(StdParams.dsn.name) or kwargs.get(StdParams.saas_url.name)
        raise SmeError(
            "E-SME-308",
            f"Could not connect to the database at {target}: {reason}",
            [
                "Check the DSN (host:port), that the database is running and reachable from this machine, and "
                "the user name and password.",
                "For a self-signed certificate pass --ssl-cert-path <CA file> or --no-use-ssl-cert-validation.",
            ],
            secrets=secrets_of(options),
        ) from None


def execute_statements(
    connection: pyexasol.ExaConnection,
    statements: Iterable[Statement],
    secrets: Iterable[str] = (),
    progress: Callable[[Statement], None] = lambda statement: None,
) -> int:
    """Run ``statements`` in order; stop at the first failure with E-SME-309. Return how many ran."""
    secrets = tuple(secrets)
    count = 0
    for statement in statements:
        progress(statement)
        try:
            connection.execute(statement.sql)
        except pyexasol.ExaError as error:
            reason = getattr(error, "message", None) or str(error)
            raise SmeError(
                "E-SME-309",
                f"Installing {statement.label} failed after {count} successful statements: {reason}",
                [
                    "Check that the user may CREATE SCHEMA, TABLE, VIEW and SCRIPT in the target schema.",
                    "If a UDF failed with an unknown script language, deploy the language container first "
                    "(--deploy-slc) or pass the --language-alias it was activated with.",
                    "Re-running sme-deploy is safe: every statement is idempotent and keeps existing data.",
                ],
                secrets=secrets,
            ) from None
        count += 1
    return count
