"""EXPORT/IMPORT against S3: moto in-process, plus one run through a moto server via the endpoint override."""

from __future__ import annotations

import bz2
import csv
import datetime
import gzip
import io
from decimal import Decimal

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count
from moto.server import ThreadedMotoServer

from sme_local.exasol.s3_csv import CsvOptions, CsvTransferError, S3Connection, export_csv, import_csv

BUCKET = "exports-bucket"
KEY_ID, SECRET = "AKIAEXAMPLEKEY000001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CONNECTION = S3Connection(f"https://{BUCKET}.s3.eu-west-1.amazonaws.com", KEY_ID, SECRET)

ALL_TYPES = [
    ("ID", "DECIMAL(18,0)"),
    ("AMOUNT", "DECIMAL(12,4)"),
    ("SCORE", "DOUBLE"),
    ("FLAG", "BOOLEAN"),
    ("DAY", "DATE"),
    ("AT", "TIMESTAMP(6)"),
    ("NOTE", "VARCHAR(100) UTF8"),
]
AWKWARD_ROWS = [
    (1, Decimal("0.7000"), 0.1, True, datetime.date(2024, 2, 29), datetime.datetime(2019, 1, 1, 12, 0, 0, 900000),
     'comma, "quotes" and\nnewline'),
    (2, Decimal("-123.4567"), -1e-05, False, datetime.date(1, 1, 1), datetime.datetime(2000, 1, 1), "  padded  "),
    (3, None, None, None, None, None, None),
    (4, Decimal("100.0000"), 1.5e300, True, datetime.date(9999, 12, 31), datetime.datetime(1970, 1, 1, 0, 0, 1),
     "#not a comment"),
    (5, Decimal("0.0000"), 0.0, False, datetime.date(2020, 1, 1), datetime.datetime(2020, 1, 1), "NULL"),
    (6, Decimal("1"), 2.0, True, datetime.date(2020, 1, 1), datetime.datetime(2020, 1, 1), "ünïcödé € \t tab\r\n"),
]


@pytest.fixture()
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def read_object(client, key: str) -> str:
    data = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    if key.endswith(".gz"):
        data = gzip.decompress(data)
    elif key.endswith(".bz2"):
        data = bz2.decompress(data)
    return data.decode("utf-8")


def test_export_splits_rows_over_files_with_a_header_in_each(s3) -> None:
    columns = [("ID", "DECIMAL(18,0)"), ("NAME", "VARCHAR(20) UTF8")]
    rows = [(i, f"name {i}") for i in range(10)]
    files = [f"job/run/training-data/part-{i}.csv.gz" for i in (1, 2, 3)]
    written = export_csv(columns, iter(rows), CONNECTION, files, CsvOptions(with_column_names=True))
    assert written == 10
    parsed = [list(csv.reader(io.StringIO(read_object(s3, key), newline=""))) for key in files]
    assert [len(records) - 1 for records in parsed] == [4, 3, 3]
    assert all(records[0] == ["ID", "NAME"] for records in parsed)
    assert [tuple(record) for records in parsed for record in records[1:]] == [(str(i), f"name {i}") for i in range(10)]
    assert read_object(s3, files[0]).startswith('ID,NAME\n0,"name 0"\n')


def test_export_of_no_rows_still_writes_every_file_with_its_header(s3) -> None:
    files = ["empty/a.csv", "empty/b.csv"]
    assert export_csv([("A", "DOUBLE"), ("B", "DATE")], [], CONNECTION, files, CsvOptions(with_column_names=True)) == 0
    assert [read_object(s3, key) for key in files] == ["A,B\n", "A,B\n"]
    export_csv([("A", "DOUBLE")], [], CONNECTION, ["empty/c.csv"], CsvOptions())
    assert read_object(s3, "empty/c.csv") == ""


def test_export_overwrites_existing_objects(s3) -> None:
    export_csv([("A", "DECIMAL(9,0)")], [(1,), (2,)], CONNECTION, ["same.csv"])
    export_csv([("A", "DECIMAL(9,0)")], [(3,)], CONNECTION, ["same.csv"])
    assert read_object(s3, "same.csv") == "3\n"


@pytest.mark.parametrize(
    ("options", "files"),
    [
        (CsvOptions(with_column_names=True, skip=1), ["rt/one.csv"]),
        (CsvOptions(with_column_names=True, skip=1), ["rt/p1.csv.gz", "rt/p2.csv.gz", "rt/p3.csv.gz"]),
        (CsvOptions(column_separator=";", row_separator="CRLF", null="\\N", column_delimiter="'"), ["rt/x.csv.bz2"]),
        (CsvOptions(column_separator="|", row_separator="CR", encoding="UTF-8"), ["rt/cr.csv"]),
    ],
)
def test_round_trip_of_every_type_with_nulls_and_awkward_strings(s3, options: CsvOptions, files: list[str]) -> None:
    export_csv(ALL_TYPES, AWKWARD_ROWS, CONNECTION, files, options)
    imported = import_csv(CONNECTION, files, options, [sql_type for _, sql_type in ALL_TYPES])
    assert imported == AWKWARD_ROWS
    assert [type(value) for value in imported[0]] == [int, Decimal, float, bool, datetime.date, datetime.datetime, str]


def test_import_reads_exasol_spellings_comments_and_skip(s3) -> None:
    text = ("header,line,ignored\n# a comment line\n1,T,2020-01-02\n2,false,\n3,0,2020-01-03\n,TRUE,2020-01-04\n"
            "4,f,2020-01-05")
    s3.put_object(Bucket=BUCKET, Key="in/handmade.csv", Body=text.encode())
    rows = import_csv(CONNECTION, ["in/handmade.csv"], CsvOptions(skip=1), ["DECIMAL(9,0)", "BOOLEAN", "DATE"])
    day = datetime.date
    assert rows == [(1, True, day(2020, 1, 2)), (2, False, None), (3, False, day(2020, 1, 3)),
                    (None, True, day(2020, 1, 4)), (4, False, day(2020, 1, 5))]


@pytest.mark.parametrize(
    ("content", "types", "expected"),
    [
        ("1,ok\n2,x\n3,abc\n", ["DECIMAL(9,0)", "DECIMAL(9,0)"],
         "ETL-3050: [Column=2 Row=1] [Transformation of value='ok' failed"),
        ("a\nbb\ncccc\n", ["VARCHAR(3) UTF8"], "ETL-3003: [Column=1 Row=3]"),
        ("1,2\n3\n", ["DECIMAL(9,0)", "DECIMAL(9,0)"], "ETL-2105: Error while parsing row=2"),
        ('1,"open\n', ["DECIMAL(9,0)", "VARCHAR(9) UTF8"], "ETL-2105: Error while parsing row=1"),
        ("99999\n", ["DECIMAL(3,0)"], "numeric value out of range"),
    ],
)
def test_bad_data_names_file_row_and_column(s3, content: str, types: list[str], expected: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="bad/data.csv", Body=content.encode())
    with pytest.raises(CsvTransferError) as raised:
        import_csv(CONNECTION, ["bad/data.csv"], CsvOptions(), types)
    assert expected in raised.value.text
    assert f"https://{BUCKET}.s3.eu-west-1.amazonaws.com/bad/data.csv" in raised.value.text
    assert raised.value.sql_code == "42636"


def test_import_of_a_corrupt_gzip_or_wrong_encoding(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="bad/x.csv.gz", Body=b"plain text, not gzip")
    with pytest.raises(CsvTransferError, match="not a valid gz file"):
        import_csv(CONNECTION, ["bad/x.csv.gz"], CsvOptions(), ["VARCHAR(100) UTF8"])
    s3.put_object(Bucket=BUCKET, Key="bad/latin.csv", Body="é\n".encode("latin-1"))
    with pytest.raises(CsvTransferError, match="ETL-2102"):
        import_csv(CONNECTION, ["bad/latin.csv"], CsvOptions(), ["VARCHAR(100) UTF8"])
    assert import_csv(CONNECTION, ["bad/latin.csv"], CsvOptions(encoding="ISO-8859-1"), ["VARCHAR(9) UTF8"]) == [("é",)]


def test_s3_failures_name_the_file_and_never_the_secret(s3) -> None:
    missing_bucket = S3Connection("https://no-such-bucket-here.s3.eu-west-1.amazonaws.com", KEY_ID, SECRET)
    with pytest.raises(CsvTransferError) as raised:
        export_csv([("A", "DOUBLE")], [(1.0,)], missing_bucket, ["dir/part-1.csv"])
    text = raised.value.text
    assert "https://no-such-bucket-here.s3.eu-west-1.amazonaws.com/dir/part-1.csv" in text
    assert "bucket does not exist" in text and SECRET not in text

    with pytest.raises(CsvTransferError) as raised:
        import_csv(CONNECTION, ["dir/missing.csv"], CsvOptions(), ["DOUBLE"])
    assert "dir/missing.csv failed: the file does not exist" in raised.value.text


@set_initial_no_auth_action_count(3)
def test_bad_credentials_and_access_denied() -> None:
    with mock_aws():
        setup = {"region_name": "eu-west-1", "aws_access_key_id": KEY_ID, "aws_secret_access_key": SECRET}
        boto3.client("s3", **setup).create_bucket(Bucket=BUCKET,
                                                 CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        iam = boto3.client("iam", **setup)
        iam.create_user(UserName="no-permissions")
        key = iam.create_access_key(UserName="no-permissions")["AccessKey"]
        cases = [
            (S3Connection(CONNECTION.address, key["AccessKeyId"], key["SecretAccessKey"]), "access denied",
             key["SecretAccessKey"]),
            (S3Connection(CONNECTION.address, "AKIAUNKNOWNUNKNOWN00", "unknown-secret-value"), "not known to S3",
             "unknown-secret-value"),
            (S3Connection(CONNECTION.address, key["AccessKeyId"], "wrong-secret-value;sse_type=aws:kms"),
             "does not match", "wrong-secret-value"),
            (S3Connection(CONNECTION.address, "", f"S3_ACCESS_KEY={key['AccessKeyId']};S3_SECRET_KEY=wrong-secret-"
                                                  "value;S3_SESSION_TOKEN=session-token-value"),
             "session token", "wrong-secret-value"),
        ]
        for connection, reason, secret in cases:
            with pytest.raises(CsvTransferError) as raised:
                export_csv([("A", "DOUBLE")], [(1.0,)], connection, ["f.csv"])
            assert reason in raised.value.text and "f.csv" in raised.value.text
            assert secret not in raised.value.text and "session-token-value" not in raised.value.text


def test_key_value_credentials_and_legacy_options_work(s3) -> None:
    temporary = S3Connection(CONNECTION.address, "", f"S3_ACCESS_KEY={KEY_ID};S3_SECRET_KEY={SECRET};"
                                                     "S3_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLE")
    legacy = S3Connection(f"s3://{BUCKET}", KEY_ID, f"{SECRET};sse_type=aws:kms")
    export_csv([("A", "DECIMAL(9,0)")], [(7,)], temporary, ["cred/a.csv"])
    export_csv([("A", "DECIMAL(9,0)")], [(8,)], legacy, ["cred/b.csv"])
    assert import_csv(legacy, ["cred/a.csv", "cred/b.csv"], CsvOptions(), ["DECIMAL(9,0)"]) == [(7,), (8,)]


def test_wrong_number_of_values_and_unsupported_compression(s3) -> None:
    with pytest.raises(CsvTransferError, match="row with 1 values for 2 columns"):
        export_csv([("A", "DOUBLE"), ("B", "DOUBLE")], [(1.0,)], CONNECTION, ["f.csv"])
    with pytest.raises(CsvTransferError, match="ZIP compression") as raised:
        export_csv([("A", "DOUBLE")], [(1.0,)], CONNECTION, ["f.csv.zip"])
    assert raised.value.sql_code == "0A000"
    with pytest.raises(CsvTransferError, match="FILE"):
        export_csv([("A", "DOUBLE")], [(1.0,)], CONNECTION, [])
    with pytest.raises(CsvTransferError, match="cannot be written in ENCODING ASCII"):
        export_csv([("A", "VARCHAR(5) UTF8")], [("é",)], CONNECTION, ["f.csv"], CsvOptions(encoding="ASCII"))


def test_endpoint_override_against_a_moto_server_on_loopback() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client("s3", region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id=KEY_ID,
                              aws_secret_access_key=SECRET)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        files = ["srv/part-1.csv.gz", "srv/part-2.csv.gz"]
        options = CsvOptions(with_column_names=True)
        assert export_csv(ALL_TYPES, AWKWARD_ROWS, CONNECTION, files, options, aws_endpoint_url=endpoint) == 6
        for key in files:
            body = gzip.decompress(client.get_object(Bucket=BUCKET, Key=key)["Body"].read()).decode()
            records = list(csv.reader(io.StringIO(body, newline="")))
            assert records[0] == [name for name, _ in ALL_TYPES] and len(records) == 4
        types = [sql_type for _, sql_type in ALL_TYPES]
        imported = import_csv(CONNECTION, files, CsvOptions(skip=1), types, aws_endpoint_url=endpoint)
        assert imported == AWKWARD_ROWS
    finally:
        server.stop()
