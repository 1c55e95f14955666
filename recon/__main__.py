"""`python -m recon` -> the command-line interface."""
from recon.cli import main

main()
