"""boto3-only layer over SageMaker Autopilot (AutoML V2), endpoints and real-time inference."""
