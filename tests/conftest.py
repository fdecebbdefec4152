"""Settings shared by every test: no telemetry from pyexasol, no real AWS credentials or endpoints."""
import os

os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"
# Tests must never reach real AWS: strip anything that would point boto3 at a real account.
for _name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
