-- SME_STOP_SAGEMAKER_AUTOPILOT_JOB: asks SageMaker to stop a running job (StopAutoMLJob) through the stop UDF and
-- returns the job's state afterwards in the poll script's columns (JOB_STATUS Stopping, later Stopped), stored in
-- the job's metadata row like a poll. The models trained before the stop stay deployable.

local polling = require("sme_polling")

local M = {}

function M.stop(job_name, connection_name, aws_region)
    return polling.job_status_call("SME_AUTOPILOT_JOB_STOP_UDF", job_name, connection_name, aws_region, function(name)
        return {
            code = "E-SME-86",
            message = string.format("Stopping job %q failed", name),
            mitigations = { "Check the job name, the AWS connection and the region; only a job that is InProgress"
                .. " can be stopped (poll it to see its status)." },
        }
    end, "E-SME-87")
end

return M
