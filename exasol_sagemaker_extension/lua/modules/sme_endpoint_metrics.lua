-- SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS: an endpoint's invocations, errors and model latency over a time
-- window, read from CloudWatch through the metrics UDF; one row per production variant. The AWS settings come
-- from the endpoint's deployment (its job's metadata row) unless given.

local aws_names = require("sme_aws_names")
local script_args = require("sme_script_args")
local jobs_metadata = require("sme_jobs_metadata")
local endpoints_metadata = require("sme_endpoints_metadata")
local control_plane = require("sme_control_plane")
local values = require("sme_values")

local M = {}

M.RESULT_COLUMNS = "ENDPOINT_NAME VARCHAR(256) UTF8, VARIANT_NAME VARCHAR(256) UTF8, WINDOW_START TIMESTAMP,"
    .. " WINDOW_END TIMESTAMP, INVOCATIONS DECIMAL(18,0), INVOCATION_4XX_ERRORS DECIMAL(18,0),"
    .. " INVOCATION_5XX_ERRORS DECIMAL(18,0), MODEL_LATENCY_AVG_US DOUBLE, MODEL_LATENCY_P50_US DOUBLE,"
    .. " MODEL_LATENCY_P99_US DOUBLE, MODEL_LATENCY_MAX_US DOUBLE"

local COLUMN_COUNT = 11

function M.show(endpoint_name, start_time, end_time, connection_name, aws_region)
    endpoint_name = aws_names.check_endpoint_name(values.present(endpoint_name))
    local window = {
        endpoint_name = endpoint_name,
        start_time = script_args.optional_string(start_time, "start_time"),
        end_time = script_args.optional_string(end_time, "end_time"),
    }
    local endpoint = endpoints_metadata.find(endpoint_name)
    local job = endpoint and endpoint.job_name and jobs_metadata.find(endpoint.job_name)
    local aws = script_args.aws_settings(connection_name, aws_region, job)
    local result = control_plane.call("SME_AUTOPILOT_ENDPOINT_METRICS_UDF", control_plane.request(aws, window), {
        code = "E-SME-89",
        message = string.format("Reading the CloudWatch metrics of endpoint %q failed", endpoint_name),
        mitigations = { "Check the endpoint name, the time window (UTC), the AWS connection and the region." },
    })
    return control_plane.plain_rows(result, COLUMN_COUNT), M.RESULT_COLUMNS
end

return M
