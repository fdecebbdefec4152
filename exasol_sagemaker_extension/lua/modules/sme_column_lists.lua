-- The COLUMN_NAMES and COLUMN_TYPES cells of SME_METADATA_AUTOPILOT_JOBS. This extension writes JSON arrays
-- (names may contain ';'); rows recorded by the old extension (0.11.x) hold the same lists joined with ';'.
-- Both forms are read, so an upgraded schema keeps its old rows exactly as they were and they still deploy.

local cjson = require("cjson")
local json = require("sme_json")

local M = {}

-- The JSON array text this extension stores for a list of strings.
function M.encode(list)
    return json.encode(json.array({ table.unpack(list) }))
end

local function json_strings(text)
    local ok, list = pcall(cjson.decode, text)
    if not ok or type(list) ~= "table" then
        return nil
    end
    for i = 1, #list do
        if type(list[i]) ~= "string" then
            return nil
        end
    end
    return list
end

-- The old extension's form: the items joined with ';' (it skipped empty items when reading them back).
local function semicolon_joined(text)
    local list = {}
    for item in text:gmatch("[^;]+") do
        list[#list + 1] = item
    end
    return list
end

-- The list of strings in either form, or nil for a missing cell.
function M.decode(text)
    if type(text) ~= "string" then
        return nil
    end
    if text:match("^%s*%[") then
        local list = json_strings(text)
        if list ~= nil then
            return list
        end
    end
    return semicolon_joined(text)
end

return M
