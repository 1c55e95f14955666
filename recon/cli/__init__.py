"""The command-line interface: a thin shell over the library (recon.api, recon.jobs, recon.report).

entry.py   the console script: `recon --help` from a stored text, everything else to app.py
app.py     the typer app: `run`, `profiles`, and the commands of the modules below
common.py  options, argument parsing and error-to-exit-code mapping shared by the commands
batch.py   `batch`, `init`, `autopay` (the monthly job and the AutoPay audit)
reports.py `proof` and `calls` (the proof packet and the call log)
"""
