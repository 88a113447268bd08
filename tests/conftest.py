import sys
from pathlib import Path

# tests/oracle.py (the runtime oracle) is imported by test modules in every folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))
