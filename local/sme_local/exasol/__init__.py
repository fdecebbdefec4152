"""Local stand-in for an Exasol database and its BucketFS, reachable through the real pyexasol."""
