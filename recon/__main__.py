"""`python -m recon` -> the command-line interface."""
from recon.cli.entry import main

main()
