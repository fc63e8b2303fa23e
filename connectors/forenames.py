"""Forename groups of match-key specification v1 (docs/matchkeys.md, "Forename groups").

Each line is one group: its canonical form first, then the short forms, nicknames and
transliterations that councils record for the same child. A name in a group also yields the
group's canonical form as a forename variant, so "Alfie" and "Alfred", or "Mohammed" and
"Muhammad", share tokens. A few short forms belong to two groups ("ALEX": Alexander and
Alexandra); they yield both, and a child who matches two children that way is ambiguous.

Normative: connectors must use exactly this table (it is part of v1); a change is a new version.
Names are already normalised (A-Z only, no spaces).
"""

GROUPS_V1 = """
ABDULLAH ABDULA ABDALLAH
ABDULRAHMAN ABDURRAHMAN ABDELRAHMAN
AHMED AHMAD AHMET
AISHA AYESHA AYSHA AISHAH AYSHAH
ALEXANDER ALEX ALEXANDRE ALEKSANDER SANDY ALEC
ALEXANDRA ALEX ALEXA LEXI LEXIE SASHA
ALFRED ALFIE ALF
ANTHONY TONY ANTONY
BENJAMIN BEN BENNY BENJI
CALLUM CALUM
CATHERINE KATHERINE KATHRYN CATHRYN KATE KATIE KATY KATHY CATH KAT
CHARLES CHARLIE CHAS
CHRISTOPHER CHRIS KRIS
DANIEL DAN DANNY
DAVID DAVE DAVEY
EDWARD ED EDDIE TED TEDDY
ELEANOR NELL NELLIE ELENOR ELINOR
ELIZABETH LIZ LIZZIE BETH BETTY ELIZA LIBBY
FATIMA FATIMAH FATMA
FREDERICK FREDDIE FREDDY FRED
GABRIEL GABE
HANNAH HANNA
HENRY HAL
ISABELLA ISABEL ISABELLE IZZY IZZIE BELLA
JACOB JAKE JAKUB
JAMES JIM JIMMY JAMIE
JAYDEN JADEN JAIDEN
JENNIFER JENNY JEN
JESSICA JESS JESSIE
JONATHAN JON JONNY JONNIE
JOSEPH JOE JOEY JOSEF
JOSHUA JOSH
KAI KYE
LEONARD LEN LENNY
LEWIS LOUIS
MARGARET MAGGIE PEGGY MEG
MATTHEW MATT MATTY
MICHAEL MIKE MICKY MICK MIKEY MICHAL
MUHAMMAD MOHAMMED MOHAMMAD MOHAMED MOHAMAD MUHAMMED MOHAMMEED MO
NATHAN NATE NATHANIEL
NICHOLAS NICK NICKY NIKOLAS
OLIVER OLLIE OLLY
OLIVIA LIV LIVVY
PATRICK PAT PADDY
PETER PETE
REBECCA BECKY BECCA
RICHARD RICH RICKY DICK
ROBERT ROB ROBBIE BOB BOBBY BERT
SAMANTHA SAM SAMMY
SAMUEL SAM SAMMY
SOPHIA SOPHIE SOFIA SOFIJA ZOFIA
STEPHEN STEVEN STEVE STEVIE
THOMAS TOM TOMMY TOMASZ TOMAS
TIMOTHY TIM TIMMY
VICTORIA VICKY VIKKI TORI
WILLIAM WILL WILLIE BILLY BILL
YUSUF YOUSEF YOUSSEF YOUSUF
ZACHARY ZACH ZAK ZAC
"""


def _parse(table: str) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for line in table.strip().splitlines():
        canonical, *members = line.split()
        for name in (canonical, *members):
            found = groups.setdefault(name, [])
            if canonical not in found:
                found.append(canonical)
    return {name: tuple(sorted(canons)) for name, canons in groups.items()}


CANONICAL: dict[str, tuple[str, ...]] = _parse(GROUPS_V1)
"""Normalised forename -> canonical forms of every group it belongs to (sorted)."""
