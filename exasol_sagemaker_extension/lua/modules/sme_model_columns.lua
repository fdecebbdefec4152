-- The columns a job's model was trained on, read from its row in SME_METADATA_AUTOPILOT_JOBS: the prediction UDF
-- of a deployment is generated from them, and an evaluation scores a table through that UDF with them.

local errors = require("sme_errors")
local column_lists = require("sme_column_lists")

local M = {}

-- Features (COLUMN_NAMES minus the target and the sample weight, in training order) and the target, each
-- { name, sql_type }. Autopilot trains on the weight but does not use it as a feature, so endpoints never see it.
-- Rows of the old extension hold both lists ';'-joined; sme_column_lists reads either form.
function M.of_job(job)
    local names, types = column_lists.decode(job.column_names), column_lists.decode(job.column_types)
    local target = job.target_attribute_name
    local features, target_column = {}, nil
    if names and types and #names == #types and target then
        for i = 1, #names do
            local column = { name = names[i], sql_type = types[i] }
            if names[i] == target then
                target_column = column
            elseif names[i] ~= job.sample_weight_attribute_name then
                features[#features + 1] = column
            end
        end
    end
    if target_column == nil or #features == 0 then
        errors.raise_error("E-SME-31", string.format("The metadata of job %q lacks the training columns.",
            job.job_name), {
            "Train the job again with SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT; its COLUMN_NAMES, COLUMN_TYPES and"
                .. " TARGET_ATTRIBUTE_NAME must list the exported columns including the target.",
        })
    end
    return features, target_column
end

return M
