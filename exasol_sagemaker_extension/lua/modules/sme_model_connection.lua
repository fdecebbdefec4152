-- The model connection SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_<ENDPOINT>: its address is the JSON the
-- prediction UDF reads at run time (which endpoint, which AWS settings, deployed or deleted). A connection is
-- used because Exasol lets UDFs read connections but not tables.

local cjson = require("cjson")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local values = require("sme_values")

local M = {}

function M.name(endpoint_name)
    return "SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_" .. endpoint_name:upper()
end

-- `settings`: aws (connection, region, assume_role_arn, assume_role_external_id), endpoint_name, job_name,
-- problem_type, status ("deployed" | "deleted"), serverless, and optionally max_rows_per_request and
-- max_requests_in_flight (nil: the prediction client's defaults).
function M.address(settings)
    return cjson.encode({
        aws_credentials_connection_name = settings.aws.connection,
        aws_region = values.json_value(settings.aws.region),
        aws_assume_role_arn = values.json_value(settings.aws.assume_role_arn),
        aws_assume_role_external_id = values.json_value(settings.aws.assume_role_external_id),
        endpoint_name = settings.endpoint_name,
        job_name = values.json_value(settings.job_name),
        problem_type = values.json_value(settings.problem_type),
        status = settings.status,
        serverless = settings.serverless,
        max_rows_per_request = values.json_value(settings.max_rows_per_request),
        max_requests_in_flight = values.json_value(settings.max_requests_in_flight),
    })
end

-- CREATE OR REPLACE CONNECTION with the address as a literal parameter (no user, no password).
function M.write(name, address, failure)
    database.run("CREATE OR REPLACE CONNECTION " .. identifiers.quote(name) .. " TO :address",
        { address = address }, failure)
end

return M
