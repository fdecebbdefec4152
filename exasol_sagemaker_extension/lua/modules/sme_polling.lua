-- SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS: the job's status from SageMaker through the status UDF, stored in the
-- job's metadata row when there is one. Jobs unknown to the metadata (started elsewhere) can be polled too.

local aws_names = require("sme_aws_names")
local script_args = require("sme_script_args")
local jobs_metadata = require("sme_jobs_metadata")
local control_plane = require("sme_control_plane")
local values = require("sme_values")
local declarations = require("sme_declarations")

local M = {}

-- The first two columns keep the old extension's names, the rest extend them.
M.RESULT_COLUMNS = "JOB_STATUS VARCHAR(32) UTF8, JOB_SECONDARY_STATUS VARCHAR(64) UTF8,"
    .. " FAILURE_REASON VARCHAR(2000000) UTF8, BEST_CANDIDATE_NAME VARCHAR(256) UTF8,"
    .. " OBJECTIVE_METRIC_NAME VARCHAR(32) UTF8, OBJECTIVE_METRIC_VALUE DOUBLE, PROBLEM_TYPE VARCHAR(32) UTF8"

-- The values the status UDF emits, in its column order (sme_declarations, from declarations/job_status.py).
local STATUS_KEYS = {}
for i, column in ipairs(declarations.JOB_STATUS_COLUMNS) do
    STATUS_KEYS[i] = column.name:lower()
end

-- Calls a control-plane UDF about one job with the job's AWS settings (the arguments win over its metadata row);
-- `failure(job_name)` describes a failed call (built once the name is known to be valid). Returns the UDF's
-- result and the metadata row (nil for a job started elsewhere).
function M.job_udf_call(udf_name, job_name, connection_name, aws_region, failure)
    aws_names.check_job_name(values.present(job_name))
    local job = jobs_metadata.find(job_name)
    local aws = script_args.aws_settings(connection_name, aws_region, job)
    local request = control_plane.request(aws, { job_name = job_name })
    return control_plane.call(udf_name, request, failure(job_name)), job
end

-- Calls a UDF that emits one status row (the status UDF, the stop UDF) for `job_name` and stores the status in
-- the job's metadata row when there is one; `failure` as for job_udf_call, `update_code` a failed update.
function M.job_status_call(udf_name, job_name, connection_name, aws_region, failure, update_code)
    local result, job = M.job_udf_call(udf_name, job_name, connection_name, aws_region, failure)
    local status, row = {}, {}
    for i, key in ipairs(STATUS_KEYS) do
        status[key] = values.present(result[1][i])
        row[i] = result[1][i]
    end
    if job ~= nil then
        jobs_metadata.update_status(job_name, status, {
            code = update_code,
            message = string.format("The status of job %q was read, but storing it in SME_METADATA_AUTOPILOT_JOBS"
                .. " failed", job_name),
            mitigations = { "Make sure you may update SME_METADATA_AUTOPILOT_JOBS." },
        })
    end
    return { row }, M.RESULT_COLUMNS
end

function M.poll(job_name, connection_name, aws_region)
    return M.job_status_call("SME_AUTOPILOT_JOB_STATUS_UDF", job_name, connection_name, aws_region, function(name)
        return {
            code = "E-SME-21",
            message = string.format("Polling the status of job %q failed", name),
            mitigations = { "Check the job name, the AWS connection and the region." },
        }
    end, "E-SME-22")
end

return M
