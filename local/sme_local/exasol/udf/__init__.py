"""The emulator's Python UDF executor: runs CREATE ... SCRIPT Python code the way Exasol's UDF VMs do.

The core calls it with a call's input and gets typed output back, as column batches (the bulk path the SQL
layer uses) or as row tuples (same call, convenient for small inputs and tests)::

    executor = UdfExecutor(bucketfs_root=Path(".../bucketfs"), env={"AWS_ENDPOINT_URL": url}, workers=None)
    columns, batch_per_group = executor.run_batches(script, input_columns, batches, emits, session)
    columns, rows_per_group = executor.run(script, input_columns, groups, emits, session)
    columns = executor.default_output_columns(script, input_columns, session)   # EMITS (...) without EMITS
    executor.close()

- ``UdfScript`` describes the script (SCALAR|SET, parameters or ``(...)``, RETURNS|EMITS columns or
  ``EMITS (...)``, alias, code); ``UdfColumn(name, sql_type)`` uses ``COLUMN_TYPE`` strings.
- ``run``: ``input_columns`` are the argument columns (names and types of a ``(...)`` call; for declared
  parameters only their count is checked and the declared ones are used — the core casts the values).
  ``groups`` are lists of row tuples holding Exasol's Python UDF values (int, Decimal, float, bool, str, date,
  datetime, None). ``emits`` is the call's EMITS clause or None. Returns the output columns and, per group in
  order, the rows it produced (SCALAR RETURNS: one 1-tuple per input row). Empty groups produce no rows and do
  not call ``run``. Failures raise ``UdfError`` (``.text`` Exasol's message without `` (Session: N)``,
  ``.sql_code``).
- ``run_batches``: the same with ``ColumnBatch`` objects (``column_arrays``: one numpy array per column, kinds
  as in ``vm.columns``) in and out — one output batch per group. Values never become Python objects on the
  parent's side; ``duckdb_columns`` fetches such batches from a DuckDB relation and loads them into a table.
- ``UdfSession``: ids, user, schema, SCRIPT_LANGUAGES value, and two callbacks the VMs query on demand:
  ``connections(name)`` (``exa.get_connection``) and ``scripts(name)`` (``exa.import_script``). They are called
  from executor threads, possibly concurrently.
- ``resolve_language(alias, script_languages_value, bucketfs_root)``: how an alias runs (see ``languages``).

Processes: every call starts fresh worker processes (``subprocess``, not fork): SET scripts up to ``workers``
(default: CPU count) VMs sharing the groups, SCALAR scripts one VM. Each VM executes the script body once, then
its groups, then ``cleanup()``. The workers' environment is EXACTLY ``env`` — the executor adds nothing and
Python needs nothing (the interpreter is started by absolute path; without HOME, ``~`` resolves through the
password database). Pass ``{"AWS_ENDPOINT_URL": ...}`` as the developer guide says, plus anything the UDFs
themselves should see (e.g. ``AWS_DEFAULT_REGION``). Never pass credentials: the UDFs get them from connections.

/buckets: with a ``bucketfs_root``, each worker enters a private mount namespace and sees ``bucketfs_root``
read-only at ``/buckets`` (so ``/buckets/bfsdefault/default/x`` is ``<bucketfs_root>/bfsdefault/default/x``).
This needs CAP_SYS_ADMIN (root on a normal host); without it every call fails with E-EMU-UDF-7. With
``bucketfs_root=None`` no mount is made and ``/buckets`` paths do not exist.

Time: ``timeout_seconds`` bounds a whole call (default one hour); a VM still running then is killed.
"""

from .column_arrays import ColumnArray, ColumnBatch
from .executor import UdfExecutor
from .languages import LanguageRuntime, parse_script_languages, resolve_language
from .model import ConnectionLookupError, UdfColumn, UdfConnection, UdfError, UdfScript, UdfSession

__all__ = [
    "ColumnArray",
    "ColumnBatch",
    "ConnectionLookupError",
    "LanguageRuntime",
    "UdfColumn",
    "UdfConnection",
    "UdfError",
    "UdfExecutor",
    "UdfScript",
    "UdfSession",
    "parse_script_languages",
    "resolve_language",
]
