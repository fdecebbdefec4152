-- The JSON argument of SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT: parsed, checked key by key (sme_json_options) and
-- normalised before anything touches the database, so every mistake is reported by name and nothing is exported
-- in vain.

local cjson = require("cjson")
local errors = require("sme_errors")
local identifiers = require("sme_identifiers")
local aws_names = require("sme_aws_names")
local options = require("sme_json_options")
local text = require("sme_text")
local declarations = require("sme_declarations")

local M = {}

-- Keys, choices and objective metrics per problem type are declared once in Python (exasol_sagemaker_extension/
-- declarations); autopilot/training.py checks the same lists again before calling AWS.
local PROBLEM_TYPES = declarations.PROBLEM_TYPES
local OBJECTIVES = declarations.OBJECTIVES
M.OBJECTIVES = OBJECTIVES
local MODES = declarations.MODES

-- kinds as in sme_json_options
local KEYS = {}
local DEFAULTS = {}
for _, declared in ipairs(declarations.TRAINING_OPTIONS) do
    KEYS[declared.name] = { kind = declared.kind, required = declared.required, min = declared.minimum,
        max = declared.maximum }
    DEFAULTS[declared.name] = declared.default
end

-- The old extension took the objective as the JSON text of AWS's AutoMLJobObjective, "{\"MetricName\":\"F1\"}";
-- its metric name is then checked like a plain one (anything else stays as given and is refused by name).
local function metric_name(objective)
    if objective == nil or not objective:match("^%s*{") then
        return objective
    end
    local ok, decoded = pcall(cjson.decode, objective)
    if ok and type(decoded) == "table" and type(decoded.MetricName) == "string" then
        return decoded.MetricName
    end
    return objective
end

local function check_objective(given)
    local all, seen = {}, {}
    for _, problem_type in ipairs(PROBLEM_TYPES) do
        for _, objective in ipairs(OBJECTIVES[problem_type]) do
            if not seen[objective] then
                seen[objective], all[#all + 1] = true, objective
            end
        end
    end
    table.sort(all)
    options.check_choice(given, "objective", all)
    local objective, problem_type = given.objective, given.problem_type
    if objective and problem_type and not options.contains(OBJECTIVES[problem_type], objective) then
        options.out_of_range("objective", "does not suit the problem type " .. problem_type,
            problem_type .. " uses " .. table.concat(OBJECTIVES[problem_type], ", ") .. ".")
    end
end

local function bucket_of(uri)
    local bucket = uri:match("^s3://([a-z0-9][a-z0-9.%-]*[a-z0-9])/?$")
    if bucket == nil or #bucket < 3 or #bucket > 63 then
        errors.raise_error("E-SME-8", string.format("Invalid s3_bucket_uri %q.", uri),
            { "Give the bucket as s3://<bucket-name>, e.g. s3://my-bucket; the path inside it goes into"
                .. " s3_output_path." })
    end
    return bucket
end

local function output_path_of(path)
    local trimmed = path:gsub("^/+", ""):gsub("/+$", "")
    local problem = (trimmed == "" and "is empty")
        or (trimmed:find("://", 1, true) and "contains a URI scheme")
        or (trimmed:find("[%c\\]") and "contains a control character or backslash")
        or (trimmed:find("//", 1, true) and "contains an empty path segment")
        or ((("/" .. trimmed .. "/"):find("/%.%.?/")) and "contains a . or .. segment")
    if problem then
        errors.raise_error("E-SME-9", string.format("Invalid s3_output_path %q: it %s.", path, problem),
            { "Give a path inside the bucket without the bucket and scheme, e.g. sagemaker/churn." })
    end
    return trimmed
end

local function check_roles(given)
    if not aws_names.is_role_arn(given.iam_sagemaker_role) then
        options.out_of_range("iam_sagemaker_role", "is not an IAM role ARN",
            "Give the ARN of the SageMaker execution role, e.g. arn:aws:iam::123456789012:role/SageMakerRole.")
    end
    if given.aws_assume_role_arn and not aws_names.is_role_arn(given.aws_assume_role_arn) then
        options.out_of_range("aws_assume_role_arn", "is not an IAM role ARN",
            "Give the ARN of the role to assume, e.g. arn:aws:iam::123456789012:role/Analyst.")
    end
    local external_id = given.aws_assume_role_external_id
    if external_id then
        if not given.aws_assume_role_arn then
            options.out_of_range("aws_assume_role_external_id", "needs aws_assume_role_arn",
                "Give aws_assume_role_arn too, or remove the external id.")
        end
        if #external_id < 2 or #external_id > 1224 or external_id:find("[^%w+=,.@:/%-]") then
            options.out_of_range("aws_assume_role_external_id", "is not a valid external id",
                "Use 2 to 1224 characters from letters, digits and +=,.@:/-.")
        end
    end
end

-- AWS's tag rules (sme_declarations, from declarations/tags.py); characters beyond ASCII are checked by the UDF.
local TAGS = declarations.TAGS

local function is_valid_tag_text(given, max_length, min_length)
    local length = text.length(given)
    return length ~= nil and length >= min_length and length <= max_length
        and not given:gsub("[\128-\255]", ""):find(TAGS.disallowed_ascii)
end

local function has_reserved_prefix(key)
    for _, prefix in ipairs(TAGS.reserved_key_prefixes) do
        if key:sub(1, #prefix):lower() == prefix then
            return true
        end
    end
    return false
end

local function check_tags(tags)
    if tags == nil then
        return nil
    end
    local count = 0
    for key, value in pairs(tags) do
        count = count + 1
        if type(value) ~= "string" then
            errors.raise_error("E-SME-4", string.format("The tag %q must have a string value.", key),
                { "Write tag values as JSON strings." })
        end
        if not is_valid_tag_text(key, TAGS.max_key_length, 1) or has_reserved_prefix(key)
            or not is_valid_tag_text(value, TAGS.max_value_length, 0) then
            options.out_of_range("tags", string.format("has an invalid tag %q", key), TAGS.rule)
        end
    end
    if count > TAGS.max_user_tags then
        options.out_of_range("tags", "has more than " .. TAGS.max_user_tags .. " tags", string.format(
            "Give at most %d tags (AWS allows %d; the extension adds %d of its own).", TAGS.max_user_tags,
            TAGS.max_tags_per_resource, TAGS.max_tags_per_resource - TAGS.max_user_tags))
    end
    return tags
end

local function feature_names(list)
    if list == nil then
        return nil
    end
    if #list == 0 then
        options.out_of_range("feature_columns", "is empty", "List at least one column, or leave the key out to train on"
            .. " all columns.")
    end
    local names, seen = {}, {}
    for i = 1, #list do
        if type(list[i]) ~= "string" then
            errors.raise_error("E-SME-4", "The key \"feature_columns\" must hold only strings.",
                { "Write every column name as a JSON string." })
        end
        local name = identifiers.normalize(list[i], "feature_columns")
        if seen[name] then
            errors.raise_error("E-SME-12", string.format("The feature column %q is listed twice.", name),
                { "List every column once." })
        end
        seen[name] = true
        names[i] = name
    end
    return names
end

-- Returns the normalised options or raises E-SME-1..9, E-SME-12 or E-SME-50: every declared key under its own
-- name (integers as Lua integers, declared defaults applied), plus the bucket and the output path the export
-- writes to.
function M.parse(json_str)
    local given = options.check_keys(options.decode(json_str, "training parameters"), KEYS, "training parameters")
    aws_names.check_job_name(given.job_name)
    options.check_choice(given, "problem_type", PROBLEM_TYPES)
    options.check_choice(given, "mode", MODES)
    given.objective = metric_name(given.objective)
    check_objective(given)
    local fraction = given.validation_fraction
    if fraction and (fraction <= 0 or fraction >= 1) then
        options.out_of_range("validation_fraction", "must be greater than 0 and less than 1", "Use e.g. 0.2.")
    end
    check_roles(given)
    local parsed = {}
    for name, key in pairs(KEYS) do
        local value = given[name]
        if key.kind == "integer" then
            value = math.tointeger(value)
        end
        if value == nil then
            value = DEFAULTS[name]
        end
        parsed[name] = value
    end
    -- Checked in this order, so that of several mistakes the same one is reported first every time.
    for _, name in ipairs({ "input_schema_name", "input_table_or_view_name", "target_attribute_name",
        "aws_credentials_connection_name" }) do
        parsed[name] = identifiers.normalize(given[name], name)
    end
    parsed.feature_columns = feature_names(given.feature_columns)
    local weight = given.sample_weight_attribute_name
    parsed.sample_weight_attribute_name = weight and identifiers.normalize(weight, "sample_weight_attribute_name")
    parsed.bucket = bucket_of(given.s3_bucket_uri)
    parsed.output_path = output_path_of(given.s3_output_path)
    parsed.aws_region = aws_names.check_region(given.aws_region)
    parsed.tags = check_tags(given.tags)
    return parsed
end

return M
