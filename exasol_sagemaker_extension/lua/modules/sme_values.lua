-- Reading values that come from SQL results or decoded JSON without assuming how the database represents them.
-- Real Exasol hands DECIMAL values to Lua as decimal userdata and lua-cjson 2.1.0.10 decodes every JSON number
-- as a float, while the emulator uses Lua numbers; these helpers give the same answer for all of them.

local cjson = require("cjson")

local M = {}

-- True for Lua nil, SQL NULL and JSON null.
function M.is_absent(value)
    return value == nil or value == null or value == cjson.null
end

-- The value itself, or nil when it is absent.
function M.present(value)
    if M.is_absent(value) then
        return nil
    end
    return value
end

-- A Lua number for numbers and decimal userdata; nil for anything else.
function M.to_number(value)
    if type(value) == "number" then
        return value
    end
    if M.is_absent(value) or type(value) == "string" or type(value) == "boolean" then
        return nil
    end
    return tonumber(tostring(value))
end

-- A Lua integer when the value is a whole number (3, 3.0 or DECIMAL 3), else nil.
function M.to_integer(value)
    local number = M.to_number(value)
    if number == nil then
        return nil
    end
    return math.tointeger(number)
end

-- JSON null for absent values, so that cjson.encode writes the key instead of dropping it.
function M.json_value(value)
    if M.is_absent(value) then
        return cjson.null
    end
    return value
end

-- A value for a query parameter: SQL NULL for absent values.
function M.sql_value(value)
    if M.is_absent(value) then
        return null
    end
    return value
end

return M
