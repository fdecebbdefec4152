import pytest

from exasol_sagemaker_extension.installation.identifiers import (
    qualified_name,
    quote_identifier,
    validate_language_alias,
    validate_schema_name,
)
from exasol_sagemaker_extension.errors import SmeError


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("SME", '"SME"'),
        ("sme", '"sme"'),
        ('my"schema', '"my""schema"'),
        ('""', '""""""'),
        ("Schéma ü 模型", '"Schéma ü 模型"'),
    ],
)
def test_identifiers_are_delimited_and_inner_quotes_doubled(name, quoted):
    assert quote_identifier(name) == quoted


def test_qualified_name_quotes_both_parts():
    assert qualified_name('a"b', "C") == '"a""b"."C"'


@pytest.mark.parametrize("schema", ["SME", "my schema", 'we"ird', "Ünïcödé", "x" * 128])
def test_valid_schema_names_are_kept_as_written(schema):
    assert validate_schema_name(schema) == schema


@pytest.mark.parametrize("schema", ["", "   ", "x" * 129, "line\nbreak", "tab\there"])
def test_invalid_schema_names_fail_with_e_sme_300(schema):
    with pytest.raises(SmeError) as caught:
        validate_schema_name(schema)
    assert caught.value.code == "E-SME-300"
    assert caught.value.mitigations


@pytest.mark.parametrize("alias", ["PYTHON3_SME", "py3", "A"])
def test_plain_language_aliases_pass(alias):
    assert validate_language_alias(alias) == alias


@pytest.mark.parametrize("alias", ["", "3PY", "PY THON", "PY=X", 'PY"', "PYTHON3-SME"])
def test_language_alias_must_be_a_regular_identifier(alias):
    with pytest.raises(SmeError) as caught:
        validate_language_alias(alias)
    assert caught.value.code == "E-SME-301"
