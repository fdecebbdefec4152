-- The EXPORT of the training columns to S3. Identifiers are quoted by sme_identifiers and the file names are
-- query parameters, so no user value is ever pasted into the statement unescaped.

local identifiers = require("sme_identifiers")

local M = {}

-- Returns the statement and its parameters; `without_header` leaves out the column names line (batch transform
-- reads every line as a record, while Autopilot training needs the header).
function M.statement(columns, schema, table_name, connection, files, without_header)
    local select_list, file_clauses, params = {}, {}, {}
    for i, column in ipairs(columns) do
        select_list[i] = identifiers.quote(column.name)
    end
    for i, file in ipairs(files) do
        file_clauses[i] = "FILE :file_" .. i
        params["file_" .. i] = file
    end
    local sql = "EXPORT (SELECT " .. table.concat(select_list, ", ") .. " FROM "
        .. identifiers.qualified(schema, table_name) .. ") INTO CSV AT " .. identifiers.quote(connection) .. " "
        .. table.concat(file_clauses, " ") .. (without_header and "" or " WITH COLUMN NAMES")
    return sql, params
end

return M
