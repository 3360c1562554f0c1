"""Fixtures for the core tests: pure rules, settings, time, validation, NHS numbers,
continuity and the layer contracts. They need no database and no app; the shared
``config`` and ``frozen_now`` fixtures (tests/conftest.py) are all they use."""
