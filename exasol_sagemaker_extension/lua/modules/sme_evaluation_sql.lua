-- The statements that compute an evaluation's metrics inside the database. Every metric is one set-based SELECT
-- over the evaluated rows; Lua only assembles the text, with every user value passed as a query parameter
-- (`:positive`, `:class_1`, ...) and every name quoted, so no label or name can change the statement.
--
-- Definitions follow scikit-learn's (the tests compare every value with it): precision, recall and F1 are 0
-- where they divide by zero; macro averages run over the labels of the truth and the predictions; balanced
-- accuracy is the mean recall over the labels of the truth; ROC AUC is the rank-sum (Mann-Whitney) statistic
-- with tied scores at their average rank, which is the trapezoidal area sklearn computes; log loss clips the
-- probability of the true label to [eps, 1 - eps] with eps the DOUBLE machine epsilon; MAPE divides by
-- max(|y|, eps); R2 is 1 when truth and predictions are constant and equal, 0 when only the truth is constant.

local identifiers = require("sme_identifiers")

local M = {}

-- 2^-52, numpy's finfo(float64).eps, written so that Exasol and DuckDB read it as the same DOUBLE.
local EPS = "2.220446049250313E-16"

M.PREDICTIONS = "PREDICTIONS"
M.PROBABILITY = "PROBABILITY"
M.PROBABILITIES = "PROBABILITIES"

local function q(name)
    return identifiers.quote(name)
end

-- The SQL type family of a COLUMN_TYPE string: boolean, number, text, date, or other.
function M.type_family(column_type)
    local base = column_type:upper():match("^%a+")
    if base == "BOOLEAN" then
        return "boolean"
    elseif base == "DECIMAL" or base == "DOUBLE" then
        return "number"
    elseif base == "VARCHAR" or base == "CHAR" then
        return "text"
    elseif base == "DATE" or base == "TIMESTAMP" then
        return "date"
    end
    return "other"
end

-- A label as text, the form in which labels are compared, listed and reported. Booleans are spelled TRUE and
-- FALSE by CASE rather than CAST, whose spelling is not the same in every engine; numbers of different types
-- (DECIMAL truth, DOUBLE predictions) are compared as DOUBLE.
function M.label_text(expression, column_type, as_double)
    if M.type_family(column_type) == "boolean" then
        return "CASE WHEN " .. expression .. " THEN 'TRUE' WHEN NOT " .. expression .. " THEN 'FALSE' END"
    elseif as_double then
        return "CAST(CAST(" .. expression .. " AS DOUBLE) AS VARCHAR(2000000))"
    end
    return "CAST(" .. expression .. " AS VARCHAR(2000000))"
end

local function evaluated_rows(source)
    return " FROM " .. source.table .. " WHERE " .. q(source.label) .. " IS NOT NULL AND " .. q(M.PREDICTIONS)
        .. " IS NOT NULL"
end

-- One row: ALL_ROWS, NULL_LABELS (rows without a label), NULL_PREDICTIONS (labelled rows without one).
function M.counts(source)
    local label, prediction = q(source.label), q(M.PREDICTIONS)
    return "SELECT COUNT(*) AS ALL_ROWS, COALESCE(SUM(CASE WHEN " .. label .. " IS NULL THEN 1 ELSE 0 END), 0)"
        .. " AS NULL_LABELS, COALESCE(SUM(CASE WHEN " .. label .. " IS NOT NULL AND " .. prediction
        .. " IS NULL THEN 1 ELSE 0 END), 0) AS NULL_PREDICTIONS FROM " .. source.table
end

-- The distinct labels of truth and predictions as text, ordered by their value; at most `limit` + 1 rows.
function M.labels(source, limit)
    local label, prediction = q(source.label), q(M.PREDICTIONS)
    local where = evaluated_rows(source)
    return "SELECT LABEL_TEXT FROM (SELECT " .. label .. " AS LABEL_VALUE, "
        .. M.label_text(label, source.label_type, source.as_double) .. " AS LABEL_TEXT" .. where
        .. " UNION SELECT " .. prediction .. ", " .. M.label_text(prediction, source.prediction_type, source.as_double)
        .. where .. ") LABELS ORDER BY LABEL_VALUE LIMIT " .. math.tointeger(limit + 1)
end

-- Binary: the probability of the positive label, from PROBABILITY (that of the predicted label); its
-- complement is the probability of the other label.
local function binary_columns(source)
    if not source.has_probability then
        return ""
    end
    local score = "CASE WHEN " .. M.label_text(q(M.PREDICTIONS), source.prediction_type, source.as_double)
        .. " = :positive THEN " .. q(M.PROBABILITY) .. " ELSE 1 - " .. q(M.PROBABILITY) .. " END"
    return ", " .. score .. " AS SCORE, CASE WHEN " .. M.label_text(q(source.label), source.label_type,
        source.as_double) .. " = :positive THEN " .. score .. " ELSE 1 - (" .. score .. ") END AS P_ACTUAL"
end

-- JSON path of one member of PROBABILITIES, for JSON_VALUE.
local function member_path(label)
    return '$."' .. label:gsub('[\\"]', "\\%0") .. '"'
end

-- Multiclass: the probability of the true label, looked up in the PROBABILITIES object by one JSON_VALUE per
-- label (a JSON path is a literal); a label missing from the object has probability 0.
local function multiclass_columns(source, classes, params)
    if not source.has_probabilities then
        return ""
    end
    local branches = {}
    for i, class in ipairs(classes) do
        params["class_" .. i], params["path_" .. i] = class, member_path(class)
        branches[i] = " WHEN :class_" .. i .. " THEN CAST(JSON_VALUE(" .. q(M.PROBABILITIES) .. ", :path_" .. i
            .. ") AS DOUBLE)"
    end
    return ", CASE WHEN " .. q(M.PROBABILITIES) .. " IS NULL THEN NULL ELSE COALESCE(CASE "
        .. M.label_text(q(source.label), source.label_type, source.as_double) .. table.concat(branches)
        .. " END, 0) END AS P_ACTUAL"
end

local function metric_row(order, metric, label, predicted, value, from)
    return "SELECT " .. order .. " AS ORD, '" .. metric .. "' AS METRIC, CAST(" .. label
        .. " AS VARCHAR(2000000)) AS LABEL, CAST(" .. predicted .. " AS VARCHAR(2000000)) AS PREDICTED_LABEL, CAST("
        .. value .. " AS DOUBLE) AS METRIC_VALUE FROM " .. from
end

local function log_loss_row(order)
    return metric_row(order, "LOG_LOSS", "NULL", "NULL", "CASE WHEN COUNT(P_ACTUAL) = COUNT(*) THEN -AVG(LN("
        .. "GREATEST(LEAST(P_ACTUAL, 1 - " .. EPS .. "), " .. EPS .. "))) END", "BASE")
end

local ORDER_BY = " ORDER BY ORD, LABEL, PREDICTED_LABEL"

-- The counts every evaluation reports first: rows evaluated, rows without a label (left out), labelled rows
-- without a prediction (left out).
local function with_counts(source, ctes, rows)
    table.insert(ctes, 1, "COUNTS AS (" .. M.counts(source) .. ")")
    table.insert(rows, 1, metric_row(1, "ROWS_EVALUATED", "NULL", "NULL", "ALL_ROWS - NULL_LABELS - NULL_PREDICTIONS",
        "COUNTS"))
    table.insert(rows, 2, metric_row(2, "NULL_LABELS", "NULL", "NULL", "NULL_LABELS", "COUNTS"))
    table.insert(rows, 3, metric_row(3, "NULL_PREDICTIONS", "NULL", "NULL", "NULL_PREDICTIONS", "COUNTS"))
    return "WITH " .. table.concat(ctes, ", ") .. " " .. table.concat(rows, " UNION ALL ") .. ORDER_BY
end

-- The classification metrics as rows (ORD, METRIC, LABEL, PREDICTED_LABEL, METRIC_VALUE) and the query
-- parameters. `source` = { table, label, label_type, prediction_type, as_double, has_probability,
-- has_probabilities }; `positive` = the positive label's text (binary), or nil for multiclass with the label texts
-- `classes`.
function M.classification(source, positive, classes)
    local params = {}
    local actual = M.label_text(q(source.label), source.label_type, source.as_double)
    local predicted = M.label_text(q(M.PREDICTIONS), source.prediction_type, source.as_double)
    local extra
    if positive ~= nil then
        params.positive = positive
        extra = binary_columns(source)
    else
        extra = multiclass_columns(source, classes, params)
    end
    local ctes = {
        "BASE AS (SELECT " .. actual .. " AS ACTUAL, " .. predicted .. " AS PREDICTED" .. extra
            .. evaluated_rows(source) .. ")",
        "LABELS AS (SELECT ACTUAL AS LABEL FROM BASE UNION SELECT PREDICTED FROM BASE)",
        "PAIRS AS (SELECT ACTUAL, PREDICTED, COUNT(*) AS N FROM BASE GROUP BY ACTUAL, PREDICTED)",
        "CLASSES AS (SELECT L.LABEL, CAST(SUM(CASE WHEN P.ACTUAL = L.LABEL AND P.PREDICTED = L.LABEL THEN P.N"
            .. " ELSE 0 END) AS DOUBLE) AS TP, SUM(CASE WHEN P.PREDICTED = L.LABEL THEN P.N ELSE 0 END) AS"
            .. " PREDICTED_N, SUM(CASE WHEN P.ACTUAL = L.LABEL THEN P.N ELSE 0 END) AS ACTUAL_N"
            .. " FROM LABELS L CROSS JOIN PAIRS P GROUP BY L.LABEL)",
        "CLASS_METRICS AS (SELECT LABEL, ACTUAL_N, COALESCE(TP / NULLIF(PREDICTED_N, 0), 0) AS PRECISION_VALUE,"
            .. " COALESCE(TP / NULLIF(ACTUAL_N, 0), 0) AS RECALL_VALUE,"
            .. " COALESCE(2 * TP / NULLIF(PREDICTED_N + ACTUAL_N, 0), 0) AS F1_VALUE FROM CLASSES)",
    }
    local rows = {
        metric_row(10, "ACCURACY", "NULL", "NULL",
            "CAST(SUM(CASE WHEN ACTUAL = PREDICTED THEN N ELSE 0 END) AS DOUBLE) / SUM(N)", "PAIRS"),
        metric_row(11, "BALANCED_ACCURACY", "NULL", "NULL", "AVG(RECALL_VALUE)", "CLASS_METRICS WHERE ACTUAL_N > 0"),
        metric_row(20, "PRECISION_MACRO", "NULL", "NULL", "AVG(PRECISION_VALUE)", "CLASS_METRICS"),
        metric_row(21, "RECALL_MACRO", "NULL", "NULL", "AVG(RECALL_VALUE)", "CLASS_METRICS"),
        metric_row(22, "F1_MACRO", "NULL", "NULL", "AVG(F1_VALUE)", "CLASS_METRICS"),
        metric_row(90, "CONFUSION", "A.LABEL", "B.LABEL", "COALESCE(P.N, 0)", "LABELS A CROSS JOIN LABELS B"
            .. " LEFT JOIN PAIRS P ON P.ACTUAL = A.LABEL AND P.PREDICTED = B.LABEL"),
    }
    if positive ~= nil then
        -- An aggregate without GROUP BY answers one row even when the positive label occurs nowhere.
        for i, metric in ipairs({ "PRECISION", "RECALL", "F1" }) do
            rows[#rows + 1] = metric_row(12 + i, metric, ":positive", "NULL", "COALESCE(MAX(" .. metric
                .. "_VALUE), 0)", "CLASS_METRICS WHERE LABEL = :positive")
        end
        if source.has_probability then
            ctes[#ctes + 1] = "RANKED AS (SELECT ACTUAL, SCORE, RANK() OVER (ORDER BY SCORE)"
                .. " + CAST(COUNT(*) OVER (PARTITION BY SCORE) - 1 AS DOUBLE) / 2 AS SCORE_RANK FROM BASE)"
            ctes[#ctes + 1] = "RANK_SUM AS (SELECT CAST(SUM(CASE WHEN ACTUAL = :positive THEN 1 ELSE 0 END) AS DOUBLE)"
                .. " AS POSITIVES, CAST(SUM(CASE WHEN ACTUAL = :positive THEN 0 ELSE 1 END) AS DOUBLE) AS NEGATIVES,"
                .. " SUM(CASE WHEN ACTUAL = :positive THEN SCORE_RANK ELSE 0 END) AS POSITIVE_RANKS,"
                .. " COUNT(SCORE) - COUNT(*) AS MISSING_SCORES FROM RANKED)"
            rows[#rows + 1] = metric_row(30, "ROC_AUC", ":positive", "NULL", "CASE WHEN MISSING_SCORES = 0 THEN"
                .. " (POSITIVE_RANKS - POSITIVES * (POSITIVES + 1) / 2) / NULLIF(POSITIVES * NEGATIVES, 0) END",
                "RANK_SUM")
            rows[#rows + 1] = log_loss_row(31)
        end
    else
        for i, metric in ipairs({ "PRECISION", "RECALL", "F1" }) do
            rows[#rows + 1] = metric_row(12 + i, metric, "LABEL", "NULL", metric .. "_VALUE", "CLASS_METRICS")
        end
        if source.has_probabilities then
            rows[#rows + 1] = log_loss_row(31)
        end
    end
    return with_counts(source, ctes, rows), params
end

-- The regression metrics as rows in the same shape (label columns NULL), and no parameters.
function M.regression(source)
    local ctes = {
        "BASE AS (SELECT CAST(" .. q(source.label) .. " AS DOUBLE) AS Y, CAST(" .. q(M.PREDICTIONS)
            .. " AS DOUBLE) AS F" .. evaluated_rows(source) .. ")",
        "MEAN AS (SELECT AVG(Y) AS MEAN_Y FROM BASE)",
        "STATS AS (SELECT COUNT(*) AS N, SUM((Y - F) * (Y - F)) AS SSE, SUM((Y - MEAN_Y) * (Y - MEAN_Y)) AS SST,"
            .. " AVG(ABS(Y - F)) AS MAE, AVG(ABS(Y - F) / GREATEST(ABS(Y), " .. EPS .. ")) AS MAPE"
            .. " FROM BASE CROSS JOIN MEAN)",
    }
    local rows = {
        metric_row(40, "RMSE", "NULL", "NULL", "SQRT(SSE / N)", "STATS"),
        metric_row(41, "MSE", "NULL", "NULL", "SSE / N", "STATS"),
        metric_row(42, "MAE", "NULL", "NULL", "MAE", "STATS"),
        metric_row(43, "R2", "NULL", "NULL", "CASE WHEN SST = 0 THEN CASE WHEN SSE = 0 THEN 1 ELSE 0 END"
            .. " ELSE 1 - SSE / SST END", "STATS"),
        metric_row(44, "MAPE", "NULL", "NULL", "MAPE", "STATS"),
    }
    return with_counts(source, ctes, rows), {}
end

return M
