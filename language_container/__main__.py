"""``python -m language_container``: build the extension's language container, list its contents, or write the
local stand-in base.

``build`` chooses how to build: ``--use-exaslct`` (Docker + exaslct on the flavor), ``--base`` (docker-free
layering onto that base container), or, given neither, exaslct if Docker answers and otherwise an error that
explains both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from exasol_sagemaker_extension.errors import SmeError
from language_container.base_source import DEFAULT_MAX_DOWNLOAD_BYTES
from language_container.contents import contents_markdown, read_contents
from language_container.docker_free_build import LayeredBuild, build_layered_container
from language_container.exaslct_build import build_with_exaslct, docker_available
from language_container.extension_wheel import find_project_dir
from language_container.minimal_base import create_minimal_base
from language_container.pip_runner import DEFAULT_PLATFORM

EXASLCT = "exaslct"
LAYERED = "layered"


def choose_builder(base: str | None, use_exaslct: bool, docker_ok: Callable[[], bool]) -> str:
    """``exaslct`` or ``layered`` for the given options; E-SME-410/415 when no valid choice exists."""
    if use_exaslct and base:
        raise SmeError(
            "E-SME-415",
            "--use-exaslct and --base exclude each other: exaslct builds on the base named in the flavor.",
            ["Drop --base to build with exaslct, or drop --use-exaslct to layer onto the given base."],
        )
    if use_exaslct:
        return EXASLCT
    if base:
        return LAYERED
    if docker_ok():
        return EXASLCT
    raise SmeError(
        "E-SME-410",
        "Nothing to build with: no --base was given and Docker is not available for exaslct.",
        ["Build without Docker on a base container: --base <path or URL of a script-languages container .tar.gz>.",
         "For local tests: python -m language_container minimal-base base.tar.gz, then --base base.tar.gz.",
         "Or start Docker and install exasol-script-languages-container-tool to build with exaslct."],
    )


@click.group()
def cli() -> None:
    """Build and inspect the Exasol SageMaker Extension's script-language container."""


@cli.command()
@click.option("--base", help="Base container (.tar.gz): a path, file:// or http(s):// URL. Selects the "
                             "docker-free build.")
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Directory that receives exasol_sagemaker_extension_container-<v>.tar.gz.")
@click.option("--use-exaslct", is_flag=True, help="Build with Docker and exaslct from the flavor.")
@click.option("--wheel-cache", type=click.Path(file_okay=False, path_type=Path),
              help="Keep downloaded wheels here for later builds (default: a temporary directory).")
@click.option("--offline", is_flag=True, help="Do not contact the package registry; use --wheel-cache only.")
@click.option("--python-version", help="Python of the base (e.g. 3.12), if detection finds several.")
@click.option("--site-packages", help="Package directory inside the base, if detection cannot choose.")
@click.option("--platform", default=DEFAULT_PLATFORM, show_default=True, help="Wheel platform of the base.")
@click.option("--max-base-mb", type=click.IntRange(min=1), default=DEFAULT_MAX_DOWNLOAD_BYTES // 1024**2,
              show_default=True, help="Size limit for downloading --base.")
@click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Repository root with the extension's sources (default: found from this package).")
def build(base: str | None, output_dir: Path, use_exaslct: bool, wheel_cache: Path | None, offline: bool,
          python_version: str | None, site_packages: str | None, platform: str, max_base_mb: int,
          project_dir: Path | None) -> None:
    """Build the language container."""
    try:
        builder = choose_builder(base, use_exaslct, docker_available)
        project = project_dir or find_project_dir()
        if builder == EXASLCT:
            archive = build_with_exaslct(project, output_dir)
        else:
            archive = build_layered_container(LayeredBuild(
                base=str(base), output_dir=output_dir, project_dir=project, wheel_cache=wheel_cache,
                python_version=python_version, site_packages=site_packages, platform=platform, offline=offline,
                max_base_bytes=max_base_mb * 1024**2))
    except SmeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(str(archive))


@cli.command()
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def contents(archive: Path) -> None:
    """Print the packages inside a built container ARCHIVE as a markdown table."""
    try:
        click.echo(contents_markdown(read_contents(archive)), nl=False)
    except SmeError as error:
        raise click.ClickException(str(error)) from None


@cli.command("minimal-base")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--python-version", help="Python version of the package directory (default: this interpreter's).")
def minimal_base(target: Path, python_version: str | None) -> None:
    """Write a LOCAL STAND-IN base container to TARGET (tests and the emulator only; not a real container)."""
    click.echo(str(create_minimal_base(target, python_version)))


if __name__ == "__main__":
    cli()
