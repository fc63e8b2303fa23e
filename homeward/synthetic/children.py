"""Children looked after by one council: people, care histories, missing episodes.

One ``Generator`` per council draws every value from one seeded ``random.Random`` in a fixed
order, so the same seed and ``today`` give the same children. Names come from
homeward.synthetic.names (the same tables as the linkage benchmarks), 903 code frequencies from
homeward.synthetic.codes, identifiers from homeward.synthetic.identifiers.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from homeward.synthetic import codes
from homeward.synthetic.choice import pick
from homeward.synthetic.councils import Council
from homeward.synthetic.identifiers import (
    UPN_CHECK_LETTERS,
    nhs_numbers,
    postcode,
    upn_check_letter,
)
from homeward.synthetic.names import (
    COMMUNITY,
    Community,
    draw_forenames,
    draw_surname,
    surname_for,
)

P_OUT_OF_AREA = 0.4  # about 40 % of looked-after children live outside their council's area


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    """Identity of one child as their own (responsible) council records it."""

    child_id: str
    nhs_number: str | None
    upn: str  # 13 characters, or UN1-UN5
    forename: str  # legal forename(s), sometimes with a middle name
    known_as: str | None
    surname: str
    former_surname: str | None
    dob: date
    sex: str  # M, F or U
    postcode: str  # home postcode, inside the council's area


class SyntheticEpisode(NamedTuple):
    """One 903 Episodes row; ``area`` is the UTLA code that PL_POST lies in."""

    decom: date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    dec: date | None
    rec: str
    reason_place_change: str
    home_post: str
    pl_post: str
    urn: str
    area: str


class SyntheticMissing(NamedTuple):
    kind: str  # M (whereabouts unknown) or A (away without authorisation)
    start: date
    end: date | None  # None while still missing


@dataclass(frozen=True, slots=True)
class SyntheticChild:
    person: SyntheticPerson
    ethnic: str
    episodes: tuple[SyntheticEpisode, ...]  # the last is open
    missing: tuple[SyntheticMissing, ...]
    placed_in: Council  # area authority of the open episode (the home council if in area)
    sibling_group: int | None  # children of one family looked after by the same council


# --- the generator -------------------------------------------------------------------------------


class _Placement(NamedTuple):
    place: str
    provider: str
    pl_post: str
    urn: str
    area: Council


@dataclass(slots=True)
class _Family:
    community: Community
    surname: str
    postcode: str
    ethnic: str


class Generator:
    """Makes the children of one council, in order, from one random stream."""

    def __init__(
        self, home: Council, others: Iterable[Council], rng: random.Random, today: date
    ) -> None:
        self.home = home
        self.hosts = tuple(sorted((c for c in others if c.code != home.code), key=_code))
        self.rng = rng
        self.today = today
        self.today_ord = today.toordinal()
        self.oldest_ord = codes.years_before(today, 18).toordinal() + 1
        self.groups = 0

    def children(self, count: int) -> list[SyntheticChild]:
        rng = self.rng
        ids = rng.sample(range(100_000, 1_000_000), count)
        nhs = nhs_numbers(self.home.id_block, count, rng)
        out: list[SyntheticChild] = []
        while len(out) < count:
            family = self._family()
            size = 1
            if not family.community.uasc and rng.random() < 0.08:  # brothers and sisters
                size = min(3 if rng.random() < 0.25 else 2, count - len(out))
            group = self._group_id(size)
            twin_dob = None
            for _ in range(size):
                i = len(out)
                child = self._child(ids[i], nhs[i], family, group, twin_dob)
                twin_dob = child.person.dob if rng.random() < 0.15 else None
                out.append(child)
        return out

    def _group_id(self, size: int) -> int | None:
        if size == 1:
            return None
        self.groups += 1
        return self.groups

    def _family(self) -> _Family:
        rng = self.rng
        community = COMMUNITY(rng)
        return _Family(
            community,
            draw_surname(rng, community),
            postcode(rng, self.home.districts),
            codes.ETHNIC[community.key](rng),
        )

    def _child(
        self, child_id: int, nhs: str, family: _Family, group: int | None, twin_dob: date | None
    ) -> SyntheticChild:
        person = self._person(str(child_id), nhs, family, twin_dob)
        uasc = family.community.uasc
        episodes, placed_in = self._episodes(person, uasc)
        missing = self._missing(person, episodes[0].decom, uasc)
        return SyntheticChild(person, family.ethnic, episodes, missing, placed_in, group)

    def _person(
        self, child_id: str, nhs: str, family: _Family, twin_dob: date | None
    ) -> SyntheticPerson:
        rng, community = self.rng, family.community
        sex = self._sex(community.uasc)
        dob = twin_dob or self._dob(community.uasc)
        names = draw_forenames(rng, community, sex if sex != "U" else pick(rng, "MF"))
        forename = names.forename
        if names.middle and names.middle != forename:
            forename = f"{forename} {names.middle}"
        gendered = community.gendered_surnames
        former = None
        if rng.random() < 0.08:  # e.g. a mother's or step-parent's former surname
            former = surname_for(draw_surname(rng, community), sex, gendered=gendered)
        surname = surname_for(family.surname, sex, gendered=gendered)
        return SyntheticPerson(
            child_id=child_id,
            nhs_number=None if rng.random() < (0.4 if community.uasc else 0.07) else nhs,
            upn=self._upn(dob, community.uasc),
            forename=forename,
            known_as=names.known_as,
            surname=surname,
            former_surname=former if former != surname else None,
            dob=dob,
            sex=sex,
            postcode=family.postcode,
        )

    def _sex(self, uasc: bool) -> str:
        r = self.rng.random()
        if not self.home.style.legacy_codes and r < 0.003:
            return "U"
        return "M" if r < (0.93 if uasc else 0.56) else "F"

    def _dob(self, uasc: bool) -> date:
        rng = self.rng
        age = codes.UASC_AGE(rng) if uasc else codes.AGE(rng)
        ordinal = self.today_ord - int((age + rng.random()) * 365.2425)
        ordinal = min(self.today_ord, max(self.oldest_ord, ordinal))
        dob = date.fromordinal(ordinal)
        r = rng.random()
        if uasc and r < 0.25:  # age assessed: recorded as 1 January
            dob = dob.replace(month=1, day=1)
        elif r < (0.35 if uasc else 0.03):  # unknown day of birth: DfE says use the 15th
            dob = dob.replace(day=15)
        if self.oldest_ord <= dob.toordinal() <= self.today_ord:
            return dob
        return date.fromordinal(ordinal)

    def _upn(self, dob: date, uasc: bool) -> str:
        age, r = codes.age(dob, self.today), self.rng.random()
        if uasc:
            return "UN2" if r < 0.45 else "UN4" if r < 0.55 else self._real_upn(dob)
        if age < 1 or (age == 1 and r < 0.5):
            return "UN1"  # not of school age
        if r > 0.985:
            return ("UN3", "UN4", "UN4", "UN5")[int((r - 0.985) / 0.015 * 4)]
        return self._real_upn(dob)

    def _real_upn(self, dob: date) -> str:
        """``CLLLEEEEYYSSS``: check letter, LA, establishment, year of issue, serial."""
        rng = self.rng
        la = self.home.la_number
        if self.hosts and rng.random() < 0.15:  # first went to school somewhere else
            la = pick(rng, self.hosts).la_number
        year = min(dob.year + 4, self.today.year) % 100
        establishment = pick(rng, (2000, 3000, 4000, 7000)) + int(rng.random() * 1000)
        tail = f"{la}{establishment:04d}{year:02d}{int(rng.random() * 1000):03d}"
        if rng.random() < 0.02:  # temporary UPN: the last character is a letter
            tail = tail[:-1] + pick(rng, UPN_CHECK_LETTERS)
        return upn_check_letter(tail) + tail

    # --- care history ---

    def _episodes(
        self, person: SyntheticPerson, uasc: bool
    ) -> tuple[tuple[SyntheticEpisode, ...], Council]:
        rng, dob_ord = self.rng, person.dob.toordinal()
        care_days = min(
            self.today_ord - dob_ord, int(rng.expovariate(1.0 if uasc else 0.4) * 365.25)
        )
        count = min(codes.EPISODE_COUNT(rng), care_days + 1)
        start = self.today_ord - care_days
        starts = [start, *(start + 1 + d for d in codes.distinct_days(rng, care_days, count - 1))]
        cin = codes.CIN(rng)
        group = "uasc" if uasc else "young" if start - dob_ord < 10 * 365 else "older"
        ls = codes.LS_START[group](rng)
        placement = self._placement(start, dob_ord, ls, person.postcode)
        rne = "S"
        episodes: list[SyntheticEpisode] = []
        for decom in starts:
            if episodes:
                rne, ls, placement = self._change(decom, dob_ord, ls, placement, person.postcode)
                episodes[-1] = _close(episodes[-1], decom, rne, rng)
            episodes.append(_open_episode(decom, rne, ls, cin, placement, person.postcode))
        return tuple(episodes), placement.area

    def _change(
        self, decom: int, dob_ord: int, ls: str, placement: _Placement, home_post: str
    ) -> tuple[str, str, _Placement]:
        """Reason for a new episode, and the legal status and placement it brings."""
        rng = self.rng
        next_ls = codes.LS_NEXT.get((ls, decom - dob_ord < 8 * 365))
        rne = codes.RNE(rng) if next_ls else codes.RNE_PLACEMENT_ONLY(rng)
        if next_ls and rne in "LBU":
            ls = next_ls(rng)
        if rne in "LTU":  # same placement (L) or same carer (T, U), recorded in current codes
            place = (
                placement.place
                if rne == "L"
                else codes.SAME_CARER.get(placement.place, placement.place)
            )
            return rne, ls, placement._replace(place=self._era(place, decom))
        return rne, ls, self._placement(decom, dob_ord, ls, home_post)

    def _placement(self, decom: int, dob_ord: int, ls: str, home_post: str) -> _Placement:
        rng = self.rng
        out = bool(self.hosts) and rng.random() < P_OUT_OF_AREA
        area = pick(rng, self.hosts) if out else self.home
        if ls == "E1" and rng.random() < 0.7:
            place = codes.PLACED_FOR_ADOPTION(rng)
        else:
            band = codes.age_band((decom - dob_ord) // 365)
            place = self._era(codes.PLACE[(band, out)](rng), decom)
        provider = codes.PROVIDER[place](rng) if place in codes.PROVIDER else ""
        pl_post, urn = self._setting(place, provider, area, home_post)
        return _Placement(place, provider, pl_post, urn, area)

    def _era(self, place: str, decom: int) -> str:
        """PLACE codes as they stood when the episode began (old ones on legacy systems)."""
        if self.home.style.legacy_codes:
            return place
        if place in ("H5", "P2") and decom >= codes.CODES_2024_25:
            return "K3"
        if place == "Z1" and decom >= codes.CODES_2025_26:
            return pick(self.rng, ("Z11", "Z12", "Z13", "Z14"))
        return place

    def _setting(self, place: str, provider: str, area: Council, home_post: str) -> tuple[str, str]:
        """(PL_POST, URN) of a placement."""
        rng = self.rng
        if place in codes.SETTING_URN:
            urn, setting_postcode = pick(rng, codes.settings(area.code, area.districts, place))
            return setting_postcode, urn
        if place == "P1" and area is self.home:
            return home_post, ""
        unit = postcode(rng, area.districts)
        if place[0] == "U":
            if provider in ("PR4", "PR5"):  # independent fostering agency
                return unit, codes.agency_urn("ifa", str(int(rng.random() * 40)))
            service = area if provider == "PR2" else self.home  # PR2: another council's carers
            return unit, codes.agency_urn("fostering", service.code)
        if place[0] == "A":
            regional = rng.random() < 0.6  # regional adoption agencies: XXXXXXX
            return unit, "XXXXXXX" if regional else codes.agency_urn("adoption", self.home.code)
        return unit, ""

    def _missing(
        self, person: SyntheticPerson, in_care_since: date, uasc: bool
    ) -> tuple[SyntheticMissing, ...]:
        """Missing/away episodes in the last year: never overlapping, only the last open."""
        rng, today = self.rng, self.today_ord
        lo = max(today - 365, in_care_since.toordinal())
        if rng.random() >= codes.p_missing(codes.age(person.dob, self.today), uasc):
            return ()
        count = min(codes.MISSING_COUNT(rng), today - lo + 1)
        starts = [lo + d for d in codes.distinct_days(rng, today - lo + 1, count)]
        episodes: list[SyntheticMissing] = []
        for i, start in enumerate(starts):
            low, high = codes.MISSING_DAYS(rng)
            end = start + low + int(rng.random() * (high - low + 1))
            still_missing = False
            if i + 1 < count:
                end = min(end, starts[i + 1] - 1)
            else:
                still_missing = end > today or (start > today - 60 and rng.random() < 0.2)
            kind = "M" if rng.random() < 0.7 else "A"
            episodes.append(
                SyntheticMissing(
                    kind, date.fromordinal(start), None if still_missing else date.fromordinal(end)
                )
            )
        return tuple(episodes)


def _code(council: Council) -> str:
    return council.code


def _open_episode(
    decom: int, rne: str, ls: str, cin: str, placement: _Placement, home_post: str
) -> SyntheticEpisode:
    return SyntheticEpisode(
        decom=date.fromordinal(decom),
        rne=rne,
        ls=ls,
        cin=cin,
        place=placement.place,
        provider=placement.provider,
        dec=None,
        rec="",
        reason_place_change="",
        home_post=home_post,
        pl_post=placement.pl_post,
        urn=placement.urn,
        area=placement.area.code,
    )


def _close(
    episode: SyntheticEpisode, dec: int, next_rne: str, rng: random.Random
) -> SyntheticEpisode:
    """End an episode the day the next begins (REC X1), with the reason the placement changed."""
    reason = "" if next_rne == "L" else "PLACE" if next_rne in "TU" else codes.PLACE_CHANGE(rng)
    return episode._replace(dec=date.fromordinal(dec), rec="X1", reason_place_change=reason)
