"""Test-data generators shared by tests and scripts (not part of the recon package)."""
