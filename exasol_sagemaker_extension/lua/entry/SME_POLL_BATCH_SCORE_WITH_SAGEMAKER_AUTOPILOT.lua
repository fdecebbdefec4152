-- EXECUTE SCRIPT SME_POLL_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT('<json>'); parameter: json_str
return require("sme_batch_scoring").poll(json_str)
