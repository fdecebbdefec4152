-- Arguments of EXECUTE SCRIPT calls (strings, numbers or NULL) and the AWS settings they resolve to. A NULL
-- connection or region falls back to what the job's metadata row remembers, and the assumed role always comes
-- from there, so every call for a job uses the same AWS identity as its training.

local errors = require("sme_errors")
local identifiers = require("sme_identifiers")
local aws_names = require("sme_aws_names")
local values = require("sme_values")

local M = {}

local function invalid(name, expectation)
    errors.raise_error("E-SME-20", string.format("The argument %s must be %s.", name, expectation),
        { "Correct the argument " .. name .. " of the EXECUTE SCRIPT call." })
end

-- The string value of an argument, or nil for NULL.
function M.optional_string(value, name)
    value = values.present(value)
    if value ~= nil and type(value) ~= "string" then
        invalid(name, "a string or NULL")
    end
    return value
end

-- A required string argument.
function M.string(value, name)
    local text = M.optional_string(value, name)
    if text == nil or text == "" then
        invalid(name, "a non-empty string")
    end
    return text
end

-- An integer argument in [min, max].
function M.integer(value, name, min, max)
    local number = values.to_integer(value)
    if number == nil or number < min or number > max then
        invalid(name, string.format("an integer between %d and %d", min, max))
    end
    return number
end

-- { connection, region, assume_role_arn, assume_role_external_id } for the UDF requests.
function M.aws_settings(connection_arg, region_arg, job)
    job = job or {}
    local connection = M.optional_string(connection_arg, "connection_name")
    if connection ~= nil then
        connection = identifiers.normalize(connection, "connection_name")
    else
        connection = job.aws_credentials_connection_name
    end
    if connection == nil then
        errors.raise_error("E-SME-20", "No AWS connection given, and the job's metadata does not name one.",
            { "Pass the name of the AWS credentials connection as connection_name." })
    end
    local region = M.optional_string(region_arg, "aws_region")
    return {
        connection = connection,
        region = aws_names.check_region(region) or job.aws_region,
        assume_role_arn = job.aws_assume_role_arn,
        assume_role_external_id = job.aws_assume_role_external_id,
    }
end

return M
