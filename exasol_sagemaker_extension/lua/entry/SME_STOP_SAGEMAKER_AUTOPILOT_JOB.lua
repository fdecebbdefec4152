-- EXECUTE SCRIPT SME_STOP_SAGEMAKER_AUTOPILOT_JOB(job_name, connection_name, aws_region)
return require("sme_stopping").stop(job_name, connection_name, aws_region)
