"""S3 connection addresses, the two credential formats, and a client isolated from the process environment."""

from __future__ import annotations

import pytest

from sme_local.exasol.s3_csv import CsvTransferError
from sme_local.exasol.s3_csv.connection import S3Credentials, parse_address, parse_credentials, s3_client


@pytest.mark.parametrize(
    ("address", "bucket", "region", "prefix"),
    [
        ("https://my-bucket.s3.amazonaws.com", "my-bucket", None, ""),
        ("https://my-bucket.s3.eu-west-1.amazonaws.com", "my-bucket", "eu-west-1", ""),
        ("https://my-bucket.s3-eu-west-1.amazonaws.com/", "my-bucket", "eu-west-1", ""),
        ("https://dotted.bucket.name.s3.us-gov-west-1.amazonaws.com", "dotted.bucket.name", "us-gov-west-1", ""),
        ("http://b12.s3.ap-southeast-2.amazonaws.com/base/dir/", "b12", "ap-southeast-2", "base/dir/"),
        ("s3://my-bucket", "my-bucket", None, ""),
        ("s3://my-bucket/prefix", "my-bucket", None, "prefix/"),
        ("HTTPS://My-Bucket.S3.AMAZONAWS.COM", "my-bucket", None, ""),
    ],
)
def test_address_forms(address: str, bucket: str, region: str | None, prefix: str) -> None:
    location = parse_address(address)
    assert (location.bucket, location.region, location.key_prefix) == (bucket, region, prefix)
    assert location.url("/dir/f.csv").endswith(f"/{prefix}dir/f.csv")


@pytest.mark.parametrize(
    "address",
    ["https://example.com/bucket", "ftp://b.s3.amazonaws.com", "https://b.s3.amazonaws.com:8443", "s3://", "bucket"],
)
def test_other_addresses_are_rejected(address: str) -> None:
    with pytest.raises(CsvTransferError, match="invalid S3 connection address"):
        parse_address(address)


def test_legacy_credentials_ignore_options_after_the_secret() -> None:
    credentials = parse_credentials("AKIAEXAMPLE", "s3cr3t/Key+x;sse_type=aws:kms;sse_kms_key_id=abc")
    assert credentials == S3Credentials("AKIAEXAMPLE", "s3cr3t/Key+x", None)
    assert "s3cr3t" not in repr(credentials)


def test_key_value_credentials_with_session_token() -> None:
    credentials = parse_credentials("", "S3_ACCESS_KEY=ASIAEX;S3_SECRET_KEY=sec=ret;S3_SESSION_TOKEN=tok/en==")
    assert credentials == S3Credentials("ASIAEX", "sec=ret", "tok/en==")
    assert parse_credentials(None, "s3_access_key=A;s3_secret_key=B") == S3Credentials("A", "B", None)


def test_no_credentials_means_anonymous() -> None:
    assert parse_credentials("", "") is None
    assert parse_credentials(None, None) is None


@pytest.mark.parametrize(("user", "password"), [("AKIA", ""), ("", "just-a-secret"), ("", "S3_ACCESS_KEY=A")])
def test_incomplete_credentials_are_rejected_without_echoing_the_secret(user: str, password: str) -> None:
    with pytest.raises(CsvTransferError) as raised:
        parse_credentials(user, password)
    if password:
        assert password not in raised.value.text


def test_client_ignores_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_PROFILE", "profile-that-does-not-exist")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENV-KEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENV-SECRET")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    location = parse_address("https://b12.s3.eu-west-1.amazonaws.com")
    client = s3_client(location, S3Credentials("CONN-KEY", "CONN-SECRET"), None)
    assert client.meta.endpoint_url == "https://s3.eu-west-1.amazonaws.com"
    frozen = client._request_signer._credentials.get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("CONN-KEY", "CONN-SECRET", None)
    assert s3_client(parse_address("s3://b12"), None, None).meta.region_name == "us-east-1"


def test_endpoint_override_uses_path_style() -> None:
    client = s3_client(parse_address("s3://b12"), S3Credentials("k", "s"), "http://127.0.0.1:5000")
    assert client.meta.endpoint_url == "http://127.0.0.1:5000"
    assert client.meta.config.s3["addressing_style"] == "path"
