"""SSDA903 codes a notification may carry, with their meanings (DfE, *Children looked after
return: guide*): legal status (LS) and placement type (PLACE)."""

LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE, including secure accommodation",
    "J3": "Sentenced to a youth rehabilitation order with residence or accommodation requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under a child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20 (Children Act 1989)",
    "V3": "Accommodated under an agreed series of short-term breaks, individual episodes",
    "V4": "Accommodated under an agreed series of short-term breaks, single episodes",
}

PLACEMENT_TYPE = {
    "A3": "Placed for adoption with parental or guardian consent with current foster carer",
    "A4": "Placed for adoption with parental or guardian consent not with current foster carer",
    "A5": "Placed for adoption with placement order with current foster carer",
    "A6": "Placed for adoption with placement order not with current foster carer",
    "H5": "Semi-independent living accommodation not subject to children's homes regulations",
    "K1": "Secure children's home",
    "K2": "Children's home subject to children's homes regulations",
    "K3": "Supported accommodation (registered)",
    "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
    "P2": "Independent living, for example in a flat, lodgings, bedsit, B&B or with friends",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/health trust or other establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "All residential schools, except where dual-registered as a school and children's home",
    "T0": "Temporary placement: all types of temporary move",
    "U1": "Foster placement with relative or friend, long-term fostering",
    "U2": "Foster placement with relative or friend who is also an approved adopter (FFA)",
    "U3": "Foster placement with relative or friend, not long-term or FFA",
    "U4": "Foster placement with other foster carer, long-term fostering",
    "U5": "Foster placement with other foster carer who is also an approved adopter (FFA)",
    "U6": "Foster placement with other foster carer, not long-term or FFA",
    "Z1": "Other placements",
}


def meaning(table: dict[str, str], code: str | None) -> str | None:
    """``"C2: Full care order"``; an unknown code is shown as it came; None for no code."""
    if not code:
        return None
    known = table.get(code)
    return f"{code}: {known}" if known else f"{code} (code not recognised)"
