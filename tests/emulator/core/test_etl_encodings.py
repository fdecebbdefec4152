"""IMPORT/EXPORT ENCODING takes Exasol's ETL encoding names (docs "Supported encodings for ETL"), e.g. the
WINDOWS-1251 round trip pyexasol's etl_test makes."""

from __future__ import annotations

import pyexasol
import pytest


@pytest.mark.parametrize("encoding,codec", [("WINDOWS-1251", "cp1251"), ("ISO-8859-5", "iso8859_5"),
                                            ("LATIN-2", "iso8859_2")])
def test_export_and_import_in_a_single_byte_code_page(db, tmp_path, encoding, codec) -> None:
    text = "Привет" if codec != "iso8859_2" else "Łódź"
    db.execute("CREATE TABLE words (id DECIMAL(9,0), word VARCHAR(20))")
    db.execute("INSERT INTO words VALUES (1, {word})", {"word": text})
    path = tmp_path / "words.csv"
    db.export_to_file(path, "words", export_params={"encoding": encoding})
    assert path.read_bytes().decode(codec).strip() == f"1,{text}"
    db.execute("CREATE TABLE copied (id DECIMAL(9,0), word VARCHAR(20))")
    db.import_from_file(path, "copied", import_params={"encoding": encoding})
    assert db.execute("SELECT word FROM copied").fetchval() == text


def test_an_unknown_encoding_is_named(db, tmp_path) -> None:
    db.execute("CREATE TABLE words (id DECIMAL(9,0))")
    with pytest.raises(pyexasol.ExaError, match="ENCODING 'KLINGON' is not supported"):
        db.export_to_file(tmp_path / "x.csv", "words", export_params={"encoding": "KLINGON"})
