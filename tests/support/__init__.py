"""Test helpers (no fixtures: those live in conftest.py files): builders of events, signed
callbacks and console sign-ins, the scripted API server, and the feature harness."""
