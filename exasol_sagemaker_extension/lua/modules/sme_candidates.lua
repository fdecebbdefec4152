-- SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES: the leaderboard of a job, best candidate first.

local aws_names = require("sme_aws_names")
local script_args = require("sme_script_args")
local jobs_metadata = require("sme_jobs_metadata")
local control_plane = require("sme_control_plane")
local values = require("sme_values")

local M = {}

M.RESULT_COLUMNS = "CANDIDATE_RANK DECIMAL(9,0), CANDIDATE_NAME VARCHAR(256) UTF8, CANDIDATE_STATUS VARCHAR(32) UTF8,"
    .. " OBJECTIVE_METRIC_NAME VARCHAR(32) UTF8, OBJECTIVE_METRIC_VALUE DOUBLE, IS_BEST BOOLEAN"

function M.list(job_name, connection_name, aws_region)
    aws_names.check_job_name(values.present(job_name))
    local aws = script_args.aws_settings(connection_name, aws_region, jobs_metadata.find(job_name))
    local request = control_plane.request(aws, { job_name = job_name })
    local result = control_plane.call("SME_AUTOPILOT_CANDIDATES_UDF", request, {
        code = "E-SME-25",
        message = string.format("Listing the candidates of job %q failed", job_name),
        mitigations = { "Check the job name, the AWS connection and the region; candidates exist once the job"
            .. " has trained models." },
    })
    local rows = {}
    for i = 1, #result do
        local row = {}
        for j = 1, 6 do
            row[j] = result[i][j]
        end
        rows[i] = row
    end
    -- SQL gives no order to the rows a UDF emits; rank 1 is the best.
    table.sort(rows, function(a, b)
        return (values.to_number(a[1]) or math.huge) < (values.to_number(b[1]) or math.huge)
    end)
    return rows, M.RESULT_COLUMNS
end

return M
