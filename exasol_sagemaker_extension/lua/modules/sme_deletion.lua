-- SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT: deletes endpoint, endpoint config and model through the deletion UDF,
-- then marks the model connection and the metadata row as deleted. The prediction UDF is kept on purpose: with
-- the connection's status "deleted" it fails with "endpoint deleted" instead of "script not found".
-- An endpoint unknown to the metadata is still passed to the UDF (it may be an orphan of a failed deployment);
-- only when nothing at all existed is that an error.

local errors = require("sme_errors")
local aws_names = require("sme_aws_names")
local script_args = require("sme_script_args")
local jobs_metadata = require("sme_jobs_metadata")
local endpoints_metadata = require("sme_endpoints_metadata")
local control_plane = require("sme_control_plane")
local model_connection = require("sme_model_connection")
local values = require("sme_values")
local declarations = require("sme_declarations")

local M = {}

-- The UDF's columns, returned as they come (sme_declarations, from declarations/udf_results.py).
M.RESULT_COLUMNS = declarations.UDF_RESULT_COLUMNS["SME_AUTOPILOT_ENDPOINT_DELETION_UDF"]

local function delete_resources(endpoint_name, aws)
    local result = control_plane.call("SME_AUTOPILOT_ENDPOINT_DELETION_UDF",
        control_plane.request(aws, { endpoint_name = endpoint_name }), {
            code = "E-SME-40",
            message = string.format("Deleting endpoint %q failed", endpoint_name),
            mitigations = { "Check the AWS connection and the region; run the deletion again, it skips what is"
                .. " already gone." },
        })
    local rows, deleted_any = {}, false
    for i = 1, #result do
        rows[i] = { result[i][1], result[i][2], result[i][3] }
        deleted_any = deleted_any or result[i][3] == "DELETED"
    end
    return rows, deleted_any
end

local function after_deletion(endpoint_name, what)
    return {
        code = "E-SME-42",
        message = string.format("Endpoint %q was deleted, but %s failed", endpoint_name, what),
        mitigations = { "Fix the cause below and run the deletion again." },
    }
end

function M.delete(endpoint_name, connection_name, aws_region)
    endpoint_name = aws_names.check_endpoint_name(values.present(endpoint_name))
    local endpoint = endpoints_metadata.find(endpoint_name)
    local job = endpoint and endpoint.job_name and jobs_metadata.find(endpoint.job_name)
    local aws = script_args.aws_settings(connection_name, aws_region, job)
    local rows, deleted_any = delete_resources(endpoint_name, aws)
    if endpoint == nil then
        if not deleted_any then
            errors.raise_error("E-SME-41", string.format("There is no endpoint %q: it is neither in"
                .. " SME_METADATA_AUTOPILOT_ENDPOINTS nor in SageMaker.", endpoint_name), {
                "Check the endpoint name and the region; SELECT * FROM SME_AUTOPILOT_ENDPOINTS lists the endpoints.",
            })
        end
        return rows, M.RESULT_COLUMNS
    end
    local connection_name = endpoint.model_connection_name or model_connection.name(endpoint_name)
    model_connection.write(connection_name, model_connection.address({
        aws = aws, endpoint_name = endpoint_name, job_name = endpoint.job_name, problem_type = endpoint.problem_type,
        status = "deleted", serverless = endpoint.serverless_memory_size_in_mb ~= nil,
    }), after_deletion(endpoint_name, "marking its model connection " .. connection_name .. " as deleted"))
    endpoints_metadata.mark_deleted(endpoint_name,
        after_deletion(endpoint_name, "marking it deleted in SME_METADATA_AUTOPILOT_ENDPOINTS"))
    return rows, M.RESULT_COLUMNS
end

return M
