"""Turns the ``--base`` argument (a path, a file:// URL or an http(s):// URL) into a local archive file.

Real base containers are large (hundreds of MB), so a download is streamed to disk, bounded by a size limit
(checked against Content-Length first, then while reading, so a lying server cannot fill the disk) and by a
socket timeout. User info in the URL is sent as HTTP Basic authentication. Messages show the URL without user info and query
string, where presigned URLs carry tokens.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit
from urllib.request import url2pathname

from exasol_sagemaker_extension.errors import SmeError
from language_container.base_archive import missing_archive

DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024**3
DOWNLOAD_TIMEOUT_SECONDS = 60
_CHUNK = 1024 * 1024


def displayable_url(url: str) -> str:
    """The URL without user info, query and fragment: safe to print."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def resolve_base(base: str, download_dir: Path, max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES) -> Path:
    """A local file holding the base archive: ``base`` itself, or its download into ``download_dir``."""
    scheme = urlsplit(base).scheme.lower()
    if scheme in ("http", "https"):
        return download(base, download_dir / "base-container.tar.gz", max_bytes)
    if scheme == "file":
        path = Path(url2pathname(urlsplit(base).path))
    elif scheme and len(scheme) > 1:  # one letter would be a Windows drive, i.e. a path
        raise SmeError(
            "E-SME-404",
            f"The base container {displayable_url(base)} uses the unsupported URL scheme {scheme!r}.",
            ["Give a local path, a file:// URL or an http(s):// URL of the base container (.tar.gz)."],
        )
    else:
        path = Path(base)
    if not path.is_file():
        raise missing_archive(path, "base container")
    return path


def download(url: str, target: Path, max_bytes: int) -> Path:
    """Stream ``url`` into ``target``; E-SME-402 on any transfer failure, E-SME-403 above ``max_bytes``."""
    shown = displayable_url(url)
    try:
        with urllib.request.urlopen(_request(url), timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(shown, max_bytes)
            received = 0
            with target.open("wb") as sink:
                while chunk := response.read(_CHUNK):
                    received += len(chunk)
                    if received > max_bytes:
                        raise _too_large(shown, max_bytes)
                    sink.write(chunk)
    except SmeError:
        target.unlink(missing_ok=True)
        raise
    except (urllib.error.URLError, OSError, ValueError) as error:
        target.unlink(missing_ok=True)
        reason = f"HTTP {error.code}" if isinstance(error, urllib.error.HTTPError) else _reason(error)
        raise SmeError(
            "E-SME-402",
            f"Downloading the base container from {shown} failed: {reason}.",
            ["Check the URL and the network connection, or download the file yourself and pass its path "
             "with --base."],
        ) from None
    return target


def _request(url: str) -> urllib.request.Request:
    """A GET for ``url``; user info in the URL (``https://user:pw@host/...``) becomes a Basic auth header."""
    parts = urlsplit(url)
    if parts.username is None:
        return urllib.request.Request(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
    return urllib.request.Request(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")),
                                  headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()})


def _reason(error: BaseException) -> str:
    inner = getattr(error, "reason", None)
    return str(inner or error) or type(error).__name__


def _too_large(shown: str, max_bytes: int) -> SmeError:
    return SmeError(
        "E-SME-403",
        f"The base container at {shown} is larger than the download limit of {max_bytes // 1024**2} MiB.",
        ["Raise the limit with --max-base-mb if the file is the intended base container.",
         "Otherwise check that the URL points to a script-languages container (.tar.gz)."],
    )

