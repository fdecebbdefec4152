"""Getting the base container from a path or a URL: missing files, downloads, size limit, URL secrets."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from exasol_sagemaker_extension.errors import SmeError
from language_container.base_source import displayable_url, resolve_base

PAYLOAD = b"x" * 5000


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path.startswith("/base.tar.gz"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD)
        elif self.path.startswith("/no-length"):
            self.send_response(200)
            self.end_headers()  # no Content-Length: the limit must hold while reading
            self.wfile.write(PAYLOAD)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.protocol_version = "HTTP/1.0"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=5)


def test_local_path_and_file_url_resolve_to_the_file(tmp_path):
    base = tmp_path / "base.tar.gz"
    base.write_bytes(b"data")
    assert resolve_base(str(base), tmp_path) == base
    assert resolve_base(base.as_uri(), tmp_path) == base


def test_missing_path_is_e_sme_400(tmp_path):
    with pytest.raises(SmeError) as raised:
        resolve_base(str(tmp_path / "absent.tar.gz"), tmp_path)
    assert raised.value.code == "E-SME-400"


def test_http_download_lands_in_the_work_dir(tmp_path, server_url):
    path = resolve_base(f"{server_url}/base.tar.gz", tmp_path)
    assert path.parent == tmp_path and path.read_bytes() == PAYLOAD


@pytest.mark.parametrize("route", ["base.tar.gz", "no-length"])
def test_download_over_the_limit_is_e_sme_403_and_leaves_no_file(tmp_path, server_url, route):
    with pytest.raises(SmeError) as raised:
        resolve_base(f"{server_url}/{route}", tmp_path, max_bytes=1000)
    assert raised.value.code == "E-SME-403"
    assert list(tmp_path.iterdir()) == []


def test_http_error_is_e_sme_402_without_the_urls_secrets(tmp_path, server_url):
    url = server_url.replace("http://", "http://user:s3cr3t@") + "/missing?X-Amz-Signature=t0ken"
    with pytest.raises(SmeError) as raised:
        resolve_base(url, tmp_path)
    assert raised.value.code == "E-SME-402" and "HTTP 404" in raised.value.message
    assert "s3cr3t" not in str(raised.value) and "t0ken" not in str(raised.value)


def test_unreachable_host_is_e_sme_402(tmp_path):
    with pytest.raises(SmeError) as raised:
        resolve_base("http://127.0.0.1:9/base.tar.gz", tmp_path)  # port 9 (discard): nothing listens
    assert raised.value.code == "E-SME-402"


def test_unsupported_scheme_is_e_sme_404(tmp_path):
    with pytest.raises(SmeError) as raised:
        resolve_base("ftp://example.org/base.tar.gz", tmp_path)
    assert raised.value.code == "E-SME-404"


def test_displayable_url_drops_user_info_and_query():
    assert displayable_url("https://u:p@host:8443/a/b.tar.gz?sig=x#f") == "https://host:8443/a/b.tar.gz"
