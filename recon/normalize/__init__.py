"""Imported records -> Connector transactions and bills, each real one once.

transactions.py  classify Connector-related bank records, merge overlapping exports, tie checks
payees.py        the Connector's names (legal, shortened, common) and its near misses
ach.py           ACH description -> company, entry description, ids, trace number, SEC code
bill_copies.py   one bill read from several files is one bill
"""
from recon.normalize.transactions import Classifier, NormalizeResult, last4, norm_text, normalize

__all__ = ["Classifier", "NormalizeResult", "last4", "norm_text", "normalize"]
