"""Archive uploads: unpacked next to the upload before the PUT returns, and never outside their directory."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import exasol.bucketfs as bfs
import pytest

from sme_local.exasol.bucketfs import BucketConfig, BucketFsService, extraction_dir_name, resolve_udf_path

WRITE_PW = "write-secret"


@pytest.fixture()
def service(tmp_path: Path):
    with BucketFsService(tmp_path / "bfs", buckets=(BucketConfig("default", "read", WRITE_PW),), port=0) as svc:
        yield svc


def bucket_path(service: BucketFsService, path: str = "") -> bfs.path.PathLike:
    return bfs.path.build_path(backend="onprem", url=service.url, username="w", password=WRITE_PW,
                               bucket_name="default", service_name="bfsdefault", verify=False, path=path)


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz", links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["slc.tar.gz", "slc.tgz", "slc.tar"])
def test_tarball_is_unpacked_before_the_upload_returns(service: BucketFsService, name: str) -> None:
    mode = "w" if name.endswith(".tar") else "w:gz"
    archive = bucket_path(service, "containers") / name
    archive.write(tar_bytes({"exasol-manifest.json": b"{}", "exaudf/exaudfclient": b"bin"}, mode))
    # what python-extension-common's ExtractValidator checks from inside a UDF, right after the upload
    manifest = resolve_udf_path(service.root, f"{archive.as_udf_path()}/exasol-manifest.json")
    assert archive.as_udf_path() == "/buckets/bfsdefault/default/containers/slc"
    assert manifest.is_file()
    assert (manifest.parent / "exaudf" / "exaudfclient").read_bytes() == b"bin"
    assert set(bfs.Bucket("default", service.url, "w", WRITE_PW).files) == {f"containers/{name}"}


def test_zip_is_unpacked(service: BucketFsService) -> None:
    archive = bucket_path(service) / "bundle.zip"
    archive.write(zip_bytes({"a/b.txt": b"zipped", "c.txt": b"c"}))
    unpacked = resolve_udf_path(service.root, archive.as_udf_path())
    assert (unpacked / "a" / "b.txt").read_bytes() == b"zipped"
    assert (unpacked / "c.txt").read_bytes() == b"c"


def test_reupload_replaces_and_delete_removes_the_unpacked_directory(service: BucketFsService) -> None:
    archive = bucket_path(service) / "slc.tar.gz"
    archive.write(tar_bytes({"old.txt": b"old"}))
    archive.write(tar_bytes({"new.txt": b"new"}))
    unpacked = resolve_udf_path(service.root, archive.as_udf_path())
    assert sorted(p.name for p in unpacked.iterdir()) == ["new.txt"]
    archive.rm()
    assert not unpacked.exists()
    assert list(bfs.Bucket("default", service.url, "w", WRITE_PW).files) == []


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(tar_bytes({"../../evil.txt": b"x"}), id="tar-dotdot"),
        pytest.param(tar_bytes({"/tmp/evil.txt": b"x"}), id="tar-absolute"),
        pytest.param(tar_bytes({}, links={"passwd": "/etc/passwd"}), id="tar-absolute-link"),
        pytest.param(tar_bytes({}, links={"up": "../../../outside"}), id="tar-escaping-link"),
        pytest.param(b"not a tarball at all", id="corrupt"),
    ],
)
def test_unsafe_or_corrupt_tarballs_are_rejected_whole(service: BucketFsService, payload: bytes) -> None:
    with pytest.raises(bfs.BucketFsError):
        bfs.Bucket("default", service.url, "w", WRITE_PW).upload("dir/slc.tar.gz", payload)
    assert list(bfs.Bucket("default", service.url, "w", WRITE_PW).files) == []
    written = sorted(p.relative_to(service.root).as_posix() for p in service.root.rglob("*") if p.is_file())
    assert written == [], "a rejected archive leaves no file anywhere under the root"
    assert not (service.root.parent / "evil.txt").exists()


def test_zip_with_traversal_is_rejected(service: BucketFsService) -> None:
    with pytest.raises(bfs.BucketFsError):
        bfs.Bucket("default", service.url, "w", WRITE_PW).upload("z.zip", zip_bytes({"../evil.txt": b"x"}))
    assert not any(service.root.rglob("evil.txt"))
    assert not any(service.root.parent.glob("evil.txt"))


def test_uploads_into_an_unpacked_directory_are_refused(service: BucketFsService) -> None:
    bucket = bfs.Bucket("default", service.url, "w", WRITE_PW)
    bucket.upload("slc.tar.gz", tar_bytes({"inner.txt": b"from archive"}))
    with pytest.raises(bfs.BucketFsError):
        bucket.upload("slc/inner.txt", b"shadow")
    with pytest.raises(bfs.BucketFsError):
        bucket.upload("slc.zip", zip_bytes({"x": b"x"}))  # would unpack into the same directory
    assert (service.bucket_directory("default") / "slc" / "inner.txt").read_bytes() == b"from archive"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.tar.gz", "a"), ("a.TGZ", "a"), ("a.b.zip", "a.b"), ("x.tar", "x"), ("x.gz", None), ("data.csv", None),
     (".zip", None)],
)
def test_extraction_dir_name(name: str, expected: str | None) -> None:
    assert extraction_dir_name(name) == expected


def test_resolve_udf_path_rejects_escapes(tmp_path: Path) -> None:
    assert resolve_udf_path(tmp_path, "/buckets/bfsdefault/default/a") == tmp_path / "bfsdefault/default/a"
    for bad in ("/buckets/../etc/passwd", "/etc/passwd", "buckets/x", "/buckets/bfsdefault/../../x"):
        with pytest.raises(ValueError):
            resolve_udf_path(tmp_path, bad)
