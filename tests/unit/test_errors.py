import pytest

from exasol_sagemaker_extension.errors import MASK, SmeError, redact


def test_error_text_has_code_message_and_mitigation():
    err = SmeError("E-SME-101", "connection AWS is missing", ["Create it with CREATE CONNECTION."])
    assert str(err) == "E-SME-101: connection AWS is missing\nMitigation: Create it with CREATE CONNECTION."


def test_secrets_are_masked_in_message_and_mitigations():
    err = SmeError("E-SME-102", "bad key wJalr/SECRET", ["check wJalr/SECRET"], secrets=["wJalr/SECRET", None, ""])
    assert "SECRET" not in str(err)
    assert str(err).count(MASK) == 2


def test_longer_secret_masked_whole():
    assert redact("token abcdef", ["abc", "abcdef"]) == f"token {MASK}"


@pytest.mark.parametrize("code", ["E-SME", "X-SME-1", "E-SME-1a", "E-UDF-1"])
def test_rejects_malformed_codes(code):
    with pytest.raises(ValueError):
        SmeError(code, "m", ["x"])


def test_user_error_needs_mitigation():
    with pytest.raises(ValueError):
        SmeError("E-SME-1", "m")
    assert SmeError("F-SME-1", "internal").mitigations == ()
