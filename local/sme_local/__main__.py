"""``python -m sme_local`` = ``sme-local``."""

from sme_local.cli import main

if __name__ == "__main__":
    main()
