"""`python -m recon` -> the command-line interface."""
from recon.entry import main

main()
