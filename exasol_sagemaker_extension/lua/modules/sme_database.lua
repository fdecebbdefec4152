-- Runs one statement and turns a failure into an SME error that keeps the database's own message, because that
-- message (privileges, unknown object, UDF error) is usually what tells the user how to fix it.

local errors = require("sme_errors")
local privileges = require("sme_privileges")

local M = {}

-- `failure` = { code = ..., message = ..., mitigations = {...}, grants = {...} }; params as for Exasol's query().
-- Without a `failure` the database's message is raised as it is, for a caller that wraps it into its own error.
-- `grants` (optional) names what the statement needs, e.g. "SELECT ON \"S\".\"T\"": when Exasol refuses it for
-- lack of a privilege, the error is E-SME-58 with those GRANTs for the current user, then the usual mitigations.
function M.run(sql, params, failure)
    local ok, result = pquery(sql, params)
    if not ok and failure == nil then
        error(tostring(result.error_message), 0)
    elseif not ok and failure.grants ~= nil and result.error_code == privileges.INSUFFICIENT_PRIVILEGES then
        local mitigations = privileges.mitigations(failure.grants)
        for _, mitigation in ipairs(failure.mitigations) do
            mitigations[#mitigations + 1] = mitigation
        end
        errors.raise_error("E-SME-58", failure.message .. ", because a privilege is missing: "
            .. tostring(result.error_message), mitigations)
    elseif not ok then
        errors.raise_error(failure.code, failure.message .. ": " .. tostring(result.error_message),
            failure.mitigations)
    end
    return result
end

-- Runs a query and returns its first column as the keys of a table: { key = true }, or with `value_column` the
-- value of that column ({ key = value }). The system tables answer "which of these privileges / parameters" so.
function M.index(sql, params, failure, value_column)
    local result = M.run(sql, params, failure)
    local index = {}
    for i = 1, #result do
        if value_column == nil then
            index[result[i][1]] = true
        else
            index[result[i][1]] = result[i][value_column]
        end
    end
    return index
end

return M
