"""The metadata statements of an installation, run on the emulator over a schema the old extension (0.11.x)
created: its table DDL and a row as it wrote them (reconstructed from prior-art.md §1b). Every old value stays."""

from __future__ import annotations

import os

import pyexasol
import pytest

from sme_local.exasol.api import Emulator
from exasol_sagemaker_extension.installation.statements import metadata_statements
from exasol_sagemaker_extension.declarations.metadata_tables import JOBS_TABLE
from tests.old_extension_schema import old_jobs_table_ddl

os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"
SCHEMA = "OLD_SME"
OLD_DDL = old_jobs_table_ddl(SCHEMA)
OLD_ROW = ("2024-05-06 07:08:09.000000", "oldjob1", "AWS_CONN", "arn:aws:iam::123456789012:role/SageMaker",
           "s3://my-bucket", "sme/old", "CHURN", "BinaryClassification", '{"MetricName":"F1"}', 3600, 5, 600,
           1796282830913000, "SYS", "STATE;DAY_MINS;CHURN", "VARCHAR(2) UTF8;DECIMAL(6,1);BOOLEAN")


@pytest.fixture
def connection(tmp_path):
    with Emulator(tmp_path, port=0, bucketfs_port=None) as emulator:
        with pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol") as connection:
            yield connection


def test_installing_over_the_old_schema_keeps_the_old_row_and_adds_the_new_columns(connection):
    connection.execute(f'CREATE SCHEMA "{SCHEMA}"')
    connection.execute(OLD_DDL)
    connection.ext.insert_multi((SCHEMA, "SME_METADATA_AUTOPILOT_JOBS"), [OLD_ROW])
    before = connection.execute(f'SELECT * FROM "{SCHEMA}"."SME_METADATA_AUTOPILOT_JOBS"').fetchall()

    for _ in range(2):  # a second run over the upgraded schema changes nothing either
        for statement in metadata_statements(SCHEMA):
            connection.execute(statement.sql)

    after = connection.execute(f'SELECT * FROM "{SCHEMA}"."SME_METADATA_AUTOPILOT_JOBS"').fetchall()
    assert len(after) == 1 and after[0][:16] == before[0]
    assert after[0][16:] == (None,) * (len(JOBS_TABLE.columns) - 16)
    columns = connection.execute(f"""SELECT COLUMN_NAME FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = '{SCHEMA}'
        AND COLUMN_TABLE = 'SME_METADATA_AUTOPILOT_JOBS' ORDER BY COLUMN_ORDINAL_POSITION""").fetchall()
    assert [c[0] for c in columns] == [name for name, _ in JOBS_TABLE.columns]
    view = connection.execute(f'SELECT JOB_NAME, OBJECTIVE, JOB_STATUS FROM "{SCHEMA}"."SME_AUTOPILOT_JOBS"').fetchall()
    assert view == [("oldjob1", '{"MetricName":"F1"}', None)]
