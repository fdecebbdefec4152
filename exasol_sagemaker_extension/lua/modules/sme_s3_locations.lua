-- Where one training attempt keeps its data: s3://<bucket>/<s3_output_path>/<job_name>/<run_id>/... The run id
-- is unique per attempt (time, session and statement), so files of an earlier attempt can never be read by a
-- new job - the old extension trained on everything under the output path.

local M = {}

local function digits_only(value)
    return (tostring(value or ""):gsub("[^%w]", ""))
end

-- <UTC time>-<session id>-<statement id>; the statement id makes it unique within a session.
function M.run_id(meta)
    return os.date("!%Y%m%dT%H%M%SZ") .. "-" .. digits_only(meta.session_id) .. "-" .. digits_only(meta.statement_id)
end

-- The key prefix inside the bucket.
function M.prefix(output_path, job_name, run_id)
    return output_path .. "/" .. job_name .. "/" .. run_id
end

-- The FILE values of the EXPORT: <prefix>/training-data/part-<i>.csv.gz for i = 1..count.
function M.export_files(prefix, count)
    local files = {}
    for i = 1, count do
        files[i] = prefix .. "/training-data/part-" .. i .. ".csv.gz"
    end
    return files
end

function M.input_uri(bucket, prefix)
    return "s3://" .. bucket .. "/" .. prefix .. "/training-data/"
end

function M.output_uri(bucket, prefix)
    return "s3://" .. bucket .. "/" .. prefix .. "/output/"
end

return M
