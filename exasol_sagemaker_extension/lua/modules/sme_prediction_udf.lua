-- The prediction UDF generated per endpoint (developer guide, "The prediction UDF"): a SET script with dynamic
-- input and output whose whole configuration is one JSON document embedded as a Python string literal. Nothing
-- the user named is pasted into Python code: names only occur quoted in SQL or inside the JSON literal.

local cjson = require("cjson")
local identifiers = require("sme_identifiers")
local json = require("sme_json")

local M = {}

-- The configuration JSON; features and target are { name = ..., sql_type = ... }. `response` (optional) is the
-- layout of an endpoint the extension did not deploy: { format, label, probability, probabilities, labels }.
function M.config(endpoint_name, connection_name, problem_type, features, target, response)
    local feature_columns = json.array({})
    for i, feature in ipairs(features) do
        feature_columns[i] = { name = feature.name, sql_type = feature.sql_type }
    end
    return json.encode({
        endpoint_name = endpoint_name,
        model_connection_name = connection_name,
        problem_type = problem_type,
        feature_columns = feature_columns,
        target = { name = target.name, sql_type = target.sql_type },
        response = response,
    })
end

-- The CREATE statement; `language` is the alias of the extension's Python UDFs (checked by the caller).
function M.statement(language, schema, udf_name, config_json)
    return "CREATE OR REPLACE " .. language .. " SET SCRIPT " .. identifiers.qualified(schema, udf_name)
        .. "(...) EMITS (...) AS\n"
        .. "from exasol_sagemaker_extension.udfs.prediction import PredictionUdf\n"
        .. "_udf = PredictionUdf(exa, " .. json.string(config_json) .. ")\n"
        .. "run = _udf.run\n"
        .. "default_output_columns = _udf.default_output_columns\n"
        .. "/"
end

-- The configuration (decoded config JSON) of a UDF whose script text M.statement wrote, or nil for any other
-- script text: the inverse of M.statement, so readers never depend on more of the layout than this.
function M.read_config(script_text)
    for line in script_text:gmatch("[^\n]+") do
        local literal = line:match('^_udf = PredictionUdf%(exa, (".*")%)%s*$')
        if literal ~= nil then
            local ok_text, config_json = pcall(cjson.decode, literal)
            local ok, config = pcall(cjson.decode, ok_text and config_json or "")
            if ok_text and ok and type(config) == "table" and type(config.feature_columns) == "table"
                and type(config.target) == "table" then
                return config
            end
            return nil
        end
    end
    return nil
end

return M
