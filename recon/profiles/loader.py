"""Bank CSV layout profiles (the loader): TOML files (data, not code) -> validated ``Profile`` values.

Input: the built-in ``recon/profiles/*.toml`` plus any user folders (a user adds a layout by
dropping a ``.toml`` file into a folder passed as ``extra_dirs``). Output: ``load_profiles`` ->
list[Profile]; ``describe_profiles`` -> (name, description, source file) rows for
``recon profiles``. A malformed profile raises ``ConfigError(message, path=file, key=bad key)``.

Profile file keys (see chase-checking.toml for a commented example)::

    name = "examplebank-checking"           # required, unique; lowercase, digits, '-'
    description = "..."                     # required, one line for `recon profiles`
    extends = "other-profile"               # optional: start from that profile's keys
    encoding = "cp1250"                     # optional: code page when the bytes are not UTF-8
    delimiter = ","                         # optional: ",", ";", "\\t", "|" (else sniffed)
    header = true                           # false: no header row, columns are 0-based ints
    date_format = "%m/%d/%Y"                # required: explicit strptime format
    decimal_mark = "."                      # optional: "." or "," (else decided per file)
    [identify]                              # at least one of:
    header = "Date,Description,Amount"      #   the header row exactly (cells compared trimmed)
    header_regex = '^Date,Desc'             #   a regex searched in the raw header line
    columns = ["Posting Date", "Check or Slip #"]  # all of these names present in one row
    row_regex = '^"\\d\\d/\\d\\d/\\d{4}","-?[\\d.]+","\\*"'  # header = false: a data-row regex
    evidence_rows = ['\\s{3,}[A-Z]{2}$']  # optional, with the above: regexes on a data row's
                                         #   description that only this issuer writes (see below)
    [columns]                               # role = column name (or 0-based index)
    date = "Posting Date"                   # required
    description = "Description"             # or a list of names, joined in order
    payee / memo / balance / check_number / type / account / status = "..."
    amount = "Amount"                       # styles signed / negated / type_column
    debit = "Debit"                         # style debit_credit
    credit = "Credit"
    [amount]
    style = "signed"                        # signed | negated | debit_credit | type_column
    debit_values = ["DEBIT", "D"]           # type_column: values of columns.type meaning money out
    credit_values = ["CREDIT", "C"]
    [skip]
    balance_rows = ['^Beginning balance']   # regexes on the description: balance rows, skipped
    rows = ['^Total']                       # regexes on the description: other rows to skip
    pending_values = ["Pending"]            # columns.status values marking a pending row

Content decides over a generic header. A purchases-positive card profile (amount style
``negated``) does not claim a file whose content contradicts it: an amount that states its sign
("412.00 DR", "412.00-", "(412.00)", "$-412.00"), more negative amounts than positive, a negative
Connector premium, or a row no card statement has (payroll, ACH entries, checks). When the matched
header row holds only names any bank uses ("Date,Description,Amount"), the content must also show
the card: more positive amounts than negative, or a row matching ``identify.evidence_rows``.
Amounts with DR/CR written in the cell keep the sign they state in every amount style.

Override order for ``extends``: the parent is resolved first (recursively, cycles are an
error); then every top-level key the child sets replaces the parent's, except the tables
``columns``, ``amount`` and ``skip``, which are merged one level deep (child keys win, parent keys
the child does not mention stay). ``identify`` is never inherited: a child names its own. A user
profile whose ``name`` equals a built-in one replaces the built-in.
"""
from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recon.errors import ConfigError

BUILTIN_DIR = Path(__file__).resolve().parent

STYLES = ("signed", "negated", "debit_credit", "type_column")
ROLES = ("date", "description", "payee", "memo", "amount", "debit", "credit", "balance",
         "check_number", "type", "account", "status")
TOP_KEYS = {"name", "description", "extends", "encoding", "delimiter", "header", "date_format",
            "decimal_mark", "identify", "columns", "amount", "skip"}
IDENTIFY_KEYS = {"header", "header_regex", "columns", "row_regex", "evidence_rows"}
AMOUNT_KEYS = {"style", "debit_values", "credit_values"}
SKIP_KEYS = {"balance_rows", "rows", "pending_values"}
MERGED_TABLES = ("columns", "amount", "skip")

Column = str | int


@dataclass(frozen=True)
class Profile:
    """One bank CSV layout, validated."""

    name: str
    description: str
    source: str
    date_format: str
    columns: dict[str, Column | tuple[Column, ...]]
    amount_style: str = "signed"
    identify_header: tuple[str, ...] | None = None
    identify_header_regex: str | None = None
    identify_columns: tuple[str, ...] = ()
    identify_row_regex: str | None = None
    identify_evidence_rows: tuple[str, ...] = ()
    header: bool = True
    encoding: str | None = None
    delimiter: str | None = None
    decimal_mark: str | None = None
    debit_values: tuple[str, ...] = ("debit", "d", "dr")
    credit_values: tuple[str, ...] = ("credit", "c", "cr")
    balance_rows: tuple[str, ...] = ()
    skip_rows: tuple[str, ...] = ()
    pending_values: tuple[str, ...] = ("pending",)
    extends: str | None = None
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def column(self, role: str) -> Column | tuple[Column, ...] | None:
        return self.columns.get(role)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read profile: {exc}", path=str(path)) from exc


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in parent.items() if k not in ("identify", "name", "description")}
    for key, value in child.items():
        if key in MERGED_TABLES and isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            merged.update(value)
            out[key] = merged
        else:
            out[key] = value
    return out


def _err(msg: str, path: str, key: str) -> ConfigError:
    return ConfigError(msg, path=path, key=key)


def _str_tuple(value: Any, path: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _err("must be a string or a list of strings", path, key)
    return tuple(value)


def _regex(value: Any, path: str, key: str) -> str:
    if not isinstance(value, str):
        raise _err("must be a regular expression string", path, key)
    try:
        re.compile(value)
    except re.error as exc:
        raise _err(f"invalid regular expression: {exc}", path, key) from exc
    return value


def _validate(raw: dict[str, Any], path: str) -> Profile:
    """A resolved profile table -> Profile; ConfigError naming the first bad key."""
    top = _validate_top(raw, path)        # checked in this order: the first bad key is named
    header = top["header"]
    identify = _validate_identify(raw.get("identify"), raw, header, path)
    columns = _validate_columns(raw.get("columns"), header, path)
    return Profile(
        name=top["name"], description=top["description"], source=path, date_format=top["date_format"],
        columns=columns, header=header, encoding=top["encoding"], delimiter=top["delimiter"],
        decimal_mark=top["decimal_mark"], extends=raw.get("extends"), **identify,
        **_validate_amount(raw.get("amount", {"style": "signed"}), columns, path),
        **_validate_skip(raw.get("skip", {}), path),
    )


def _validate_top(raw: dict[str, Any], path: str) -> dict[str, Any]:
    """The top-level keys: name, description, header, date_format, encoding, delimiter, mark."""
    for key in raw:
        if key not in TOP_KEYS:
            raise _err(f"unknown key {key!r} (known: {', '.join(sorted(TOP_KEYS))})", path, key)
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise _err("name is required: lowercase letters, digits and '-'", path, "name")
    desc = raw.get("description")
    if not isinstance(desc, str) or not desc.strip():
        raise _err("description is required (one line)", path, "description")
    header = raw.get("header", True)
    if not isinstance(header, bool):
        raise _err("must be true or false", path, "header")
    fmt = raw.get("date_format")
    if not isinstance(fmt, str) or "%" not in fmt:
        raise _err("date_format is required: an explicit strptime format such as '%m/%d/%Y'",
                   path, "date_format")
    for opt in ("encoding", "delimiter", "decimal_mark", "extends"):
        if opt in raw and not isinstance(raw[opt], str):
            raise _err("must be a string", path, opt)
    delim = raw.get("delimiter")
    if delim is not None and delim not in (",", ";", "\t", "|"):
        raise _err("delimiter must be one of ',', ';', '\\t', '|'", path, "delimiter")
    mark = raw.get("decimal_mark")
    if mark is not None and mark not in (".", ","):
        raise _err("decimal_mark must be '.' or ','", path, "decimal_mark")
    enc = raw.get("encoding")
    if enc is not None:
        try:
            codecs.lookup(enc)
        except LookupError as exc:
            raise _err(f"unknown encoding {enc!r}", path, "encoding") from exc
    return {"name": name, "description": desc.strip(), "header": header, "date_format": fmt,
            "encoding": enc, "delimiter": delim, "decimal_mark": mark}


def _validate_identify(ident: Any, raw: dict[str, Any], header: bool, path: str) -> dict[str, Any]:
    """The [identify] table -> the Profile's identify_* fields."""
    if not isinstance(ident, dict) or not set(ident) - {"evidence_rows"}:
        raise _err("an [identify] table is required (header, header_regex, columns or row_regex)",
                   path, "identify")
    for key in ident:
        if key not in IDENTIFY_KEYS:
            raise _err(f"unknown key (known: {', '.join(sorted(IDENTIFY_KEYS))})", path,
                       f"identify.{key}")
    id_header = None
    if "header" in ident:
        if not isinstance(ident["header"], str):
            raise _err("must be the header line as a string", path, "identify.header")
        id_header = tuple(c.strip().strip('"') for c in ident["header"].split(raw.get("delimiter", ",")))
    id_regex = _regex(ident["header_regex"], path, "identify.header_regex") \
        if "header_regex" in ident else None
    id_cols = _str_tuple(ident["columns"], path, "identify.columns") if "columns" in ident else ()
    row_regex = _regex(ident["row_regex"], path, "identify.row_regex") if "row_regex" in ident else None
    evidence = tuple(_regex(r, path, "identify.evidence_rows")
                     for r in _str_tuple(ident.get("evidence_rows", []), path, "identify.evidence_rows"))
    if not header and row_regex is None:
        raise _err("a profile with header = false needs identify.row_regex", path, "identify.row_regex")
    return {"identify_header": id_header, "identify_header_regex": id_regex,
            "identify_columns": id_cols, "identify_row_regex": row_regex,
            "identify_evidence_rows": evidence}


def _validate_columns(cols: Any, header: bool, path: str) -> dict[str, Column | tuple[Column, ...]]:
    """The [columns] table: known roles, names (header = true) or 0-based indices, a date."""
    if not isinstance(cols, dict) or not cols:
        raise _err("a [columns] table is required", path, "columns")
    columns: dict[str, Column | tuple[Column, ...]] = {}
    for role, value in cols.items():
        key = f"columns.{role}"
        if role not in ROLES:
            raise _err(f"unknown column role (known: {', '.join(ROLES)})", path, key)
        items = value if isinstance(value, list) else [value]
        if not items:
            raise _err("must name at least one column", path, key)
        for item in items:
            if header and not isinstance(item, str):
                raise _err("must be a column name (string) when header = true", path, key)
            if not header and (not isinstance(item, int) or isinstance(item, bool) or item < 0):
                raise _err("must be a 0-based column index when header = false", path, key)
        if isinstance(value, list) and role not in ("description", "memo", "payee"):
            raise _err("only description, payee and memo may list several columns", path, key)
        columns[role] = tuple(items) if isinstance(value, list) else value
    if "date" not in columns:
        raise _err("columns.date is required", path, "columns.date")
    return columns


def _validate_amount(amount: Any, columns: dict[str, Any], path: str) -> dict[str, Any]:
    """The [amount] table: a style, the columns it needs, the type column's debit/credit values."""
    if not isinstance(amount, dict):
        raise _err("must be a table like { style = \"signed\" }", path, "amount")
    for key in amount:
        if key not in AMOUNT_KEYS:
            raise _err(f"unknown key (known: {', '.join(sorted(AMOUNT_KEYS))})", path, f"amount.{key}")
    style = amount.get("style", "signed")
    if style not in STYLES:
        raise _err(f"style must be one of {', '.join(STYLES)}", path, "amount.style")
    need = {"signed": ("amount",), "negated": ("amount",), "debit_credit": ("debit", "credit"),
            "type_column": ("amount", "type")}[style]
    for role in need:
        if role not in columns:
            raise _err(f"amount style {style!r} needs columns.{role}", path, f"columns.{role}")
    debit_values = tuple(v.lower() for v in _str_tuple(amount.get("debit_values", ["debit", "d", "dr"]),
                                                       path, "amount.debit_values"))
    credit_values = tuple(v.lower() for v in _str_tuple(amount.get("credit_values", ["credit", "c", "cr"]),
                                                        path, "amount.credit_values"))
    return {"amount_style": style, "debit_values": debit_values, "credit_values": credit_values}


def _validate_skip(skip: Any, path: str) -> dict[str, Any]:
    """The [skip] table: balance-row and other-row regexes, pending values."""
    if not isinstance(skip, dict):
        raise _err("must be a table", path, "skip")
    for key in skip:
        if key not in SKIP_KEYS:
            raise _err(f"unknown key (known: {', '.join(sorted(SKIP_KEYS))})", path, f"skip.{key}")
    balance_rows = tuple(_regex(r, path, "skip.balance_rows")
                         for r in _str_tuple(skip.get("balance_rows", []), path, "skip.balance_rows"))
    skip_rows = tuple(_regex(r, path, "skip.rows") for r in _str_tuple(skip.get("rows", []), path, "skip.rows"))
    pending = tuple(v.lower() for v in _str_tuple(skip.get("pending_values", ["pending"]),
                                                  path, "skip.pending_values"))
    return {"balance_rows": balance_rows, "skip_rows": skip_rows, "pending_values": pending}


def _profile_files(extra_dirs: tuple[Path, ...]) -> list[Path]:
    files = sorted(BUILTIN_DIR.glob("*.toml"))
    for d in extra_dirs:
        d = Path(d)
        if not d.is_dir():
            raise ConfigError("profile folder does not exist", path=str(d))
        files.extend(sorted(d.glob("*.toml")))
    return files


def load_profiles(extra_dirs: tuple[Path, ...] = ()) -> list[Profile]:
    """Built-in profiles, then those in ``extra_dirs`` (a later file with the same name wins).

    Returns the profiles user-first (user folders, then built-ins), so a user's layout is tried
    before a built-in one that also matches.
    """
    raws: dict[str, tuple[dict[str, Any], str, bool]] = {}
    builtin = set(BUILTIN_DIR.glob("*.toml"))
    for path in _profile_files(tuple(extra_dirs)):
        raw = _read(path)
        name = raw.get("name")
        if not isinstance(name, str):
            raise ConfigError("name is required", path=str(path), key="name")
        raws[name] = (raw, str(path), path in builtin)

    resolved: dict[str, dict[str, Any]] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> dict[str, Any]:
        if name in resolved:
            return resolved[name]
        raw, path, _ = raws[name]
        parent_name = raw.get("extends")
        if parent_name is None:
            resolved[name] = raw
            return raw
        if not isinstance(parent_name, str) or parent_name not in raws:
            raise ConfigError(f"extends unknown profile {parent_name!r} (known: {', '.join(sorted(raws))})",
                              path=path, key="extends")
        if parent_name in chain:
            raise ConfigError("extends forms a cycle: " + " -> ".join(chain + (parent_name,)),
                              path=path, key="extends")
        merged = _merge(resolve(parent_name, chain + (name,)), raw)
        resolved[name] = merged
        return merged

    profiles: list[tuple[bool, Profile]] = []
    for name, (_raw, path, is_builtin) in raws.items():
        profiles.append((is_builtin, _validate(resolve(name, (name,)), path)))
    profiles.sort(key=lambda bp: (bp[0], bp[1].name))
    return [p for _, p in profiles]


def describe_profiles(extra_dirs: tuple[Path, ...] = ()) -> list[tuple[str, str, str]]:
    """(name, description, source file) for every profile, sorted by name."""
    return sorted((p.name, p.description, p.source) for p in load_profiles(extra_dirs))


def find_profile(name: str, profiles: list[Profile]) -> Profile:
    """The profile called ``name``; ConfigError listing the known names otherwise."""
    for p in profiles:
        if p.name == name:
            return p
    raise ConfigError(f"unknown CSV profile {name!r}; known profiles: "
                      + ", ".join(sorted(p.name for p in profiles)), key="profile")
