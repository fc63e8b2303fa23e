"""The councils of the synthetic data: ONS codes, postcode districts, and how their files look.

Council codes are ONS UTLA codes (Open Government Licence v3,
../shared/reference/ltla21_utla21_england_wales.csv); telephone numbers are in Ofcom's drama
ranges; e-mail domains are example domains. Councils differ on purpose (old and new SEX and
PLACE codes, a UTF-8 BOM, ISO dates, spaced NHS numbers, extra columns) so that every reader
path is exercised.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ExtractStyle:
    """How one council's systems happen to write their files."""

    legacy_codes: bool = False  # 903 SEX 1/2 and pre-2024-25 PLACE codes (H5, P2, Z1)
    bom: bool = False  # UTF-8 BOM and CRLF line ends (saved from Excel)
    iso_dates: bool = False  # identity extract dates as YYYY-MM-DD
    spaced_nhs: bool = False  # identity extract NHS numbers as "901 234 5678"
    placement_column: bool = False  # identity extract fills placement_authority
    extra_columns: bool = False  # identity extract has extra columns, in another order


@dataclass(frozen=True, slots=True)
class Council:
    """A children's services authority taking part, and how its files look."""

    code: str  # ONS upper-tier (UTLA) code
    name: str
    contact: str
    districts: tuple[str, ...]  # postcode districts inside the council's area
    la_number: str  # DfE three-digit LA number (UPN characters 2-4)
    id_block: int  # 1-98: NHS numbers start 900 + id_block, so councils never share one
    style: ExtractStyle = field(default_factory=ExtractStyle)

    def __post_init__(self) -> None:
        if not 1 <= self.id_block <= 98:
            raise ValueError("id_block must be 1-98 (NHS numbers 901-998)")


# code    | name             | LA no | NHS block (9xx) | duty phone (Ofcom drama range) | districts
_COUNCIL_TABLE = """
E08000025 | Birmingham       | 330 |  1 | 0121 496 0112 | B5 B6 B8 B10 B11 B13 B14 B21 B23 B31 B33 B44
E08000003 | Manchester       | 352 |  2 | 0161 496 0740 | M8 M9 M11 M12 M13 M14 M18 M19 M20 M22 M23 M40
E09000007 | Camden           | 202 |  3 | 020 7946 0315 | NW1 NW3 NW5 NW6 WC1H WC1N WC1X N6
E08000035 | Leeds            | 383 |  4 | 0113 496 0268 | LS6 LS7 LS8 LS9 LS10 LS11 LS12 LS13 LS14 LS15 LS17
E10000016 | Kent             | 886 |  5 | 01632 960421  | ME1 ME4 ME5 ME10 ME14 ME15 CT1 CT9 CT11 CT19 CT20 TN23 TN24 DA11 DA12
E08000012 | Liverpool        | 341 |  6 | 0151 496 0833 | L4 L5 L6 L7 L8 L11 L13 L15 L17 L19 L24 L25
E06000023 | Bristol, City of | 801 |  7 | 0117 496 0574 | BS1 BS2 BS3 BS4 BS5 BS6 BS7 BS10 BS11 BS13 BS14
E10000017 | Lancashire       | 888 |  8 | 01632 960687  | PR1 PR2 PR7 BB5 BB8 BB9 BB10 BB11 LA1 LA3 LA4 FY5 FY7 L39 L40
E10000012 | Essex            | 881 |  9 | 01632 960159  | CM1 CM2 CM7 CM20 CO1 CO2 CO4 CO15 SS13 SS14 SS15
E09000008 | Croydon          | 306 | 10 | 020 7946 0862 | CR0 CR2 CR7 CR8 SE25
"""  # noqa: E501 - a table reads best one council per line
_STYLES = {  # the first three councils alone cover old and new codes, BOM and ISO dates
    "E08000003": ExtractStyle(legacy_codes=True, spaced_nhs=True),
    "E09000007": ExtractStyle(bom=True, iso_dates=True, placement_column=True),
    "E08000035": ExtractStyle(legacy_codes=True, extra_columns=True),
    "E10000016": ExtractStyle(placement_column=True, spaced_nhs=True),
    "E08000012": ExtractStyle(iso_dates=True),
    "E06000023": ExtractStyle(legacy_codes=True),
    "E10000017": ExtractStyle(extra_columns=True),
    "E09000008": ExtractStyle(placement_column=True),
}


def _council(line: str) -> Council:
    code, name, la_number, block, phone, districts = (f.strip() for f in line.split("|"))
    slug = name.split(",")[0].lower()
    return Council(
        code=code,
        name=name,
        contact=f"Emergency Duty Team, {phone}, edt@{slug}.example.gov.uk",
        districts=tuple(districts.split()),
        la_number=la_number,
        id_block=int(block),
        style=_STYLES.get(code, ExtractStyle()),
    )


COUNCILS: tuple[Council, ...] = tuple(_council(ln) for ln in _COUNCIL_TABLE.strip().splitlines())


def council_by_code(code: str) -> Council:
    """The built-in council with this ONS code."""
    for candidate in COUNCILS:
        if candidate.code == code:
            return candidate
    raise KeyError(code)
