"""Local stand-in for S3 and SageMaker: moto plus real AutoML training and real inference."""
