-- SME_METADATA_AUTOPILOT_ENDPOINTS in the extension schema: one row per endpoint ever deployed, so that deleting an
-- endpoint finds its job, prediction UDF and model connection, and users can list what still costs money.

local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")
local model_connection = require("sme_model_connection")
local rows = require("sme_metadata_rows")
local declarations = require("sme_declarations")

local M = {}

local TABLE = "SME_METADATA_AUTOPILOT_ENDPOINTS"

-- Which columns deploying writes and later scripts read (sme_declarations, from declarations/metadata_tables.py).
local COLUMNS = declarations.METADATA_TABLES[TABLE]

local function table_name()
    return identifiers.qualified(exa.meta.script_schema, TABLE)
end

local function read_failure(endpoint_name)
    return {
        code = "E-SME-18",
        message = endpoint_name and string.format("Reading the metadata of endpoint %q from %s failed",
            endpoint_name, table_name()) or string.format("Reading %s failed", table_name()),
        mitigations = { "Check that the extension is installed in this schema and that you may read " .. TABLE .. "." },
    }
end

-- The endpoint's row with lower-case keys (absent values are nil), or nil for an unknown endpoint.
function M.find(endpoint_name)
    return rows.find(table_name(), "ENDPOINT_NAME", endpoint_name, COLUMNS.read, read_failure(endpoint_name))
end

-- Names of recorded endpoints that differ from `endpoint_name` only in case. SageMaker treats such names as one
-- endpoint (CreateEndpoint is case-insensitive), and the model connection's name is upper-cased, so they would
-- share one connection.
function M.case_variants(endpoint_name)
    return rows.keys(table_name(), "ENDPOINT_NAME", "UPPER(ENDPOINT_NAME) = UPPER(:endpoint_name) AND"
        .. " ENDPOINT_NAME <> :endpoint_name", { endpoint_name = endpoint_name }, read_failure())
end

-- Names of the endpoints the extension deployed from a job and not marked deleted: what the metadata says exists
-- in SageMaker with the extension's tags. Rows without a job (SME_CREATE_ENDPOINT_UDF) name endpoints made
-- elsewhere, untagged, which reconciliation neither sees nor judges.
function M.live_names()
    return rows.keys(table_name(), "ENDPOINT_NAME", "(STATUS IS NULL OR STATUS <> 'deleted') AND JOB_NAME IS NOT NULL",
        {}, read_failure())
end

-- Refuses a name that differs only in case from a recorded endpoint, before anything is created.
function M.check_name_case(endpoint_name)
    local variants = M.case_variants(endpoint_name)
    if #variants > 0 then
        errors.raise_error("E-SME-55", string.format("The endpoint name %q differs only in case from the endpoint %q"
            .. " in SME_METADATA_AUTOPILOT_ENDPOINTS.", endpoint_name, variants[1]), {
            "SageMaker treats endpoint names that differ only in case as the same name, and both would share the"
                .. " model connection " .. model_connection.name(endpoint_name) .. ".",
            string.format("Use the name exactly as before (%q) to replace that endpoint, or choose another name.",
                variants[1]),
        })
    end
end

-- Endpoints whose recorded prediction UDF is "<schema>"."<udf_name>".
function M.using_udf(schema, udf_name)
    return rows.keys(table_name(), "ENDPOINT_NAME", "UDF_SCHEMA_NAME = :schema_name AND UDF_NAME = :udf_name",
        { schema_name = schema, udf_name = udf_name }, read_failure())
end

-- Replaces the endpoint's row by a freshly deployed one; `row` has the lower-case names of the inserted columns
-- as keys.
function M.record_deployment(row, failure)
    database.run("DELETE FROM " .. table_name() .. " WHERE ENDPOINT_NAME = :endpoint_name",
        { endpoint_name = row.endpoint_name }, failure)
    rows.insert(table_name(), COLUMNS.inserted, row, COLUMNS.inserted_at, failure)
end

function M.mark_deleted(endpoint_name, failure)
    database.run("UPDATE " .. table_name() .. " SET STATUS = 'deleted', DELETED_AT = CURRENT_TIMESTAMP"
        .. " WHERE ENDPOINT_NAME = :endpoint_name", { endpoint_name = endpoint_name }, failure)
end

return M
