-- EXECUTE SCRIPT SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES(job_name, connection_name, aws_region)
return require("sme_candidates").list(job_name, connection_name, aws_region)
