-- SME_METADATA_EVALUATIONS in the extension schema: every stored evaluation run as one row per metric row, so
-- that models can be compared over time in plain SQL (WHERE METRIC = 'ROC_AUC' ORDER BY EVALUATED_AT). The
-- metric rows are inserted by the database from the evaluation's own statement, never row by row from Lua.

local database = require("sme_database")
local identifiers = require("sme_identifiers")
local values = require("sme_values")
local declarations = require("sme_declarations")

local M = {}

local TABLE = "SME_METADATA_EVALUATIONS"

-- sme_declarations, from declarations/metadata_tables.py: the run's columns (`inserted`), each filled from the
-- query parameter of its name in lower case, and the metric columns filled from the evaluation's statement.
local COLUMNS = declarations.METADATA_TABLES[TABLE]
local METRIC_COLUMNS, METRIC_SOURCES = {}, {}
for i, column in ipairs(COLUMNS.from_query) do
    METRIC_COLUMNS[i], METRIC_SOURCES[i] = column.column, column.source
end

-- A run is one statement of one session, which identifies it uniquely in the database.
local function run_id()
    return tostring(exa.meta.session_id) .. "-" .. tostring(exa.meta.statement_id)
end

-- Inserts the rows of `metrics_sql` (run with `params`) for the run described by `run` (lower-case names of the
-- run's columns as keys); returns the run id.
function M.record(metrics_sql, params, run)
    local all = {}
    for name, value in pairs(params) do
        all[name] = value
    end
    run.run_id, run.script_user = run_id(), exa.meta.current_user
    local placeholders = {}
    for i, column in ipairs(COLUMNS.inserted) do
        local key = "run_" .. column:lower()
        all[key] = values.sql_value(run[column:lower()])
        placeholders[i] = ":" .. key
    end
    local target = identifiers.qualified(exa.meta.script_schema, TABLE)
    database.run("INSERT INTO " .. target .. " (" .. COLUMNS.inserted_at .. ", "
        .. table.concat(COLUMNS.inserted, ", ") .. ", " .. table.concat(METRIC_COLUMNS, ", ")
        .. ") SELECT CURRENT_TIMESTAMP, " .. table.concat(placeholders, ", ") .. ", "
        .. table.concat(METRIC_SOURCES, ", ") .. " FROM (" .. metrics_sql .. ") METRICS", all, {
            code = "E-SME-85",
            message = "Storing the evaluation in " .. target .. " failed",
            mitigations = { "Check that the extension is installed in this schema (sme-deploy creates " .. TABLE
                .. ") and that you may insert into it; or leave store_in_history out." },
        })
    return run.run_id
end

return M
