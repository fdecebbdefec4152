"""The ``sme-deploy`` command: installs the language container, the metadata tables, the UDFs and the scripts.

It is built from python-extension-common's standard options, so connecting to an on-premise or SaaS database,
BucketFS and the container upload work exactly as for other Exasol extensions. On top it adds ``--schema``,
``--[no-]deploy-slc``, ``--[no-]deploy-scripts`` and ``--to-print``. Secrets come from the option, from the
environment, or from a hidden prompt; they are never echoed and never appear in an error message.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any, Callable, Sequence

import click
from exasol.python_extension_common.cli.std_options import (
    SECRET_DISPLAY,
    ParameterFormatters,
    StdParams,
    StdTags,
    secret_callback,
    select_std_options,
)

from exasol_sagemaker_extension.installation.container import (
    CONTAINER_NAME_OPTION,
    CONTAINER_NAME_TEMPLATE,
    CONTAINER_URL_OPTION,
    CONTAINER_URL_TEMPLATE,
    check_bucketfs_options,
    container_source,
    deploy_container,
)
from exasol_sagemaker_extension.installation.database import (
    execute_statements,
    open_connection,
    secrets_of,
)
from exasol_sagemaker_extension.installation.identifiers import validate_language_alias, validate_schema_name
from exasol_sagemaker_extension.installation.statements import (
    DEFAULT_LANGUAGE_ALIAS,
    DEFAULT_SCHEMA,
    Statement,
    installation_statements,
    render_sql_file,
)
from exasol_sagemaker_extension.errors import SmeError

_HELP = {
    "dsn": "On-premise database address host:port.",
    "bucketfs_name": "BucketFS service name (e.g. bfsdefault).",
    "bucketfs_host": "BucketFS host.",
    "bucketfs_port": "BucketFS port.",
    "bucketfs_use_https": "Talk to BucketFS over HTTPS.",
    "bucketfs_user": "BucketFS user with write access (e.g. w).",
    "bucket": "Bucket that receives the container (e.g. default).",
    "path_in_bucket": "Directory inside the bucket for the container.",
    "saas_url": "SaaS service URL.",
    "saas_account_id": "SaaS account id (or env SAAS_ACCOUNT_ID).",
    "saas_database_id": "SaaS database id (or env SAAS_DATABASE_ID).",
    "saas_database_name": "SaaS database name (instead of its id).",
    "ssl_cert_path": "Trusted CA file or directory for the database's TLS certificate.",
    "ssl_client_cert_path": "Client certificate file, if the database requires one.",
    "ssl_client_private_key": "Private key file of the client certificate.",
    "use_ssl_cert_validation": "Validate the database's TLS certificate.",
    "upload_container": "Upload the container; with --no-upload-container it is only activated.",
    "wait_for_completion": "Wait until every node has extracted the container.",
    "deploy_timeout_minutes": "How long to wait for the extraction on all nodes.",
    "display_progress": "Report the extraction progress.",
    "db_user": "Database user that installs the extension.",
    "db_password": "Database password (or env DB_PASSWORD; prompted if missing).",
    "bucketfs_password": "BucketFS write password (or env BUCKETFS_PASSWORD; prompted if missing).",
    "saas_token": "SaaS personal access token (or env SAAS_TOKEN).",
    "container_file": "Local language container (.tar.gz) to upload.",
    "version": "Release version whose language container is downloaded and uploaded.",
    "language_alias": "Language alias the container is activated under and the UDFs are created in.",
    "schema": "Schema that receives the scripts, UDFs and metadata tables (case-sensitive, created if missing).",
    "allow_override": "Replace an already active container of the same language alias.",
    "alter_system": "Activate the container for the whole system, not only for this session.",
}


def _secret_from_environment(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Read an unset secret from DB_PASSWORD-style variables, then from the standard (hyphenated) name.

    python-extension-common 1.0.0 looks up ``DB-PASSWORD`` (the option name upper-cased), which POSIX shells
    cannot set; later releases use ``DB_PASSWORD``. Both are accepted so the documented names work.
    """
    if value == SECRET_DISPLAY and param.name and os.environ.get(param.name.upper()):
        return os.environ[param.name.upper()]
    return secret_callback(ctx, param, value)  # type: ignore[arg-type]


def _options() -> list[click.Option]:
    formatters = ParameterFormatters()
    formatters.set_formatter(CONTAINER_URL_OPTION, CONTAINER_URL_TEMPLATE)
    formatters.set_formatter(CONTAINER_NAME_OPTION, CONTAINER_NAME_TEMPLATE)
    options = select_std_options(
        [StdTags.DB | StdTags.ONPREM, StdTags.BFS | StdTags.ONPREM, StdTags.DB | StdTags.SAAS,
         StdTags.BFS | StdTags.SAAS, StdTags.SLC],
        override={
            StdParams.schema: {"type": str, "default": DEFAULT_SCHEMA, "show_default": True},
            StdParams.language_alias: {"type": str, "default": DEFAULT_LANGUAGE_ALIAS, "show_default": True},
            # Not click.Path(exists=True): a missing file is reported as E-SME-313 by container_source.
            StdParams.container_file: {"type": click.Path(dir_okay=False)},
        },
        formatters={StdParams.version: formatters},
    )
    for option in options:
        option.help = _HELP.get(option.name or "", option.help)
        if option.hide_input:
            option.callback = _secret_from_environment
    return options + [
        click.Option([f"--{CONTAINER_URL_OPTION.replace('_', '-')}"], type=str,
                     help="URL to download the language container from (set by --version)."),
        click.Option([f"--{CONTAINER_NAME_OPTION.replace('_', '-')}"], type=str,
                     help="File name of the container in BucketFS (default: taken from the file, URL or version)."),
        click.Option(["--deploy-slc/--no-deploy-slc"], default=True, show_default=True,
                     help="Upload and activate the language container."),
        click.Option(["--deploy-scripts/--no-deploy-scripts"], default=True, show_default=True,
                     help="Install metadata tables, views, UDFs and Lua scripts (idempotent, keeps data)."),
        click.Option(["--to-print/--no-to-print"], default=False, show_default=True,
                     help="Print every SQL statement instead of running anything; needs no database."),
    ]


def _prompt_missing_secrets(options: dict[str, Any]) -> None:
    """Ask (hidden) for a password the chosen target needs but that neither option nor environment gave."""
    if options.get(StdParams.dsn.name) and options.get(StdParams.db_password.name) is None:
        options[StdParams.db_password.name] = click.prompt("DB password", hide_input=True)
    if (
        options["deploy_slc"]
        and options.get(StdParams.bucketfs_host.name)
        and options.get(StdParams.bucketfs_password.name) is None
    ):
        options[StdParams.bucketfs_password.name] = click.prompt("BucketFS password", hide_input=True)


def statement_counts_by_kind(statements: Sequence[Statement]) -> dict[str, int]:
    """How many statements of each kind, in installation order (one progress line and one summary part each)."""
    return dict(Counter(statement.kind for statement in statements))


def progress_by_kind(counts: dict[str, int]) -> Callable[[Statement], None]:
    """A progress callback that prints one line when the first statement of a kind starts, never one per
    statement (a fresh install runs many column migrations of the same table)."""
    started: set[str] = set()

    def report(statement: Statement) -> None:
        if statement.kind not in started:
            started.add(statement.kind)
            click.echo(f"Installing {statement.kind} ({counts[statement.kind]})", err=True)

    return report


def installation_summary(schema: str, counts: dict[str, int]) -> str:
    parts = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    return f"Installed {sum(counts.values())} statements into schema {schema!r}: {parts}."


def deploy(options: dict[str, Any]) -> None:
    """Run the deployment the options ask for; every failure is an SmeError."""
    schema = validate_schema_name(options[StdParams.schema.name])
    alias = validate_language_alias(options[StdParams.language_alias.name])
    if options["to_print"]:
        click.echo(render_sql_file(installation_statements(schema, alias)), nl=False)
        return
    if not (options["deploy_slc"] or options["deploy_scripts"]):
        raise SmeError(
            "E-SME-312",
            "Both --no-deploy-slc and --no-deploy-scripts were given: there is nothing to do.",
            ["Drop one of the two options, or use --to-print to see the SQL."],
        )
    # Everything that can be checked without the database is checked before connecting.
    statements = installation_statements(schema, alias) if options["deploy_scripts"] else []
    if options["deploy_slc"]:
        container_source(options)
    _prompt_missing_secrets(options)
    if options["deploy_slc"]:
        check_bucketfs_options(options)
    connection = open_connection(options)
    try:
        if options["deploy_slc"]:
            click.echo(f"Deploying the language container as {alias}", err=True)
            deploy_container(connection, options)
        if options["deploy_scripts"]:
            counts = statement_counts_by_kind(statements)
            execute_statements(connection, statements, secrets_of(options), progress_by_kind(counts))
            click.echo(installation_summary(schema, counts))
    finally:
        connection.close()


@click.command(name="sme-deploy", params=_options())
def main(**options: Any) -> None:
    """Install the Exasol SageMaker Extension into a database (safe to run again: it never drops data)."""
    try:
        deploy(options)
    except SmeError as error:
        raise click.ClickException(str(error)) from None
