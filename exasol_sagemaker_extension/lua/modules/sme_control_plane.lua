-- Calls of the control-plane UDFs (training, status, candidates, deployment, deletion). Each takes one JSON
-- request built with sme_json (lists marked json.array stay arrays when empty), so user values reach Python as
-- data, never as SQL text.

local cjson = require("cjson")
local json = require("sme_json")
local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local values = require("sme_values")

local M = {}

-- The request keys every UDF understands; absent values become JSON null.
function M.request(aws, fields)
    local request = {
        aws_credentials_connection_name = aws.connection,
        aws_region = values.json_value(aws.region),
        aws_assume_role_arn = values.json_value(aws.assume_role_arn),
        aws_assume_role_external_id = values.json_value(aws.assume_role_external_id),
    }
    for key, value in pairs(fields) do
        request[key] = values.json_value(value)
    end
    return request
end

-- Runs SELECT "<script schema>"."<udf>"(:request_json); `failure` as for sme_database.run. Calling the UDF needs
-- EXECUTE on it (E-SME-58 names that grant); its own failures, such as no ACCESS on the AWS connection, come
-- back as the UDF's E-SME error.
function M.call(udf_name, request, failure)
    local udf = identifiers.qualified(exa.meta.script_schema, udf_name)
    failure.grants = failure.grants or { "EXECUTE ON " .. udf }
    return database.run("SELECT " .. udf .. "(:request_json)", { request_json = json.encode(request) }, failure)
end

-- The first `column_count` columns of every row of a UDF's result, as plain Lua tables (for sorting/returning).
function M.plain_rows(result, column_count)
    local rows = {}
    for i = 1, #result do
        local row = {}
        for j = 1, column_count do
            row[j] = result[i][j]
        end
        rows[i] = row
    end
    return rows
end

-- Decodes a UDF's JSON answer and checks that it has the given keys (E-SME-19 otherwise).
function M.decode_answer(udf_name, text, keys)
    local ok, answer = pcall(cjson.decode, text)
    local missing = {}
    if ok and type(answer) == "table" then
        for _, key in ipairs(keys) do
            if values.is_absent(answer[key]) then
                missing[#missing + 1] = key
            end
        end
    end
    if not ok or type(answer) ~= "table" or #missing > 0 then
        errors.raise_error("E-SME-19", string.format("%s returned an unreadable answer: %s", udf_name,
            tostring(text)), { "Make sure the extension's scripts and UDFs come from the same release"
                .. " (re-run sme-deploy)." })
    end
    return answer
end

return M
