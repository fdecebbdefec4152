-- JSON text the extension writes where lua-cjson's output differs between the versions Exasol ships: lua-cjson
-- 2.1.0 (Exasol before 8.34) has no array_mt, so an empty Lua table always becomes {}, and it always escapes '/'
-- as '\/', which is no valid escape in a Python string literal. cjson stays the decoder everywhere and the encoder
-- of plain objects; this module encodes lists marked with array() and strings that must also be Python literals.

local cjson = require("cjson")

local M = {}

local ARRAY = {}

local ESCAPES = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r",
    ["\t"] = "\\t" }

-- A JSON string literal that is also a Python string literal with the same value: only '"', '\' and control
-- characters are escaped (JSON's \" \\ \b \f \n \r \t \uXXXX mean the same in Python); UTF-8 passes through.
function M.string(text)
    return '"' .. text:gsub('[%c"\\]', function(c)
        return ESCAPES[c] or string.format("\\u%04x", c:byte())
    end) .. '"'
end

-- Marks a Lua sequence to be written as a JSON array, also when it is empty.
function M.array(items)
    return setmetatable(items, ARRAY)
end

local encode_value

local function encode_number(n)
    if n ~= n or n == math.huge or n == -math.huge then
        error("JSON cannot express the number " .. tostring(n), 0)
    end
    if math.type(n) == "integer" then
        return string.format("%d", n)
    end
    return string.format("%.17g", n)
end

local function encode_table(t)
    local parts = {}
    if getmetatable(t) == ARRAY then
        for i = 1, #t do
            parts[i] = encode_value(t[i])
        end
        return "[" .. table.concat(parts, ",") .. "]"
    end
    local keys = {}
    for key in pairs(t) do
        if type(key) ~= "string" then
            error("JSON object keys must be strings, not " .. type(key), 0)
        end
        keys[#keys + 1] = key
    end
    table.sort(keys)
    for i, key in ipairs(keys) do
        parts[i] = M.string(key) .. ":" .. encode_value(t[key])
    end
    return "{" .. table.concat(parts, ",") .. "}"
end

encode_value = function(value)
    local kind = type(value)
    if kind == "string" then
        return M.string(value)
    elseif kind == "number" then
        return encode_number(value)
    elseif kind == "boolean" then
        return tostring(value)
    elseif value == nil or value == cjson.null or value == null then
        return "null"
    elseif kind == "table" then
        return encode_table(value)
    end
    error("JSON cannot express a " .. kind .. " value", 0)
end

-- The JSON text of `value`: tables are objects (sorted keys) unless marked with array().
function M.encode(value)
    return encode_value(value)
end

return M
