-- SME_EVALUATE_PREDICTIONS: the quality of a model on labelled rows, as rows of (metric, value, label, predicted
-- label). The rows either get their predictions here, through an endpoint's prediction UDF into a new table, or
-- come with them (the output of a prediction UDF joined to its labels). Lua checks the input and assembles the
-- statements (sme_evaluation_sql); the database computes every metric over all rows at once.

local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local options = require("sme_evaluation_options")
local evaluation_sql = require("sme_evaluation_sql")
local history = require("sme_evaluation_history")
local table_columns = require("sme_table_columns")
local endpoints_metadata = require("sme_endpoints_metadata")
local jobs_metadata = require("sme_jobs_metadata")
local model_columns = require("sme_model_columns")
local json_options = require("sme_json_options")
local values = require("sme_values")

local M = {}

M.RESULT_COLUMNS = "METRIC VARCHAR(64) UTF8, METRIC_VALUE DOUBLE, LABEL VARCHAR(2000000) UTF8,"
    .. " PREDICTED_LABEL VARCHAR(2000000) UTF8"

-- More labels than this are not a classification an evaluation can report as a confusion matrix.
local MAX_CLASSES = 1000

local SPELLING = "Check the spelling: unquoted names are converted to upper case, names in double quotes are used"
    .. " exactly."

local function missing_column(name, qualified, purpose)
    errors.raise_error("E-SME-78", string.format("The column %q (%s) is not a column of %s.", name, purpose,
        qualified), { SPELLING, "Name the label column with label_column." })
end

local function type_mismatch(label, label_type, other, other_type, qualified, problem_type)
    errors.raise_error("E-SME-80", string.format("The label column %q of %s is %s, which does not match %s (%s)"
        .. " for %s.", label, qualified, label_type, other, other_type, problem_type), {
        "Evaluate the column that holds the label the model predicts, or CAST it in a view to the type of the"
            .. " target; regression needs numeric labels.",
    })
end

local function check_label_type(label, other, other_type, qualified, problem_type)
    local family = evaluation_sql.type_family(label.type)
    local fits
    if problem_type == "Regression" then
        fits = family == "number" and evaluation_sql.type_family(other_type) == "number"
    else
        fits = family == evaluation_sql.type_family(other_type) and family ~= "other"
    end
    if not fits then
        type_mismatch(label.name, label.type, other, other_type, qualified, problem_type)
    end
end

local function known_endpoint(endpoint_name)
    local endpoint = endpoints_metadata.find(endpoint_name)
    local job = endpoint and endpoint.job_name and jobs_metadata.find(endpoint.job_name)
    if endpoint == nil or not job then
        errors.raise_error("E-SME-82", string.format("The endpoint %q is not in SME_METADATA_AUTOPILOT_ENDPOINTS"
            .. " with its job.", endpoint_name), {
            "Give the name of an endpoint deployed with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT in this schema"
                .. " (see SME_AUTOPILOT_ENDPOINTS), or evaluate a table of predictions without endpoint_name.",
        })
    end
    job.job_name = endpoint.job_name
    return endpoint, job
end

-- Scores the input through the endpoint's UDF into the new output table, the label passed through as the row
-- key, and returns what the evaluation of that table needs.
local function score(opts)
    local endpoint, job = known_endpoint(opts.endpoint_name)
    local problem_type = endpoint.problem_type or job.problem_type
    if opts.problem_type ~= nil and opts.problem_type ~= problem_type then
        json_options.out_of_range("problem_type", "differs from the endpoint's problem type " .. tostring(problem_type),
            "Leave problem_type out when scoring through an endpoint.")
    end
    local features, target = model_columns.of_job(job)
    local input = identifiers.qualified(opts.schema, opts.table)
    local columns = table_columns.by_name(table_columns.read(opts.schema, opts.table))
    local label = columns[opts.label or target.name]
    if label == nil then
        missing_column(opts.label or target.name, input, "the label")
    end
    check_label_type(label, "the target " .. target.name .. " of job " .. job.job_name, target.sql_type, input,
        problem_type)
    local arguments = { identifiers.quote(label.name) }
    for i, feature in ipairs(features) do
        if columns[feature.name] == nil then
            missing_column(feature.name, input, "a feature of the model")
        end
        arguments[i + 1] = identifiers.quote(feature.name)
    end
    local output = identifiers.qualified(opts.output_schema, opts.output_table)
    if table_columns.find(opts.output_schema, opts.output_table) ~= nil then
        errors.raise_error("E-SME-84", "The output table " .. output .. " exists already.", {
            "Name a new table in output_table_name (the evaluation never replaces a table), or drop the old one.",
        })
    end
    database.run("CREATE TABLE " .. output .. " AS SELECT "
        .. identifiers.qualified(endpoint.udf_schema_name, endpoint.udf_name) .. "(" .. table.concat(arguments, ", ")
        .. ") FROM " .. input, nil, {
            code = "E-SME-85",
            message = "Scoring " .. input .. " through endpoint " .. opts.endpoint_name .. " into " .. output .. " failed",
            mitigations = { "Check that the endpoint is in service and its prediction UDF exists (SME_AUTOPILOT_ENDPOINTS; deploy"
                .. " again if the UDF was dropped) and that you may"
                .. " create tables in " .. identifiers.quote(opts.output_schema) .. "." },
        })
    return { schema = opts.output_schema, table = opts.output_table, label = "ROW_KEY", problem_type = problem_type,
        job_name = job.job_name, label_column = label.name }
end

-- The evaluated table's description for sme_evaluation_sql, after checking its columns.
local function describe_source(schema, table_name, label_name, problem_type)
    local qualified = identifiers.qualified(schema, table_name)
    local columns = table_columns.by_name(table_columns.read(schema, table_name))
    local label, prediction = columns[label_name], columns[evaluation_sql.PREDICTIONS]
    if label == nil then
        missing_column(label_name, qualified, "the label")
    end
    if prediction == nil then
        errors.raise_error("E-SME-79", qualified .. " has no column PREDICTIONS.", {
            "Evaluate the output of a prediction UDF (it ends with PREDICTIONS), or give endpoint_name to score the"
                .. " table first.",
        })
    end
    check_label_type(label, "PREDICTIONS", prediction.type, qualified, problem_type)
    return {
        table = qualified,
        label = label_name,
        label_type = label.type,
        prediction_type = prediction.type,
        as_double = label.type ~= prediction.type and evaluation_sql.type_family(label.type) == "number",
        has_probability = columns[evaluation_sql.PROBABILITY] ~= nil,
        has_probabilities = columns[evaluation_sql.PROBABILITIES] ~= nil,
    }
end

local function run(sql, params)
    return database.run(sql, params, {
        code = "E-SME-85",
        message = "Computing the metrics failed",
        mitigations = { "Check that you may read the evaluated table; PROBABILITY must be DOUBLE and PROBABILITIES"
            .. " the JSON text a prediction UDF writes." },
    })
end

local function check_not_empty(source)
    local counts = run(evaluation_sql.counts(source))
    local all, null_labels = values.to_integer(counts[1][1]), values.to_integer(counts[1][2])
    local null_predictions = values.to_integer(counts[1][3])
    if all == 0 then
        errors.raise_error("E-SME-81", source.table .. " is empty: there is nothing to evaluate.", {
            "Evaluate a table or view that holds labelled rows.",
        })
    elseif all == null_labels + null_predictions then
        errors.raise_error("E-SME-81", string.format("None of the %d rows of %s has both a label and a prediction"
            .. " (%d without label, %d without prediction).", all, source.table, null_labels, null_predictions), {
            "Check that the label column is filled and that the predictions belong to these rows.",
        })
    end
end

local function label_list(source)
    local result = run(evaluation_sql.labels(source, MAX_CLASSES))
    local labels = {}
    for i = 1, #result do
        labels[i] = result[i][1]
    end
    if #labels > MAX_CLASSES then
        errors.raise_error("E-SME-83", string.format("The labels and predictions of %s hold more than %d different"
            .. " values.", source.table, MAX_CLASSES), {
            "Evaluate a regression as Regression; a classification has at most " .. MAX_CLASSES .. " labels.",
        })
    end
    return labels
end

local function positive_label(source, labels, given)
    if #labels > 2 then
        errors.raise_error("E-SME-83", string.format("BinaryClassification needs at most two labels, but %s holds"
            .. " %d: %s.", source.table, #labels, table.concat(labels, ", ", 1, math.min(#labels, 10))), {
            "Evaluate as MulticlassClassification, or filter the rows to two labels.",
        })
    end
    if given ~= nil then
        if not json_options.contains(labels, given) then
            errors.raise_error("E-SME-83", string.format("The positive_label %q is none of the labels of %s (%s).",
                given, source.table, table.concat(labels, ", ")), {
                "Write positive_label as the label's text, e.g. \"TRUE\" for BOOLEAN labels or \"1\" for numbers.",
            })
        end
        return given
    end
    -- Like scikit-learn: the greater of the two labels is the positive one; TRUE for BOOLEAN labels.
    if evaluation_sql.type_family(source.label_type) == "boolean" then
        return "TRUE"
    end
    return labels[#labels]
end

local function metrics_statement(source, problem_type, positive_given)
    if problem_type == "Regression" then
        return evaluation_sql.regression(source)
    end
    local labels = label_list(source)
    if problem_type == "BinaryClassification" then
        local positive = positive_label(source, labels, positive_given)
        local sql, params = evaluation_sql.classification(source, positive, nil)
        return sql, params, positive
    end
    return evaluation_sql.classification(source, nil, labels)
end

function M.evaluate(json_str)
    local opts = options.parse(json_str)
    local scored = { schema = opts.schema, table = opts.table, label = opts.label, problem_type = opts.problem_type }
    if opts.endpoint_name ~= nil then
        scored = score(opts)
    end
    local source = describe_source(scored.schema, scored.table, scored.label, scored.problem_type)
    check_not_empty(source)
    local sql, params, positive = metrics_statement(source, scored.problem_type, opts.positive_label)
    local result = run(sql, params)
    local rows = {}
    for i = 1, #result do
        -- columns of the statement: ORD, METRIC, LABEL, PREDICTED_LABEL, METRIC_VALUE
        rows[i] = { result[i][2], result[i][5], result[i][3], result[i][4] }
    end
    if opts.store_in_history then
        history.record(sql, params, {
            job_name = scored.job_name, endpoint_name = opts.endpoint_name, problem_type = scored.problem_type,
            input_schema_name = opts.schema, input_table_or_view_name = opts.table, label_column = scored.label_column or scored.label,
            positive_label = positive,
        })
    end
    return rows, M.RESULT_COLUMNS
end

return M
