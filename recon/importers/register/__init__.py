"""A member's check register CSV -> CheckEntry values (see recon.importers.register.importer)."""
from recon.importers.register.header import looks_like_check_register
from recon.importers.register.importer import CheckRegisterImporter

__all__ = ["CheckRegisterImporter", "looks_like_check_register"]
