-- The JSON argument of SME_CREATE_ENDPOINT_UDF: checked key by key (sme_json_options) and normalised before
-- anything touches the database or AWS. Features come either from a table or view (input_schema_name,
-- input_table_or_view_name, optionally feature_columns) or as an explicit list (features); the output keys say
-- which columns the UDF emits and where the endpoint's answer carries each value (response_layout.py reads them).

local errors = require("sme_errors")
local identifiers = require("sme_identifiers")
local aws_names = require("sme_aws_names")
local options = require("sme_json_options")
local sql_types = require("sme_sql_types")

local M = {}

local SUBJECT = "endpoint UDF parameters"
M.CSV, M.JSON_LINES = "text/csv", "application/jsonlines"

local KEYS = {
    endpoint_name = { kind = "string", required = true },
    aws_credentials_connection_name = { kind = "string", required = true },
    udf_schema_name = { kind = "string", required = true },
    predictions_sql_type = { kind = "string", required = true },
    aws_region = { kind = "string" },
    udf_name = { kind = "string" },
    input_schema_name = { kind = "string" },
    input_table_or_view_name = { kind = "string" },
    feature_columns = { kind = "array" },
    features = { kind = "array" },
    probability_column = { kind = "boolean" },
    probabilities_column = { kind = "boolean" },
    request_format = { kind = "string" },
    label_location = { kind = "integer or string" },
    probability_location = { kind = "integer or string" },
    probabilities_location = { kind = "integer or string" },
    labels_location = { kind = "integer or string" },
    max_rows_per_request = { kind = "integer", min = 1, max = 100000 },
    max_requests_in_flight = { kind = "integer", min = 1, max = 64 },
    replace = { kind = "boolean" },
}

-- Where Autopilot models put each value: CSV field (1-based) and JSON key.
local DEFAULT_LOCATIONS = {
    label = { 1, "predicted_label" }, probability = { 2, "probability" },
    probabilities = { 3, "probabilities" }, labels = { 4, "labels" },
}

local function feature_error(message, mitigation)
    errors.raise_error("E-SME-62", message, { mitigation })
end

local function check_unique(names)
    local seen = {}
    for _, name in ipairs(names) do
        if seen[name] then
            feature_error(string.format("The feature %q is listed twice.", name), "List every feature once.")
        end
        seen[name] = true
    end
end

local function name_list(list)
    if #list == 0 then
        feature_error("The key \"feature_columns\" is empty.",
            "List at least one column, or leave the key out to use all columns of the table or view.")
    end
    local names = {}
    for i = 1, #list do
        if type(list[i]) ~= "string" then
            errors.raise_error("E-SME-4", "The key \"feature_columns\" must hold only strings.",
                { "Write every column name as a JSON string." })
        end
        names[i] = identifiers.normalize(list[i], "feature_columns")
    end
    check_unique(names)
    return names
end

local function explicit_features(list)
    if #list == 0 then
        feature_error("The key \"features\" is empty.", "List the endpoint's features in the order it expects them.")
    end
    local features, names = {}, {}
    for i = 1, #list do
        local item = list[i]
        if options.kind_of(item) ~= "object" or type(item.name) ~= "string" or type(item.sql_type) ~= "string" then
            feature_error(string.format("Feature %d of the key \"features\" is not {\"name\": ..., \"sql_type\": ...}.", i),
                "Write every feature as an object with the strings name and sql_type, e.g."
                    .. " {\"name\": \"acc_length\", \"sql_type\": \"BIGINT\"}.")
        end
        for key in pairs(item) do
            if key ~= "name" and key ~= "sql_type" then
                feature_error(string.format("Feature %d of the key \"features\" has the unknown key %q.", i,
                    tostring(key)), "Give only name and sql_type.")
            end
        end
        local name = identifiers.normalize(item.name, "features")
        features[i], names[i] = { name = name, sql_type = sql_types.canonical(item.sql_type, "feature " .. name) }, name
    end
    check_unique(names)
    return features
end

local function feature_source(given)
    local from_table = given.input_schema_name ~= nil or given.input_table_or_view_name ~= nil
    if from_table == (given.features ~= nil) then
        feature_error("Give the features either as a table or view (input_schema_name and input_table_or_view_name)"
            .. " or as a list (features), " .. (from_table and "not both." or "one of them."),
            "Name the table or view whose columns the endpoint expects, or list name and sql_type of each feature.")
    end
    if given.features ~= nil then
        if given.feature_columns ~= nil then
            feature_error("The key \"feature_columns\" selects columns of a table or view; with \"features\" it has"
                .. " no meaning.", "Remove feature_columns, or name the table or view instead of listing features.")
        end
        return { features = explicit_features(given.features) }
    end
    if given.input_schema_name == nil or given.input_table_or_view_name == nil then
        feature_error("A table or view needs both input_schema_name and input_table_or_view_name.",
            "Give the schema and the name of the table or view.")
    end
    return {
        schema = identifiers.normalize(given.input_schema_name, "input_schema_name"),
        table = identifiers.normalize(given.input_table_or_view_name, "input_table_or_view_name"),
        columns = given.feature_columns and name_list(given.feature_columns),
    }
end

local function layout_error(message, mitigation)
    errors.raise_error("E-SME-66", message, { mitigation })
end

-- { format, label, probability, probabilities, labels } with absent values nil.
local function response_layout(given)
    options.check_choice(given, "request_format", { M.CSV, M.JSON_LINES })
    local format = given.request_format or M.CSV
    local probability, probabilities = given.probability_column == true, given.probabilities_column == true
    if probabilities and not probability then
        layout_error("probabilities_column needs probability_column.",
            "Set probability_column to true as well: a UDF with PROBABILITIES also emits PROBABILITY.")
    end
    local wanted = { label = true, probability = probability, probabilities = probabilities, labels = probabilities }
    local layout, taken = { format = format }, {}
    for _, value in ipairs({ "label", "probability", "probabilities", "labels" }) do
        local key = value .. "_location"
        local location = given[key]
        if location ~= nil and not wanted[value] then
            layout_error(string.format("%s is given, but the UDF has no column that uses it.", key),
                "Remove " .. key .. ", or set " .. (value == "probability" and "probability_column" or
                    "probabilities_column") .. " to true.")
        end
        if wanted[value] then
            location = location or DEFAULT_LOCATIONS[value][format == M.CSV and 1 or 2]
            if format == M.CSV and math.type(location) ~= "integer" then
                location = math.tointeger(location)
                if location == nil or location < 1 then
                    layout_error(string.format("%s must be a field position (1, 2, ...) for text/csv answers.", key),
                        "Give the 1-based position of the value in the endpoint's CSV answer.")
                end
            elseif format == M.JSON_LINES and (type(location) ~= "string" or location == "") then
                layout_error(string.format("%s must be a JSON key for application/jsonlines answers.", key),
                    "Give the key of the value in each JSON object the endpoint answers.")
            end
            if taken[location] then
                layout_error(string.format("%s and %s name the same place %s.", taken[location], key,
                    tostring(location)), "Give every value its own field or key.")
            end
            taken[location], layout[value] = key, location
        end
    end
    return layout
end

local function problem_type(layout)
    if layout.probabilities ~= nil then
        return "MulticlassClassification"
    end
    return layout.probability ~= nil and "BinaryClassification" or "Regression"
end

-- Returns the normalised options or raises E-SME-1..7, E-SME-32, E-SME-50, E-SME-62, E-SME-63 or E-SME-66.
function M.parse(json_str)
    local given = options.check_keys(options.decode(json_str, SUBJECT), KEYS, SUBJECT)
    local endpoint_name = aws_names.check_endpoint_name(given.endpoint_name)
    local layout = response_layout(given)
    return {
        endpoint_name = endpoint_name,
        aws = {
            connection = identifiers.normalize(given.aws_credentials_connection_name,
                "aws_credentials_connection_name"),
            region = aws_names.check_region(given.aws_region),
        },
        udf_schema = identifiers.normalize(given.udf_schema_name, "udf_schema_name"),
        udf_name = given.udf_name and identifiers.normalize(given.udf_name, "udf_name") or endpoint_name,
        source = feature_source(given),
        predictions_sql_type = sql_types.canonical(given.predictions_sql_type, "predictions_sql_type"),
        layout = layout,
        problem_type = problem_type(layout),
        max_rows_per_request = math.tointeger(given.max_rows_per_request),
        max_requests_in_flight = math.tointeger(given.max_requests_in_flight),
        replace = given.replace == true,
    }
end

return M
