"""Code that runs INSIDE a UDF worker process (one Exasol Python VM).

Stdlib only, relative imports only: the worker loads this directory by file path under a private module name,
so neither the emulator nor the product lands on the UDF's ``sys.path``. pandas is imported lazily from the
worker's own path when a UDF uses DataFrames.
"""
