-- EXECUTE SCRIPT SME_RECONCILE_SAGEMAKER_RESOURCES(connection_name, aws_region, action)
-- action: 'list' (default) or 'delete_orphans'.
return require("sme_reconciliation").reconcile(connection_name, aws_region, action)
