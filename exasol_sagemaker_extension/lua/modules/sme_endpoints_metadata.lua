-- SME_METADATA_AUTOPILOT_ENDPOINTS in the extension schema: one row per endpoint ever deployed, so that deleting an
-- endpoint finds its job, prediction UDF and model connection, and users can list what still costs money.

local database = require("sme_database")
local identifiers = require("sme_identifiers")
local values = require("sme_values")

local M = {}

local TABLE = "SME_METADATA_AUTOPILOT_ENDPOINTS"

local FIND_COLUMNS = { "JOB_NAME", "UDF_SCHEMA_NAME", "UDF_NAME", "MODEL_CONNECTION_NAME", "PROBLEM_TYPE",
    "SERVERLESS_MEMORY_SIZE_IN_MB", "STATUS" }

local INSERT_COLUMNS = { "ENDPOINT_NAME", "JOB_NAME", "CANDIDATE_NAME", "UDF_SCHEMA_NAME", "UDF_NAME",
    "MODEL_CONNECTION_NAME", "INSTANCE_TYPE", "INSTANCE_COUNT", "SERVERLESS_MEMORY_SIZE_IN_MB",
    "SERVERLESS_MAX_CONCURRENCY", "PROBLEM_TYPE", "STATUS", "SCRIPT_USER" }

local function table_name()
    return identifiers.qualified(exa.meta.script_schema, TABLE)
end

-- The endpoint's row with lower-case keys (absent values are nil), or nil for an unknown endpoint.
function M.find(endpoint_name)
    local sql = "SELECT " .. table.concat(FIND_COLUMNS, ", ") .. " FROM " .. table_name()
        .. " WHERE ENDPOINT_NAME = :endpoint_name"
    local result = database.run(sql, { endpoint_name = endpoint_name }, {
        code = "E-SME-18",
        message = string.format("Reading the metadata of endpoint %q from %s failed", endpoint_name, table_name()),
        mitigations = { "Check that the extension is installed in this schema and that you may read " .. TABLE .. "." },
    })
    if #result == 0 then
        return nil
    end
    local row = { endpoint_name = endpoint_name }
    for i, column in ipairs(FIND_COLUMNS) do
        row[column:lower()] = values.present(result[1][i])
    end
    return row
end

-- Replaces the endpoint's row by a freshly deployed one; `row` has the lower-case INSERT_COLUMNS as keys.
function M.record_deployment(row, failure)
    database.run("DELETE FROM " .. table_name() .. " WHERE ENDPOINT_NAME = :endpoint_name",
        { endpoint_name = row.endpoint_name }, failure)
    local params, placeholders = {}, {}
    for i, column in ipairs(INSERT_COLUMNS) do
        local key = column:lower()
        params[key] = values.sql_value(row[key])
        placeholders[i] = ":" .. key
    end
    database.run("INSERT INTO " .. table_name() .. " (" .. table.concat(INSERT_COLUMNS, ", ")
        .. ", DEPLOYED_AT) VALUES (" .. table.concat(placeholders, ", ") .. ", CURRENT_TIMESTAMP)", params, failure)
end

function M.mark_deleted(endpoint_name, failure)
    database.run("UPDATE " .. table_name() .. " SET STATUS = 'deleted', DELETED_AT = CURRENT_TIMESTAMP"
        .. " WHERE ENDPOINT_NAME = :endpoint_name", { endpoint_name = endpoint_name }, failure)
end

return M
