-- Runs one statement and turns a failure into an SME error that keeps the database's own message, because that
-- message (privileges, unknown object, UDF error) is usually what tells the user how to fix it.

local errors = require("sme_errors")

local M = {}

-- `failure` = { code = ..., message = ..., mitigations = {...} }; params as for Exasol's query(). Without a
-- `failure` the database's message is raised as it is, for a caller that wraps it into its own error.
function M.run(sql, params, failure)
    local ok, result = pquery(sql, params)
    if not ok and failure == nil then
        error(tostring(result.error_message), 0)
    elseif not ok then
        errors.raise_error(failure.code, failure.message .. ": " .. tostring(result.error_message),
            failure.mitigations)
    end
    return result
end

return M
