"""``python -m exasol_sagemaker_extension.deploy``: the old extension's entry point, same as ``sme-deploy``."""

from exasol_sagemaker_extension.installation.cli import main

if __name__ == "__main__":
    main()
