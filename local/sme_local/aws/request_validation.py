"""Server-side request validation from botocore's service models, the checks AWS makes before any action runs.

moto checks almost nothing of a request's shape: an unknown enum value, a name longer than allowed or an ARN of the
wrong form is stored and answered with success, while AWS rejects the request with a ValidationException. boto3's
client-side validation does not close the gap either: it checks types, required members and minimum lengths, but
no maximum, pattern or enum, and it can be switched off (``Config(parameter_validation=False)``). This module makes
the emulator's server do what AWS's front end does, driven only by the constraint traits of botocore's model
(``required``, ``min``, ``max``, ``pattern``, ``enum``) of the operation called:

* every string, blob, list and map: ``min``/``max`` length (count of items for lists and maps);
* every string: ``pattern`` (a Java regular expression, matched against the whole value) and ``enum``;
* every number: ``min``/``max`` value;
* every structure present: its ``required`` members.

The message follows AWS's Coral format (observed in AWS answers quoted in public issues, e.g.
hashicorp/terraform-provider-aws#17502): ``N validation error(s) detected: Value 'X' at 'a.b.1.member.c' failed to
satisfy constraint: Member must …`` with the violations joined by ``; ``; member names start lower-case, list
items are ``<index from 1>.member``; a missing member is ``Value null at …: Member must not be null``; values of
members the model marks ``sensitive`` (and binary ones) are left out (``Value at 'x' …``), as AWS does, so no secret reaches an
error or a log.
"""

from __future__ import annotations

import functools
from typing import Any, Iterator

import regex
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

# Services whose requests are validated, with the error code AWS answers a violation with for that service.
# S3 is not listed: it does not report shape violations in this format but with S3-specific codes per check.
VALIDATION_ERROR_CODES = {
    "sagemaker": "ValidationException",
    "sagemaker-runtime": "ValidationError",
    "sts": "ValidationError",
    "iam": "ValidationError",
}
# Members whose model constraint AWS enforces elsewhere, with another answer. InvokeEndpoint's 6 MB body limit is
# checked by the endpoint front door (HTTP 413, see moto_extension), not by the validation layer.
EXEMPT_MEMBERS = {("sagemaker-runtime", "InvokeEndpoint", "Body")}
_NUMBER_TYPES = ("integer", "long", "float", "double")
_SIZED_TYPES = ("string", "blob", "list", "map")
# Java writes a supplementary character as its UTF-16 surrogate pair (\uD800\uDC00 is U+10000); Python as one code.
_SURROGATE_PAIR = regex.compile(r"\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", regex.IGNORECASE)
# Java's POSIX character classes are ASCII-only unless UNICODE_CHARACTER_CLASS is set (java.util.regex.Pattern);
# Python's regex module reads \p{…} as Unicode properties, so these are spelled out. \z is Java's absolute end.
_JAVA_CLASSES = {
    r"\p{ASCII}": r"[\x00-\x7F]", r"\p{Print}": r"[\x20-\x7E]", r"\p{Graph}": r"[\x21-\x7E]",
    r"\p{Alnum}": r"[a-zA-Z0-9]", r"\p{Alpha}": r"[a-zA-Z]", r"\p{Digit}": r"[0-9]", r"\p{Lower}": r"[a-z]",
    r"\p{Upper}": r"[A-Z]", r"\p{Punct}": r"[!-/:-@\[-`{-~]", r"\p{Space}": r"[ \t\n\x0B\f\r]", r"\z": r"\Z",
}


def validation_message(service: str, operation: OperationModel, params: dict[str, Any]) -> str | None:
    """AWS's ValidationException message for ``params`` (parsed request members), or None if they are valid."""
    shape = operation.input_shape
    if shape is None:
        return None
    exempt = {member for s, o, member in EXEMPT_MEMBERS if (s, o) == (service, operation.name)}
    found = list(_violations(shape, params, "", exempt))
    if not found:
        return None
    count = len(found)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(found)


@functools.lru_cache(maxsize=None)
def compiled_pattern(pattern: str) -> regex.Pattern[str]:
    """A botocore (Java) pattern as a Python ``regex`` pattern; raises ``regex.error`` if it cannot be read."""
    translated = _SURROGATE_PAIR.sub(_code_point, pattern)
    for java, python in _JAVA_CLASSES.items():
        translated = translated.replace(java, python)
    return regex.compile(translated, regex.VERSION1 if "&&" in translated else 0)


def _code_point(pair: regex.Match[str]) -> str:
    high, low = int(pair.group(1), 16), int(pair.group(2), 16)
    return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"


def _violations(shape: Shape, value: Any, path: str, exempt: set[str] = frozenset()) -> Iterator[str]:
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            return
        for name, member in shape.members.items():
            if name in exempt:
                continue
            member_path = f"{path}.{_lower_first(name)}" if path else _lower_first(name)
            if value.get(name) is None:
                if name in shape.required_members:
                    yield f"Value null at '{member_path}' failed to satisfy constraint: Member must not be null"
                continue
            yield from _violations(member, value[name], member_path)
        return
    yield from (_message(shape, value, path, constraint) for constraint in _constraints(shape, value))
    if isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value, start=1):
            item_path = f"{path}.{index}.member"
            if item is None:
                yield f"Value null at '{item_path}' failed to satisfy constraint: Member must not be null"
            else:
                yield from _violations(shape.member, item, item_path)
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        yield from _map_entry_violations(shape, value, path)


def _map_entry_violations(shape: MapShape, value: dict[str, Any], path: str) -> Iterator[str]:
    """Map keys and values are reported once per map, each side listing the constraints its entries break."""
    for side, entries, entry_shape in (("keys", list(value), shape.key), ("value", list(value.values()), shape.value)):
        broken: list[str] = []
        for entry in entries:
            for constraint in _constraints(entry_shape, entry):
                if constraint not in broken:
                    broken.append(constraint)
        if broken:
            label = "Map keys must" if side == "keys" else "Map value must"
            shown = "" if _is_sensitive(shape) else f" '{_render(value)}'"
            yield f"Value{shown} at '{path}' failed to satisfy constraint: {label} satisfy constraint: [{', '.join(broken)}]"


def _constraints(shape: Shape, value: Any) -> Iterator[str]:
    """The constraint texts ``value`` breaks, in the order AWS lists them (length, pattern, enum; range)."""
    traits = shape.metadata
    if shape.type_name in _SIZED_TYPES and isinstance(value, (str, bytes, list, dict)):
        if "min" in traits and len(value) < traits["min"]:
            yield f"Member must have length greater than or equal to {traits['min']}"
        if "max" in traits and len(value) > traits["max"]:
            yield f"Member must have length less than or equal to {traits['max']}"
    if shape.type_name == "string" and isinstance(value, str):
        if "pattern" in traits and compiled_pattern(traits["pattern"]).fullmatch(value) is None:
            yield f"Member must satisfy regular expression pattern: {traits['pattern']}"
        if shape.enum and value not in shape.enum:
            yield f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"
    if shape.type_name in _NUMBER_TYPES and isinstance(value, (int, float)) and not isinstance(value, bool):
        if "min" in traits and value < traits["min"]:
            yield f"Member must have value greater than or equal to {_number(traits['min'])}"
        if "max" in traits and value > traits["max"]:
            yield f"Member must have value less than or equal to {_number(traits['max'])}"


def _message(shape: Shape, value: Any, path: str, constraint: str) -> str:
    shown = "" if _is_sensitive(shape) or shape.type_name == "blob" else f" '{_render(value)}'"
    return f"Value{shown} at '{path}' failed to satisfy constraint: {constraint}"


def _is_sensitive(shape: Shape) -> bool:
    return bool(shape.metadata.get("sensitive"))


def _render(value: Any) -> str:
    """A value as AWS's (Java) front end prints it: lists ``[a, b]``, maps ``{k=v}``."""
    if isinstance(value, list):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_render(item)}" for key, item in value.items()) + "}"
    return _number(value) if isinstance(value, float) else str(value)


def _number(value: float | int) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]
