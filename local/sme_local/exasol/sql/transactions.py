"""Exasol's transaction conflicts, at table granularity: WAIT FOR COMMIT and the 40001 collision rollback.

DuckDB gives every transaction a snapshot (snapshot isolation), which lets two transactions that read and write the
same table both commit — e.g. two ``INSERT INTO t SELECT … WHERE NOT EXISTS (SELECT … FROM t …)`` would insert the
same rows. Exasol is serializable instead (docs.exasol.com database_concepts/transaction_management.htm): a
transaction that writes a table another open transaction wrote waits for that one's commit (conflict type
``WAIT FOR COMMIT`` in EXA_DBA_TRANSACTION_CONFLICTS), and a transaction whose reads and writes admit no serial
order is rolled back (``TRANSACTION ROLLBACK``; SQL state 40001, "GlobalTransactionRollback msg: Transaction
collision: automatic transaction rollback.").

This module reproduces that model over DuckDB: every data statement declares the tables it reads and writes before
it runs. Order constraints between concurrent transactions are recorded as edges "A must come before B":
- B reads a table A wrote and B cannot see A's write (A still open, or committed after B's snapshot): B before A;
- B writes a table A read without seeing B's write: A before B;
- B writes a table A wrote, and one of them read it: B first waits until A ends (WAIT FOR COMMIT); if A
  committed (now or since B's snapshot), A before B.
A statement whose edges would close a cycle, or whose wait would close a cycle of waits, rolls its transaction
back with 40001. Limits (local/sme_local/exasol/README.md): tables, not rows; Exasol may let some interleavings through
that this model rolls back (it is conservative, never more permissive); Lua scripts are not one transaction.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Callable

from sqlglot import exp

from sme_local.exasol.sql.errors import TRANSACTION_CONFLICT, SqlError

Table = tuple[str, str]
WRITING_STATEMENTS = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter,
                      exp.TruncateTable)
COLLISION_TEXT = "GlobalTransactionRollback msg: Transaction collision: automatic transaction rollback."


def collision() -> SqlError:
    return SqlError(TRANSACTION_CONFLICT, COLLISION_TEXT)


@dataclass(eq=False)
class Transaction:
    """One open (or recently committed) transaction's footprint."""

    id: int
    snapshot: int  # number of commits visible to it
    reads: set[Table] = field(default_factory=set)
    writes: set[Table] = field(default_factory=set)
    before: set[Transaction] = field(default_factory=set)  # transactions that must precede this one
    commit_number: int | None = None
    waiting_for: Transaction | None = None


class TransactionManager:
    """Shared by all sessions of one database."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._ids = itertools.count(1)
        self._commits = 0
        self._open: set[Transaction] = set()
        self._committed: list[Transaction] = []

    def begin(self) -> Transaction:
        with self._changed:
            transaction = Transaction(next(self._ids), self._commits)
            self._open.add(transaction)
            return transaction

    def access(self, transaction: Transaction, reads: set[Table], writes: set[Table]) -> None:
        """Declare a statement's tables before it runs: waits for writers of the same tables, records the order
        constraints, and raises the 40001 collision if no serial order is left (the caller then rolls back)."""
        with self._changed:
            self._wait_for_writers(transaction, reads, writes)
            edges = []  # (earlier, later)
            for other in self._concurrent(transaction):
                if other.writes & reads:
                    edges.append((transaction, other))
                if other.reads & writes:
                    edges.append((other, transaction))
                if other.writes & writes and other.commit_number is not None:  # committed since the snapshot
                    edges.append((other, transaction))
            for earlier, later in edges:
                if earlier is not later and self._precedes(later, earlier):
                    raise collision()
                later.before.add(earlier)
            transaction.reads |= reads
            transaction.writes |= writes

    def commit(self, transaction: Transaction, commit_data: Callable[[], object]) -> None:
        """Commit the engine's transaction (``commit_data``) and the footprint in one step, so that a transaction
        that begins afterwards sees the data of every commit it counts."""
        with self._changed:
            try:
                commit_data()
            except BaseException:
                self._drop(transaction)
                raise
            self._open.discard(transaction)
            self._commits += 1
            transaction.commit_number = self._commits
            self._committed.append(transaction)
            self._forget_old()
            self._changed.notify_all()

    def end(self, transaction: Transaction) -> None:
        """A rollback: the transaction leaves no trace."""
        with self._changed:
            self._drop(transaction)

    # -- internals -----------------------------------------------------------------------------------------
    def _drop(self, transaction: Transaction) -> None:
        self._open.discard(transaction)
        for other in itertools.chain(self._open, self._committed):
            other.before.discard(transaction)
        self._forget_old()
        self._changed.notify_all()

    def _wait_for_writers(self, transaction: Transaction, reads: set[Table], writes: set[Table]) -> None:
        """Wait while an open transaction wrote a table this one writes and reads (now or before): its result
        depends on that write. Blind writers (INSERT … VALUES) of one table do not wait for each other: any order
        of them is serial, and the engine appends their rows side by side."""
        read = transaction.reads | reads
        while True:
            blocker = next((o for o in self._open if o is not transaction and o.writes & writes & (read | o.reads)),
                           None)
            if blocker is None:
                transaction.waiting_for = None
                return
            waiter = blocker
            while waiter is not None:  # a cycle of waits would never end: Exasol rolls one back
                if waiter is transaction:
                    transaction.waiting_for = None
                    raise collision()
                waiter = waiter.waiting_for
            transaction.waiting_for = blocker
            self._changed.wait()

    def _concurrent(self, transaction: Transaction) -> list[Transaction]:
        """Open transactions and those committed after ``transaction``'s snapshot (it cannot see their data)."""
        late = [t for t in self._committed if t.commit_number > transaction.snapshot]
        return [t for t in itertools.chain(self._open, late) if t is not transaction]

    @staticmethod
    def _precedes(first: Transaction, second: Transaction) -> bool:
        """Whether the recorded edges already put ``first`` before ``second``."""
        seen, todo = set(), [second]
        while todo:
            current = todo.pop()
            if current is first:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(current.before)
        return False

    def _forget_old(self) -> None:
        """Committed transactions every open one can see can no longer take part in a conflict."""
        oldest = min((t.snapshot for t in self._open), default=self._commits)
        kept = [t for t in self._committed if t.commit_number > oldest]
        gone = set(self._committed) - set(kept)
        self._committed = kept
        if gone:
            for other in itertools.chain(self._open, kept):
                other.before -= gone


def footprint(tree: exp.Expression) -> tuple[set[Table], set[Table]]:
    """(tables read, tables written) of a qualified statement tree; system and temp tables do not count."""
    tables = [t for t in tree.find_all(exp.Table) if t.db and not t.catalog]
    written = tables[0] if tables and isinstance(tree, WRITING_STATEMENTS) else None
    writes = {(written.db, written.name)} if written is not None else set()
    reads = {(t.db, t.name) for t in tables if t is not written}
    if not isinstance(tree, exp.Insert):  # only INSERT appends blindly; the others depend on what is there
        reads |= writes
    return reads, writes
