-- AWS naming rules checked before anything is exported or created, so an invalid name fails fast and cheap.
-- SageMaker's patterns: AutoML job ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$, endpoint ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$
-- (at most 32 / 63 characters), region e.g. eu-central-1, role ARN arn:aws:iam::<12 digits>:role/<name>.

local errors = require("sme_errors")

local M = {}

local function is_sagemaker_name(name, max_length)
    return type(name) == "string" and #name >= 1 and #name <= max_length and not name:find("[^A-Za-z0-9%-]")
        and name:find("^[A-Za-z0-9]") ~= nil and name:find("[A-Za-z0-9]$") ~= nil
end

local function shown(value)
    if type(value) == "string" then
        return string.format("%q", value)
    end
    return tostring(value)
end

function M.check_job_name(name)
    if not is_sagemaker_name(name, 32) then
        errors.raise_error("E-SME-6", "Invalid job name " .. shown(name) .. ".", {
            "Use 1 to 32 letters, digits and hyphens, starting and ending with a letter or digit"
                .. " (SageMaker pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$).",
        })
    end
    return name
end

function M.check_endpoint_name(name)
    if not is_sagemaker_name(name, 63) then
        errors.raise_error("E-SME-32", "Invalid endpoint name " .. shown(name) .. ".", {
            "Use 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit"
                .. " (SageMaker pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$).",
        })
    end
    return name
end

-- Transform jobs (batch scoring) follow the endpoint pattern: at most 63 characters.
function M.check_transform_job_name(name)
    if not is_sagemaker_name(name, 63) then
        errors.raise_error("E-SME-95", "Invalid transform job name " .. shown(name) .. ".", {
            "Give the TRANSFORM_JOB_NAME that SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT returned.",
        })
    end
    return name
end

-- Returns the region or nil when none was given (the UDFs then use the connection's address).
function M.check_region(region)
    if region == nil then
        return nil
    end
    if type(region) ~= "string" or not region:match("^%l%l%-[%l%-]*%l%-%d+$") then
        errors.raise_error("E-SME-50", "Invalid AWS region " .. shown(region) .. ".", {
            "Give a region code such as eu-central-1 or us-east-1, or NULL to use the region of the connection's"
                .. " address.",
        })
    end
    return region
end

function M.is_role_arn(value)
    return type(value) == "string" and value:match("^arn:aws[%w%-]*:iam::%d+:role/[%w+=,.@_/%-]+$") ~= nil
        and #value:match("::(%d+):") == 12 and #value <= 2048
end

return M
