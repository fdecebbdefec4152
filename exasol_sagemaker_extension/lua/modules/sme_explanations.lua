-- SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB: the best candidate's global feature importance, read from Autopilot's
-- explainability report, most important first, followed by every metric of the candidate.

local polling = require("sme_polling")
local control_plane = require("sme_control_plane")
local values = require("sme_values")
local declarations = require("sme_declarations")

local M = {}

-- The UDF's columns, returned as they come (sme_declarations, from declarations/udf_results.py).
M.RESULT_COLUMNS = declarations.UDF_RESULT_COLUMNS["SME_AUTOPILOT_EXPLANATION_UDF"]

local COLUMN_COUNT = declarations.UDF_COLUMN_COUNTS["SME_AUTOPILOT_EXPLANATION_UDF"]
local KIND_ORDER = { FEATURE_IMPORTANCE = 1, METRIC = 2 }

-- SQL gives no order to the rows a UDF emits: features by rank, then metrics by data set and name.
local function before(a, b)
    local kind_a, kind_b = KIND_ORDER[a[2]] or 3, KIND_ORDER[b[2]] or 3
    if kind_a ~= kind_b then
        return kind_a < kind_b
    end
    if kind_a == 1 then
        return (values.to_number(a[5]) or math.huge) < (values.to_number(b[5]) or math.huge)
    end
    local set_a, set_b = tostring(values.present(a[6]) or ""), tostring(values.present(b[6]) or "")
    if set_a ~= set_b then
        return set_a < set_b
    end
    return tostring(a[3]) < tostring(b[3])
end

function M.explain(job_name, connection_name, aws_region)
    local result = polling.job_udf_call("SME_AUTOPILOT_EXPLANATION_UDF", job_name, connection_name, aws_region,
        function(name)
            return {
                code = "E-SME-88",
                message = string.format("Reading the explanations of job %q failed", name),
                mitigations = { "Check the job name, the AWS connection and the region; the report exists once the"
                    .. " job has completed." },
            }
        end)
    local rows = control_plane.plain_rows(result, COLUMN_COUNT)
    table.sort(rows, before)
    return rows, M.RESULT_COLUMNS
end

return M
