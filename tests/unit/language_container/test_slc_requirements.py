"""The container's runtime pins: exact, complete for the UDFs, free of deploy-time tools."""

import pytest

from language_container.requirements import normalise_project_name, parse_pins, runtime_pins


def test_comments_and_blank_lines_are_ignored():
    assert parse_pins("# note\n\nboto3==1.2.3  # why\n") == ["boto3==1.2.3"]


@pytest.mark.parametrize("line", ["boto3>=1.2", "boto3", "boto3==1.2; python_version>'3'", "-e ."])
def test_anything_but_an_exact_pin_is_rejected(line):
    with pytest.raises(ValueError, match="not an exact pin"):
        parse_pins(line)


def test_flavor_pins_cover_what_the_udfs_import_and_nothing_for_deployment():
    names = {normalise_project_name(pin.split("==")[0]) for pin in runtime_pins()}
    assert {"boto3", "botocore", "pandas", "numpy"} <= names
    assert not names & {"pyexasol", "click", "exasol-bucketfs", "exasol-python-extension-common"}


def test_numpy_and_pandas_stay_at_the_template_base_versions():
    # exaudfclient's DataFrame support is compiled against the base's numpy: another ABI would break it.
    pins = dict(pin.split("==") for pin in runtime_pins())
    assert (pins["numpy"], pins["pandas"]) == ("1.26.4", "2.2.3")
