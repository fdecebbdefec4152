"""How `python -m language_container build` chooses between exaslct and the docker-free build."""

import sys

import pytest
from click.testing import CliRunner

from exasol_sagemaker_extension.errors import SmeError
from language_container.__main__ import EXASLCT, LAYERED, choose_builder, cli
from language_container.exaslct_build import build_with_exaslct, docker_available, export_command, prepare_flavor
from language_container.extension_wheel import find_project_dir

FAILING_COMMAND = (sys.executable, "-c", "raise SystemExit(1)")
SUCCEEDING_COMMAND = (sys.executable, "-c", "pass")


def test_base_selects_the_layered_build_and_the_flag_selects_exaslct():
    assert choose_builder("base.tar.gz", False, lambda: True) == LAYERED
    assert choose_builder(None, True, lambda: False) == EXASLCT
    assert choose_builder(None, False, lambda: True) == EXASLCT


def test_neither_base_nor_docker_is_e_sme_410_and_both_options_are_e_sme_415():
    with pytest.raises(SmeError) as nothing:
        choose_builder(None, False, lambda: False)
    with pytest.raises(SmeError) as both:
        choose_builder("base.tar.gz", True, lambda: True)
    assert (nothing.value.code, both.value.code) == ("E-SME-410", "E-SME-415")


def test_docker_check_follows_the_commands_exit_code():
    assert docker_available(SUCCEEDING_COMMAND) and not docker_available(FAILING_COMMAND)
    assert not docker_available(("no-such-docker-binary-here", "info"))


def test_exaslct_without_docker_is_e_sme_411(tmp_path):
    with pytest.raises(SmeError) as raised:
        build_with_exaslct(find_project_dir(), tmp_path, docker_check=FAILING_COMMAND)
    assert raised.value.code == "E-SME-411"


def test_exaslct_export_command_points_at_the_prepared_flavor(tmp_path):
    command = export_command(["exaslct"], tmp_path / "flavor", tmp_path / "export")
    assert command == ["exaslct", "export", "--flavor-path", str(tmp_path / "flavor"), "--export-path",
                       str(tmp_path / "export")]


@pytest.mark.slow
def test_prepared_flavor_holds_build_steps_pins_and_the_extension_wheel(tmp_path):
    flavor, version = prepare_flavor(find_project_dir(), tmp_path)
    assert flavor.name == "exasol_sagemaker_extension_container"
    assert (flavor / "flavor_base" / "build_steps.py").is_file()
    assert (flavor / "flavor_base" / "dependencies" / "requirements.txt").is_file()
    wheels = list((flavor / "flavor_base" / "release" / "dist").glob("*.whl"))
    assert [w.name for w in wheels] == [f"exasol_sagemaker_extension-{version}-py3-none-any.whl"]


def test_cli_reports_sme_errors_without_a_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--base", str(tmp_path / "absent.tar.gz"), "--output",
                                      str(tmp_path / "out")])
    assert result.exit_code == 1 and "E-SME-400" in result.output and "Traceback" not in result.output


def test_cli_minimal_base_and_contents(tmp_path):
    runner = CliRunner()
    base = tmp_path / "base.tar.gz"
    assert runner.invoke(cli, ["minimal-base", str(base), "--python-version", "3.12"]).exit_code == 0
    result = runner.invoke(cli, ["contents", str(base)])
    assert result.exit_code == 0 and "| Package | Version |" in result.output
