"""Make the AWS-layer test helpers (tests/unit/autopilot/aws_fixtures.py) importable for the UDF tests."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "autopilot"))
