"""Local stand-in for S3 and SageMaker: moto plus real AutoML training and real inference."""

from sme_local.aws.emulator import AwsEmulator, EmulatorStartError

__all__ = ["AwsEmulator", "EmulatorStartError"]
