"""Make a fresh worker process look like an Exasol UDF VM before any user code runs.

- ``/buckets``: a private mount namespace (``unshare(CLONE_NEWNS)``), ``/`` made recursively private so nothing
  propagates back to the host, then the emulator's BucketFS data directory bind-mounted read-only onto
  ``/buckets`` (created on the host's root file system if missing — an empty directory, the only trace left).
  Needs CAP_SYS_ADMIN (root on a normal host; ``--cap-add SYS_ADMIN`` or ``--privileged`` in a container).
- the environment: exactly what the executor passed, nothing inherited.
- packages: a language container's site/dist-packages directories through ``site.addsitedir`` (so their
  ``.pth`` files work) on top of the host's stdlib; the host's site-packages are absent (``python -I -S``).
"""

from __future__ import annotations

import ctypes
import errno
import os
import site

CLONE_NEWNS = 0x00020000
MS_RDONLY = 0x1
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
BUCKETS = "/buckets"


class IsolationError(Exception):
    """The worker could not be set up; the text names the failing step, its cause and the mitigation."""


def _mitigation(code: int, root: str) -> str:
    """What to change, by the cause: a missing source directory is a path problem, not a privilege problem."""
    if code == errno.ENOENT:
        return (f"the BucketFS directory {root} does not exist as seen by the worker (a relative or deleted data "
                "directory); start the emulator with an existing data directory (the emulator makes it absolute)")
    if code in (errno.EPERM, errno.EACCES):
        return ("run the emulator as root with CAP_SYS_ADMIN (in a container: --cap-add SYS_ADMIN and no "
                "seccomp/AppArmor profile blocking mount), or run it without a BucketFS directory")
    return "check that the host allows private mount namespaces and bind mounts, or run without a BucketFS directory"


def mount_buckets(root: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)

    def call(result: int, what: str) -> None:
        if result != 0:
            code = ctypes.get_errno()
            raise IsolationError(f"{what} failed: {errno.errorcode.get(code, code)} ({os.strerror(code)}). "
                                 f"Mitigation: {_mitigation(code, root)}")

    call(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    call(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    try:
        os.makedirs(BUCKETS, exist_ok=True)
    except OSError as error:
        raise IsolationError(f"creating {BUCKETS} failed: {error}. "
                             f"Mitigation: {_mitigation(error.errno or 0, root)}") from None
    call(libc.mount(root.encode(), BUCKETS.encode(), None, MS_BIND | MS_REC, None), f"bind mount {root} on {BUCKETS}")
    call(libc.mount(b"none", BUCKETS.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY, None),
         f"read-only remount of {BUCKETS}")


def replace_environment(env: dict[str, str]) -> None:
    """Python itself may add variables at start-up (e.g. LC_CTYPE by locale coercion); drop them."""
    os.environ.clear()
    os.environ.update(env)


def add_package_dirs(directories: list[str]) -> None:
    for directory in directories:
        site.addsitedir(directory)
