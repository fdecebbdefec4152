"""The emulator's BucketFS service, driven through the real exasol-bucketfs client."""

from __future__ import annotations

import io
import os
from pathlib import Path

import exasol.bucketfs as bfs
import pytest
import requests

from sme_local.exasol.bucketfs import BucketConfig, BucketFsService, resolve_udf_path

READ_PW = "read-secret"
WRITE_PW = "write-secret"


@pytest.fixture()
def service(tmp_path: Path):
    buckets = (
        BucketConfig("default", read_password=READ_PW, write_password=WRITE_PW),
        BucketConfig("models", read_password="r2", write_password="w2", public=True),
    )
    with BucketFsService(tmp_path / "bfs", buckets=buckets, port=0) as running:
        yield running


def writer(service: BucketFsService, name: str = "default") -> bfs.Bucket:
    return bfs.Bucket(name, service.url, "w", WRITE_PW if name == "default" else "w2", service_name="bfsdefault")


def reader(service: BucketFsService) -> bfs.Bucket:
    return bfs.Bucket("default", service.url, "r", READ_PW, service_name="bfsdefault")


def test_service_lists_every_configured_bucket(service: BucketFsService) -> None:
    assert set(bfs.Service(service.url).buckets) == {"default", "models"}


def test_upload_download_list_overwrite_delete(service: BucketFsService) -> None:
    bucket = writer(service)
    bucket.upload("a/b/data.bin", b"\x00\x01payload")
    bucket.upload("top.txt", io.BytesIO(b"top"))
    assert b"".join(reader(service).download("a/b/data.bin")) == b"\x00\x01payload"
    assert set(reader(service).files) == {"a/b/data.bin", "top.txt"}

    bucket.upload("top.txt", b"replaced")
    assert b"".join(bucket.download("top.txt")) == b"replaced"

    bucket.delete("a/b/data.bin")
    bucket.delete("a/b/data.bin")  # a missing key is no error, as the BucketLike contract says
    assert set(bucket.files) == {"top.txt"}
    assert not (service.bucket_directory("default") / "a").exists(), "empty implicit directories disappear"


def test_streamed_upload_with_chunked_transfer_encoding(service: BucketFsService) -> None:
    chunks = [os.urandom(256 * 1024) for _ in range(12)]
    writer(service).upload("big/blob.bin", iter(chunks))  # an iterator makes requests send chunked encoding
    assert b"".join(reader(service).download("big/blob.bin", chunk_size=65536)) == b"".join(chunks)


def test_path_api_and_udf_view(service: BucketFsService) -> None:
    base = bfs.path.build_path(backend="onprem", url=service.url, username="w", password=WRITE_PW,
                               bucket_name="default", service_name="bfsdefault", verify=False, path="models")
    target = base / "m1" / "model.json"
    target.write(b'{"k": 1}')
    assert target.exists() and target.is_file() and base.is_dir()
    assert [p.name for p in base.iterdir()] == ["m1"]
    assert b"".join(target.read()) == b'{"k": 1}'
    local = resolve_udf_path(service.root, target.as_udf_path())
    assert local.read_bytes() == b'{"k": 1}'
    assert target.as_udf_path() == "/buckets/bfsdefault/default/models/m1/model.json"
    target.rm()
    assert not target.exists()


def test_bad_password_and_missing_rights_are_rejected(service: BucketFsService) -> None:
    writer(service).upload("keep.txt", b"original")
    wrong_writer = bfs.Bucket("default", service.url, "w", "not-the-password")
    with pytest.raises(bfs.BucketFsError):
        wrong_writer.upload("keep.txt", b"overwritten")
    with pytest.raises(bfs.BucketFsError):
        list(bfs.Bucket("default", service.url, "r", "wrong").files)

    url = f"{service.url}/default/keep.txt"
    assert requests.put(url, data=b"x", auth=("r", READ_PW), timeout=10).status_code == 403
    assert requests.put(url, data=b"x", auth=("w", "wrong"), timeout=10).status_code == 401
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.delete(url, auth=("r", READ_PW), timeout=10).status_code == 403
    response = requests.get(url, auth=("w", "wrong"), timeout=10)
    assert response.status_code == 401 and "wrong" not in response.text
    assert b"".join(reader(service).download("keep.txt")) == b"original"


def test_public_bucket_is_readable_without_credentials_but_not_writable(service: BucketFsService) -> None:
    writer(service, "models").upload("m.bin", b"model")
    assert requests.get(f"{service.url}/models/m.bin", timeout=10).content == b"model"
    assert requests.put(f"{service.url}/models/m.bin", data=b"x", timeout=10).status_code == 401


def test_unknown_bucket_and_file(service: BucketFsService) -> None:
    assert requests.get(f"{service.url}/nope", auth=("r", READ_PW), timeout=10).status_code == 404
    with pytest.raises(bfs.BucketFsError):
        list(reader(service).download("missing.txt"))


def test_dot_segments_in_keys_are_rejected(service: BucketFsService) -> None:
    response = requests.put(f"{service.url}/default/a/%2E%2E/%2E%2E/escape.txt", data=b"x",
                            auth=("w", WRITE_PW), timeout=10)
    assert response.status_code == 400
    assert not (service.root / "escape.txt").exists()
    assert not (service.root / "bfsdefault" / "escape.txt").exists()


def test_file_and_directory_of_the_same_name_conflict(service: BucketFsService) -> None:
    bucket = writer(service)
    bucket.upload("x/inner.txt", b"1")
    with pytest.raises(bfs.BucketFsError):
        bucket.upload("x", b"2")
    with pytest.raises(bfs.BucketFsError):
        bucket.upload("x/inner.txt/deeper", b"3")
    assert set(bucket.files) == {"x/inner.txt"}


def test_stop_releases_the_port(tmp_path: Path) -> None:
    service = BucketFsService(tmp_path, port=0)
    service.start()
    url = service.url
    service.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
