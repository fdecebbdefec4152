-- EXECUTE SCRIPT SME_SCORE_NEW_ROWS('<json>'): score the source rows whose key is not yet in the target
return require("sme_scoring").score(json_str)
