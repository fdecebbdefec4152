"""Renders every statement the extension installs and provides the sme-deploy CLI."""
