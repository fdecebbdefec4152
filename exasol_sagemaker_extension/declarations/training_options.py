"""The keys of SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT's JSON argument, and the Autopilot choices they are checked against.

Lua checks every key before anything is exported (sme_train_options.lua); the training UDF checks the values
again before calling AWS (autopilot/training.py). Both read this one declaration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingOption:
    """One JSON key: its JSON kind (as sme_json_options names them), whether it is required, an integer range,
    the default the extension applies (None: AWS's or none), the CreateAutoMLJobV2 field it fills, and the SQL
    type of its column in SME_METADATA_AUTOPILOT_JOBS.

    An option with an AWS field is passed to the training UDF, which sets that field (autopilot/training.py); an
    option with a column type is stored in the job's metadata row under its upper-case name
    (declarations/metadata_tables.py places the column). Everything else is behaviour, written where it acts.
    """

    name: str
    kind: str  # "string", "integer", "number", "array" or "object"
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None
    aws_field: str | None = None  # dotted path in the CreateAutoMLJobV2 request
    column_type: str | None = None  # None: not stored in the metadata row

    @property
    def column(self) -> str:
        return self.name.upper()


# AWS's limit on the runtime fields is far above any sensible value; Lua bounds them to keep integers exact.
MAX_SECONDS = 100_000_000

_TABULAR = "AutoMLProblemTypeConfig.TabularJobConfig."
_CRITERIA = _TABULAR + "CompletionCriteria."
_NAME = "VARCHAR(128)"  # an Exasol identifier
_URI = "VARCHAR(2000000)"
_ARN = "VARCHAR(2048)"
_COUNT = "DECIMAL(18,0)"

TRAINING_OPTIONS: tuple[TrainingOption, ...] = (
    TrainingOption("job_name", "string", required=True, aws_field="AutoMLJobName", column_type="VARCHAR(32)"),
    TrainingOption("input_schema_name", "string", required=True, column_type=_NAME),
    TrainingOption("input_table_or_view_name", "string", required=True, column_type=_NAME),
    TrainingOption("aws_credentials_connection_name", "string", required=True, column_type=_NAME),
    TrainingOption("s3_bucket_uri", "string", required=True, column_type=_URI),
    TrainingOption("s3_output_path", "string", required=True, column_type=_URI),
    TrainingOption("iam_sagemaker_role", "string", required=True, aws_field="RoleArn", column_type=_ARN),
    TrainingOption("target_attribute_name", "string", required=True, aws_field=_TABULAR + "TargetAttributeName",
                   column_type=_NAME),
    TrainingOption("aws_region", "string", column_type="VARCHAR(64)"),
    TrainingOption("problem_type", "string", aws_field=_TABULAR + "ProblemType", column_type="VARCHAR(32)"),
    TrainingOption("objective", "string", aws_field="AutoMLJobObjective.MetricName", column_type="VARCHAR(128)"),
    TrainingOption("max_runtime_for_automl_job_in_seconds", "integer", minimum=1, maximum=MAX_SECONDS,
                   aws_field=_CRITERIA + "MaxAutoMLJobRuntimeInSeconds", column_type=_COUNT),
    TrainingOption("max_candidates", "integer", minimum=1, maximum=750, aws_field=_CRITERIA + "MaxCandidates",
                   column_type=_COUNT),
    TrainingOption("max_runtime_per_training_job_in_seconds", "integer", minimum=1, maximum=MAX_SECONDS,
                   aws_field=_CRITERIA + "MaxRuntimePerTrainingJobInSeconds", column_type=_COUNT),
    TrainingOption("mode", "string", aws_field=_TABULAR + "Mode", column_type="VARCHAR(32)"),
    TrainingOption("feature_columns", "array"),
    TrainingOption("sample_weight_attribute_name", "string", aws_field=_TABULAR + "SampleWeightAttributeName",
                   column_type=_NAME),
    TrainingOption("validation_fraction", "number", aws_field="DataSplitConfig.ValidationFraction"),
    TrainingOption("tags", "object", aws_field="Tags"),
    TrainingOption("aws_assume_role_arn", "string", column_type=_ARN),
    TrainingOption("aws_assume_role_external_id", "string", column_type="VARCHAR(1224)"),
    TrainingOption("export_files_per_node", "integer", minimum=1, maximum=64, default=4),
)

PROBLEM_TYPES = ("BinaryClassification", "MulticlassClassification", "Regression")
MODES = ("AUTO", "ENSEMBLING", "HYPERPARAMETER_TUNING")
# Metrics per problem type, as the SageMaker model (botocore's AutoMLJobObjective.MetricName, an AutoMLMetricEnum)
# lists them for tabular jobs. LogLoss is reported for candidates but is not an objective: AWS rejects it.
OBJECTIVES_BY_PROBLEM_TYPE: dict[str, tuple[str, ...]] = {
    "BinaryClassification": ("Accuracy", "AUC", "BalancedAccuracy", "F1", "Precision", "Recall"),
    "MulticlassClassification": ("Accuracy", "BalancedAccuracy", "F1macro", "PrecisionMacro", "RecallMacro"),
    "Regression": ("MAE", "MSE", "R2", "RMSE"),
}


def option(name: str) -> TrainingOption:
    """The declaration of the key ``name``; KeyError for a key that is not declared."""
    return {o.name: o for o in TRAINING_OPTIONS}[name]


def sent_to_aws() -> tuple[TrainingOption, ...]:
    """The options the training UDF receives and sets in the CreateAutoMLJobV2 request, in declaration order."""
    return tuple(o for o in TRAINING_OPTIONS if o.aws_field is not None)


def stored() -> tuple[TrainingOption, ...]:
    """The options the job's metadata row keeps, in declaration order."""
    return tuple(o for o in TRAINING_OPTIONS if o.column_type is not None)
