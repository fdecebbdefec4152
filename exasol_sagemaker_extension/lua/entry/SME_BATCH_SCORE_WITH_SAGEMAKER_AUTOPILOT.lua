-- EXECUTE SCRIPT SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT('<json>'); parameter: json_str
return require("sme_batch_scoring").score(json_str)
