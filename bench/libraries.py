"""The libraries duty-desk imports before its first rows are on screen, which the
baseline (bench/baseline_app.py) imports too: one list for both, and for the memory
run's step "the libraries" (bench/probe.py)."""

SHARED = ("click", "pendulum", "platformdirs", "pydantic", "sqlalchemy", "sqlmodel", "textual.app")
