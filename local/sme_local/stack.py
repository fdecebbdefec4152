"""Runs the two local stand-ins together, wired the way a real installation is wired.

The AWS emulator starts first because the Exasol emulator must know its address: it hands exactly that address
(``AWS_ENDPOINT_URL``) to the UDFs it runs and uses it for ``EXPORT … AT <s3 connection>``. Then the S3 bucket
and the SageMaker execution role exist, so a user can go straight to ``sme-deploy`` and training. Everything a
client needs is described by one ``StackDescription``; the same keys describe a real Exasol + AWS setup, which
is why the tutorial script reads exactly this shape.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType

from sme_local.aws.emulator import AwsEmulator
from sme_local.exasol.api import Emulator
from sme_local.exasol.bucketfs import DEFAULT_SERVICE_NAME, BucketConfig
from sme_local.exasol.release import DEFAULT_VERSION as DEFAULT_EXASOL_VERSION

from exasol_sagemaker_extension.errors import SmeError

DEFAULT_S3_BUCKET = "sme-local"
DEFAULT_BUCKETFS_BUCKET = "default"
BUCKETFS_WRITE_USER = "w"
SAGEMAKER_ROLE_NAME = "SmeLocalSageMakerExecution"
STACK_FILE_NAME = "stack.json"

_SAGEMAKER_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})


@dataclass(frozen=True)
class StackDescription:
    """Addresses and credentials of a database + BucketFS + AWS setup (local or real).

    ``iam_sagemaker_role`` is the role SageMaker runs jobs with; the emulator does not enforce it, real AWS does.
    """

    dsn: str
    db_user: str
    db_password: str
    bucketfs_url: str
    bucketfs_name: str
    bucket: str
    bucketfs_user: str
    bucketfs_password: str
    aws_endpoint_url: str | None
    aws_region: str
    s3_bucket: str
    aws_access_key_id: str
    aws_secret_access_key: str
    iam_sagemaker_role: str
    db_nodes: int = 1  # NPROC() of the database (a stack file written by hand for a real cluster may omit it)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=False)

    @classmethod
    def from_json_file(cls, path: Path) -> "StackDescription":
        """Read a stack file (as written by ``sme-local up``, or by hand for real AWS); E-SME-500 if unusable."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            fields = cls.__dataclass_fields__
            return cls(**{key: document.get(key, fields[key].default) for key in fields})
        except (OSError, ValueError, TypeError) as error:
            raise SmeError("E-SME-500", f"The stack file {path} cannot be read: {type(error).__name__}.", [
                "Start the local stack with `sme-local up --dir DIR` (it writes DIR/stack.json), or write a JSON "
                "file with the keys " + ", ".join(cls.__dataclass_fields__) + ".",
            ]) from None


class LocalStack:
    """The AWS emulator, the Exasol emulator and its BucketFS, in ``data_dir``; ports 0 pick free ports."""

    def __init__(self, data_dir: Path, db_port: int = 0, bucketfs_port: int = 0, aws_port: int = 0,
                 max_training_seconds: float | None = None, s3_bucket: str = DEFAULT_S3_BUCKET,
                 exasol_version: str = DEFAULT_EXASOL_VERSION, nodes: int = 1) -> None:
        self.data_dir = Path(data_dir).absolute()  # child processes run in other working directories
        self._exasol_version = exasol_version
        self._nodes = nodes
        self._db_port = db_port
        self._bucketfs_port = bucketfs_port
        self._aws_port = aws_port
        self._max_training_seconds = max_training_seconds
        self._s3_bucket = s3_bucket
        self._aws: AwsEmulator | None = None
        self._exasol: Emulator | None = None
        self._description: StackDescription | None = None

    @property
    def description(self) -> StackDescription:
        if self._description is None:
            raise RuntimeError("the local stack is not running; call start() first")
        return self._description

    @property
    def aws(self) -> AwsEmulator:
        if self._aws is None:
            raise RuntimeError("the local stack is not running; call start() first")
        return self._aws

    def start(self) -> "LocalStack":
        # A second start would orphan the running emulators (their processes and ports) until interpreter exit.
        if self._aws is not None or self._exasol is not None:
            raise RuntimeError("this LocalStack is already running; stop() it before starting it again")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_services()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_services(self) -> None:
        aws_options = {} if self._max_training_seconds is None else {
            "max_training_seconds": self._max_training_seconds}
        try:
            self._aws = AwsEmulator(port=self._aws_port, data_dir=self.data_dir / "aws", **aws_options).start()
        except Exception as error:
            raise SmeError("E-SME-501", f"The AWS emulator did not start: {error}", [
                "Read the log file named above; pass another --aws-port if the port is taken.",
            ]) from None
        self._create_s3_bucket()
        role_arn = self._create_sagemaker_role()
        try:
            self._exasol = Emulator(self.data_dir / "exasol", port=self._db_port, bucketfs_port=self._bucketfs_port,
                                    aws_endpoint_url=self._aws.endpoint_url,
                                    exasol_version=self._exasol_version, nodes=self._nodes).start()
        except OSError as error:
            raise SmeError("E-SME-502", f"The Exasol emulator did not start: {error.strerror or error}.", [
                "Pass other --db-port/--bucketfs-port values (0 picks free ports) or stop what uses them.",
            ]) from None
        assert self._exasol.bucketfs_url is not None
        self._description = StackDescription(
            dsn=self._exasol.dsn, db_user=self._exasol.user, db_password=self._exasol.password,
            bucketfs_url=self._exasol.bucketfs_url, bucketfs_name=DEFAULT_SERVICE_NAME,
            bucket=DEFAULT_BUCKETFS_BUCKET, bucketfs_user=BUCKETFS_WRITE_USER,
            bucketfs_password=BucketConfig(DEFAULT_BUCKETFS_BUCKET).write_password,
            aws_endpoint_url=self._aws.endpoint_url, aws_region=self._aws.region, s3_bucket=self._s3_bucket,
            aws_access_key_id=self._aws.access_key_id, aws_secret_access_key=self._aws.secret_access_key,
            iam_sagemaker_role=role_arn, db_nodes=self._nodes,
        )

    def _create_s3_bucket(self) -> None:
        """A restarted stack finds its bucket (with the users' objects) restored; it must not be created again."""
        try:
            self.aws.create_bucket(self._s3_bucket)
        except self.aws.client("s3").exceptions.BucketAlreadyOwnedByYou:
            pass

    def _create_sagemaker_role(self) -> str:
        """The execution role a real account needs (see the tutorial's IAM section), so the ARN is a real one."""
        iam = self.aws.client("iam")
        try:
            return iam.get_role(RoleName=SAGEMAKER_ROLE_NAME)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            return iam.create_role(RoleName=SAGEMAKER_ROLE_NAME,
                                   AssumeRolePolicyDocument=_SAGEMAKER_TRUST_POLICY)["Role"]["Arn"]

    def write_description(self) -> Path:
        """Write ``stack.json`` into the data directory, readable by the owner only (it holds passwords)."""
        path = self.data_dir / STACK_FILE_NAME
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(self.description.to_json() + "\n")
        return path

    def stop(self) -> None:
        """Stop the Exasol emulator first (it may be calling AWS), then the AWS emulator; safe to call twice."""
        exasol, self._exasol = self._exasol, None
        aws, self._aws = self._aws, None
        self._description = None
        try:
            if exasol is not None:
                exasol.stop()
        finally:
            if aws is not None:
                aws.stop()

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
