-- SME_CREATE_ENDPOINT_UDF: a prediction UDF for an endpoint the extension did not deploy (trained elsewhere, by
-- another team, or by Autopilot outside the extension), the Exasol form of Aurora ML's CREATE FUNCTION ... ALIAS
-- aws_sagemaker_invoke_endpoint. It writes the same model connection, generates the same UDF as a deployment
-- (plus the response layout in its config) and records the endpoint in SME_METADATA_AUTOPILOT_ENDPOINTS without a
-- job. Everything is checked first — options, features, schema, name clashes, and through
-- SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF that the endpoint exists and is InService — and if a later step still
-- fails, what this call created is dropped again, so nothing half-made stays behind.

local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local endpoint_options = require("sme_endpoint_udf_options")
local table_columns = require("sme_table_columns")
local sql_types = require("sme_sql_types")
local endpoints_metadata = require("sme_endpoints_metadata")
local control_plane = require("sme_control_plane")
local model_connection = require("sme_model_connection")
local prediction_udf = require("sme_prediction_udf")
local udf_targets = require("sme_udf_targets")

local M = {}

M.RESULT_COLUMNS = "ENDPOINT_NAME VARCHAR(63) UTF8, ENDPOINT_STATUS VARCHAR(32) UTF8,"
    .. " PREDICTION_UDF VARCHAR(300) UTF8, MODEL_CONNECTION_NAME VARCHAR(256) UTF8,"
    .. " PROBLEM_TYPE VARCHAR(32) UTF8, REQUEST_FORMAT VARCHAR(32) UTF8"

local DESCRIPTION_UDF = "SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF"

-- { name, sql_type } per feature, in the order the endpoint expects them.
local function features(source)
    if source.features then
        return source.features
    end
    local columns = table_columns.select(table_columns.read(source.schema, source.table), source.columns,
        source.schema, source.table)
    local result = {}
    for i, column in ipairs(columns) do
        result[i] = { name = column.name, sql_type = sql_types.canonical(column.type, "column " .. column.name) }
    end
    return result
end

-- An endpoint this extension deployed from a job already has its UDF; recording it again without the job would
-- lose the link that SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT and the job's metadata rely on.
local function check_not_deployed_here(endpoint)
    if endpoint ~= nil and endpoint.job_name ~= nil and endpoint.status == "deployed" then
        errors.raise_error("E-SME-65", string.format("The endpoint %q was deployed by this extension from job %q;"
            .. " its prediction UDF is %s.", endpoint.endpoint_name, endpoint.job_name,
            identifiers.qualified(endpoint.udf_schema_name or "?", endpoint.udf_name or "?")), {
            "Use that UDF, or deploy the job again with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT to regenerate it.",
        })
    end
end

-- The generated prediction UDF of this endpoint: the adapter's import and the endpoint's model connection.
local function is_own_prediction_udf(text, endpoint_name)
    return text:find("from exasol_sagemaker_extension.udfs.prediction import PredictionUdf", 1, true) ~= nil
        and text:find(model_connection.name(endpoint_name), 1, true) ~= nil
end

-- An existing script of the UDF's name may only be replaced when it is this endpoint's UDF (recorded in the
-- metadata, or generated for it and no longer recorded) or when asked to. Returns whether the script exists.
local function check_udf_name(opts)
    local text = udf_targets.script_text(opts.udf_schema, opts.udf_name)
    if text == nil then
        return false
    end
    local users = endpoints_metadata.using_udf(opts.udf_schema, opts.udf_name)
    local own = (#users == 1 and users[1] == opts.endpoint_name)
        or (#users == 0 and is_own_prediction_udf(text, opts.endpoint_name))
    if not own and not opts.replace then
        local what = #users > 0 and string.format("the prediction UDF of endpoint %q", users[1])
            or "a script that the extension did not create for this endpoint"
        errors.raise_error("E-SME-64", string.format("The script %s already exists and is %s.",
            identifiers.qualified(opts.udf_schema, opts.udf_name), what), {
            "Choose another udf_name, or set \"replace\": true to replace that script.",
        })
    end
    return true
end

local function describe_endpoint(opts)
    local result = control_plane.call(DESCRIPTION_UDF,
        control_plane.request(opts.aws, { endpoint_name = opts.endpoint_name }), {
            code = "E-SME-68",
            message = string.format("Describing endpoint %q failed", opts.endpoint_name),
            mitigations = { "Check the AWS connection, its permissions (sagemaker:DescribeEndpoint) and the region." },
        })
    local answer = control_plane.decode_answer(DESCRIPTION_UDF, result[1][1], { "endpoint_name", "exists" })
    if answer.exists ~= true then
        errors.raise_error("E-SME-60", string.format("There is no endpoint %q in this account and region.",
            opts.endpoint_name), {
            "Check the endpoint name (aws sagemaker list-endpoints) and aws_region.",
        })
    end
    if answer.endpoint_status ~= "InService" then
        local reason = type(answer.failure_reason) == "string" and (": " .. answer.failure_reason) or ""
        errors.raise_error("E-SME-61", string.format("The endpoint %q is %s, not InService%s.", opts.endpoint_name,
            tostring(answer.endpoint_status), reason), {
            "Wait until the endpoint is InService (Creating and Updating take minutes), then run the script again.",
            "A Failed endpoint must be fixed or recreated in SageMaker first.",
        })
    end
    return answer
end

-- Runs the creating steps; on a failure drops what the earlier steps created (not what they replaced) and
-- raises E-SME-67 naming the cause.
local function create_all(steps)
    for index, step in ipairs(steps) do
        local ok, cause = pcall(step.run)
        if not ok then
            local undone = {}
            for back = index - 1, 1, -1 do
                local undo = steps[back].undo
                if undo and pquery(undo) then
                    undone[#undone + 1] = undo
                end
            end
            errors.raise_error("E-SME-67", string.format("Creating the prediction UDF failed while %s: %s",
                step.what, tostring(cause)), {
                (#undone > 0 and ("Dropped again what this call had created: " .. table.concat(undone, "; ") .. ".")
                    or "Nothing this call created is left behind.") .. " Fix the cause and run the script again.",
            })
        end
    end
end

function M.create(json_str)
    local opts = endpoint_options.parse(json_str)
    local feature_list = features(opts.source)
    udf_targets.check_schema_exists(opts.udf_schema)
    local language = udf_targets.language(DESCRIPTION_UDF)
    endpoints_metadata.check_name_case(opts.endpoint_name)
    local recorded = endpoints_metadata.find(opts.endpoint_name)
    check_not_deployed_here(recorded)
    local udf_existed = check_udf_name(opts)
    local answer = describe_endpoint(opts)

    local connection_name = model_connection.name(opts.endpoint_name)
    local udf = identifiers.qualified(opts.udf_schema, opts.udf_name)
    local config = prediction_udf.config(opts.endpoint_name, connection_name, opts.problem_type, feature_list,
        { name = "PREDICTIONS", sql_type = opts.predictions_sql_type }, opts.layout)
    create_all({
        { what = "creating " .. udf, undo = not udf_existed and ("DROP SCRIPT " .. udf) or nil,
          run = function() database.run(prediction_udf.statement(language, opts.udf_schema, opts.udf_name, config)) end },
        { what = "writing the model connection " .. connection_name,
          undo = recorded == nil and ("DROP CONNECTION " .. identifiers.quote(connection_name)) or nil,
          run = function()
              model_connection.write(connection_name, model_connection.address({
                  aws = opts.aws, endpoint_name = opts.endpoint_name, job_name = nil,
                  problem_type = opts.problem_type, status = "deployed", serverless = answer.serverless == true,
                  max_rows_per_request = opts.max_rows_per_request,
                  max_requests_in_flight = opts.max_requests_in_flight,
              }))
          end },
        { what = "recording it in SME_METADATA_AUTOPILOT_ENDPOINTS",
          run = function()
              endpoints_metadata.record_deployment({
                  endpoint_name = opts.endpoint_name, udf_schema_name = opts.udf_schema, udf_name = opts.udf_name,
                  model_connection_name = connection_name, problem_type = opts.problem_type, status = "deployed",
                  script_user = exa.meta.current_user,
              })
          end },
    })
    return { { opts.endpoint_name, answer.endpoint_status, udf, connection_name, opts.problem_type,
        opts.layout.format } }, M.RESULT_COLUMNS
end

return M
