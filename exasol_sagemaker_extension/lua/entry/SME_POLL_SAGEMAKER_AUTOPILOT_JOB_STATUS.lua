-- EXECUTE SCRIPT SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS(job_name, connection_name, aws_region)
return require("sme_polling").poll(job_name, connection_name, aws_region)
