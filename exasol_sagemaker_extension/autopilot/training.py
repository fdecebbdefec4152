"""Start a SageMaker Autopilot training job (CreateAutoMLJobV2) on CSV files that Exasol exported to S3.

Everything AWS would reject is checked here first, so the user learns about a typo in the objective or an out of
range limit immediately, with the rule spelled out, instead of from an AWS ValidationException (or, worse, after
a long export). The objective is accepted as ``"F1"`` or in the old extension's JSON form ``{"MetricName": "F1"}``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot import resource_tags
from exasol_sagemaker_extension.autopilot.names import validate_job_name
from exasol_sagemaker_extension.declarations import tags as tag_rules, training_options
from exasol_sagemaker_extension.declarations.training_options import (
    MODES,
    OBJECTIVES_BY_PROBLEM_TYPE,
    PROBLEM_TYPES,
    TrainingOption,
)
from exasol_sagemaker_extension.errors import SmeError

# Declared once for Lua and Python (declarations/training_options.py); LogLoss is not an objective: AWS rejects it.
METRICS_BY_PROBLEM_TYPE = OBJECTIVES_BY_PROBLEM_TYPE
ALL_METRICS = tuple(sorted({m for metrics in METRICS_BY_PROBLEM_TYPE.values() for m in metrics}))
# AWS's documented defaults; AWS wants problem type and objective together or neither.
DEFAULT_METRIC = {"BinaryClassification": "F1", "MulticlassClassification": "Accuracy", "Regression": "MSE"}
INPUT_CONTENT_TYPE = "text/csv;header=present"
_S3_URI_PATTERN = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/.*)?$")
_ROLE_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-/]+$")
_SAMPLE_WEIGHT_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,256}$")


@dataclass(frozen=True)
class TrainingSpec:
    """What the user asked for: the declared options the training UDF receives (training_options.sent_to_aws),
    by name; an option absent or None is not sent, so AWS applies its default."""

    input_s3_uri: str
    output_s3_uri: str
    options: Mapping[str, Any]
    # The extension's schema, named in the job's tags so that reconciliation finds the job (None: no own tags).
    extension_schema: str | None = None

    @property
    def job_name(self) -> str:
        return self.options.get("job_name") or ""


@dataclass(frozen=True)
class StartedJob:
    job_name: str
    job_arn: str


def start_training(session: boto3.Session, spec: TrainingSpec) -> StartedJob:
    """Validate ``spec`` and start the AutoML V2 job; returns its name and ARN."""
    request = build_create_request(spec)
    with aws_call("create the AutoML job", spec.job_name, secrets=session_secrets(session)):
        response = control_plane_client(session).create_auto_ml_job_v2(**request)
    return StartedJob(job_name=spec.job_name, job_arn=response["AutoMLJobArn"])


def build_create_request(spec: TrainingSpec) -> dict[str, Any]:
    """The CreateAutoMLJobV2 parameters for ``spec``, after checking every value against AWS's rules: each declared
    option goes to its declared AWS field, through the check this module has for it (an integer through its
    declared range)."""
    validate_job_name(spec.job_name)
    problem_type, metric = resolve_objective(spec.options.get("problem_type"), spec.options.get("objective"))
    given = {**spec.options, "problem_type": problem_type, "objective": metric}
    request: dict[str, Any] = {
        "AutoMLJobInputDataConfig": [
            {
                "ChannelType": "training",
                "ContentType": INPUT_CONTENT_TYPE,
                "CompressionType": "Gzip",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": _s3_uri("input_s3_uri", spec.input_s3_uri)}},
            }
        ],
        "OutputDataConfig": {"S3OutputPath": _s3_uri("output_s3_uri", spec.output_s3_uri)},
        # Always present (possibly empty): AWS treats every member as optional.
        "AutoMLProblemTypeConfig": {"TabularJobConfig": {"CompletionCriteria": {}}},
    }
    for option in training_options.sent_to_aws():
        value = given.get(option.name)
        if value is not None or option.required:
            _set_field(request, option.aws_field or "", _check(option, value))
    tags = request.pop("Tags", [])
    if spec.extension_schema is not None:
        tags += resource_tags.extension_tags(spec.extension_schema, spec.job_name)
    if tags:
        request["Tags"] = tags
    return request


def _check(option: TrainingOption, value: Any) -> Any:
    """The value AWS gets for ``option``, or SmeError for one AWS would reject."""
    check = _CHECKS.get(option.name)
    if check is not None:
        return check(value)
    if option.kind == "integer":
        return _integer_in_range(option.name, value, option.minimum, option.maximum)
    return value


def _set_field(request: dict[str, Any], dotted_path: str, value: Any) -> None:
    *parents, field = dotted_path.split(".")
    for parent in parents:
        request = request.setdefault(parent, {})
    request[field] = value


def parse_objective(objective: str | None) -> str | None:
    """The metric name from ``"F1"`` or ``'{"MetricName": "F1"}'`` (None when no objective was given)."""
    if objective is None or not str(objective).strip():
        return None
    text = str(objective).strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("MetricName"), str):
            raise SmeError(
                "E-SME-5",
                f"The objective {text!r} is neither a metric name nor JSON of the form {{\"MetricName\": \"F1\"}}.",
                [f"Give one of {', '.join(ALL_METRICS)}."],
            )
        text = parsed["MetricName"]
    if text not in ALL_METRICS:
        raise SmeError(
            "E-SME-5",
            f"{text!r} is not an Autopilot objective metric.",
            [f"Give one of {', '.join(ALL_METRICS)} (names are case-sensitive)."],
        )
    return text


def resolve_objective(problem_type: str | None, objective: str | None) -> tuple[str | None, str | None]:
    """Problem type and metric as AWS wants them: both or neither, and the metric fitting the problem type."""
    metric = parse_objective(objective)
    if problem_type is None or not str(problem_type).strip():
        if metric:
            raise SmeError(
                "E-SME-130",
                f"An objective ({metric}) was given without a problem type; AWS needs both or neither.",
                [f"Add problem_type (one of {', '.join(PROBLEM_TYPES)}) or drop the objective."],
            )
        return None, None
    if problem_type not in PROBLEM_TYPES:
        raise SmeError(
            "E-SME-5",
            f"{problem_type!r} is not an Autopilot problem type.",
            [f"Give one of {', '.join(PROBLEM_TYPES)}, or leave it out to let Autopilot detect it."],
        )
    if metric is None:
        return problem_type, DEFAULT_METRIC[problem_type]
    if metric not in METRICS_BY_PROBLEM_TYPE[problem_type]:
        raise SmeError(
            "E-SME-5",
            f"The objective {metric} does not apply to {problem_type}.",
            [f"For {problem_type} use one of {', '.join(METRICS_BY_PROBLEM_TYPE[problem_type])}."],
        )
    return problem_type, metric


def _integer_in_range(name: str, value: Any, low: int | None, high: int | None) -> int:
    is_integer = isinstance(value, int) and not isinstance(value, bool)
    if not is_integer and isinstance(value, float) and value.is_integer():
        value, is_integer = int(value), True
    if not is_integer or (low is not None and value < low) or (high is not None and value > high):
        limits = ([f"at least {low}"] if low is not None else []) + ([f"at most {high}"] if high is not None else [])
        bounds = f" between {low} and {high}" if len(limits) == 2 else "".join(" " + limit for limit in limits)
        raise SmeError(
            "E-SME-5",
            f"{name} must be a whole number{bounds}, got {value!r}.",
            [f"Set {name} to a whole number{bounds}, or leave it out to use AWS's default."],
        )
    return value


def _validation_fraction(value: Any) -> float:
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
    if not 0 < number < 1:
        raise SmeError(
            "E-SME-5",
            f"validation_fraction must be a number strictly between 0 and 1, got {value!r}.",
            ["Use e.g. 0.2 to keep a fifth of the rows for validation, or leave it out (AWS default 0.2)."],
        )
    return number


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise SmeError(
            "E-SME-5",
            f"{mode!r} is not an Autopilot training mode.",
            [f"Give one of {', '.join(MODES)}, or leave it out (AUTO)."],
        )
    return mode


def _sample_weight(name: str) -> str:
    if not isinstance(name, str) or not _SAMPLE_WEIGHT_PATTERN.match(name):
        raise SmeError(
            "E-SME-137",
            f"{name!r} cannot be a sample weight column for Autopilot.",
            ["AWS allows 1-256 letters, digits, '_' and '-'; rename or alias the column in a view."],
        )
    return name


def _s3_uri(name: str, uri: Any) -> str:
    if not isinstance(uri, str) or not _S3_URI_PATTERN.match(uri) or len(uri) > 512:
        raise SmeError(
            "E-SME-134",
            f"{name} must be an s3://<bucket>/<prefix> URI of at most 512 characters, got {uri!r}.",
            ["Check the bucket of the AWS connection and the s3_output_path."],
        )
    return uri


def _role_arn(arn: Any) -> str:
    if not isinstance(arn, str) or not _ROLE_ARN_PATTERN.match(arn) or len(arn) > 2048:
        raise SmeError(
            "E-SME-135",
            f"{arn!r} is not an IAM role ARN.",
            ["Give iam_sagemaker_role as arn:aws:iam::<12-digit account>:role/<role SageMaker may assume>."],
        )
    return arn


def _required_text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise SmeError("E-SME-137", f"{name} is required.", [f"Give {name} as a non-empty string."])
    return value


def _target(name: Any) -> str:
    return _required_text("target_attribute_name", name)


def _tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """The user's tags as AWS's Tag list, under the rules the training script checks first (declarations/tags.py)."""
    if not isinstance(tags, Mapping):
        raise _tag_error("must be a JSON object", 'Give tags as {"key": "value", ...}.')
    for key, value in tags.items():
        if not (
            _is_tag_text(key, 1, tag_rules.MAX_KEY_LENGTH)
            and _is_tag_text(value, 0, tag_rules.MAX_VALUE_LENGTH)
            and not key.lower().startswith(tag_rules.RESERVED_KEY_PREFIXES)
        ):
            raise _tag_error(f"has an invalid tag {json.dumps(key)}", tag_rules.RULE)
    if len(tags) > tag_rules.MAX_USER_TAGS:
        raise _tag_error(
            f"has more than {tag_rules.MAX_USER_TAGS} tags",
            f"Give at most {tag_rules.MAX_USER_TAGS} tags (AWS allows {tag_rules.MAX_TAGS_PER_RESOURCE}; the"
            f" extension adds {tag_rules.RESERVED_TAG_COUNT} of its own).",
        )
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _is_tag_text(text: Any, min_length: int, max_length: int) -> bool:
    return (
        isinstance(text, str)
        and min_length <= len(text) <= max_length
        and all(_is_tag_character(character) for character in text)
    )


def _is_tag_character(character: str) -> bool:
    if character.isascii():
        return character.isalnum() or character == " " or character in tag_rules.ASCII_PUNCTUATION
    return unicodedata.category(character)[0] in tag_rules.UNICODE_CATEGORIES


def _tag_error(problem: str, mitigation: str) -> SmeError:
    # The training script's words (sme_json_options.out_of_range), so both layers report a tag alike.
    return SmeError("E-SME-5", f'The value of "tags" {problem}.', [mitigation])


# The options with a rule of their own; job name, problem type and objective are checked above, before the rest.
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "iam_sagemaker_role": _role_arn,
    "target_attribute_name": _target,
    "mode": _mode,
    "sample_weight_attribute_name": _sample_weight,
    "validation_fraction": _validation_fraction,
    "tags": _tags,
}
