-- EXECUTE SCRIPT SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB(job_name, connection_name, aws_region)
return require("sme_explanations").explain(job_name, connection_name, aws_region)
