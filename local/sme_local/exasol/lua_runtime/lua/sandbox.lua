-- Turns a fresh Lua 5.4 state into Exasol's scripting environment and returns the function that runs one script.
--
-- Why this is Lua and not Python: exit(), the limits and the result tables must work from inside pcall, inside
-- coroutines and on tables the script built itself; all of that is only reachable from the Lua side. Python
-- supplies the host functions (statements, output, clock) and receives results through them, so no Lua value
-- ever has to be interpreted by Python except scalars and the sentinel objects Python created.
--
-- Sandbox: no io, no debug, no file loading, no binary chunks, no os beyond time/date/clock/difftime, no plain
-- utf8 (Exasol documents unicode.utf8), no lupa bridge. The private references below are upvalues, which scripts
-- cannot reach without the debug library. local/sme_local/exasol/README.md lists the sources of this surface.

local host = ...

local SQL_NULL, CJSON_NULL, EMPTY_ARRAY = host.sql_null, host.cjson_null, host.empty_array
local raw_pcall, raw_xpcall, raw_error, raw_load = pcall, xpcall, error, load
local sethook, getinfo = debug.sethook, debug.getinfo
local co_create, co_resume = coroutine.create, coroutine.resume
local pack, unpack, concat = table.pack, table.unpack, table.concat
local type, select, tostring, tonumber, pairs, ipairs = type, select, tostring, tonumber, pairs, ipairs
local setmetatable, getmetatable, rawget, rawlen = setmetatable, getmetatable, rawget, rawlen
local math_type, tointeger, floor, utf8_len, format = math.type, math.tointeger, math.floor, utf8.len, string.format

-- The userdata metatable lupa gives to Python objects (our sentinels) must not be reachable from scripts.
getmetatable(SQL_NULL).__metatable = false

-- control flow that scripts must not be able to catch -----------------------------------------------------------

local EXIT = setmetatable({}, { __tostring = function() return "exit" end })
local LIMIT = setmetatable({}, { __tostring = function() return "script limit exceeded" end })
-- ABORT ends the script because the host recorded a failure (a fault of the core, or an invalid result).
local ABORT = setmetatable({}, { __tostring = function() return "aborted by the host" end })
local uncatchable = { [EXIT] = true, [LIMIT] = true, [ABORT] = true }

local function rethrow_uncatchable(ok, ...)
    if not ok and uncatchable[(...)] then
        raw_error((...), 0)
    end
    return ok, ...
end

local executed, limit_reason = 0, nil
local step, budget = host.hook_step, host.max_instructions

local function count_hook()
    if limit_reason == nil then
        executed = executed + step
        if executed > budget then
            limit_reason = "instructions"
        elseif host.time_is_up() then
            limit_reason = "time"
        end
    end
    if limit_reason ~= nil then
        raw_error(LIMIT, 0)
    end
end

pcall = function(f, ...)
    return rethrow_uncatchable(raw_pcall(f, ...))
end

xpcall = function(f, handler, ...)
    local function guarded_handler(e)
        if uncatchable[e] then
            return e
        end
        return handler(e)
    end
    return rethrow_uncatchable(raw_xpcall(f, guarded_handler, ...))
end

local function create_counted(f)
    local co = co_create(f)
    sethook(co, count_hook, "", step)
    return co
end

local function resume_guarded(co, ...)
    return rethrow_uncatchable(co_resume(co, ...))
end

coroutine.create, coroutine.resume = create_counted, resume_guarded

coroutine.wrap = function(f)
    local co = create_counted(f)
    return function(...)
        local results = pack(resume_guarded(co, ...))
        if not results[1] then
            raw_error(results[2], 0)
        end
        return unpack(results, 2, results.n)
    end
end

load = function(...)
    local chunk, chunkname, _, env = ...
    if select("#", ...) >= 4 then
        return raw_load(chunk, chunkname, "t", env)
    end
    return raw_load(chunk, chunkname, "t")
end

-- library surface ------------------------------------------------------------------------------------------

local cjson_loader = raw_load(host.cjson_source, "=cjson", "t")
local cjson = cjson_loader(CJSON_NULL, EMPTY_ARRAY, SQL_NULL, host.cjson_version)

local unicode_utf8 = raw_load(host.unicode_utf8_source, "=unicode.utf8", "t")(utf8, host.upper, host.lower)

local keep_os = { time = os.time, date = os.date, clock = os.clock, difftime = os.difftime }
os = keep_os
io, debug, dofile, loadfile, print, python, utf8 = nil, nil, nil, nil, nil, nil, nil
unicode = { utf8 = unicode_utf8 }

local preload_searcher = package.searchers[1]
package.searchers = { preload_searcher }
package.path, package.cpath, package.loadlib = "", "", nil
for name in pairs(package.loaded) do
    if _G[name] == nil and name ~= "_G" then
        package.loaded[name] = nil
    end
end
package.loaded.os, package.loaded.io, package.loaded.debug = keep_os, nil, nil
package.preload.cjson = function()
    return cjson
end

null, NULL = SQL_NULL, SQL_NULL

-- decimal(v [, precision [, scale]]): the emulator represents DECIMAL as Lua numbers (integers for scale 0)
-- instead of Exasol's decimal userdata; the value is rounded to the scale and checked against the precision.
function decimal(value, precision, scale)
    precision, scale = precision or 18, scale or 0
    if tointeger(precision) == nil or precision < 1 or precision > 36 then
        raw_error("decimal: precision must be an integer between 1 and 36", 2)
    end
    if tointeger(scale) == nil or scale < 0 or scale > precision then
        raw_error("decimal: scale must be an integer between 0 and the precision", 2)
    end
    local number = tonumber(value)
    if number == nil or number ~= number or number == math.huge or number == -math.huge then
        raw_error("decimal: cannot convert " .. tostring(value) .. " to a decimal", 2)
    end
    local factor = 10 ^ scale
    local magnitude = floor(math.abs(number) * factor + 0.5) / factor
    local rounded = number < 0 and -magnitude or magnitude
    if math.abs(rounded) >= 10 ^ (precision - scale) then
        raw_error(format("decimal: %s does not fit into DECIMAL(%d,%d)", tostring(value), precision, scale), 2)
    end
    if scale == 0 then
        return tointeger(rounded) or rounded
    end
    return rounded
end

exa = { meta = host.meta }

-- statements -----------------------------------------------------------------------------------------------

local query_columns = setmetatable({}, { __mode = "k" })
local last_failure = nil

local function make_result_set(columns, rows, statement_text)
    local position = {}
    for j, column in ipairs(columns) do
        position[column[1]] = j
    end
    local row_mt = {
        __index = function(row, key)
            local j = position[key]
            if j ~= nil then
                return rawget(row, j)
            end
        end,
    }
    for i = 1, #rows do
        setmetatable(rows[i], row_mt)
    end
    rows.statement_text = statement_text
    query_columns[rows] = columns
    return rows
end

local function run_statement(caller, sql, params)
    if type(sql) ~= "string" then
        raw_error(format("bad argument #1 to '%s' (string expected, got %s)", caller, type(sql)), 3)
    end
    if params ~= nil and type(params) ~= "table" then
        raw_error(format("bad argument #2 to '%s' (table expected, got %s)", caller, type(params)), 3)
    end
    if utf8_len(sql) == nil then
        raw_error(caller .. ": the statement text is not valid UTF-8", 3)
    end
    local outcome, a, b, statement_text = host.query(sql, params)
    if outcome == "rows" then
        return true, make_result_set(a, b, statement_text)
    elseif outcome == "count" then
        return true, { rows_affected = a, statement_text = statement_text }
    elseif outcome == "failed" then
        return false, { error_code = a, error_message = b, statement_text = statement_text }
    elseif outcome == "abort" then
        raw_error(ABORT, 0)
    end
    raw_error(caller .. ": " .. a, 3)
end

function pquery(sql, params)
    return run_statement("pquery", sql, params)
end

function query(sql, params)
    local ok, result = run_statement("query", sql, params)
    if not ok then
        last_failure = result
        raw_error(result.error_message, 0)
    end
    return result
end

function output(text)
    if type(text) == "number" then
        text = tostring(text)
    elseif type(text) ~= "string" then
        raw_error(format("bad argument #1 to 'output' (string expected, got %s)", type(text)), 2)
    end
    if utf8_len(text) == nil then
        raw_error("output: the text is not valid UTF-8", 2)
    end
    host.output(text)
end

local exit_values = nil

function exit(...)
    exit_values = pack(...)
    raw_error(EXIT, 0)
end

-- results --------------------------------------------------------------------------------------------------

local function cell(value, i, j)
    if value == SQL_NULL then
        return nil
    end
    local kind = type(value)
    if kind == "string" then
        if utf8_len(value) == nil then
            raw_error(format("result row %d, column %d: the string is not valid UTF-8", i, j), 0)
        end
        return value
    elseif kind == "nil" or kind == "number" or kind == "boolean" then
        return value
    end
    raw_error(format("result row %d, column %d: a %s value cannot be returned", i, j, kind), 0)
end

local function deliver_rows(rows, column_count)
    for i = 1, #rows do
        local row = rows[i]
        if type(row) ~= "table" then
            raw_error(format("result row %d is a %s, not a table", i, type(row)), 0)
        end
        if rawlen(row) > column_count then
            raw_error(format("result row %d has %d values for %d columns", i, rawlen(row), column_count), 0)
        end
        local values = {}
        for j = 1, column_count do
            values[j] = cell(row[j], i, j)
        end
        if not host.add_row(unpack(values, 1, column_count)) then
            raw_error(ABORT, 0)
        end
    end
end

local function deliver(values)
    local result, column_definitions = values[1], values[2]
    if result == nil then
        return host.set_row_count(0)
    end
    if type(result) == "number" then
        if tointeger(result) == nil or result < 0 then
            raw_error("the row count of a script must be a non-negative integer", 0)
        end
        return host.set_row_count(tointeger(result))
    end
    if type(result) ~= "table" then
        raw_error("a script result must be a table or a row count, not a " .. type(result), 0)
    end
    if column_definitions ~= nil then
        if type(column_definitions) ~= "string" then
            raw_error("the column definitions of a result table must be a string", 0)
        end
        local column_count = host.declare_columns(column_definitions)
        if column_count == nil then
            raw_error(ABORT, 0)
        end
        return deliver_rows(result, column_count)
    end
    local columns = query_columns[result]
    if columns ~= nil then
        for _, column in ipairs(columns) do
            host.add_column(column[1], column[2])
        end
        return deliver_rows(result, #columns)
    end
    if result.rows_affected ~= nil then
        return host.set_row_count(result.rows_affected)
    end
    raw_error("a Lua table returned by a script needs column definitions, e.g. exit(t, \"a INT\")", 0)
end

-- running one script ---------------------------------------------------------------------------------------

-- Python receives every string as UTF-8; an invalid byte in an error message is shown as U+FFFD.
local function valid_utf8(text)
    while true do
        local length, bad = utf8_len(text)
        if length ~= nil then
            return text
        end
        text = text:sub(1, bad - 1) .. "\u{FFFD}" .. text:sub(bad + 1)
    end
end

local function error_text(e)
    if type(e) == "string" or type(e) == "number" or type(e) == "userdata" then
        return tostring(e)
    end
    local mt = getmetatable(e)
    if type(mt) == "table" and mt.__tostring ~= nil then
        return tostring(e)
    end
    return format("(error object is a %s value)", type(e))
end

return function(source, chunkname)
    local main, syntax_error = raw_load(source, "=" .. chunkname, "t")
    if main == nil then
        return "syntax", valid_utf8(syntax_error)
    end
    local error_line = nil
    local function locate(e)
        if uncatchable[e] then
            return e
        end
        for level = 2, 100 do
            local info = getinfo(level, "Sl")
            if info == nil then
                break
            end
            if info.source == "=" .. chunkname and info.currentline > 0 then
                error_line = info.currentline
                break
            end
        end
        return e
    end
    sethook(count_hook, "", step)
    local results = pack(raw_xpcall(main, locate))
    local ok, e = results[1], results[2]
    if ok then
        results = pack(unpack(results, 2, results.n))
    elseif e == EXIT then
        ok, results = true, exit_values
    end
    if ok and not host.with_output then
        ok, e = raw_pcall(deliver, results)
    end
    sethook()
    if ok then
        return "ok"
    elseif e == LIMIT then
        return "limit", limit_reason
    elseif e == ABORT then
        return "abort"
    end
    local message = error_text(e)
    local prefix = chunkname .. ":"
    if message:sub(1, #prefix) == prefix and message:find("^%d+: ", #prefix + 1) then
        message = message:sub(#prefix + 1):gsub("^%d+: ", "", 1)
    end
    local sql_code = nil
    if last_failure ~= nil and e == last_failure.error_message then
        sql_code = last_failure.error_code
    end
    return "error", valid_utf8(message), error_line, sql_code
end
