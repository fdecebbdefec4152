-- EXECUTE SCRIPT SME_DEPLOY_SAGEMAKER_AUTOPILOT_SERVERLESS_ENDPOINT(job_name, endpoint_name, schema_name,
--     memory_size_in_mb, max_concurrency, connection_name, aws_region)
return require("sme_deployment").deploy_serverless({
    job_name = job_name, endpoint_name = endpoint_name, schema_name = schema_name,
    memory_size_in_mb = memory_size_in_mb, max_concurrency = max_concurrency, connection_name = connection_name,
    aws_region = aws_region,
})
