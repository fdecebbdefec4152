-- The one JSON-object argument of the scripts that take one (training, continuous scoring): decoded with cjson,
-- then checked key by key against a table of key specifications, so every script reports unknown, missing and
-- mistyped keys by name, in the same words, before it touches the database.
--
-- A key specification is { kind = "string"|"integer"|"number"|"array"|"object", required = bool, min, max }.

local cjson = require("cjson")
local errors = require("sme_errors")
local values = require("sme_values")

local M = {}

local function sorted_names(set)
    local names = {}
    for name in pairs(set) do
        names[#names + 1] = name
    end
    table.sort(names)
    return names
end

local function required_keys(keys)
    local required = {}
    for name, spec in pairs(keys) do
        if spec.required then
            required[name] = true
        end
    end
    return sorted_names(required)
end

-- lua-cjson 2.1.0 (Exasol before 8.34) decodes arrays and objects into plain tables and has no array_mt to tell
-- them apart, so the keys decide: JSON object keys are always strings, array indexes always integers. An empty
-- table may have been either and fits both kinds.
local function table_kind(value)
    if next(value) == nil then
        return "empty array or object"
    end
    for key in pairs(value) do
        if type(key) ~= "number" then
            return "object"
        end
    end
    return "array"
end

local function kind_of(value)
    if type(value) == "table" then
        return table_kind(value)
    elseif type(value) == "number" then
        return math.tointeger(value) and "integer" or "number"
    end
    return type(value)
end

local function check_kind(key, value, kind)
    local actual = kind_of(value)
    local fits = actual == kind or (kind == "number" and actual == "integer")
        or (actual == "empty array or object" and (kind == "array" or kind == "object"))
    if fits and type(value) == "number" and (value ~= value or value == math.huge or value == -math.huge) then
        fits = false
    end
    if not fits then
        errors.raise_error("E-SME-4", string.format("The key %q must be a JSON %s, not %s.", key, kind, actual),
            { "Correct the type of " .. key .. " in the JSON argument." })
    end
end

local function decode(json_str, what, example_key)
    if type(json_str) ~= "string" then
        errors.raise_error("E-SME-1", "The " .. what .. " must be a JSON string, not " .. type(json_str) .. ".",
            { "Call the script with one string argument holding a JSON object." })
    end
    local ok, decoded = pcall(cjson.decode, json_str)
    if not ok then
        errors.raise_error("E-SME-1", "The " .. what .. " are not valid JSON: " .. tostring(decoded) .. ".",
            { "Check quotes, commas and brackets of the JSON argument; keys and strings need double quotes." })
    end
    -- Only the text tells an empty object from an empty array.
    if type(decoded) ~= "table" or not json_str:match("^%s*{") then
        local actual = type(decoded) == "table" and "array" or kind_of(decoded)
        errors.raise_error("E-SME-1", "The " .. what .. " must be a JSON object, not " .. actual .. ".",
            { "Pass an object such as {\"" .. example_key .. "\": \"...\", ...}." })
    end
    return decoded
end

-- The present, non-null values of the JSON object `json_str`, checked against `keys`; `what` names the argument
-- in messages ("training parameters"), `example_key` is a key shown in the example of a valid argument.
-- Raises E-SME-1 (not a JSON object), E-SME-2 (missing keys), E-SME-3 (unknown keys), E-SME-4 (wrong JSON type)
-- and E-SME-5 (integer out of range).
function M.parse(json_str, keys, what, example_key)
    local decoded = decode(json_str, what, example_key)
    local unknown, missing, given = {}, {}, {}
    for key, value in pairs(decoded) do
        if type(key) ~= "string" or keys[key] == nil then
            unknown[tostring(key)] = true
        elseif not values.is_absent(value) then
            given[key] = value
        end
    end
    if next(unknown) then
        errors.raise_error("E-SME-3", "Unknown keys in the " .. what .. ": " ..
            table.concat(sorted_names(unknown), ", ") .. ".",
            { "Remove or correct them; allowed keys are " .. table.concat(sorted_names(keys), ", ") .. "." })
    end
    for _, key in ipairs(required_keys(keys)) do
        if given[key] == nil then
            missing[key] = true
        end
    end
    if next(missing) then
        errors.raise_error("E-SME-2", "Missing required keys in the " .. what .. ": " ..
            table.concat(sorted_names(missing), ", ") .. ".",
            { "Give all required keys: " .. table.concat(required_keys(keys), ", ") .. "." })
    end
    for _, key in ipairs(sorted_names(given)) do
        local spec = keys[key]
        check_kind(key, given[key], spec.kind)
        if spec.min and (given[key] < spec.min or given[key] > spec.max) then
            errors.raise_error("E-SME-5", string.format("The value of %q must be between %d and %d.", key, spec.min,
                spec.max), { "Choose a value in the allowed range." })
        end
    end
    return given
end

return M
