-- Where a generated prediction UDF goes: its schema must exist, it runs in the language alias of the installed
-- control-plane UDFs (so in the same container), and an existing script of the same name is found before it would
-- be replaced. Checked before anything is created.

local errors = require("sme_errors")
local database = require("sme_database")
local values = require("sme_values")

local M = {}

local READ_SCRIPTS = {
    code = "E-SME-18",
    message = "Reading SYS.EXA_ALL_SCRIPTS failed",
    mitigations = { "Check that you may read SYS.EXA_ALL_SCRIPTS." },
}

function M.check_schema_exists(schema)
    local result = database.run("SELECT SCHEMA_NAME FROM SYS.EXA_SCHEMAS WHERE SCHEMA_NAME = :schema_name",
        { schema_name = schema }, {
            code = "E-SME-18",
            message = "Reading SYS.EXA_SCHEMAS failed",
            mitigations = { "Check that you may read SYS.EXA_SCHEMAS." },
        })
    if #result == 0 then
        errors.raise_error("E-SME-33", string.format("The schema %q for the prediction UDF does not exist.", schema), {
            "Create the schema first, or name an existing one (unquoted names are converted to upper case).",
        })
    end
end

-- The script language alias of the installed UDF `udf_name` in the extension schema.
function M.language(udf_name)
    local result = database.run("SELECT SCRIPT_LANGUAGE FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = :schema_name"
        .. " AND SCRIPT_NAME = :script_name", { schema_name = exa.meta.script_schema, script_name = udf_name },
        READ_SCRIPTS)
    local language = #result > 0 and values.present(result[1][1]) or nil
    if type(language) ~= "string" or not language:match("^[A-Za-z][A-Za-z0-9_]*$") then
        errors.raise_error("E-SME-38", string.format("%s is not installed in schema %q.", udf_name,
            exa.meta.script_schema), { "Install the extension with sme-deploy." })
    end
    return language
end

-- The text of the script "<schema>"."<name>" (SCRIPT_TEXT), or nil when there is none.
function M.script_text(schema, name)
    local result = database.run("SELECT SCRIPT_TEXT FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = :schema_name"
        .. " AND SCRIPT_NAME = :script_name", { schema_name = schema, script_name = name }, READ_SCRIPTS)
    if #result == 0 then
        return nil
    end
    return tostring(values.present(result[1][1]) or "")
end

return M
