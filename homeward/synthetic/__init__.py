"""Deterministic synthetic children for the demo, the tests and the benchmarks: one generator.

One seeded ``random.Random`` fixes every byte. Two front ends share the same names
(``names``: realistic UK frequencies, long tails, known-as forms and other spellings) and the
same identifier recipes (``identifiers``: valid NHS numbers and UPNs outside issued ranges):

- **Council extracts** (the demo, functional tests, end-to-end benchmarks): for each council,
  children looked after with their SSDA903 Header / Episodes / Missing rows, the identity
  extract and the postcode lookup (``extracts``, ``children``, ``codes``, ``councils``), and
  the demo's story of a child found far from home (``story``).
- **Linkage benchmarks** (``linkage``): a left file of looked-after children, a right file of
  children reported elsewhere, and the ground truth; families, twins, siblings, asylum-seeking
  children (``population``) recorded again with the errors councils make (``variation``).

Nothing here is a real person (see ``identifiers``). Layout, in the order data is made:
choice -> name_lists -> names -> identifiers -> councils -> codes -> children -> extracts ->
story; population -> variation -> linkage.
"""

from homeward.synthetic.children import (
    P_OUT_OF_AREA,
    SyntheticChild,
    SyntheticEpisode,
    SyntheticMissing,
    SyntheticPerson,
)
from homeward.synthetic.councils import COUNCILS, Council, ExtractStyle, council_by_code
from homeward.synthetic.extracts import (
    EPISODES_COLUMNS,
    HEADER_COLUMNS,
    IDENTITY_COLUMNS,
    LOOKUP_COLUMNS,
    MAX_CHILDREN,
    MISSING_COLUMNS,
    CouncilExtract,
    CouncilFiles,
    Row,
    generate_council_extract,
    generate_extracts,
    identity_columns,
    postcode_lookup_rows,
    write_council_files,
)
from homeward.synthetic.identifiers import nhs_check_digit, upn_check_letter
from homeward.synthetic.story import found_person_record, pick_reporting_council, pick_runaway

# fmt: off
__all__ = [
    "COUNCILS", "EPISODES_COLUMNS", "HEADER_COLUMNS", "IDENTITY_COLUMNS", "LOOKUP_COLUMNS",
    "MAX_CHILDREN", "MISSING_COLUMNS", "P_OUT_OF_AREA", "Council", "CouncilExtract",
    "CouncilFiles", "ExtractStyle", "Row", "SyntheticChild", "SyntheticEpisode",
    "SyntheticMissing", "SyntheticPerson", "council_by_code", "found_person_record",
    "generate_council_extract", "generate_extracts", "identity_columns", "nhs_check_digit",
    "pick_reporting_council", "pick_runaway", "postcode_lookup_rows", "upn_check_letter",
    "write_council_files",
]
# fmt: on
