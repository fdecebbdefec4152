"""One batch transform job: the S3 input through a loaded model to ``<input>.out`` files, independent of moto.

What SageMaker documents and the emulator does the same way:
  * every object under the ``S3Prefix`` input is one input file; its output is ``<path below the prefix>.out``
    under ``S3OutputPath``, one output file per input file;
  * ``SplitType Line`` cuts a file into records at line ends, ``None`` sends the whole file as one request;
    ``BatchStrategy MultiRecord`` packs as many records into one request as ``MaxPayloadInMB`` allows,
    ``SingleRecord`` sends one record per request; a record larger than the payload limit fails the job;
  * ``DataProcessing``: a CSV record is read as a JSON array of its fields; ``InputFilter`` selects the fields the
    model sees, ``JoinSource Input`` appends the model's output fields to the whole input record, and
    ``OutputFilter`` selects fields of that joined record (JSONPath ``$``, ``$[i]``, ``$[a:b]``, ``$[i,j,…]``);
  * ``AssembleWith Line`` writes one output record per line; ``None`` concatenates the responses as they are;
  * up to ``MaxConcurrentTransforms`` requests are in flight at once; results keep the input order.
Failures end the job with a ``FailureReason`` in Autopilot's ``ClientError:`` convention (see ``failure``).
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import gzip
import io
import re
from typing import Callable, Iterator, Sequence

from sme_local.aws.automl.failure import JobFailure
from sme_local.aws.automl.job import ObjectStore, split_s3_uri
from sme_local.aws.automl.stages import InferenceError

MEGABYTE = 1024 * 1024
# CreateTransformJob's documented defaults and limits.
DEFAULT_MAX_PAYLOAD_IN_MB = 6
MAX_TOTAL_PAYLOAD_IN_MB = 100  # MaxPayloadInMB × MaxConcurrentTransforms may not exceed this
_INDEX_LIST = re.compile(r"^\$\[\s*-?\d+(\s*,\s*-?\d+)*\s*\]$")
_SLICE = re.compile(r"^\$\[\s*(-?\d+)?\s*:\s*(-?\d+)?\s*\]$")

Invoke = Callable[[bytes, str, str | None], bytes]


@dataclasses.dataclass(frozen=True)
class TransformRequest:
    """The fields of CreateTransformJob the emulator acts on, with AWS's defaults filled in."""

    name: str
    input_uri: str
    content_type: str
    compression: str  # None or Gzip
    split_type: str  # None or Line
    output_path: str
    accept: str | None
    assemble_with: str  # None or Line
    batch_strategy: str  # MultiRecord or SingleRecord
    max_payload_bytes: int
    max_concurrent: int
    input_filter: str
    join_input: bool
    output_filter: str


def field_selector(expression: str, parameter: str) -> Callable[[list[str]], list[str]]:
    """The fields a JSONPath expression picks from a CSV record (read as an array); ``JobFailure`` otherwise."""
    text = (expression or "$").strip()
    if text == "$":
        return lambda fields: fields
    sliced = _SLICE.match(text)
    if sliced:
        start = int(sliced.group(1)) if sliced.group(1) else None
        stop = int(sliced.group(2)) if sliced.group(2) else None
        return lambda fields: fields[start:stop]
    if _INDEX_LIST.match(text):
        indexes = [int(part) for part in text[2:-1].split(",")]

        def pick(fields: list[str]) -> list[str]:
            try:
                return [fields[index] for index in indexes]
            except IndexError:
                raise JobFailure(f"The {parameter} {text} selects a field that a record of {len(fields)} fields "
                                 f"does not have.") from None

        return pick
    raise JobFailure(f"The {parameter} {text!r} is not supported for CSV records by the AWS emulator; use $, "
                     f"$[i], $[a:b] or $[i,j,...].")


class TransformRunner:
    """Runs one transform job; ``run`` returns the number of records transformed or raises ``JobFailure``."""

    def __init__(self, request: TransformRequest, store: ObjectStore, invoke: Invoke) -> None:
        self._request = request
        self._store = store
        self._invoke = invoke
        self._input_filter = field_selector(request.input_filter, "InputFilter")
        self._output_filter = field_selector(request.output_filter, "OutputFilter")

    def run(self) -> int:
        bucket, prefix = split_s3_uri(self._request.input_uri)
        keys = sorted(k for k in self._store.keys(bucket, prefix) if not k.endswith("/"))
        if not keys:
            raise JobFailure(f"No input files were found under {self._request.input_uri}.")
        out_bucket, out_prefix = split_s3_uri(self._request.output_path)
        records = 0
        for key in keys:
            output, count = self._transform_file(f"s3://{bucket}/{key}", self._read(bucket, key))
            relative = key[prefix.rfind("/") + 1:]  # below the prefix's folder, as AWS names outputs
            out_key = f"{out_prefix.rstrip('/')}/{relative}.out".lstrip("/")
            self._store.put(out_bucket, out_key, output)
            records += count
        return records

    def _read(self, bucket: str, key: str) -> bytes:
        data = self._store.get(bucket, key)
        if self._request.compression != "Gzip":
            return data
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise JobFailure(f"s3://{bucket}/{key} is not gzip data although CompressionType is Gzip.") from error

    def _transform_file(self, uri: str, data: bytes) -> tuple[bytes, int]:
        if self._request.split_type == "Line":
            records = [line for line in data.decode("utf-8", errors="strict").splitlines() if line.strip()]
        else:
            records = [data.decode("utf-8")] if data else []
        batches = list(self._mini_batches(uri, records))
        with concurrent.futures.ThreadPoolExecutor(self._request.max_concurrent, "transform-request") as pool:
            answers = list(pool.map(lambda batch: self._transform_batch(uri, batch), batches))
        if self._request.assemble_with == "Line":
            lines = [line for answer in answers for line in answer]
            return "".join(line + "\n" for line in lines).encode("utf-8"), len(records)
        return "".join("".join(answer) for answer in answers).encode("utf-8"), len(records)

    def _mini_batches(self, uri: str, records: Sequence[str]) -> Iterator[list[tuple[str, str]]]:
        """(original record, record as the model sees it) packed into requests of at most MaxPayloadInMB."""
        limit = self._request.max_payload_bytes
        batch: list[tuple[str, str]] = []
        size = 0
        for number, record in enumerate(records, start=1):
            filtered = self._filtered(record)
            length = len(filtered.encode("utf-8")) + 1
            if length > limit:
                raise JobFailure(f"Record {number} of {uri} has {length} bytes, more than MaxPayloadInMB "
                                 f"({limit // MEGABYTE} MB) allows for one request.")
            if batch and (self._request.batch_strategy == "SingleRecord" or size + length > limit):
                yield batch
                batch, size = [], 0
            batch.append((record, filtered))
            size += length
        if batch:
            yield batch

    def _filtered(self, record: str) -> str:
        if self._request.input_filter.strip() in ("", "$"):
            return record
        return _render(self._input_filter(_fields(record)))

    def _transform_batch(self, uri: str, batch: list[tuple[str, str]]) -> list[str]:
        body = "".join(filtered + "\n" for _, filtered in batch).encode("utf-8")
        try:
            answer = self._invoke(body, self._request.content_type, self._request.accept).decode("utf-8")
        except InferenceError as error:
            raise JobFailure(f"The model answered {error.status} for a request with records of {uri}: "
                             f"{error.message}") from error
        if self._request.split_type != "Line":
            return [answer]
        lines = answer.splitlines()
        if len(lines) != len(batch):
            raise JobFailure(f"The model answered {len(lines)} records for a request of {len(batch)} records of "
                             f"{uri}; with SplitType Line each record needs one answer line.")
        if not self._request.join_input and self._request.output_filter.strip() in ("", "$"):
            return lines
        joined = []
        for (record, _), line in zip(batch, lines):
            fields = (_fields(record) if self._request.join_input else []) + _fields(line)
            joined.append(_render(self._output_filter(fields)))
        return joined


def _fields(record: str) -> list[str]:
    try:
        rows = list(csv.reader([record], strict=True))
    except csv.Error as error:
        raise JobFailure(f"The record {record[:80]!r} is not valid CSV: {error}.") from error
    return rows[0] if rows else []


def _render(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    return buffer.getvalue()
