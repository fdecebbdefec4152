"""The emulator's server process: moto in server mode on loopback, with the SageMaker hooks installed.

The server runs in a process of its own (started by ``AwsEmulator`` or ``python -m sme_local.aws``) so that the
hooks on moto's classes, moto's global backends and the CPU-heavy training never touch the process of the
caller, which may itself use moto in-process (``mock_aws``) for unit tests.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from sme_local.aws import moto_extension, unique_names
from sme_local.aws.faults import FaultInjector
from sme_local.aws.settings import EmulatorSettings

LOOPBACK = "127.0.0.1"
READY_PREFIX = "AWS_EMULATOR_READY "
_PARENT_POLL_SECONDS = 1.0
_SNAPSHOT_EVERY_POLLS = 10  # besides job and endpoint events: bounds what an abrupt kill loses to ~10 s


def serve(port: int, settings: EmulatorSettings, parent_pid: int | None = None) -> None:
    """Serve until SIGTERM/SIGINT (or until ``parent_pid`` is gone); announce the address on stdout first."""
    extension = moto_extension.install(settings)
    unique_names.install()  # after moto_extension: the name check runs before its endpoint start-up
    # moto's application behind the fault injector (which passes every request through unless a test set a rule)
    server = make_server(LOOPBACK, port, FaultInjector(DomainDispatcherApplication(create_backend_app)),
                         threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, bound_port = server.server_address[:2]
    print(READY_PREFIX + json.dumps({"endpoint_url": f"http://{host}:{bound_port}"}), flush=True)
    sys.stdout = sys.stderr  # nothing else may write into the pipe the parent stops reading
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    polls = 0
    while not stop.wait(_PARENT_POLL_SECONDS):
        if parent_pid is not None and os.getppid() != parent_pid:
            break
        polls += 1
        if polls % _SNAPSHOT_EVERY_POLLS == 0:
            extension.save_state()
    server.shutdown()
    extension.save_state()
