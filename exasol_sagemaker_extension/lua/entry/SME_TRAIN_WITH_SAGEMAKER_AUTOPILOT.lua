-- EXECUTE SCRIPT SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT('<json>'); parameter: json_str
return require("sme_training").train(json_str)
