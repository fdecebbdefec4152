-- SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT: validate, export the training columns to a prefix unique to this attempt,
-- start the AutoML job through the training UDF, then remember the job in the metadata table. The metadata row
-- is written only after SageMaker accepted the job, so a failed attempt leaves no row behind.

local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local train_options = require("sme_train_options")
local table_columns = require("sme_table_columns")
local jobs_metadata = require("sme_jobs_metadata")
local s3_locations = require("sme_s3_locations")
local export = require("sme_export")
local session_formats = require("sme_session_formats")
local control_plane = require("sme_control_plane")
local values = require("sme_values")
local column_lists = require("sme_column_lists")
local declarations = require("sme_declarations")

local M = {}

M.RESULT_COLUMNS = "JOB_NAME VARCHAR(32) UTF8, JOB_ARN VARCHAR(2048) UTF8, EXPORTED_ROWS DECIMAL(18,0),"
    .. " INPUT_S3_URI VARCHAR(2000000) UTF8, OUTPUT_S3_URI VARCHAR(2000000) UTF8"

local function check_new_job(job_name)
    if jobs_metadata.find(job_name) ~= nil then
        errors.raise_error("E-SME-14", string.format("A training job named %q already exists.", job_name), {
            "Choose another job_name; SageMaker job names cannot be reused.",
        })
    end
end

-- Rows per export file below which fewer files are written: EXPORT spreads the rows over all FILE clauses, so
-- NPROC() x files_per_node files for a small table would leave parts holding nothing but the header line, and
-- it is not documented that Autopilot accepts such parts.
local MIN_ROWS_PER_FILE = 10000

local function row_count(options)
    local qualified = identifiers.qualified(options.input_schema_name, options.input_table_or_view_name)
    local result = database.run("SELECT COUNT(*) FROM " .. qualified, nil, {
        code = "E-SME-18",
        message = "Reading " .. qualified .. " failed",
        mitigations = { "Make sure you have the SELECT privilege on the table or view." },
        grants = { "SELECT ON " .. qualified },
    })
    local count = values.to_integer(result[1][1]) or 0
    if count == 0 then
        errors.raise_error("E-SME-13", qualified .. " has no rows to train on.",
            { "Fill the table or choose another one." })
    end
    return count
end

-- As many files as the cluster writes in parallel, but never so many that a part could stay empty.
local function file_count(rows, parallel_files)
    return math.max(1, math.min(parallel_files, rows // MIN_ROWS_PER_FILE))
end

local function node_count()
    local result = database.run("SELECT NPROC()", nil, {
        code = "E-SME-18",
        message = "Reading the number of cluster nodes failed",
        mitigations = { "Retry; if it persists, contact your database administrator." },
    })
    return values.to_integer(result[1][1])
end

local function export_training_data(options, columns, files)
    local sql, params = export.statement(columns, options.input_schema_name, options.input_table_or_view_name, options.aws_credentials_connection_name, files)
    local result = database.run(sql, params, {
        grants = { "EXPORT", "CONNECTION " .. identifiers.quote(options.aws_credentials_connection_name),
            "SELECT ON " .. identifiers.qualified(options.input_schema_name, options.input_table_or_view_name) },
        code = "E-SME-15",
        message = string.format("Exporting %s to S3 through connection %q failed",
            identifiers.qualified(options.input_schema_name, options.input_table_or_view_name), options.aws_credentials_connection_name),
        mitigations = {
            "Check that the connection's address is the bucket (https://<bucket>.s3.<region>.amazonaws.com) and"
                .. " that its credentials may write to it.",
        },
    })
    return values.to_integer(result.rows_affected)
end

-- The request carries every option the declarations mark as sent (autopilot/training.py maps each to its AWS
-- field) besides the AWS settings and the exported data's location.
local function start_job(options, input_uri, output_uri)
    local request = { input_s3_uri = input_uri, output_s3_uri = output_uri }
    for _, declared in ipairs(declarations.TRAINING_OPTIONS) do
        if declared.sent then
            request[declared.name] = options[declared.name]
        end
    end
    request = control_plane.request({
        connection = options.aws_credentials_connection_name,
        region = options.aws_region,
        assume_role_arn = options.aws_assume_role_arn,
        assume_role_external_id = options.aws_assume_role_external_id,
    }, request)
    local result = control_plane.call("SME_AUTOPILOT_TRAINING_UDF", request, {
        code = "E-SME-16",
        message = string.format("The training data was exported to %s, but starting the AutoML job %q failed",
            input_uri, options.job_name),
        mitigations = {
            "Fix the cause below and run the training again; the next attempt exports to a new location.",
            "Delete the exported files under " .. input_uri .. " if you do not need them.",
        },
    })
    return control_plane.decode_answer("SME_AUTOPILOT_TRAINING_UDF", result[1][1], { "job_name", "job_arn" })
end

-- The row holds every option the declarations mark as stored, and what this run learned.
local function remember_job(options, columns, job_arn, input_uri, output_uri)
    local names, types = {}, {}
    for i, column in ipairs(columns) do
        names[i], types[i] = column.name, column.type
    end
    local column_names, column_types = column_lists.encode(names), column_lists.encode(types)
    local row = {
        session_id = math.tointeger(tonumber(exa.meta.session_id)),
        script_user = exa.meta.current_user,
        column_names = column_names,
        column_types = column_types,
        input_s3_uri = input_uri,
        output_s3_uri = output_uri,
        job_arn = job_arn,
    }
    for _, declared in ipairs(declarations.TRAINING_OPTIONS) do
        if declared.stored then
            row[declared.name] = options[declared.name]
        end
    end
    jobs_metadata.insert(row, {
        code = "E-SME-17",
        message = string.format("The AutoML job %q (%s) was started, but recording it in"
            .. " SME_METADATA_AUTOPILOT_JOBS failed", options.job_name, job_arn),
        mitigations = {
            "The job runs and can be polled; to deploy it, fix the cause below and insert its row into"
                .. " SME_METADATA_AUTOPILOT_JOBS, or stop the job in the AWS console and train again.",
        },
    })
end

-- Returns the result rows and their column definitions.
function M.train(json_str)
    local options = train_options.parse(json_str)
    local columns = table_columns.training_columns(
        table_columns.read(options.input_schema_name, options.input_table_or_view_name), options)
    check_new_job(options.job_name)
    local rows = row_count(options)
    local prefix = s3_locations.prefix(options.output_path, options.job_name, s3_locations.run_id(exa.meta))
    local files = s3_locations.export_files(prefix, file_count(rows, node_count() * options.export_files_per_node))
    local input_uri = s3_locations.input_uri(options.bucket, prefix)
    local output_uri = s3_locations.output_uri(options.bucket, prefix)
    local exported_rows = session_formats.with_fixed_formats(function()
        return export_training_data(options, columns, files)
    end)
    local answer = start_job(options, input_uri, output_uri)
    remember_job(options, columns, answer.job_arn, input_uri, output_uri)
    return { { options.job_name, answer.job_arn, exported_rows, input_uri, output_uri } }, M.RESULT_COLUMNS
end

return M
