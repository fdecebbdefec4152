-- Reading and writing single rows of the extension's metadata tables. Both tables are read by one key column
-- into a Lua table with lower-case keys and written with every value passed as a query parameter, so that no
-- user-supplied value is ever concatenated into SQL text.

local database = require("sme_database")
local values = require("sme_values")

local M = {}

-- The row whose `key_column` equals `key` as a table with lower-case keys (absent values are nil), or nil.
function M.find(table_name, key_column, key, columns, failure)
    local sql = "SELECT " .. table.concat(columns, ", ") .. " FROM " .. table_name
        .. " WHERE " .. key_column .. " = :key"
    local result = database.run(sql, { key = key }, failure)
    if #result == 0 then
        return nil
    end
    local row = { [key_column:lower()] = key }
    for i, column in ipairs(columns) do
        row[column:lower()] = values.present(result[1][i])
    end
    return row
end

-- The values of `key_column` in the rows that `condition` (SQL with named parameters `params`) selects, sorted.
function M.keys(table_name, key_column, condition, params, failure)
    local result = database.run("SELECT " .. key_column .. " FROM " .. table_name .. " WHERE " .. condition
        .. " ORDER BY " .. key_column, params, failure)
    local keys = {}
    for i = 1, #result do
        keys[i] = result[i][1]
    end
    return keys
end

-- Inserts `row` (lower-case names of `columns` as keys, nil = NULL) and sets `timestamp_column` to now.
function M.insert(table_name, columns, row, timestamp_column, failure)
    local params, placeholders = {}, {}
    for i, column in ipairs(columns) do
        local key = column:lower()
        params[key] = values.sql_value(row[key])
        placeholders[i] = ":" .. key
    end
    local sql = "INSERT INTO " .. table_name .. " (" .. timestamp_column .. ", " .. table.concat(columns, ", ")
        .. ") VALUES (CURRENT_TIMESTAMP, " .. table.concat(placeholders, ", ") .. ")"
    database.run(sql, params, failure)
end

return M
