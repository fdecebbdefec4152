-- The JSON argument of SME_EVALUATE_PREDICTIONS (user guide, "Evaluating a model"): which rows to evaluate, where
-- their label is, and how they get their predictions: through an endpoint's prediction UDF (`endpoint_name`,
-- the scored rows are kept in `output_table_name`) or from a table that holds them already.

local identifiers = require("sme_identifiers")
local json_options = require("sme_json_options")
local errors = require("sme_errors")

local M = {}

M.PROBLEM_TYPES = { "BinaryClassification", "MulticlassClassification", "Regression" }

local WHAT = "evaluation parameters"

local KEYS = {
    input_schema_name = { kind = "string", required = true },
    input_table_or_view_name = { kind = "string", required = true },
    label_column = { kind = "string" },
    problem_type = { kind = "string" },
    positive_label = { kind = "string" },
    endpoint_name = { kind = "string" },
    output_schema_name = { kind = "string" },
    output_table_name = { kind = "string" },
    store_in_history = { kind = "boolean" },
}

local function required_with(given, key, condition, reason)
    if given[key] == nil and condition then
        errors.raise_error("E-SME-2", string.format("Missing the key %q in the %s: %s.", key, WHAT, reason),
            { "Add " .. key .. " to the JSON argument." })
    end
end

local function only_with(given, key, other)
    if given[key] ~= nil and given[other] == nil then
        json_options.out_of_range(key, "is only used together with " .. other,
            "Remove " .. key .. ", or give " .. other .. " too.")
    end
end

local function optional_name(given, key)
    return given[key] and identifiers.normalize(given[key], key)
end

-- Returns the normalised options or raises E-SME-1..5 or E-SME-7.
function M.parse(json_str)
    local given = json_options.check_keys(json_options.decode(json_str, WHAT), KEYS, WHAT)
    json_options.check_choice(given, "problem_type", M.PROBLEM_TYPES)
    local scoring = given.endpoint_name ~= nil
    required_with(given, "output_table_name", scoring,
        "scoring through endpoint_name writes the scored rows into a new table of that name")
    required_with(given, "label_column", not scoring, "without endpoint_name the label column cannot be known")
    required_with(given, "problem_type", not scoring, "without endpoint_name the problem type cannot be known")
    only_with(given, "output_table_name", "endpoint_name")
    only_with(given, "output_schema_name", "endpoint_name")
    if given.positive_label ~= nil and given.problem_type ~= nil and given.problem_type ~= "BinaryClassification" then
        json_options.out_of_range("positive_label", "is only used for BinaryClassification",
            "Remove positive_label, or evaluate as BinaryClassification.")
    end
    local schema = identifiers.normalize(given.input_schema_name, "input_schema_name")
    return {
        schema = schema,
        table = identifiers.normalize(given.input_table_or_view_name, "input_table_or_view_name"),
        label = optional_name(given, "label_column"),
        problem_type = given.problem_type,
        positive_label = given.positive_label,
        endpoint_name = given.endpoint_name,
        output_schema = optional_name(given, "output_schema_name") or schema,
        output_table = optional_name(given, "output_table_name"),
        store_in_history = given.store_in_history == true,
    }
end

return M
