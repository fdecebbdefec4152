-- SME_RECONCILE_SAGEMAKER_RESOURCES: lists the SageMaker resources tagged with this extension schema next to what
-- the metadata tables say, and with action 'delete_orphans' removes the endpoints, configs and models nothing in
-- the metadata explains. The metadata is read here (a UDF cannot run SQL); verdicts and deletions are made by
-- SME_AUTOPILOT_RECONCILIATION_UDF next to the AWS calls.

local errors = require("sme_errors")
local json = require("sme_json")
local script_args = require("sme_script_args")
local jobs_metadata = require("sme_jobs_metadata")
local endpoints_metadata = require("sme_endpoints_metadata")
local control_plane = require("sme_control_plane")
local declarations = require("sme_declarations")

local M = {}

-- The UDF's columns, returned as they come (sme_declarations, from declarations/udf_results.py).
M.RESULT_COLUMNS = declarations.UDF_RESULT_COLUMNS["SME_AUTOPILOT_RECONCILIATION_UDF"]

local ACTIONS = { list = false, delete_orphans = true }

local function wants_deletion(action)
    local given = script_args.optional_string(action, "action") or "list"
    local delete = ACTIONS[given:lower()]
    if delete == nil then
        errors.raise_error("E-SME-93", string.format("Unknown action %q.", given),
            { "Give 'list' (the default) to see the resources, or 'delete_orphans' to remove the orphans." })
    end
    return delete
end

function M.reconcile(connection_name, aws_region, action)
    local delete = wants_deletion(action)
    local aws = script_args.aws_settings(connection_name, aws_region, nil)
    local request = control_plane.request(aws, {
        job_names = json.array(jobs_metadata.names()),
        live_endpoint_names = json.array(endpoints_metadata.live_names()),
        delete_orphans = delete,
    })
    local result = control_plane.call("SME_AUTOPILOT_RECONCILIATION_UDF", request, {
        code = "E-SME-94",
        message = "Listing the extension's SageMaker resources failed",
        mitigations = { "Check the AWS connection and the region; the role needs sagemaker:List* and"
            .. " sagemaker:ListTags (and sagemaker:Delete* for delete_orphans). A repeated run skips what is gone." },
    })
    local rows = {}
    for i = 1, #result do
        rows[i] = {}
        for column = 1, 7 do
            rows[i][column] = result[i][column]
        end
    end
    return rows, M.RESULT_COLUMNS
end

return M
