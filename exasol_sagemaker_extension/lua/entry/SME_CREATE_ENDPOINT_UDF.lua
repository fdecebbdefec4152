-- EXECUTE SCRIPT SME_CREATE_ENDPOINT_UDF('<json>'); parameter: json_str
return require("sme_endpoint_udf").create(json_str)
