-- EXECUTE SCRIPT SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT(endpoint_name, connection_name, aws_region)
return require("sme_deletion").delete(endpoint_name, connection_name, aws_region)
