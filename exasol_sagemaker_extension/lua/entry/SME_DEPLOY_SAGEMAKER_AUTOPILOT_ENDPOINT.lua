-- EXECUTE SCRIPT SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT(job_name, endpoint_name, schema_name, instance_type,
--     instance_count, connection_name, aws_region)
return require("sme_deployment").deploy_on_instances({
    job_name = job_name, endpoint_name = endpoint_name, schema_name = schema_name, instance_type = instance_type,
    instance_count = instance_count, connection_name = connection_name, aws_region = aws_region,
})
