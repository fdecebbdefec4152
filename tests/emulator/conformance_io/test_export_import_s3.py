"""EXPORT … INTO CSV AT … / IMPORT … FROM CSV AT … through pyexasol, against a moto S3 server.

What real Exasol writes (runtime notes §6, developer guide "Exasol CSV"): ``,`` separator, LF rows, UTF-8
without BOM; NULL = empty field; ``"`` quoting when a field holds the separator, a quote, a line break or other
whitespace (which is why a TIMESTAMP is quoted), inner quotes doubled; BOOLEAN ``1``/``0``; DATE
``YYYY-MM-DD``; TIMESTAMP with six fraction digits; DECIMAL plainly without trailing zeros; DOUBLE as the
shortest round-trip text. With several FILE clauses every file starts with the header, and the union of the
files is the result. The expected records below are written out by hand from those rules.
"""

from __future__ import annotations

import gzip

import pyexasol
import pytest

from io_support import OPEN_KEY_ID, OPEN_SECRET, Bucket, IamIdentities

COLUMNS = ("ID DECIMAL(18,0), AMOUNT DECIMAL(12,4), BIG DECIMAL(36,2), SCORE DOUBLE, FLAG BOOLEAN, BORN DATE, "
           "SEEN TIMESTAMP, SEEN_LOCAL TIMESTAMP WITH LOCAL TIME ZONE, NOTE VARCHAR(100) UTF8, CODE CHAR(3) ASCII")
ROWS = [
    "1, 0.7, 1234567890123456789012345678901234.56, 0.1, TRUE, DATE '2024-02-29', "
    "TIMESTAMP '2019-01-01 12:00:00.900', TIMESTAMP '2019-01-01 12:00:00.900', 'say \"hi\", ok', 'abc'",
    "2, -123.4567, -0.01, -1e-05, FALSE, DATE '0001-01-01', TIMESTAMP '2000-01-01 00:00:00', "
    "TIMESTAMP '2000-01-01 00:00:00', 'line1\nline2', 'xyz'",
    "3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
    "4, 100, 0, 1.5e300, TRUE, DATE '9999-12-31', TIMESTAMP '1970-01-01 00:00:01', "
    "TIMESTAMP '1970-01-01 00:00:01', 'ünïcödé € tab\there', 'a b'",
]
HEADER = "ID,AMOUNT,BIG,SCORE,FLAG,BORN,SEEN,SEEN_LOCAL,NOTE,CODE\n"
RECORDS = [
    '1,0.7,1234567890123456789012345678901234.56,0.1,1,2024-02-29,"2019-01-01 12:00:00.900000",'
    '"2019-01-01 12:00:00.900000","say ""hi"", ok",abc\n',
    '2,-123.4567,-0.01,-1e-05,0,0001-01-01,"2000-01-01 00:00:00.000000","2000-01-01 00:00:00.000000",'
    '"line1\nline2",xyz\n',
    "3,,,,,,,,,\n",
    '4,100,0,1.5e+300,1,9999-12-31,"1970-01-01 00:00:01.000000","1970-01-01 00:00:01.000000",'
    '"ünïcödé € tab\there","a b"\n',
]
PARTS = [f"all-types/part-{i}.csv.gz" for i in (1, 2, 3)]


def create_all_types_table(db: pyexasol.ExaConnection, name: str = "ALL_TYPES", filled: bool = True) -> None:
    db.execute(f"CREATE TABLE {name} ({COLUMNS})")
    if filled:
        db.execute(f"INSERT INTO {name} VALUES " + ", ".join(f"({row})" for row in ROWS))


def open_connection(db: pyexasol.ExaConnection, bucket: Bucket, name: str = "S3_OUT") -> None:
    db.execute(f"CREATE OR REPLACE CONNECTION {name} TO '{bucket.https_address}' "
               f"USER '{OPEN_KEY_ID}' IDENTIFIED BY '{OPEN_SECRET}'")


def files_clause(files: list[str]) -> str:
    return " ".join(f"FILE '{name}'" for name in files)


def split_records(body: str, known: list[str]) -> list[str]:
    """Cut ``body`` into records, each of which must be one of ``known`` (in any order, each at most once)."""
    remaining, found = list(known), []
    while body:
        match = next((record for record in remaining if body.startswith(record)), None)
        assert match is not None, f"unexpected CSV text: {body[:200]!r}"
        remaining.remove(match)
        found.append(match)
        body = body[len(match):]
    return found


def test_export_of_every_type_with_nulls_into_several_gzip_files_with_header(db, bucket: Bucket) -> None:
    create_all_types_table(db)
    open_connection(db, bucket)
    statement = db.execute(f"EXPORT ALL_TYPES INTO CSV AT S3_OUT {files_clause(PARTS)} WITH COLUMN NAMES")
    assert statement.rowcount() == len(ROWS)

    found = []
    for key in PARTS:
        compressed = bucket.read(key)
        assert compressed[:2] == b"\x1f\x8b", f"{key} is not gzip"
        raw = gzip.decompress(compressed)
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8")
        assert text.startswith(HEADER), f"{key} lacks the header line"
        found += split_records(text[len(HEADER):], RECORDS)
    assert sorted(found) == sorted(RECORDS)


def test_export_of_a_query_writes_its_column_names_and_order(db, bucket: Bucket) -> None:
    create_all_types_table(db)
    open_connection(db, bucket)
    statement = db.execute(
        "EXPORT (SELECT id AS \"Key\", UPPER(code) AS code_upper, amount * 2 AS doubled FROM all_types "
        "WHERE id <> 2 ORDER BY id DESC) INTO CSV AT S3_OUT FILE 'query/result.csv' WITH COLUMN NAMES"
    )
    assert statement.rowcount() == 3
    assert bucket.read("query/result.csv").decode() == (
        'Key,CODE_UPPER,DOUBLED\n4,"A B",200\n3,,\n1,ABC,1.4\n'
    )


def test_export_formats_numbers_and_dates_with_the_sessions_nls_settings(db, bucket: Bucket) -> None:
    """Without column FORMATs, EXPORT writes dates in NLS_DATE_FORMAT / NLS_TIMESTAMP_FORMAT (Exasol docs, "Format
    Models") and numbers with NLS_NUMERIC_CHARACTERS' decimal character (inferred)."""
    create_all_types_table(db)
    open_connection(db, bucket)
    db.execute("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = ',.'")
    db.execute("ALTER SESSION SET NLS_DATE_FORMAT = 'DD.MM.YYYY'")
    db.execute("ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'DD.MM.YYYY HH24:MI:SS.FF3'")
    db.execute("EXPORT (SELECT amount, score, born, seen FROM all_types WHERE id = 1) INTO CSV AT S3_OUT"
               " FILE 'nls/one.csv'")
    assert bucket.read("nls/one.csv").decode() == '"0,7","0,1",29.02.2024,"01.01.2019 12:00:00.900"\n'


def test_import_round_trip_restores_every_value_and_type(db, bucket: Bucket) -> None:
    create_all_types_table(db)
    create_all_types_table(db, "RESTORED", filled=False)
    open_connection(db, bucket)
    db.execute(f"EXPORT ALL_TYPES INTO CSV AT S3_OUT {files_clause(PARTS)} WITH COLUMN NAMES")

    statement = db.execute(f"IMPORT INTO RESTORED FROM CSV AT S3_OUT {files_clause(PARTS)} SKIP=1")
    assert statement.rowcount() == len(ROWS)

    original = db.execute("SELECT * FROM all_types ORDER BY id")
    restored = db.execute("SELECT * FROM restored ORDER BY id")
    assert restored.fetchall() == original.fetchall()
    assert restored.columns() == original.columns()


def test_import_into_a_column_subset_leaves_the_others_null(db, bucket: Bucket) -> None:
    create_all_types_table(db, filled=False)
    open_connection(db, bucket)
    bucket.client.put_object(Bucket=bucket.name, Key="in/subset.csv",
                             Body="7,TRUE,\"quoted, text\"\n8,f,\n".encode())
    db.execute("IMPORT INTO all_types (id, flag, note) FROM CSV AT S3_OUT FILE 'in/subset.csv'")
    rows = db.execute("SELECT id, flag, note, amount FROM all_types ORDER BY id").fetchall()
    assert rows == [(7, True, "quoted, text", None), (8, False, None, None)]


CONNECTION_FORMS = {
    "https address, USER and IDENTIFIED BY":
        "CREATE OR REPLACE CONNECTION {name} TO '{https}' USER '{key_id}' IDENTIFIED BY '{secret}'",
    "s3 address, USER and IDENTIFIED BY":
        "CREATE OR REPLACE CONNECTION {name} TO 's3://{bucket}' USER '{key_id}' IDENTIFIED BY '{secret}'",
    "legacy secret followed by Exasol options":
        "CREATE OR REPLACE CONNECTION {name} TO '{https}' USER '{key_id}' IDENTIFIED BY '{secret};sse_type=aws:kms'",
    "S3_ACCESS_KEY / S3_SECRET_KEY / S3_SESSION_TOKEN":
        "CREATE OR REPLACE CONNECTION {name} TO '{https}' USER '' IDENTIFIED BY "
        "'S3_ACCESS_KEY={temporary_key_id};S3_SECRET_KEY={temporary_secret};S3_SESSION_TOKEN={token}'",
}


@pytest.mark.parametrize("form", list(CONNECTION_FORMS))
def test_every_connection_form_signs_valid_requests(db, bucket: Bucket, enforced_iam: IamIdentities,
                                                   form: str) -> None:
    """IAM is enforced: the export only succeeds if the emulator signs with exactly these credentials."""
    db.execute(CONNECTION_FORMS[form].format(
        name="S3_FORM", https=bucket.https_address, bucket=bucket.name, key_id=enforced_iam.key_id,
        secret=enforced_iam.secret, temporary_key_id=enforced_iam.temporary_key_id,
        temporary_secret=enforced_iam.temporary_secret, token=enforced_iam.session_token,
    ))
    db.execute("CREATE TABLE back (answer DECIMAL(9,0), word VARCHAR(10))")
    db.execute("EXPORT (SELECT 42 AS answer, 'yes' AS word) INTO CSV AT S3_FORM FILE 'forms/one.csv'")
    assert enforced_iam.reader.get_object(Bucket=bucket.name, Key="forms/one.csv")["Body"].read() == b"42,yes\n"
    db.execute("IMPORT INTO back FROM CSV AT S3_FORM FILE 'forms/one.csv'")
    assert db.execute("SELECT * FROM back").fetchall() == [(42, "yes")]


def test_inline_address_and_credentials(db, bucket: Bucket, enforced_iam: IamIdentities) -> None:
    inline = f"AT '{bucket.https_address}' USER '{enforced_iam.key_id}' IDENTIFIED BY '{enforced_iam.secret}'"
    db.execute("CREATE TABLE back (n DECIMAL(9,0))")
    db.execute(f"EXPORT (SELECT 7 AS n) INTO CSV {inline} FILE 'inline/n.csv.gz'")
    assert gzip.decompress(enforced_iam.reader.get_object(Bucket=bucket.name, Key="inline/n.csv.gz")["Body"]
                           .read()) == b"7\n"
    db.execute(f"IMPORT INTO back FROM CSV {inline} FILE 'inline/n.csv.gz'")
    assert db.execute("SELECT n FROM back").fetchall() == [(7,)]


def test_missing_bucket_and_missing_file_fail_with_the_url_and_no_secret(db, bucket: Bucket) -> None:
    missing = f"https://{bucket.name}-missing.s3.{bucket.region}.amazonaws.com"
    db.execute(f"CREATE OR REPLACE CONNECTION NO_BUCKET TO '{missing}' "
               f"USER '{OPEN_KEY_ID}' IDENTIFIED BY '{OPEN_SECRET}'")
    with pytest.raises(pyexasol.ExaQueryError) as raised:
        db.execute("EXPORT (SELECT 1 AS n) INTO CSV AT NO_BUCKET FILE 'x/part-1.csv'")
    assert raised.value.code == "42636"
    assert f"{missing}/x/part-1.csv" in raised.value.message
    assert "bucket does not exist" in raised.value.message
    assert OPEN_SECRET not in str(raised.value)

    open_connection(db, bucket)
    db.execute("CREATE TABLE target (n DECIMAL(9,0))")
    with pytest.raises(pyexasol.ExaQueryError) as raised:
        db.execute("IMPORT INTO target FROM CSV AT S3_OUT FILE 'never/written.csv'")
    assert raised.value.code == "42636"
    assert "never/written.csv failed: the file does not exist" in raised.value.message
    assert OPEN_SECRET not in str(raised.value)


BAD_CREDENTIALS = {
    "wrong secret": ("USER '{key_id}' IDENTIFIED BY 'wrong-secret-value'", "does not match"),
    "unknown access key": ("USER 'AKIAUNKNOWNUNKNOWN00' IDENTIFIED BY 'wrong-secret-value'", "not known to S3"),
    "forged session token": ("USER '' IDENTIFIED BY 'S3_ACCESS_KEY={temporary_key_id};"
                             "S3_SECRET_KEY={temporary_secret};S3_SESSION_TOKEN=forged-token-value'",
                             "session token"),
}


@pytest.mark.parametrize("case", list(BAD_CREDENTIALS))
def test_bad_credentials_fail_without_revealing_them(db, bucket: Bucket, enforced_iam: IamIdentities,
                                                     case: str) -> None:
    credentials, reason = BAD_CREDENTIALS[case]
    db.execute(f"CREATE OR REPLACE CONNECTION BAD TO '{bucket.https_address}' " + credentials.format(
        key_id=enforced_iam.key_id, temporary_key_id=enforced_iam.temporary_key_id,
        temporary_secret=enforced_iam.temporary_secret))
    with pytest.raises(pyexasol.ExaQueryError) as raised:
        db.execute("EXPORT (SELECT 1 AS n) INTO CSV AT BAD FILE 'denied/n.csv'")
    assert raised.value.code == "42636"
    assert reason in raised.value.message and "denied/n.csv" in raised.value.message
    for secret in ("wrong-secret-value", "forged-token-value", enforced_iam.temporary_secret):
        assert secret not in str(raised.value)


@pytest.mark.parametrize("column_type", ["HASHTYPE(16 BYTE)", "INTERVAL DAY TO SECOND", "GEOMETRY"])
def test_types_left_out_of_the_all_types_table_are_refused_as_emulator_limits(db, column_type: str) -> None:
    """Exasol has these types; the emulator says plainly that it lacks them (E-EMU-2) rather than guessing."""
    with pytest.raises(pyexasol.ExaQueryError) as raised:
        db.execute(f"CREATE TABLE unsupported (c {column_type})")
    assert raised.value.code == "0A000" and "E-EMU-2" in raised.value.message
