"""Test helpers (no fixtures: those live in conftest.py files): builders of events, signed
callbacks and console sign-ins, the simulator's seeded companies, and the feature harness."""
