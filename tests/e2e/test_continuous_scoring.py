"""SME_SCORE_NEW_ROWS on the local stack: the Aurora stress test scaled down (5 clients × 200 rows, two scoring
loops at once, so that runs collide and retry), and the bad-input errors a user sees."""

import json

import pyexasol
import pytest

from benchmarks import aurora_stress
from benchmarks.aurora_stress import SCHEMA, SOURCE, TARGET, StressSettings

pytestmark = pytest.mark.slow

SETTINGS = StressSettings(clients=5, min_rows=200, max_rows=200, batch_rows=20, scorers=2, pause_seconds=0.05,
                          max_candidates=2)


@pytest.fixture(scope="module")
def deployed(e2e_stack):
    aurora_stress.deploy_model(e2e_stack.description, SETTINGS, print)
    return e2e_stack


def test_every_inserted_row_gets_exactly_one_prediction_while_clients_insert(deployed, console):
    result = aurora_stress.run_stress(deployed.description, SETTINGS)
    assert result.inserted_rows == 1000
    assert result.exactly_once, result
    assert result.scoring_runs >= 2
    types = console.rows(f"""SELECT COLUMN_NAME, COLUMN_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = '{SCHEMA}'
        AND COLUMN_TABLE = '{TARGET}' ORDER BY COLUMN_ORDINAL_POSITION""")
    assert types == [("ID", "DECIMAL(18,0)"), ("PROBABILITY", "DOUBLE"), ("PREDICTIONS", "BOOLEAN"),
                     ("SCORED_AT", "TIMESTAMP")]  # as Exasol 7.1 (the emulator's default) reports it
    rerun = console.rows(f"EXECUTE SCRIPT SME.SME_SCORE_NEW_ROWS('{aurora_stress.score_request()}')")
    assert [tuple(row) for row in rerun] == [(0, 0, False)]


def _score(console, **changes):
    request = {**json.loads(aurora_stress.score_request()), **changes}
    text = json.dumps(request).replace("'", "''")
    with pytest.raises(pyexasol.ExaQueryError) as failure:
        console.execute(f"EXECUTE SCRIPT SME.SME_SCORE_NEW_ROWS('{text}')")
    return failure.value.message


def test_bad_input_is_refused_with_its_code_and_nothing_is_created(deployed, console):
    assert "E-SME-70: The key column(s) \"NOPE\" is not" in _score(console, key_columns=["NOPE"])
    assert "E-SME-71: The prediction UDF" in _score(console, udf_name="NO_SUCH_UDF")
    console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."WRONG_TARGET" ("ID" VARCHAR(10))')
    assert "E-SME-74: The target" in _score(console, target_table_name="WRONG_TARGET")
    assert "E-SME-72:" in _score(console, udf_schema_name="SME", udf_name="SME_AUTOPILOT_TRAINING_UDF")
    assert console.rows(f"""SELECT COUNT(*) FROM SYS.EXA_ALL_TABLES WHERE TABLE_SCHEMA = '{SCHEMA}'
        AND TABLE_NAME = 'NEVER_CREATED'""")[0][0] == 0
    assert "E-SME-70" in _score(console, key_columns=["NOPE"], target_table_name="NEVER_CREATED")
    assert console.rows(f"""SELECT COUNT(*) FROM SYS.EXA_ALL_TABLES WHERE TABLE_SCHEMA = '{SCHEMA}'
        AND TABLE_NAME = 'NEVER_CREATED'""")[0][0] == 0
