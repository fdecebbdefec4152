-- SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT and its serverless variant. Everything the prediction UDF needs is
-- checked before the deployment UDF is called (job metadata with its columns, the UDF's schema, the UDF language),
-- so no endpoint is created that cannot get its UDF. After the endpoint exists, every failure, whatever raised it,
-- ends in E-SME-36 naming what exists and how to remove it, because an endpoint costs money until it is deleted.

local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local aws_names = require("sme_aws_names")
local script_args = require("sme_script_args")
local jobs_metadata = require("sme_jobs_metadata")
local endpoints_metadata = require("sme_endpoints_metadata")
local control_plane = require("sme_control_plane")
local model_connection = require("sme_model_connection")
local prediction_udf = require("sme_prediction_udf")
local model_columns = require("sme_model_columns")
local values = require("sme_values")
local udf_targets = require("sme_udf_targets")
local privileges = require("sme_privileges")
local declarations = require("sme_declarations")

local M = {}

M.RESULT_COLUMNS = "ENDPOINT_NAME VARCHAR(63) UTF8, ENDPOINT_STATUS VARCHAR(32) UTF8,"
    .. " PREDICTION_UDF VARCHAR(300) UTF8, MODEL_CONNECTION_NAME VARCHAR(256) UTF8,"
    .. " CANDIDATE_NAME VARCHAR(256) UTF8, PROBLEM_TYPE VARCHAR(32) UTF8"

local DEPLOYMENT_UDF = "SME_AUTOPILOT_DEPLOYMENT_UDF"

local function known_job(job_name)
    local job = jobs_metadata.find(job_name)
    if job == nil then
        errors.raise_error("E-SME-30", string.format("The job %q is not in SME_METADATA_AUTOPILOT_JOBS.", job_name), {
            "Deploy a job that was trained with SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT in this schema; check the name.",
        })
    end
    return job
end

local function deploy_endpoint(job, endpoint_name, aws, capacity)
    local request = control_plane.request(aws, {
        job_name = job.job_name,
        endpoint_name = endpoint_name,
        instance_type = capacity.instance_type,
        instance_count = capacity.instance_count,
        serverless_memory_size_in_mb = capacity.memory_size_in_mb,
        serverless_max_concurrency = capacity.max_concurrency,
        candidate_name = nil,
        timeout_seconds = nil,
    })
    local result = control_plane.call(DEPLOYMENT_UDF, request, {
        code = "E-SME-34",
        message = string.format("Deploying endpoint %q for job %q failed", endpoint_name, job.job_name),
        mitigations = {
            "Only a job whose status is Completed can be deployed; check it with"
                .. " SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS.",
            "Check the AWS connection, the region and the instance settings.",
        },
    })
    return control_plane.decode_answer(DEPLOYMENT_UDF, result[1][1],
        { "endpoint_name", "endpoint_status", "candidate_name", "problem_type" })
end

-- What a failed deployment may leave beside the endpoint, in creation order: how to name it and how to remove it.
local LEFTOVERS = {
    { key = "connection", describe = function(name) return "model connection " .. identifiers.quote(name) end,
      remove = function(name) return "DROP CONNECTION " .. identifiers.quote(name) end },
    { key = "udf", describe = function(name) return "prediction UDF " .. name end,
      remove = function(name) return "DROP SCRIPT " .. name end },
}

-- The statements that remove what a failed deployment left behind, for the E-SME-36 mitigations. Once the
-- metadata row exists, the delete script removes the connection and UDF as well.
local function removal_advice(created)
    local advice = { string.format("EXECUTE SCRIPT %s(%s, <connection_name>, <aws_region>) deletes the endpoint,"
        .. " its endpoint config and model", identifiers.qualified(exa.meta.script_schema,
            "SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT"), "'" .. created.endpoint .. "'") }
    if not created.metadata then
        for _, leftover in ipairs(LEFTOVERS) do
            if created[leftover.key] then
                advice[#advice + 1] = leftover.remove(created[leftover.key])
            end
        end
    end
    return table.concat(advice, "; ")
end

-- Runs the steps after the endpoint exists; `created` records what exists so far. Any error, an SQL failure or
-- a fault in the script itself, becomes E-SME-36 with the list of what exists.
local function after_endpoint(created, steps)
    for _, step in ipairs(steps) do
        local ok, cause = pcall(step.run)
        if not ok then
            local exists = { string.format("SageMaker endpoint %q with its endpoint config and model", created.endpoint) }
            for _, leftover in ipairs(LEFTOVERS) do
                if created[leftover.key] then
                    exists[#exists + 1] = leftover.describe(created[leftover.key])
                end
            end
            errors.raise_error("E-SME-36", string.format("Endpoint %q is deployed and incurs costs, but %s failed: %s",
                created.endpoint, step.what, tostring(cause)), {
                "What exists now: " .. table.concat(exists, ", ") .. ".",
                "Fix the cause and run the deployment again with the same endpoint name, or remove it all: "
                    .. removal_advice(created) .. ".",
            })
        end
        created[step.creates] = step.result or true
    end
end

local function deploy(args, capacity)
    local job_name = aws_names.check_job_name(values.present(args.job_name))
    local endpoint_name = aws_names.check_endpoint_name(values.present(args.endpoint_name))
    local schema = identifiers.normalize(script_args.string(args.schema_name, "schema_name"), "schema_name")
    local job = known_job(job_name)
    local features, target = model_columns.of_job(job)
    local aws = script_args.aws_settings(args.connection_name, args.aws_region, job)
    udf_targets.check_schema_exists(schema)
    endpoints_metadata.check_name_case(endpoint_name)
    local language = udf_targets.language(DEPLOYMENT_UDF)
    privileges.check_deployment(database, errors, schema)
    local answer = deploy_endpoint(job, endpoint_name, aws, capacity)

    local connection_name = model_connection.name(endpoint_name)
    local serverless = capacity.memory_size_in_mb ~= nil
    after_endpoint({ endpoint = endpoint_name }, {
        { what = "writing its model connection " .. connection_name, creates = "connection", result = connection_name,
          run = function()
              model_connection.write(connection_name, model_connection.address({
                  aws = aws, endpoint_name = endpoint_name, job_name = job_name, problem_type = answer.problem_type,
                  status = "deployed", serverless = serverless,
              }))
          end },
        { what = "creating its prediction UDF", creates = "udf", result = identifiers.qualified(schema, endpoint_name),
          run = function()
              local config = prediction_udf.config(endpoint_name, connection_name, answer.problem_type, features,
                  target)
              database.run(prediction_udf.statement(language, schema, endpoint_name, config))
          end },
        { what = "recording it in SME_METADATA_AUTOPILOT_ENDPOINTS", creates = "metadata",
          run = function()
              endpoints_metadata.record_deployment({
                  endpoint_name = endpoint_name, job_name = job_name, candidate_name = answer.candidate_name,
                  udf_schema_name = schema, udf_name = endpoint_name, model_connection_name = connection_name,
                  instance_type = capacity.instance_type, instance_count = capacity.instance_count,
                  serverless_memory_size_in_mb = capacity.memory_size_in_mb,
                  serverless_max_concurrency = capacity.max_concurrency, problem_type = answer.problem_type,
                  status = "deployed", script_user = exa.meta.current_user,
              })
          end },
    })

    return { { endpoint_name, answer.endpoint_status, identifiers.qualified(schema, endpoint_name), connection_name,
        answer.candidate_name, answer.problem_type } }, M.RESULT_COLUMNS
end

-- args: job_name, endpoint_name, schema_name, instance_type, instance_count, connection_name, aws_region
function M.deploy_on_instances(args)
    local instance_type = script_args.string(args.instance_type, "instance_type")
    if not instance_type:match(declarations.INSTANCE_TYPE_PATTERN) then
        errors.raise_error("E-SME-20", string.format("The argument instance_type %q is not a SageMaker instance type.",
            instance_type), { "Give an instance type such as ml.m5.large." })
    end
    return deploy(args, {
        instance_type = instance_type,
        instance_count = script_args.integer(args.instance_count, "instance_count",
            table.unpack(declarations.INSTANCE_COUNT_RANGE)),
    })
end

-- args: job_name, endpoint_name, schema_name, memory_size_in_mb, max_concurrency, connection_name, aws_region
function M.deploy_serverless(args)
    local low, high = table.unpack(declarations.SERVERLESS_MEMORY_RANGE)
    local step = declarations.SERVERLESS_MEMORY_STEP
    local memory = script_args.integer(args.memory_size_in_mb, "memory_size_in_mb", low, high)
    if memory % step ~= 0 then
        local sizes = {}
        for size = low, high, step do
            sizes[#sizes + 1] = tostring(size)
        end
        errors.raise_error("E-SME-20", "The argument memory_size_in_mb must be a multiple of " .. step .. ".",
            { "Use " .. table.concat(sizes, ", ", 1, #sizes - 1) .. " or " .. sizes[#sizes] .. "." })
    end
    return deploy(args, {
        memory_size_in_mb = memory,
        max_concurrency = script_args.integer(args.max_concurrency, "max_concurrency",
            table.unpack(declarations.SERVERLESS_CONCURRENCY_RANGE)),
    })
end

return M
