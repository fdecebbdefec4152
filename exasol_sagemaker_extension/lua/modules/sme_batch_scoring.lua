-- SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT and its companion poll script: score a table or view with a SageMaker
-- transform job instead of an endpoint. Everything that can be checked in the database is checked before any
-- row is exported (the job's training features by name and type, the key columns, the target's columns). The
-- rows go out once (keys first, then the features in training order) to a prefix of this run; the transform job
-- hides the keys from the model and joins every answer to its input record; the batch transform UDF turns the
-- answers into the prediction UDF's columns and casts. Only when rows out equal rows in are they imported into a
-- staging table and moved into the target with one INSERT ... SELECT, so the target is never half filled.

local cjson = require("cjson")
local json_options = require("sme_json_options")
local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local aws_names = require("sme_aws_names")
local script_args = require("sme_script_args")
local jobs_metadata = require("sme_jobs_metadata")
local model_columns = require("sme_model_columns")
local table_columns = require("sme_table_columns")
local export = require("sme_export")
local session_formats = require("sme_session_formats")
local control_plane = require("sme_control_plane")
local values = require("sme_values")
local declarations = require("sme_declarations")

local M = {}

M.RESULT_COLUMNS = "TRANSFORM_JOB_NAME VARCHAR(63) UTF8, STATUS VARCHAR(32) UTF8, ROWS_IN DECIMAL(18,0),"
    .. " ROWS_OUT DECIMAL(18,0), TARGET_TABLE VARCHAR(300) UTF8, ARTIFACTS VARCHAR(2000000) UTF8"

local UDF = "SME_AUTOPILOT_BATCH_TRANSFORM_UDF"
local MAX_TOTAL_PAYLOAD_IN_MB = 100
local SUBJECT = "batch scoring parameters"
local TRANSFORM_INSTANCES = declarations.TRANSFORM_INSTANCE_COUNT_RANGE
local KEYS = {
    job_name = { kind = "string", required = true }, candidate_name = { kind = "string" },
    input_schema_name = { kind = "string", required = true },
    input_table_or_view_name = { kind = "string", required = true }, key_columns = { kind = "array" },
    output_schema_name = { kind = "string", required = true }, output_table_name = { kind = "string", required = true },
    instance_type = { kind = "string" },
    instance_count = { kind = "integer", min = TRANSFORM_INSTANCES[1], max = TRANSFORM_INSTANCES[2] },
    max_payload_in_mb = { kind = "integer", min = 1, max = 100 },
    max_concurrent_transforms = { kind = "integer", min = 1, max = 100 },
    keep_artifacts = { kind = "boolean" }, wait = { kind = "boolean" },
    timeout_seconds = { kind = "integer", min = 0, max = 2592000 },
    connection_name = { kind = "string" }, aws_region = { kind = "string" }, transform_job_name = { kind = "string" },
}
local DEFAULTS = { instance_type = "ml.m5.large", instance_count = 1, max_payload_in_mb = 6,
    max_concurrent_transforms = 1, keep_artifacts = false, wait = true, timeout_seconds = 3600 }

local function bad_argument(message)
    errors.raise_error("E-SME-95", message, {
        "Correct the batch scoring parameters; the user guide's \"Batch scoring\" lists the keys and their limits.",
    })
end

-- The JSON argument with defaults filled in; keys are checked by sme_json_options (E-SME-1..5), the batch
-- limits here (E-SME-95).
local function parse(json_str)
    local options = json_options.check_keys(json_options.decode(json_str, SUBJECT), KEYS, SUBJECT)
    for key, default in pairs(DEFAULTS) do
        if options[key] == nil then
            options[key] = default
        end
    end
    if options.max_payload_in_mb * options.max_concurrent_transforms > MAX_TOTAL_PAYLOAD_IN_MB then
        bad_argument("max_payload_in_mb x max_concurrent_transforms must not exceed 100 (SageMaker's limit).")
    end
    if not options.instance_type:match(declarations.INSTANCE_TYPE_PATTERN) then
        bad_argument(string.format("instance_type %q is not a SageMaker instance type such as ml.m5.large.",
            options.instance_type))
    end
    aws_names.check_job_name(options.job_name)
    options.schema = identifiers.normalize(options.input_schema_name, "input_schema_name")
    options.table = identifiers.normalize(options.input_table_or_view_name, "input_table_or_view_name")
    options.target_schema = identifiers.normalize(options.output_schema_name, "output_schema_name")
    options.target_table = identifiers.normalize(options.output_table_name, "output_table_name")
    local keys = {}
    for i, name in ipairs(options.key_columns or {}) do
        if type(name) ~= "string" then
            bad_argument("key_columns must list column names as JSON strings.")
        end
        keys[i] = identifiers.normalize(name, "key_columns")
    end
    options.keys = keys
    return options
end

local function known_job(job_name)
    local job = jobs_metadata.find(job_name)
    if job == nil then
        errors.raise_error("E-SME-30", string.format("The job %q is not in SME_METADATA_AUTOPILOT_JOBS.", job_name), {
            "Score with a job that was trained with SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT in this schema.",
        })
    end
    return job
end

-- The source's key and feature columns in export order; E-SME-96 / E-SME-97 before anything is exported.
local function source_columns(options, features)
    local qualified = identifiers.qualified(options.schema, options.table)
    local by_name = {}
    for _, column in ipairs(table_columns.read(options.schema, options.table)) do
        by_name[column.name] = column.type
    end
    local problems = {}
    for _, feature in ipairs(features) do
        local actual = by_name[feature.name]
        if actual == nil then
            problems[#problems + 1] = string.format("%q (%s) is missing", feature.name, feature.sql_type)
        elseif actual ~= feature.sql_type then
            problems[#problems + 1] = string.format("%q is %s, but the model was trained on %s", feature.name,
                actual, feature.sql_type)
        end
    end
    if #problems > 0 then
        errors.raise_error("E-SME-96", string.format("%s does not have the training features of job %q: %s.",
            qualified, options.job_name, table.concat(problems, "; ")), {
            "Score a table or view with every feature column of the training, under the same name and type; a view"
                .. " with CAST(... AS <type>) AS <name> can supply them.",
        })
    end
    local feature_names, reserved, seen = {}, { PROBABILITY = true, PROBABILITIES = true, PREDICTIONS = true }, {}
    for _, feature in ipairs(features) do
        feature_names[feature.name] = true
    end
    local columns = {}
    for i, key in ipairs(options.keys) do
        local why = (by_name[key] == nil and "is not a column of " .. qualified)
            or (feature_names[key] and "is a feature of the model; a key is never sent to the model")
            or (reserved[key] and "has the name of an output column")
            or (seen[key] and "is listed twice")
        if why then
            errors.raise_error("E-SME-97", string.format("The key column %q %s.", key, why), {
                "List in key_columns only columns that identify a row and are not features, e.g. an ID; the"
                    .. " features are copied to the target anyway.",
            })
        end
        seen[key] = true
        columns[i] = { name = key, sql_type = by_name[key] }
    end
    for _, feature in ipairs(features) do
        columns[#columns + 1] = feature
    end
    return columns
end

-- The target's columns: the keys, the features, then the prediction UDF's outputs for the problem type.
local function output_columns(passthrough, target, problem_type)
    local columns = {}
    for i, column in ipairs(passthrough) do
        columns[i] = column
    end
    if problem_type ~= "Regression" then
        columns[#columns + 1] = { name = "PROBABILITY", sql_type = "DOUBLE" }
    end
    if problem_type == "MulticlassClassification" then
        columns[#columns + 1] = { name = "PROBABILITIES", sql_type = "VARCHAR(2000000) UTF8" }
    end
    columns[#columns + 1] = { name = "PREDICTIONS", sql_type = target.sql_type }
    return columns
end

local function column_definitions(columns)
    local definitions = {}
    for i, column in ipairs(columns) do
        definitions[i] = identifiers.quote(column.name) .. " " .. column.sql_type
    end
    return table.concat(definitions, ", ")
end

-- An existing target must have exactly the output columns (E-SME-98); returns whether it exists.
local function check_target(options, columns)
    local qualified = identifiers.qualified(options.target_schema, options.target_table)
    local existing = table_columns.find(options.target_schema, options.target_table)
    if existing == nil then
        return false
    end
    local same = #existing == #columns
    for i = 1, #columns do
        same = same and existing[i].name == columns[i].name and existing[i].type == columns[i].sql_type
    end
    if not same then
        local have = {}
        for i, column in ipairs(existing) do
            have[i] = column.name .. " " .. column.type
        end
        errors.raise_error("E-SME-98", string.format("The target table %s exists with other columns (%s) than batch"
            .. " scoring writes (%s).", qualified, table.concat(have, ", "), column_definitions(columns)), {
            "Name a new output_table_name (it is created), or drop or rename the existing table.",
        })
    end
    return true
end

local function prepare_target(options, columns)
    if not check_target(options, columns) then
        database.run("CREATE TABLE " .. identifiers.qualified(options.target_schema, options.target_table) .. " ("
            .. column_definitions(columns) .. ")", nil, {
            code = "E-SME-99",
            message = "Creating the target table failed",
            mitigations = { "Check that the schema exists and that you may create tables in it." },
        })
    end
end

local function row_count(options)
    local qualified = identifiers.qualified(options.schema, options.table)
    local result = database.run("SELECT COUNT(*) FROM " .. qualified, nil, {
        code = "E-SME-18", message = "Reading " .. qualified .. " failed",
        mitigations = { "Make sure you have the SELECT privilege on the table or view." },
    })
    if (values.to_integer(result[1][1]) or 0) == 0 then
        errors.raise_error("E-SME-96", qualified .. " has no rows to score.", { "Fill the table or choose another." })
    end
end

local function udf_call(aws, fields, what)
    local result = control_plane.call(UDF, control_plane.request(aws, fields), {
        code = "E-SME-99",
        message = what,
        mitigations = { "Fix the cause below and score again; the target table was not changed." },
    })
    return cjson.decode(result[1][1])
end

local function bucket_of(job)
    return tostring(job.s3_bucket_uri or ""):match("^s3://([^/]+)/?$")
end

-- Everything both scripts derive from the arguments and the database: job, columns, AWS settings, target.
local function plan(options)
    local job = known_job(options.job_name)
    local features, target = model_columns.of_job(job)
    local passthrough = source_columns(options, features)
    local aws = script_args.aws_settings(options.connection_name, options.aws_region, job)
    return { job = job, features = features, target = target, passthrough = passthrough, aws = aws }
end

local function cleanup(run, options)
    if options.keep_artifacts then
        return "kept: model " .. run.name .. " and s3://" .. run.bucket .. "/" .. run.prefix .. "/"
    end
    udf_call(run.aws, { action = "cleanup", transform_job_name = run.name },
        "Removing the model and S3 files of transform job " .. run.name .. " failed")
    return "removed"
end

-- IMPORT of the predictions files into the staging table, then the one INSERT that fills the target.
local function fill_target(staging, target_name, run, files, failure)
    local file_clauses, params = {}, {}
    for i, file in ipairs(files) do
        file_clauses[i] = "FILE :file_" .. i
        params["file_" .. i] = file
    end
    if #file_clauses > 0 then
        database.run("IMPORT INTO " .. staging .. " FROM CSV AT " .. identifiers.quote(run.aws.connection) .. " "
            .. table.concat(file_clauses, " "), params, failure)
    end
    local inserted = database.run("INSERT INTO " .. target_name .. " SELECT * FROM " .. staging, nil, failure)
    return values.to_integer(inserted.rows_affected)
end

-- Waits (up to timeout seconds), then imports through a staging table; returns the result row.
local function finish(run, options, plan_, timeout, rows_exported)
    local ok, answer = pcall(udf_call, run.aws, {
        action = "wait", transform_job_name = run.name, timeout_seconds = timeout, job_name = options.job_name,
        target_sql_type = plan_.target.sql_type, key_count = #options.keys, feature_count = #plan_.features,
    }, "Waiting for transform job " .. run.name .. " failed")
    if not ok then
        if not options.keep_artifacts then
            pcall(udf_call, run.aws, { action = "cleanup", transform_job_name = run.name }, "cleanup")
        end
        error(answer, 0)
    end
    local target_name = identifiers.qualified(options.target_schema, options.target_table)
    if answer.status ~= "Completed" then
        return { run.name, answer.status, rows_exported, null, target_name, "kept until the poll script finishes" }
    end
    local rows_in, rows_out = answer.rows_in, answer.rows_out
    if rows_in ~= rows_out or (rows_exported ~= nil and rows_exported ~= rows_in) then
        errors.raise_error("E-SME-99", string.format("Transform job %s returned %d rows for %d rows in; nothing was"
            .. " written to %s.", run.name, rows_out, rows_in, target_name), {
            "Score again; keep_artifacts true keeps the job's files under s3://" .. run.bucket .. "/" .. run.prefix
                .. "/ for inspection.",
        })
    end
    local columns = output_columns(plan_.passthrough, plan_.target, answer.problem_type or plan_.job.problem_type)
    prepare_target(options, columns)
    local staging = identifiers.qualified(options.target_schema, "SME_BATCH_STAGING_" .. run.name:gsub("%-", "_"))
    local failure = {
        code = "E-SME-99",
        message = "Importing the predictions of transform job " .. run.name .. " into " .. target_name .. " failed",
        mitigations = { "The target table is unchanged; fix the cause below and poll or score again." },
    }
    local imported = session_formats.with_fixed_formats(function()
        database.run("CREATE OR REPLACE TABLE " .. staging .. " (" .. column_definitions(columns) .. ")", nil, failure)
        local ok, result = pcall(fill_target, staging, target_name, run, answer.files, failure)
        pquery("DROP TABLE IF EXISTS " .. staging)  -- also after a failure; the error that matters is the first
        if not ok then
            error(result, 0)
        end
        return result
    end)
    return { run.name, "Completed", rows_in, imported, target_name, cleanup(run, options) }
end

local function run_of(options, plan_, name)
    local bucket = bucket_of(plan_.job)
    local path = tostring(plan_.job.s3_output_path or ""):gsub("^/+", ""):gsub("/+$", "")
    if bucket == nil or path == "" then
        errors.raise_error("E-SME-31", string.format("The metadata of job %q lacks S3_BUCKET_URI or S3_OUTPUT_PATH.",
            options.job_name), { "Train the job again with SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT." })
    end
    if name == nil then  -- <job>-bt-<UTC MMDDhhmmss>-<statement id>-<last digits of the session id>: unique per run
        local session = tostring(exa.meta.session_id):gsub("%D", "")
        name = string.format("%s-bt-%s-%s-%s", options.job_name, os.date("!%m%d%H%M%S"),
            (tostring(exa.meta.statement_id):gsub("%D", "")), session:sub(-6))
    end
    aws_names.check_transform_job_name(name)
    local prefix = path .. "/" .. options.job_name .. "/" .. name
    return { name = name, bucket = bucket, prefix = prefix, aws = plan_.aws }
end

function M.score(json_str)
    local options = parse(json_str)
    local plan_ = plan(options)
    local columns = output_columns(plan_.passthrough, plan_.target, plan_.job.problem_type)
    if plan_.job.problem_type ~= nil then
        check_target(options, columns)  -- refuse a mismatching target before exporting
    end
    row_count(options)
    local run = run_of(options, plan_, nil)
    local exported = session_formats.with_fixed_formats(function()
        local sql, params = export.statement(plan_.passthrough, options.schema, options.table, run.aws.connection,
            { run.prefix .. "/batch-input/part-1.csv.gz" }, true)
        return values.to_integer(database.run(sql, params, {
            code = "E-SME-15",
            message = "Exporting the rows to score to S3 through connection " .. run.aws.connection .. " failed",
            mitigations = { "Check that the connection's address is the job's bucket and that it may write." },
        }).rows_affected)
    end)
    udf_call(run.aws, {
        action = "start", transform_job_name = run.name, job_name = options.job_name,
        candidate_name = options.candidate_name, run_uri = "s3://" .. run.bucket .. "/" .. run.prefix .. "/",
        key_count = #options.keys, instance_type = options.instance_type, instance_count = options.instance_count,
        max_payload_in_mb = options.max_payload_in_mb, max_concurrent_transforms = options.max_concurrent_transforms,
    }, "Starting the transform job " .. run.name .. " failed (the rows were exported to s3://" .. run.bucket .. "/"
        .. run.prefix .. "/)")
    if not options.wait then  -- a new transform job is InProgress; the poll script waits and imports
        return { { run.name, "InProgress", exported, null, identifiers.qualified(options.target_schema,
            options.target_table), "kept until the poll script finishes" } }, M.RESULT_COLUMNS
    end
    return { finish(run, options, plan_, options.timeout_seconds, exported) }, M.RESULT_COLUMNS
end

-- The companion of a call with "wait": false: the same JSON plus transform_job_name; finishes once Completed.
function M.poll(json_str)
    local options = parse(json_str)
    if options.transform_job_name == nil then
        bad_argument("The key \"transform_job_name\" is missing (the TRANSFORM_JOB_NAME the scoring returned).")
    end
    aws_names.check_transform_job_name(options.transform_job_name)
    local plan_ = plan(options)
    local run = run_of(options, plan_, options.transform_job_name)
    return { finish(run, options, plan_, options.wait and options.timeout_seconds or 0, nil) }, M.RESULT_COLUMNS
end

return M
