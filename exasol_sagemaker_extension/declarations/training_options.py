"""The keys of SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT's JSON argument, and the Autopilot choices they are checked against.

Lua checks every key before anything is exported (sme_train_options.lua); the training UDF checks the values
again before calling AWS (autopilot/training.py). Both read this one declaration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingOption:
    """One JSON key: its JSON kind (as sme_json_options names them), whether it is required, an integer range,
    the default the extension applies (None: AWS's or none), and the CreateAutoMLJobV2 field it fills."""

    name: str
    kind: str  # "string", "integer", "number", "array" or "object"
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None
    aws_field: str | None = None  # dotted path in the CreateAutoMLJobV2 request


# AWS's limit on the runtime fields is far above any sensible value; Lua bounds them to keep integers exact.
MAX_SECONDS = 100_000_000
_CRITERIA = "AutoMLProblemTypeConfig.TabularJobConfig.CompletionCriteria."

TRAINING_OPTIONS: tuple[TrainingOption, ...] = (
    TrainingOption("job_name", "string", required=True, aws_field="AutoMLJobName"),
    TrainingOption("input_schema_name", "string", required=True),
    TrainingOption("input_table_or_view_name", "string", required=True),
    TrainingOption("aws_credentials_connection_name", "string", required=True),
    TrainingOption("s3_bucket_uri", "string", required=True),
    TrainingOption("s3_output_path", "string", required=True),
    TrainingOption("iam_sagemaker_role", "string", required=True, aws_field="RoleArn"),
    TrainingOption("target_attribute_name", "string", required=True,
                   aws_field="AutoMLProblemTypeConfig.TabularJobConfig.TargetAttributeName"),
    TrainingOption("aws_region", "string"),
    TrainingOption("problem_type", "string", aws_field="AutoMLProblemTypeConfig.TabularJobConfig.ProblemType"),
    TrainingOption("objective", "string", aws_field="AutoMLJobObjective.MetricName"),
    TrainingOption("max_runtime_for_automl_job_in_seconds", "integer", minimum=1, maximum=MAX_SECONDS,
                   aws_field=_CRITERIA + "MaxAutoMLJobRuntimeInSeconds"),
    TrainingOption("max_candidates", "integer", minimum=1, maximum=750, aws_field=_CRITERIA + "MaxCandidates"),
    TrainingOption("max_runtime_per_training_job_in_seconds", "integer", minimum=1, maximum=MAX_SECONDS,
                   aws_field=_CRITERIA + "MaxRuntimePerTrainingJobInSeconds"),
    TrainingOption("mode", "string", aws_field="AutoMLProblemTypeConfig.TabularJobConfig.Mode"),
    TrainingOption("feature_columns", "array"),
    TrainingOption("sample_weight_attribute_name", "string",
                   aws_field="AutoMLProblemTypeConfig.TabularJobConfig.SampleWeightAttributeName"),
    TrainingOption("validation_fraction", "number", aws_field="DataSplitConfig.ValidationFraction"),
    TrainingOption("tags", "object", aws_field="Tags"),
    TrainingOption("aws_assume_role_arn", "string"),
    TrainingOption("aws_assume_role_external_id", "string"),
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
