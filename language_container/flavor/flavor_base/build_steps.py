"""Build steps of the extension's script-language container, read by exaslct (Docker only).

exaslct discovers every ``DockerFlavorAnalyzeImageTask`` subclass in this file and builds one Docker image per
build step, each from ``flavor_base/<step>/Dockerfile``. Two steps keep rebuilds cheap: ``dependencies``
(the pinned runtime closure, changes rarely) and ``release`` (the extension wheel, changes on every build),
so an edit of the extension only rebuilds the last layer. The exported ``release`` image is the container.
"""

from exasol.slc.internal.tasks.build.docker_flavor_image_task import DockerFlavorAnalyzeImageTask


class AnalyzeDependencies(DockerFlavorAnalyzeImageTask):
    """The Exasol template container plus the extension's pinned runtime dependencies."""

    def get_build_step(self) -> str:
        return "dependencies"

    def requires_tasks(self):
        return {}

    def get_path_in_flavor(self):
        return "flavor_base"


class AnalyzeRelease(DockerFlavorAnalyzeImageTask):
    """The dependencies image plus the extension wheel (built by ``python -m language_container build``)."""

    def get_build_step(self) -> str:
        return "release"

    def requires_tasks(self):
        return {"dependencies": AnalyzeDependencies}

    def get_path_in_flavor(self):
        return "flavor_base"
