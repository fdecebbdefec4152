"""pyexasol's HTTP transport, served the way Exasol serves it (``export_to_*``, ``import_from_*``, callbacks).

The client opens a TCP connection to the database port and sends a 12-byte magic packet; the database answers
with an internal ``ip:port`` address that names this connection (``tunnels``). The client then turns the same
socket into a one-request HTTP server (TLS server if encryption is on) and runs ``EXPORT … INTO CSV AT
'http[s]://ip:port' [PUBLIC KEY 'sha256//…'] FILE '000.csv'`` or the matching IMPORT on its SQL connection. The
database looks the address up and speaks HTTP/1.1 as the client of that socket: ``PUT`` with a chunked body for
EXPORT, ``GET`` reading a chunked body for IMPORT (``exchange``). The file bytes are made and read by the same
CSV codec as the S3 transfer (``sme_local.exasol.s3_csv.codec``).
"""
