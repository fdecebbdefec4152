"""Model quality computed in SQL, from the prediction UDF's output joined to the held-back truth.

Binary classification: accuracy, precision, recall and the ROC AUC. The AUC uses the rank-sum (Mann-Whitney)
formula, which needs no curve: rank all rows by the score of the positive class (ties get their average rank),
then ``AUC = (sum of the positives' ranks - P(P+1)/2) / (P*N)``. The score of the positive class comes from
``PROBABILITY``, which is the probability of the *predicted* label: ``p`` when TRUE was predicted, else ``1-p``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sme_local.datasets import quote


@dataclass(frozen=True)
class ScoredRows:
    """Where predictions and truth meet: ``predictions`` (a table with the UDF's output, key column
    ``prediction_key``) joined to ``truth`` (key ``truth_key``, BOOLEAN column ``target``)."""

    schema: str
    predictions: str
    prediction_key: str
    truth: str
    truth_key: str
    target: str


def binary_classification_metrics_sql(rows: ScoredRows) -> str:
    """One row: ACCURACY, PRECISION, RECALL, AUC (DOUBLE; PRECISION/RECALL NULL when undefined)."""
    predictions = f"{quote(rows.schema)}.{quote(rows.predictions)}"
    truth = f"{quote(rows.schema)}.{quote(rows.truth)}"
    return f"""WITH SCORED AS (
  SELECT T.{quote(rows.target)} AS ACTUAL, S."PREDICTIONS" AS PREDICTED,
         CASE WHEN S."PREDICTIONS" THEN S."PROBABILITY" ELSE 1 - S."PROBABILITY" END AS SCORE
  FROM {predictions} S JOIN {truth} T ON S.{quote(rows.prediction_key)} = T.{quote(rows.truth_key)}
), CONFUSION AS (
  SELECT SUM(CASE WHEN PREDICTED AND ACTUAL THEN 1 ELSE 0 END) AS TP,
         SUM(CASE WHEN PREDICTED AND NOT ACTUAL THEN 1 ELSE 0 END) AS FP,
         SUM(CASE WHEN NOT PREDICTED AND ACTUAL THEN 1 ELSE 0 END) AS FN,
         SUM(CASE WHEN NOT PREDICTED AND NOT ACTUAL THEN 1 ELSE 0 END) AS TN
  FROM SCORED
), RANKED AS (
  SELECT ACTUAL, RANK() OVER (ORDER BY SCORE) + (COUNT(*) OVER (PARTITION BY SCORE) - 1) / 2.0 AS SCORE_RANK
  FROM SCORED
), RANK_SUM AS (
  SELECT SUM(CASE WHEN ACTUAL THEN SCORE_RANK ELSE 0 END) AS POSITIVE_RANKS,
         SUM(CASE WHEN ACTUAL THEN 1 ELSE 0 END) AS P,
         SUM(CASE WHEN ACTUAL THEN 0 ELSE 1 END) AS N
  FROM RANKED
)
SELECT CAST(TP + TN AS DOUBLE) / (TP + TN + FP + FN) AS "ACCURACY",
       CAST(TP AS DOUBLE) / NULLIF(TP + FP, 0) AS "PRECISION",
       CAST(TP AS DOUBLE) / NULLIF(TP + FN, 0) AS "RECALL",
       (CAST(POSITIVE_RANKS AS DOUBLE) - P * (P + 1) / 2.0) / NULLIF(P * N, 0) AS "AUC"
FROM CONFUSION CROSS JOIN RANK_SUM"""
