-- A pure-Lua stand-in for lua-cjson, the JSON module of Exasol's Lua: lua-cjson 2.1.0 before Exasol 8.34 and
-- 2.1.0.10 from 8.34 on (Exasol changelog 24031). The module is loaded with the version to model.
--
-- Why pure Lua: the emulator must behave like the C module in the details scripts depend on, and those details
-- live on the Lua side (which numbers are integers, what a sentinel is, which tables are arrays). The behaviour
-- follows mpx/lua-cjson 2.1.0 and openresty/lua-cjson at tag 2.1.0.10:
--   * 2.1.0 is the original module: encode, decode, null, _NAME, _VERSION and its configuration functions.
--     array_mt, empty_array_mt, empty_array, encode_empty_table_as_object, encode_escape_forward_slash and
--     decode_array_with_array_mt are openresty additions and absent there, so a script using them fails with
--     Lua's "attempt to call a nil value" exactly as on such a database;
--   * decode turns every JSON number into a Lua float (fpconv_strtod + lua_pushnumber); version "2.1.0.14"
--     mimics lua-cjson >= 2.1.0.14, which keeps integers as Lua integers;
--   * encode formats numbers with "%.14g" (integers with "%d" in integer mode), escapes '/' as '\/' and
--     DEL as \u007f, encodes empty tables as {} unless told otherwise, rejects NaN/Infinity and excessively
--     sparse arrays, and reports errors with lua-cjson's own wording;
--   * JSON null decodes to cjson.null, a sentinel userdata that encodes back to null.
-- Deviation: lua-cjson walks tables in lua_next order, which is unspecified; this module sorts object keys so
-- that every encoding is reproducible (any fixed order is one of the orders lua-cjson may produce).

local cjson_null, empty_array, sql_null, version = ...
local integer_numbers = version == "2.1.0.14"
local openresty = version ~= "2.1.0"

local byte, char, find, format, sub = string.byte, string.char, string.find, string.format, string.sub
local concat, sort = table.concat, table.sort
local math_type, tointeger, floor, huge = math.type, math.tointeger, math.floor, math.huge
local type, pairs, ipairs, select, tostring, tonumber, rawget, rawlen, getmetatable, setmetatable, error =
    type, pairs, ipairs, select, tostring, tonumber, rawget, rawlen, getmetatable, setmetatable, error

local array_mt = {}
local empty_array_mt = {}

local config = {
    encode_empty_table_as_object = true,
    decode_array_with_array_mt = false,
    encode_escape_forward_slash = true,
    encode_max_depth = 1000,
    decode_max_depth = 1000,
    sparse_convert = false,
    sparse_ratio = 2,
    sparse_safe = 10,
}

-- encoding -------------------------------------------------------------------------------------------------

local escapes = {}
for code = 0, 31 do
    escapes[char(code)] = format("\\u%04x", code)
end
escapes["\b"], escapes["\t"], escapes["\n"], escapes["\f"], escapes["\r"] = "\\b", "\\t", "\\n", "\\f", "\\r"
escapes['"'], escapes["\\"], escapes["\127"] = '\\"', "\\\\", "\\u007f"

local function encode_string(s)
    local slash = config.encode_escape_forward_slash and "\\/" or "/"
    return '"' .. s:gsub('[%c"\\/\127]', function(c)
        if c == "/" then
            return slash
        end
        return escapes[c]
    end) .. '"'
end

local function type_name(value)
    if value == cjson_null or value == sql_null or value == empty_array then
        return "lightuserdata"
    end
    return type(value)
end

local function encode_error(value, reason)
    error(format("Cannot serialise %s: %s", type_name(value), reason), 0)
end

local function encode_number(n)
    if n ~= n or n == huge or n == -huge then
        encode_error(n, "must not be NaN or Infinity")
    end
    if integer_numbers and math_type(n) == "integer" then
        return format("%d", n)
    end
    return format("%.14g", n)
end

-- lua-cjson's lua_array_length: the array length, or -1 when the table must be encoded as an object.
local function array_length(t)
    local max, items = 0, 0
    for key in pairs(t) do
        if type(key) == "number" and key >= 1 and floor(key) == key then
            if key > max then
                max = key
            end
            items = items + 1
        else
            return -1
        end
    end
    if config.sparse_ratio > 0 and max > items * config.sparse_ratio and max > config.sparse_safe then
        if not config.sparse_convert then
            encode_error(t, "excessively sparse array")
        end
        return -1
    end
    return max
end

local function sorted_keys(t)
    local keys = {}
    for key in pairs(t) do
        local kind = type(key)
        if kind ~= "string" and kind ~= "number" then
            encode_error(key, "table key must be a number or string")
        end
        keys[#keys + 1] = key
    end
    sort(keys, function(a, b)
        local ta, tb = type(a), type(b)
        if ta ~= tb then
            return ta == "number"
        end
        return a < b
    end)
    return keys
end

local encode_value

local function encode_array(t, length, depth, out)
    out[#out + 1] = "["
    for i = 1, length do
        if i > 1 then
            out[#out + 1] = ","
        end
        encode_value(rawget(t, i), depth, out)
    end
    out[#out + 1] = "]"
end

local function encode_object(t, depth, out)
    out[#out + 1] = "{"
    for i, key in ipairs(sorted_keys(t)) do
        if i > 1 then
            out[#out + 1] = ","
        end
        if type(key) == "number" then
            out[#out + 1] = '"' .. encode_number(key) .. '":'
        else
            out[#out + 1] = encode_string(key) .. ":"
        end
        encode_value(rawget(t, key), depth, out)
    end
    out[#out + 1] = "}"
end

local function encode_table(t, depth, out)
    depth = depth + 1
    if depth > config.encode_max_depth then
        error(format("Cannot serialise, excessive nesting (%d)", depth), 0)
    end
    local mt = getmetatable(t)
    if mt == array_mt then
        return encode_array(t, rawlen(t), depth, out)
    end
    local length = array_length(t)
    if length > 0 or (length == 0 and not config.encode_empty_table_as_object) then
        return encode_array(t, length, depth, out)
    end
    if mt == empty_array_mt then
        return encode_array(t, 0, depth, out)
    end
    return encode_object(t, depth, out)
end

encode_value = function(value, depth, out)
    local kind = type(value)
    if kind == "string" then
        out[#out + 1] = encode_string(value)
    elseif kind == "number" then
        out[#out + 1] = encode_number(value)
    elseif kind == "boolean" then
        out[#out + 1] = value and "true" or "false"
    elseif kind == "nil" or value == cjson_null or value == sql_null then
        out[#out + 1] = "null"
    elseif value == empty_array then
        out[#out + 1] = "[]"
    elseif kind == "table" then
        encode_table(value, depth, out)
    else
        encode_error(value, "type not supported")
    end
end

local function encode(...)
    if select("#", ...) ~= 1 then
        error("bad argument #1 to 'encode' (expected 1 argument)", 0)
    end
    local out = {}
    encode_value((...), 0, out)
    return concat(out)
end

-- decoding -------------------------------------------------------------------------------------------------

local parse_value

local function parse_error(expected, found, index)
    error(format("Expected %s but found %s at character %d", expected, found, index), 0)
end

-- A token is (kind, value, index, next_position); kind is a lua-cjson token name or "T_ERROR" with the
-- error text as value. index is 1-based like the character number lua-cjson reports.
local single_char_tokens = {
    ["{"] = "T_OBJ_BEGIN", ["}"] = "T_OBJ_END", ["["] = "T_ARR_BEGIN", ["]"] = "T_ARR_END",
    [","] = "T_COMMA", [":"] = "T_COLON",
}

local function utf8_from_codepoint(cp)
    if cp < 0x80 then
        return char(cp)
    elseif cp < 0x800 then
        return char(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F))
    elseif cp < 0x10000 then
        return char(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
    end
    return char(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
end

local simple_escapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", t = "\t", n = "\n", f = "\f", r = "\r" }

-- Decodes \uXXXX (and a following low surrogate); returns the UTF-8 text and the position after it, or nil.
local function unicode_escape(text, pos)
    local hex = text:match("^%x%x%x%x", pos + 2)
    if not hex then
        return nil
    end
    local cp = tonumber(hex, 16)
    local after = pos + 6
    if cp & 0xF800 == 0xD800 then
        if cp & 0x400 ~= 0 then
            return nil
        end
        local low = text:match("^\\u(%x%x%x%x)", after)
        if not low then
            return nil
        end
        low = tonumber(low, 16)
        if low & 0xFC00 ~= 0xDC00 then
            return nil
        end
        cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000
        after = after + 6
    end
    return utf8_from_codepoint(cp), after
end

local function string_token(text, pos, stop)
    local parts = {}
    local i = pos + 1
    while true do
        local j = find(text, '["\\%z]', i)
        if not j or j > stop then
            return "T_ERROR", "unexpected end of string", stop + 1
        end
        parts[#parts + 1] = sub(text, i, j - 1)
        local c = sub(text, j, j)
        if c == '"' then
            return "T_STRING", concat(parts), pos, j + 1
        elseif c == "\0" then
            return "T_ERROR", "unexpected end of string", j
        end
        local escape = sub(text, j + 1, j + 1)
        if escape == "u" then
            local decoded, after = unicode_escape(text, j)
            if not decoded then
                return "T_ERROR", "invalid unicode escape code", j
            end
            parts[#parts + 1] = decoded
            i = after
        elseif simple_escapes[escape] then
            parts[#parts + 1] = simple_escapes[escape]
            i = j + 2
        else
            return "T_ERROR", "invalid escape code", j
        end
    end
end

-- strtod's grammar as far as JSON text can reach it: decimal, hexadecimal, inf/infinity and nan.
local function number_token(text, pos)
    local lowered = text:sub(pos, pos + 9):lower()
    local sign, word = lowered:match("^([+-]?)(%a+)")
    if word then
        local length = (word:sub(1, 8) == "infinity" and 8) or (word:sub(1, 3) == "inf" and 3)
            or (word:sub(1, 3) == "nan" and 3)
        if not length then
            return "T_ERROR", "invalid number", pos
        end
        local value = word:sub(1, 3) == "nan" and (0.0 / 0.0) or huge
        return "T_NUMBER", sign == "-" and -value or value, pos, pos + #sign + length
    end
    local hex = text:match("^[+-]?0[xX]%x+", pos)
    if hex then
        return "T_NUMBER", tonumber(hex) + 0.0, pos, pos + #hex
    end
    local digits = text:match("^[+-]?%d+%.?%d*", pos) or text:match("^[+-]?%.%d+", pos)
    if not digits then
        return "T_ERROR", "invalid number", pos
    end
    local exponent = text:match("^[eE][+-]?%d+", pos + #digits) or ""
    local literal = digits .. exponent
    local value = tonumber((literal:gsub("^%+", ""):gsub("%.$", "")))
    if not integer_numbers or exponent ~= "" or find(digits, ".", 1, true) then
        value = value + 0.0
    elseif math_type(value) ~= "integer" then
        value = value + 0.0
    end
    return "T_NUMBER", value, pos, pos + #literal
end

local function next_token(text, pos, stop)
    pos = find(text, "[^ \t\n\r]", pos) or stop + 1
    if pos > stop then
        return "T_END", nil, pos, pos
    end
    local c = sub(text, pos, pos)
    local single = single_char_tokens[c]
    if single then
        return single, nil, pos, pos + 1
    elseif c == '"' then
        return string_token(text, pos, stop)
    elseif sub(text, pos, pos + 3) == "null" then
        return "T_NULL", nil, pos, pos + 4
    elseif find(c, "[-+%d]") then
        return number_token(text, pos)
    elseif find(c, "[iInN]") then
        local word = sub(text, pos, pos + 2):lower()
        if word == "inf" or word == "nan" then
            return number_token(text, pos)
        end
    elseif sub(text, pos, pos + 3) == "true" then
        return "T_BOOLEAN", true, pos, pos + 4
    elseif sub(text, pos, pos + 4) == "false" then
        return "T_BOOLEAN", false, pos, pos + 5
    end
    return "T_ERROR", "invalid token", pos
end

local function found_name(kind, value)
    return kind == "T_ERROR" and value or kind
end

local function descend(state, pos)
    state.depth = state.depth + 1
    if state.depth > config.decode_max_depth then
        error(format("Found too many nested data structures (%d) at character %d", state.depth, pos - 1), 0)
    end
end

local function parse_object(state, pos)
    descend(state, pos)
    local result = {}
    local kind, value, index, after = next_token(state.text, pos, state.stop)
    if kind == "T_OBJ_END" then
        state.depth = state.depth - 1
        return result, after
    end
    while true do
        if kind ~= "T_STRING" then
            parse_error("object key string", found_name(kind, value), index)
        end
        local key = value
        kind, value, index, after = next_token(state.text, after, state.stop)
        if kind ~= "T_COLON" then
            parse_error("colon", found_name(kind, value), index)
        end
        kind, value, index, after = next_token(state.text, after, state.stop)
        result[key], after = parse_value(state, kind, value, index, after)
        kind, value, index, after = next_token(state.text, after, state.stop)
        if kind == "T_OBJ_END" then
            state.depth = state.depth - 1
            return result, after
        end
        if kind ~= "T_COMMA" then
            parse_error("comma or object end", found_name(kind, value), index)
        end
        kind, value, index, after = next_token(state.text, after, state.stop)
    end
end

local function parse_array(state, pos)
    descend(state, pos)
    local result = {}
    if config.decode_array_with_array_mt then
        setmetatable(result, array_mt)
    end
    local kind, value, index, after = next_token(state.text, pos, state.stop)
    if kind == "T_ARR_END" then
        state.depth = state.depth - 1
        return result, after
    end
    local i = 1
    while true do
        result[i], after = parse_value(state, kind, value, index, after)
        kind, value, index, after = next_token(state.text, after, state.stop)
        if kind == "T_ARR_END" then
            state.depth = state.depth - 1
            return result, after
        end
        if kind ~= "T_COMMA" then
            parse_error("comma or array end", found_name(kind, value), index)
        end
        kind, value, index, after = next_token(state.text, after, state.stop)
        i = i + 1
    end
end

parse_value = function(state, kind, value, index, after)
    if kind == "T_STRING" or kind == "T_NUMBER" or kind == "T_BOOLEAN" then
        return value, after
    elseif kind == "T_NULL" then
        return cjson_null, after
    elseif kind == "T_OBJ_BEGIN" then
        return parse_object(state, after)
    elseif kind == "T_ARR_BEGIN" then
        return parse_array(state, after)
    end
    parse_error("value", found_name(kind, value), index)
end

local function decode(...)
    if select("#", ...) ~= 1 then
        error("bad argument #1 to 'decode' (expected 1 argument)", 0)
    end
    local text = ...
    if type(text) == "number" then
        text = tostring(text)
    elseif type(text) ~= "string" then
        error(format("bad argument #1 to 'decode' (string expected, got %s)", type_name(text)), 0)
    end
    if #text >= 2 and (byte(text, 1) == 0 or byte(text, 2) == 0) then
        error("JSON parser does not support UTF-16 or UTF-32", 0)
    end
    -- Like the C module, the text ends at the first NUL byte.
    local stop = (find(text, "\0", 1, true) or #text + 1) - 1
    local state = { text = text, stop = stop, depth = 0 }
    local kind, value, index, after = next_token(text, 1, stop)
    local result
    result, after = parse_value(state, kind, value, index, after)
    kind, value, index = next_token(text, after, stop)
    if kind ~= "T_END" then
        parse_error("the end", found_name(kind, value), index)
    end
    return result
end

-- configuration --------------------------------------------------------------------------------------------

local function boolean_option(name)
    return function(setting)
        if setting ~= nil then
            if setting == "on" or setting == "off" then
                setting = setting == "on"
            elseif type(setting) ~= "boolean" then
                error(format("bad argument #1 to '%s' (invalid option '%s')", name, tostring(setting)), 0)
            end
            config[name] = setting
        end
        return config[name]
    end
end

local module = {
    encode = encode,
    decode = decode,
    null = cjson_null,
    _NAME = "cjson",
    _VERSION = version,
}

if openresty then
    module.empty_array = empty_array
    module.array_mt = array_mt
    module.empty_array_mt = empty_array_mt
    module.encode_empty_table_as_object = boolean_option("encode_empty_table_as_object")
    module.encode_escape_forward_slash = boolean_option("encode_escape_forward_slash")
    local set_array_mt = boolean_option("decode_array_with_array_mt")
    -- lua-cjson's decode_array_with_array_mt returns nothing.
    module.decode_array_with_array_mt = function(setting)
        set_array_mt(setting)
    end
end

return module
