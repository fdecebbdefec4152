"""Uploads and activates the language container through python-extension-common's standard deployer.

The container itself is built elsewhere (``language_container/``); this module only decides where it comes from
(a local file, a download URL, or the release of a given version), checks the options before anything is
uploaded, and turns the deployer's failures into E-SME errors. One safety check is added in front of the
standard deployer: an alias that is already active is detected *before* the upload, because the deployer would
otherwise overwrite the file in BucketFS first and only then refuse the activation. For the same reason a local
container file is read through once before it is uploaded: real BucketFS accepts any bytes, so a corrupt or
truncated file would otherwise be activated under the alias and only show up as an extraction check that waits
for ``--deploy-timeout-minutes``.
"""

from __future__ import annotations

import tarfile
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlparse

import pyexasol
from exasol.python_extension_common.cli.std_options import StdParams, check_params
from exasol.python_extension_common.connections.bucketfs_location import create_bucketfs_location
from exasol.python_extension_common.deployment.language_container_deployer import (
    ExtractValidator,
    LanguageActivationLevel,
    LanguageContainerDeployer,
    display_extract_progress,
    get_language_settings,
)

from exasol_sagemaker_extension.installation.database import SAAS_PARAMS, secrets_of
from exasol_sagemaker_extension.errors import SmeError

# Release assets of this project (one container per release, named after the version it belongs to).
CONTAINER_URL_TEMPLATE = (
    "https://github.com/exasol/sagemaker-extension/releases/download/{version}/"
    "exasol_sagemaker_extension_container-{version}.tar.gz"
)
CONTAINER_NAME_TEMPLATE = "exasol_sagemaker_extension_container-{version}.tar.gz"
CONTAINER_URL_OPTION = "container_url"
CONTAINER_NAME_OPTION = "container_name"
# How much of BucketFS's answer to an upload goes into the error message.
_MAX_ANSWER_CHARS = 300

ONPREM_BFS_PARAMS = [
    StdParams.bucketfs_host,
    StdParams.bucketfs_port,
    StdParams.bucket,
    StdParams.bucketfs_user,
    StdParams.bucketfs_password,
]


@dataclass(frozen=True)
class ContainerSource:
    """Where the container comes from: a local file, or a URL to download; and its file name in BucketFS."""

    bucket_file_name: str
    local_file: Path | None = None
    url: str | None = None


def container_source(options: Mapping[str, Any]) -> ContainerSource:
    """Pick the container from --container-file, else --container-url / --version; E-SME-305 if none."""
    file_option = options.get(StdParams.container_file.name)
    url = options.get(CONTAINER_URL_OPTION)
    name = options.get(CONTAINER_NAME_OPTION)
    if file_option:
        local_file = Path(file_option)
        # The option is a plain path (cli.py), so that a missing file is this coded error, not a click usage error.
        if not local_file.is_file():
            raise SmeError(
                "E-SME-313",
                f"The container file {local_file} does not exist or is not a file.",
                ["Check the path given to --container-file (build the container first, see "
                 "doc/language_container.md), or use --version <release version> to take a released container."],
            )
        return ContainerSource(bucket_file_name=name or local_file.name, local_file=local_file)
    if url:
        return ContainerSource(bucket_file_name=name or Path(urlparse(url).path).name, url=url)
    raise SmeError(
        "E-SME-305",
        "--deploy-slc is on, but no language container was given.",
        [
            "Pass --container-file <path of the .tar.gz>, --version <release version> or --container-url <URL>.",
            "To install only the scripts into a database that already has the container, pass --no-deploy-slc.",
        ],
    )


def check_bucketfs_options(options: Mapping[str, Any]) -> None:
    """Raise E-SME-307 unless the options reach BucketFS on-premise or on SaaS."""
    kwargs = dict(options)
    if check_params(ONPREM_BFS_PARAMS, kwargs) or check_params(SAAS_PARAMS, kwargs):
        return
    raise SmeError(
        "E-SME-307",
        "The BucketFS options needed to upload the language container are incomplete.",
        [
            "On-premise: pass --bucketfs-host, --bucketfs-port, --bucketfs-name, --bucket, --bucketfs-user and "
            "--bucketfs-password (or set BUCKETFS_PASSWORD, or answer the prompt).",
            "SaaS: pass --saas-url, --saas-account-id, --saas-token and --saas-database-id or --saas-database-name.",
        ],
    )


def check_container_archive(path: Path) -> None:
    """Raise E-SME-314 unless ``path`` reads to its end as a non-empty tar archive (gzip-compressed or not).

    Streaming the whole file costs a few seconds for a real container, much less than uploading it, and it is
    the only point where a corrupt or truncated file can be refused before it replaces a working container.
    """
    try:
        with tarfile.open(path, mode="r|*") as archive:
            # Iterating reads every member header and skips the data: finds truncation and bad gzip streams.
            members = sum(1 for _ in archive)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        reason = str(error) or type(error).__name__
    else:
        if members:
            return
        reason = "the archive is empty"
    raise SmeError(
        "E-SME-314",
        f"The container file {path.name} is not a readable language container archive (.tar.gz): {reason}. "
        "Nothing was uploaded.",
        ["Build the container again (python -m language_container build) or download the release asset again; "
         "a partly copied or downloaded file is truncated."],
    )


def alias_is_defined(settings: str, alias: str) -> bool:
    """True if the SCRIPT_LANGUAGES value `settings` (space-separated ALIAS=URL) defines `alias`."""
    return any(definition.startswith(alias + "=") for definition in settings.split())


def check_alias_free(
    connection: pyexasol.ExaConnection, alias: str, alter_system: bool, allow_override: bool
) -> None:
    """Raise E-SME-310 if ``alias`` is already active and the admin did not allow replacing it."""
    if allow_override:
        return
    levels = [LanguageActivationLevel.Session] + ([LanguageActivationLevel.System] if alter_system else [])
    taken = [level.value for level in levels if alias_is_defined(get_language_settings(connection, level), alias)]
    if taken:
        raise SmeError(
            "E-SME-310",
            f"The language alias {alias} is already active ({', '.join(taken)} level); nothing was uploaded.",
            [
                f"Pass --allow-override to replace the container behind {alias}.",
                "Or keep the installed container: pass --no-deploy-slc to install only the scripts.",
                "Or install next to it under another alias with --language-alias.",
            ],
        )


def deploy_container(connection: pyexasol.ExaConnection, options: Mapping[str, Any]) -> None:
    """Upload (unless --no-upload-container) and activate the container under --language-alias."""
    source = container_source(options)
    check_bucketfs_options(options)
    alias = options[StdParams.language_alias.name]
    alter_system = options[StdParams.alter_system.name]
    allow_override = options[StdParams.allow_override.name]
    wait = options[StdParams.wait_for_completion.name]
    secrets = secrets_of(options)
    upload = options[StdParams.upload_container.name]
    if upload and source.local_file is not None:
        check_container_archive(source.local_file)
    try:
        check_alias_free(connection, alias, alter_system, allow_override)
        validator = ExtractValidator(
            connection,
            timedelta(minutes=options[StdParams.deploy_timeout_minutes.name]),
            callback=display_extract_progress if options[StdParams.display_progress.name] else None,
        )
        deployer = LanguageContainerDeployer(connection, alias, create_bucketfs_location(**options), validator)
        if not upload:
            deployer.run(bucket_file_path=source.bucket_file_name, alter_system=alter_system,
                         allow_override=allow_override, wait_for_completion=wait)
        elif source.local_file is not None:
            deployer.run(container_file=source.local_file, bucket_file_path=source.bucket_file_name,
                         alter_system=alter_system, allow_override=allow_override, wait_for_completion=wait)
        else:
            deployer.download_and_run(str(source.url), source.bucket_file_name, alter_system=alter_system,
                                      allow_override=allow_override, wait_for_completion=wait)
    except SmeError:
        raise
    except Exception as error:  # BucketFS, HTTP, SQL and extraction-timeout errors of the standard deployer
        raise SmeError(
            "E-SME-311",
            f"Deploying the language container {source.bucket_file_name} as {alias} failed: {_failure_reason(error)}",
            [
                "Check the BucketFS options (host, port, bucket, write user and password, --bucketfs-use-https).",
                "If the extraction check timed out, raise --deploy-timeout-minutes and run sme-deploy again.",
                "If ALTER SYSTEM is not permitted, pass --no-alter-system and run the printed ALTER SESSION "
                "statement in each session.",
            ],
            secrets=secrets,
        ) from None


def _failure_reason(error: Exception) -> str:
    """The deployer's message, plus BucketFS's HTTP answer when there is one.

    exasol-bucketfs reports every failed upload as "Couldn't upload file: <path>"; whether the password was
    wrong (401/403) or the request refused (e.g. 400 with a reason) is only in the chained HTTP error.
    """
    reason = getattr(error, "message", None) or str(error) or type(error).__name__
    response = getattr(error.__cause__, "response", None)
    status = getattr(response, "status_code", None)
    if status in (401, 403):
        return f"{reason} (BucketFS answered HTTP {status}: it rejected the write user or password)"
    if status is not None:
        answer = " ".join(str(getattr(response, "text", "")).split())[:_MAX_ANSWER_CHARS]
        return f"{reason} (BucketFS answered HTTP {status}{': ' + answer if answer else ''})"
    return reason
