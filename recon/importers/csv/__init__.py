"""Bank and card CSV exports -> BankRecords: the importer (see recon.importers.csv.importer).

Modules: importer (the entry point), layout (profile or inferred layout), profile_match,
infer (the generic reader), names (column vocabulary), rules (cell and row rules shared by both
readers), rows (the per-row reader), fast (the columnar kernel), columns (RecordColumns).
"""
from recon.importers.csv.importer import CsvBankImporter

__all__ = ["CsvBankImporter"]
