import pytest

from exasol_sagemaker_extension.autopilot.endpoint_compute import EndpointCompute
from exasol_sagemaker_extension.errors import SmeError


def test_instance_variant_defaults_to_one_instance():
    compute = EndpointCompute(instance_type="ml.m5.large")
    compute.validate()
    assert compute.production_variant("m") == {
        "VariantName": "AllTraffic", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1,
    }


def test_serverless_variant():
    compute = EndpointCompute(serverless_memory_size_in_mb=2048, serverless_max_concurrency=5)
    compute.validate()
    assert compute.is_serverless
    assert compute.production_variant("m")["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}


@pytest.mark.parametrize(
    "compute",
    [
        EndpointCompute(),
        EndpointCompute(instance_type="m5.large"),
        EndpointCompute(instance_type="ml.m5.large", instance_count=0),
        EndpointCompute(instance_type="ml.m5.large", serverless_memory_size_in_mb=2048),
        EndpointCompute(serverless_memory_size_in_mb=1500),
        EndpointCompute(serverless_memory_size_in_mb=8192),
        EndpointCompute(serverless_max_concurrency=3),
        EndpointCompute(serverless_memory_size_in_mb=1024, serverless_max_concurrency=201),
    ],
)
def test_invalid_compute_is_rejected(compute):
    with pytest.raises(SmeError) as caught:
        compute.validate()
    assert caught.value.code == "E-SME-20" and caught.value.mitigations
