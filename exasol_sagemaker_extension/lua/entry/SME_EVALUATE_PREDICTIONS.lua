-- EXECUTE SCRIPT SME_EVALUATE_PREDICTIONS('<json>'); parameter: json_str
return require("sme_evaluation").evaluate(json_str)
