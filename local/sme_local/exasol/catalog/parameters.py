"""Default values of the database parameters whose value changes what statements produce (EXA_PARAMETERS lists
them even when nobody set them, as Exasol does)."""

# The formatting parameters EXPORT honours (s3_csv.value_format); Exasol's defaults.
NLS_DEFAULTS = {
    "NLS_DATE_FORMAT": "YYYY-MM-DD", "NLS_NUMERIC_CHARACTERS": ".,", "NLS_TIMESTAMP_FORMAT": "YYYY-MM-DD HH24:MI:SS.FF6",
}
