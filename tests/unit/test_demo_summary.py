"""The closing summary of ``sme-local demo``: metrics and the best candidate's top features."""

from sme_local.churn_tutorial import TutorialResult
from sme_local.cli import _print_summary


def test_the_summary_names_the_top_features_in_rank_order(capsys):
    result = TutorialResult("churn-1", "churn-1", 2700, 633, {"AUC": 0.91, "PRECISION": None}, 40.0,
                            (("CUSTSERV_CALLS", 0.0742), ("DAY_MINS", 0.0257)))
    _print_summary(result, 55.0)
    out = capsys.readouterr().out
    assert "0.910" in out and "undefined" in out
    assert "Top features of the best candidate (mean absolute SHAP value): CUSTSERV_CALLS 0.0742, DAY_MINS 0.0257" \
        in out
