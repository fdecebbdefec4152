-- SME_METADATA_AUTOPILOT_JOBS in the extension schema: one row per training job. Later scripts read the AWS
-- settings of a job from it (connection, region, assumed role) so users need not repeat them.

local database = require("sme_database")
local identifiers = require("sme_identifiers")
local rows = require("sme_metadata_rows")
local values = require("sme_values")
local declarations = require("sme_declarations")

local M = {}

local TABLE = "SME_METADATA_AUTOPILOT_JOBS"

-- Which columns training writes and later scripts read (sme_declarations, from declarations/metadata_tables.py).
local COLUMNS = declarations.METADATA_TABLES[TABLE]

-- The stored part of a job's state (sme_declarations, from declarations/job_status.py).
local STATUS_COLUMNS = {}
for _, column in ipairs(declarations.JOB_STATUS_COLUMNS) do
    if column.stored then
        STATUS_COLUMNS[#STATUS_COLUMNS + 1] = column.name
    end
end

local function table_name()
    return identifiers.qualified(exa.meta.script_schema, TABLE)
end

local function read_failure(job_name)
    return {
        code = "E-SME-18",
        message = job_name and string.format("Reading the metadata of job %q from %s failed", job_name,
            table_name()) or string.format("Reading %s failed", table_name()),
        mitigations = { "Check that the extension is installed in this schema and that you may read " .. TABLE .. "." },
        grants = { "SELECT ON " .. table_name() },
    }
end

-- The job's row as a table with lower-case keys (absent values are nil), or nil for an unknown job.
function M.find(job_name)
    return rows.find(table_name(), "JOB_NAME", job_name, COLUMNS.read, read_failure(job_name))
end

-- Names of every recorded job.
function M.names()
    return rows.keys(table_name(), "JOB_NAME", "JOB_NAME IS NOT NULL", {}, read_failure())
end

-- Inserts a new job row; `row` has the lower-case names of the inserted columns as keys (nil = NULL).
function M.insert(row, failure)
    rows.insert(table_name(), COLUMNS.inserted, row, COLUMNS.inserted_at, failure)
end

-- Stores the latest status of a job; `status` has the lower-case names of STATUS_COLUMNS as keys.
function M.update_status(job_name, status, failure)
    local params, assignments = { job_name = job_name }, {}
    for i, column in ipairs(STATUS_COLUMNS) do
        local key = column:lower()
        params[key] = values.sql_value(status[key])
        assignments[i] = column .. " = :" .. key
    end
    local sql = "UPDATE " .. table_name() .. " SET " .. table.concat(assignments, ", ")
        .. ", LAST_POLLED = CURRENT_TIMESTAMP WHERE JOB_NAME = :job_name"
    database.run(sql, params, failure)
end

return M
