-- The columns of the input table in COLUMN_ORDINAL_POSITION order, and the subset sent to training. The order is
-- fixed once here because the exported CSV, the metadata row and the prediction UDF's arguments must all agree.

local errors = require("sme_errors")
local database = require("sme_database")
local identifiers = require("sme_identifiers")

local M = {}

local COLUMNS_SQL = "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_OBJECT_TYPE FROM SYS.EXA_ALL_COLUMNS"
    .. " WHERE COLUMN_SCHEMA = :schema_name AND COLUMN_TABLE = :table_name ORDER BY COLUMN_ORDINAL_POSITION"

-- The columns keyed by name, for the checks that look columns up by the names a caller gave.
function M.by_name(columns)
    local index = {}
    for _, column in ipairs(columns) do
        index[column.name] = column
    end
    return index
end

-- Returns { {name = ..., type = ..., object_type = "TABLE"|"VIEW"}, ... } of the table or view, or nil when there
-- is none (or it is not visible to the caller).
function M.find(schema, table_name)
    local result = database.run(COLUMNS_SQL, { schema_name = schema, table_name = table_name }, {
        code = "E-SME-18",
        message = "Reading the columns of " .. identifiers.qualified(schema, table_name)
            .. " from SYS.EXA_ALL_COLUMNS failed",
        mitigations = { "Check that you may read SYS.EXA_ALL_COLUMNS." },
    })
    if #result == 0 then
        return nil
    end
    local columns = {}
    for i = 1, #result do
        columns[i] = { name = result[i][1], type = result[i][2], object_type = result[i][3] }
    end
    return columns
end

-- Like M.find, but raises E-SME-10 when there is no such table or view; `keys` names the two JSON keys that gave
-- the schema and the table (default: the training script's input_schema_name, input_table_or_view_name).
function M.read(schema, table_name, keys)
    local columns = M.find(schema, table_name)
    if columns == nil then
        keys = keys or { "input_schema_name", "input_table_or_view_name" }
        errors.raise_error("E-SME-10", "The table or view " .. identifiers.qualified(schema, table_name)
            .. " does not exist or is not visible to you.", {
            "Check " .. keys[1] .. " and " .. keys[2] .. ": unquoted names are converted to upper case,"
                .. " names in double quotes are used exactly.",
            "Make sure you have the SELECT privilege on the table or view.",
        })
    end
    return columns
end

local function missing_column(code, what, name, qualified)
    errors.raise_error(code, string.format("The %s %q is not a column of %s.", what, name, qualified), {
        "Check the spelling: unquoted names are converted to upper case, names in double quotes are used exactly.",
    })
end

-- The named columns (all when `names` is nil), in table order; E-SME-12 names the first that is not a column.
function M.select(columns, names, schema, table_name)
    if names == nil then
        return columns
    end
    local present, wanted, selected = {}, {}, {}
    for _, column in ipairs(columns) do
        present[column.name] = true
    end
    for _, name in ipairs(names) do
        if not present[name] then
            missing_column("E-SME-12", "feature column", name, identifiers.qualified(schema, table_name))
        end
        wanted[name] = true
    end
    for _, column in ipairs(columns) do
        if wanted[column.name] then
            selected[#selected + 1] = column
        end
    end
    return selected
end

-- The columns sent to training, in table order: all columns, or the feature columns plus target and sample
-- weight. Raises E-SME-11 for an unknown target and E-SME-12 for unknown feature or weight columns.
function M.training_columns(columns, options)
    local qualified = identifiers.qualified(options.input_schema_name, options.input_table_or_view_name)
    local by_name = M.by_name(columns)
    if by_name[options.target_attribute_name] == nil then
        missing_column("E-SME-11", "target attribute", options.target_attribute_name, qualified)
    end
    if options.sample_weight_attribute_name ~= nil then
        if by_name[options.sample_weight_attribute_name] == nil then
            missing_column("E-SME-12", "sample weight attribute", options.sample_weight_attribute_name, qualified)
        end
        if options.sample_weight_attribute_name == options.target_attribute_name then
            errors.raise_error("E-SME-12", "The sample weight attribute must differ from the target attribute.",
                { "Choose a separate column holding the weights." })
        end
    end
    if options.feature_columns == nil then
        return columns
    end
    local names = { options.target_attribute_name }
    if options.sample_weight_attribute_name ~= nil then
        names[#names + 1] = options.sample_weight_attribute_name
    end
    for _, name in ipairs(options.feature_columns) do
        names[#names + 1] = name
    end
    return M.select(columns, names, options.input_schema_name, options.input_table_or_view_name)
end

return M
