"""Bank CSV layout profiles: the ``*.toml`` files in this folder (data) and their loader
(recon.profiles.loader: file keys, ``extends`` override order, validation)."""
from recon.profiles.loader import BUILTIN_DIR, Profile, describe_profiles, find_profile, load_profiles

__all__ = ["BUILTIN_DIR", "Profile", "describe_profiles", "find_profile", "load_profiles"]
