-- SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES: the leaderboard of a job, best candidate first.

local polling = require("sme_polling")
local control_plane = require("sme_control_plane")
local values = require("sme_values")
local declarations = require("sme_declarations")

local M = {}

local UDF = "SME_AUTOPILOT_CANDIDATES_UDF"

-- The UDF's columns, returned as they come (sme_declarations, from declarations/udf_results.py).
M.RESULT_COLUMNS = declarations.UDF_RESULT_COLUMNS[UDF]

function M.list(job_name, connection_name, aws_region)
    local result = polling.job_udf_call(UDF, job_name, connection_name, aws_region,
        function(name)
            return {
                code = "E-SME-25",
                message = string.format("Listing the candidates of job %q failed", name),
                mitigations = { "Check the job name, the AWS connection and the region; candidates exist once the"
                    .. " job has trained models." },
            }
        end)
    local rows = control_plane.plain_rows(result, declarations.UDF_COLUMN_COUNTS[UDF])
    table.sort(rows, function(a, b)
        return (values.to_number(a[1]) or math.huge) < (values.to_number(b[1]) or math.huge)
    end)
    return rows, M.RESULT_COLUMNS
end

return M
