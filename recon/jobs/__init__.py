"""Jobs built on a reconciliation run: the monthly batch over a data folder (batch.py), the AutoPay
audit (autopay.py) and the call log a member keeps while disputing (calls.py)."""
