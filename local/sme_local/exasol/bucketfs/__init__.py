"""BucketFS for the Exasol emulator: the HTTP service, archive unpacking, and the ``/buckets`` view of UDFs.

Layout on disk (``root`` is the directory given to ``BucketFsService``)::

    <root>/<service>/<bucket>/<path>          every uploaded file, at its key (e.g. bfsdefault/default/a/b.txt)
    <root>/<service>/<bucket>/<dir>/<stem>/   the unpacked content of an uploaded archive <dir>/<stem><suffix>,
                                              suffix one of .tar.gz .tgz .tar .zip (slc.tar.gz -> slc/);
                                              complete before the upload's PUT returns
    <root>/.staging/                          uploads in flight and directories being replaced (never a bucket)

A UDF path ``/buckets/<service>/<bucket>/<rest>`` is therefore ``<root>/<service>/<bucket>/<rest>``
(``resolve_udf_path``). The HTTP listing of a bucket shows uploaded keys only — archives as uploaded, never
their unpacked content — as real BucketFS does.
"""

from sme_local.exasol.bucketfs.archives import ARCHIVE_SUFFIXES, UnsafeArchiveError, extraction_dir_name
from sme_local.exasol.bucketfs.http_service import (
    DEFAULT_PORT,
    DEFAULT_SERVICE_NAME,
    BucketConfig,
    BucketFsService,
)
from sme_local.exasol.bucketfs.udf_paths import resolve_udf_path

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DEFAULT_PORT",
    "DEFAULT_SERVICE_NAME",
    "BucketConfig",
    "BucketFsService",
    "UnsafeArchiveError",
    "extraction_dir_name",
    "resolve_udf_path",
]
