-- EXECUTE SCRIPT SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS(endpoint_name, start_time, end_time,
--     connection_name, aws_region)
return require("sme_endpoint_metrics").show(endpoint_name, start_time, end_time, connection_name, aws_region)
