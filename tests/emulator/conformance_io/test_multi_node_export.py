"""EXPORT from a 3-node database into NPROC() × 2 files through moto: every file, header in each, union = table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sme_local.exasol.database import Database
from io_support import OPEN_KEY_ID, OPEN_SECRET, Bucket


@pytest.fixture()
def session(tmp_path: Path, moto_url: str) -> Iterator:
    database = Database(tmp_path, aws_endpoint_url=moto_url, nodes=3)
    running = database.open_session()
    running.execute("CREATE SCHEMA s")
    yield running
    database.close()


def test_export_of_a_three_node_database_writes_every_file_clause(session, bucket: Bucket):
    session.execute("CREATE TABLE t AS SELECT i AS k, 'v' || i AS label FROM VALUES BETWEEN 1 AND 61 v(i)")
    session.execute(f"CREATE CONNECTION out TO '{bucket.https_address}' USER '{OPEN_KEY_ID}' "
                    f"IDENTIFIED BY '{OPEN_SECRET}'")
    files = [f"parts/p{j}.csv" for j in range(session.execute("SELECT NPROC() * 2 FROM DUAL").rows[0][0])]
    session.execute("EXPORT s.t INTO CSV AT out " + " ".join(f"FILE '{name}'" for name in files)
                    + " WITH COLUMN NAMES")
    bodies = [bucket.read(name).decode() for name in files]
    assert len(bodies) == 6 and all(body.startswith("K,LABEL\n") for body in bodies)
    records = [line for body in bodies for line in body.splitlines()[1:]]
    assert sorted(records) == sorted(f"{k},v{k}" for k in range(1, 62))
