-- The one-JSON-object arguments of the extension's scripts (SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT,
-- SME_CREATE_ENDPOINT_UDF): decoded, then checked key by key against a table of key specs before anything touches
-- the database, so every mistake is reported by name. A spec is { kind = "string" | "integer" | "number" |
-- "boolean" | "array" | "object" | "integer or string", required = true?, min = n?, max = n? }. `subject` names
-- the argument in messages, e.g. "training parameters".

local cjson = require("cjson")
local errors = require("sme_errors")
local values = require("sme_values")

local M = {}

function M.sorted_names(set)
    local names = {}
    for name in pairs(set) do
        names[#names + 1] = name
    end
    table.sort(names)
    return names
end

function M.contains(list, value)
    for _, item in ipairs(list) do
        if item == value then
            return true
        end
    end
    return false
end

function M.out_of_range(key, message, mitigation)
    errors.raise_error("E-SME-5", string.format("The value of %q %s.", key, message), { mitigation })
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

function M.kind_of(value)
    if type(value) == "table" then
        return table_kind(value)
    elseif type(value) == "number" then
        return math.tointeger(value) and "integer" or "number"
    end
    return type(value)
end

local function fits(kind, value)
    local actual = M.kind_of(value)
    if type(value) == "number" and (value ~= value or value == math.huge or value == -math.huge) then
        return false, actual
    end
    return actual == kind or (kind == "number" and actual == "integer")
        or (kind == "integer or string" and (actual == "integer" or actual == "string"))
        or (actual == "empty array or object" and (kind == "array" or kind == "object")), actual
end

function M.check_kind(key, value, kind)
    local ok, actual = fits(kind, value)
    if not ok then
        errors.raise_error("E-SME-4", string.format("The key %q must be a JSON %s, not %s.", key, kind, actual),
            { "Correct the type of " .. key .. " in the JSON argument." })
    end
end

-- The keys that occur more than once in the outermost object of `json_str` (valid JSON, decoded already). cjson
-- keeps the last of duplicate keys silently, so they are found in the text: a string at depth 1 followed by ':'.
local function duplicate_keys(json_str)
    local seen, duplicates, depth, i = {}, {}, 0, 1
    while i <= #json_str do
        local c = json_str:sub(i, i)
        if c == '"' then
            local j = i + 1
            while json_str:sub(j, j) ~= '"' do
                j = j + (json_str:sub(j, j) == "\\" and 2 or 1)
            end
            if depth == 1 and json_str:find("^%s*:", j + 1) then
                local key = cjson.decode(json_str:sub(i, j))
                if seen[key] then
                    duplicates[key] = true
                end
                seen[key] = true
            end
            i = j
        elseif c == "{" or c == "[" then
            depth = depth + 1
        elseif c == "}" or c == "]" then
            depth = depth - 1
        end
        i = i + 1
    end
    return duplicates
end

-- The decoded JSON object; raises E-SME-1 for anything else and E-SME-3 for a key given twice.
function M.decode(json_str, subject)
    if type(json_str) ~= "string" then
        errors.raise_error("E-SME-1", "The " .. subject .. " must be a JSON string, not " .. type(json_str) .. ".",
            { "Call the script with one string argument holding a JSON object." })
    end
    local ok, decoded = pcall(cjson.decode, json_str)
    if not ok then
        errors.raise_error("E-SME-1", "The " .. subject .. " are not valid JSON: " .. tostring(decoded) .. ".",
            { "Check quotes, commas and brackets of the JSON argument; keys and strings need double quotes." })
    end
    -- Only the text tells an empty object from an empty array.
    if type(decoded) ~= "table" or not json_str:match("^%s*{") then
        local actual = type(decoded) == "table" and "array" or M.kind_of(decoded)
        errors.raise_error("E-SME-1", "The " .. subject .. " must be a JSON object, not " .. actual .. ".",
            { "Pass an object such as {\"key\": \"value\", ...}; the user guide lists the keys." })
    end
    local duplicates = duplicate_keys(json_str)
    if next(duplicates) then
        errors.raise_error("E-SME-3", "Keys given more than once in the " .. subject .. ": "
            .. table.concat(M.sorted_names(duplicates), ", ") .. ".", { "Give every key once." })
    end
    return decoded
end

local function required_keys(specs)
    local required = {}
    for name, spec in pairs(specs) do
        if spec.required then
            required[name] = true
        end
    end
    return M.sorted_names(required)
end

-- Checks which keys are present, unknown (E-SME-3), missing (E-SME-2), mistyped (E-SME-4) or out of range
-- (E-SME-5); returns the present, non-null values.
function M.check_keys(decoded, specs, subject)
    local unknown, missing, given = {}, {}, {}
    for key, value in pairs(decoded) do
        if type(key) ~= "string" or specs[key] == nil then
            unknown[tostring(key)] = true
        elseif not values.is_absent(value) then
            given[key] = value
        end
    end
    if next(unknown) then
        errors.raise_error("E-SME-3", "Unknown keys in the " .. subject .. ": " ..
            table.concat(M.sorted_names(unknown), ", ") .. ".",
            { "Remove or correct them; allowed keys are " .. table.concat(M.sorted_names(specs), ", ") .. "." })
    end
    for _, key in ipairs(required_keys(specs)) do
        if given[key] == nil then
            missing[key] = true
        end
    end
    if next(missing) then
        errors.raise_error("E-SME-2", "Missing required keys in the " .. subject .. ": " ..
            table.concat(M.sorted_names(missing), ", ") .. ".",
            { "Give all required keys: " .. table.concat(required_keys(specs), ", ") .. "." })
    end
    for _, key in ipairs(M.sorted_names(given)) do
        local spec = specs[key]
        M.check_kind(key, given[key], spec.kind)
        if spec.min and (given[key] < spec.min or given[key] > spec.max) then
            M.out_of_range(key, string.format("must be between %d and %d", spec.min, spec.max),
                "Choose a value in the allowed range.")
        end
    end
    return given
end

function M.check_choice(given, key, choices)
    local value = given[key]
    if value ~= nil and not M.contains(choices, value) then
        M.out_of_range(key, "is not one of " .. table.concat(choices, ", "), "Use one of the listed values exactly"
            .. " as written (they are case-sensitive).")
    end
end

return M
