"""Name tables for synthetic children (homeward.synthetic).

Invented frequency weights, loosely shaped on the mix of communities among children looked after
in England (about three quarters White, one in ten Mixed, then Black, Asian and Other groups;
unaccompanied asylum-seeking children, mostly teenage boys, are about 7 %). Every name is common
enough to belong to thousands of people; no combination describes a real child.

Each table is written as ``"Name weight, Name weight, ..."``; the weight is relative within its
table. Names keep their real spelling: apostrophes (O'Connor), accents (Zoë, Sinéad, Łukasz),
spaces (Xin Yi) and several spellings of one name (Mohammed, Muhammad, Mohamed).
"""

from dataclasses import dataclass

Weighted = tuple[tuple[str, float], ...]


def parse_weights(spec: str) -> Weighted:
    """``"A 3, B 1.5"`` -> ``(("A", 3.0), ("B", 1.5))``; names may contain spaces."""
    rows: list[tuple[str, float]] = []
    for item in spec.split(","):
        name, weight = item.strip().rsplit(" ", 1)
        rows.append((name, float(weight)))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Community:
    """A naming tradition: who is named how, and which DfE ETHNIC codes they are recorded with."""

    key: str
    weight: float  # relative share of looked-after children
    ethnic: Weighted  # DfE 903 ETHNIC codes
    male: Weighted
    female: Weighted
    surnames: Weighted
    uasc: bool = False  # unaccompanied asylum-seeking: teenagers, mostly boys, often no UPN
    gendered_surnames: bool = False  # Polish -ski/-ska, Russian -ov/-ova


COMMUNITIES: tuple[Community, ...] = (
    Community(
        key="white_british",
        weight=62,
        ethnic=parse_weights("WBRI 88, MWBC 4, MWBA 2, MWAS 2, MOTH 2, WOTH 1, REFU 0.5, NOBT 0.5"),
        male=parse_weights(
            "Oliver 6, George 5, Harry 6, Jack 7, Charlie 6, Thomas 5, James 5, Alfie 6, "
            "Riley 6, Jacob 4, Leo 4, Noah 4, Oscar 3, Archie 5, Freddie 4, Lewis 4, Callum 4, "
            "Kyle 4, Connor 4, Tyler 5, Jayden 5, Reece 3, Bailey 3, Kai 3, Mason 5, Logan 4, "
            "William 4, Joshua 4, Liam 3, Ethan 4"
        ),
        female=parse_weights(
            "Olivia 5, Amelia 5, Isla 3, Ava 4, Emily 5, Sophie 4, Grace 3, Lily 5, Mia 4, "
            "Chloe 5, Ellie 5, Jessica 4, Poppy 3, Ruby 4, Evie 4, Freya 3, Holly 3, Leah 4, "
            "Megan 4, Courtney 3, Shannon 3, Chloë 1, Zoë 1, Renée 0.5, Paige 4, Kayleigh 3, "
            "Charlotte 4, Katie 4, Summer 3, Lacey 3"
        ),
        surnames=parse_weights(
            "Smith 10, Jones 8, Williams 6, Taylor 6, Brown 6, Davies 5, Evans 4, Wilson 4, "
            "Thomas 3, Johnson 4, Roberts 3, Robinson 3, Thompson 4, Wright 3, Walker 3, "
            "White 3, Edwards 3, Hughes 3, Green 3, Hall 3, Wood 3, Harris 3, Lewis 3, Martin 3, "
            "Jackson 3, Clarke 3, Turner 2, Hill 2, Scott 2, Cooper 2, Morris 2, Ward 2, Moore 2, "
            "King 2, Watson 2, Baker 2, Harrison 2, Morgan 2, Young 2, Allen 2, Mitchell 2, "
            "Bell 2, Price 2, Shaw 2, Lloyd 1, Fox 1"
        ),
    ),
    Community(
        key="irish_traveller",
        weight=3,
        ethnic=parse_weights("WIRI 5, WIRT 4, WBRI 2"),
        male=parse_weights(
            "Jack 3, Conor 3, Seán 2, Oisín 1, Cian 1, Patrick 3, Darragh 1, Ryan 2, Michael 3, "
            "Ciarán 1, John 3, Martin 2"
        ),
        female=parse_weights(
            "Aoife 2, Sinéad 2, Siobhán 1, Niamh 2, Ciara 2, Saoirse 1, Róisín 1, Caoimhe 1, "
            "Erin 2, Orla 1, Bridget 2, Mary 2"
        ),
        surnames=parse_weights(
            "Murphy 4, Kelly 4, O'Brien 3, O'Connor 3, O'Sullivan 2, Byrne 2, Walsh 2, "
            "McCarthy 2, Doherty 2, Gallagher 2, O'Neill 2, McDonagh 2, Connors 2, Maughan 1, "
            "Joyce 1"
        ),
    ),
    Community(
        key="black_african_caribbean",
        weight=10,
        ethnic=parse_weights("BAFR 5, BCRB 3, BOTH 1, MWBC 3, MWBA 1"),
        male=parse_weights(
            "Joshua 3, Daniel 3, David 2, Samuel 2, Emmanuel 2, Tyrese 2, Kwame 1, Chidi 1, "
            "Oluwaseun 1, Tobi 1, Jermaine 1, Malachi 2, Elijah 2, Isaiah 2, Marcus 1, Abdi 2"
        ),
        female=parse_weights(
            "Precious 2, Blessing 2, Favour 2, Grace 2, Chantelle 1, Tiana 2, Nia 2, Adaeze 1, "
            "Amara 2, Shanice 1, Kemi 1, Ifeoma 1, Hodan 1, Khadija 2"
        ),
        surnames=parse_weights(
            "Okafor 2, Adeyemi 2, Mensah 2, Osei 2, Okoro 1, Campbell 2, Francis 2, Bailey 1, "
            "Abdi 2, Warsame 1, Hussein 2, Ogunleye 1, Asante 1, Boateng 1, Nwosu 1, "
            "Grant 1, Richards 1"
        ),
    ),
    Community(
        key="south_asian",
        weight=6,
        ethnic=parse_weights("APKN 5, ABAN 3, AIND 2, AOTH 1, MWAS 1"),
        male=parse_weights(
            "Muhammad 3, Mohammed 3, Ayaan 2, Ibrahim 2, Zain 2, Aryan 1, Arjun 1, Rohan 1, "
            "Hamza 2, Yusuf 2, Harjit 1, Armaan 1"
        ),
        female=parse_weights(
            "Aisha 2, Zara 2, Fatima 2, Maryam 2, Priya 1, Amira 1, Inaya 1, Hafsa 1, "
            "Simran 1, Anaya 1, Noor 1, Sana 1"
        ),
        surnames=parse_weights(
            "Khan 5, Hussain 4, Ahmed 3, Ali 3, Patel 3, Singh 2, Akhtar 2, Iqbal 2, Rahman 2, "
            "Miah 2, Uddin 1, Shah 2, Sharma 1, Mahmood 2, D'Souza 1"
        ),
    ),
    Community(
        key="eastern_european",
        weight=5,
        ethnic=parse_weights("WOTH 8, WROM 2"),
        male=parse_weights(
            "Jakub 2, Łukasz 1, Kacper 2, Szymon 1, Filip 2, Mateusz 1, Dawid 1, Oliwer 1, "
            "Aleksander 1, Nikola 1, Andrei 1, Ionuț 1, Matas 1, Dominik 2"
        ),
        female=parse_weights(
            "Zuzanna 1, Julia 2, Maja 2, Wiktoria 1, Natalia 2, Oliwia 1, Alicja 1, Zofia 1, "
            "Ioana 1, Gabriela 1, Emilija 1, Anastasia 1, Kamila 1"
        ),
        surnames=parse_weights(
            "Nowak 3, Kowalski 2, Wiśniewski 2, Wójcik 2, Kowalczyk 2, Kamiński 1, "
            "Lewandowski 2, Zieliński 1, Szymański 1, Woźniak 1, Popescu 2, Ionescu 1, "
            "Horváth 1, Balogh 1, Ivanov 1, Petrov 1"
        ),
        gendered_surnames=True,
    ),
    Community(
        key="chinese",
        weight=1,
        ethnic=parse_weights("CHNE 9, AOTH 1"),
        male=parse_weights("Wei 2, Jun 1, Hao 1, Yi Chen 1, Ethan 2, Ryan 1, Kai 1, Zi Xuan 1"),
        female=parse_weights(
            "Mei 2, Xin Yi 1, Jia Hui 1, Yu Ting 1, Chloe 1, Hannah 1, Ling 1, Wing Yan 1"
        ),
        surnames=parse_weights(
            "Chen 3, Wang 2, Li 3, Zhang 2, Liu 2, Wong 2, Chan 2, Lam 1, Cheung 1, Ng 1, Lin 1"
        ),
    ),
    Community(
        key="arab",
        weight=3,
        ethnic=parse_weights("OOTH 6, AOTH 2, MOTH 1"),
        male=parse_weights(
            "Mohamed 2, Mohammad 1, Ahmed 2, Omar 2, Yusuf 1, Ali 1, Hassan 1, Ibrahim 1, Adam 2"
        ),
        female=parse_weights(
            "Fatima 2, Aisha 1, Maryam 2, Nour 1, Layla 2, Zainab 1, Amira 1, Yasmin 2"
        ),
        surnames=parse_weights(
            "Ali 3, Ahmed 3, Hassan 2, Hussein 2, Mohamed 2, Abdullah 1, Al-Sayed 1, "
            "Ibrahim 2, Mahmoud 1, El-Amin 1"
        ),
    ),
    Community(
        key="uasc_afghan_kurdish",
        weight=4,
        ethnic=parse_weights("AOTH 6, OOTH 3, WOTH 1"),
        male=parse_weights(
            "Ahmad 3, Mohammad 3, Abdullah 2, Samiullah 1, Habib 1, Karwan 1, Rebwar 1, "
            "Hawre 1, Erion 1, Klodian 1"
        ),
        female=parse_weights("Zahra 1, Hana 1, Shirin 1"),
        surnames=parse_weights(
            "Ahmadi 3, Mohammadi 2, Rahimi 2, Hussaini 2, Stanikzai 1, Karimi 1, Rasul 1, "
            "Aziz 1, Hoxha 1, Gashi 1"
        ),
        uasc=True,
    ),
    Community(
        key="uasc_horn_of_africa",
        weight=2,
        ethnic=parse_weights("BAFR 8, BOTH 2"),
        male=parse_weights("Yonas 2, Mussie 1, Filmon 1, Ahmed 2, Abdalla 1, Mohamed 2, Robel 1"),
        female=parse_weights("Helen 1, Senait 1, Meron 1, Semhar 1"),
        surnames=parse_weights(
            "Tesfay 2, Gebremedhin 1, Berhane 2, Abdalla 1, Osman 2, Haile 1, Yohannes 1"
        ),
        uasc=True,
    ),
)

# Forms a child is commonly known by (the identity extract's known_as): "Name=Short/Other".
_KNOWN_AS_SPEC = """
    Oliver=Ollie Thomas=Tom/Tommy James=Jamie William=Will/Billy Joshua=Josh Jacob=Jake
    Alfie=Alf Freddie=Fred Callum=Cal Charlotte=Lottie Jessica=Jess Katie=Kate Olivia=Liv
    Amelia=Millie Megan=Meg Patrick=Paddy Michael=Mikey Bridget=Biddy Daniel=Danny Samuel=Sam
    Emmanuel=Manny Oluwaseun=Seun Muhammad=Mo Mohammed=Mo Mohamed=Mo Ibrahim=Ibby Łukasz=Luke
    Jakub=Kuba Aleksander=Olek/Alex Zuzanna=Zuzia Wiktoria=Vicky Anastasia=Nastya Mateusz=Matt
    Abdullah=Abdul Samiullah=Sami
"""
KNOWN_AS: dict[str, tuple[str, ...]] = {
    name: tuple(short.split("/"))
    for name, short in (pair.split("=") for pair in _KNOWN_AS_SPEC.split())
}

# Surnames whose feminine form is a different word.
_FEMININE: dict[str, str] = {"Singh": "Kaur"}
_FEMININE_SUFFIXES = (("ski", "ska"), ("cki", "cka"), ("ov", "ova"), ("ev", "eva"))


def surname_for(surname: str, sex: str, *, gendered: bool) -> str:
    """The form of a family surname that a child of this sex carries (Kowalski -> Kowalska)."""
    if sex != "F":
        return surname
    if surname in _FEMININE:
        return _FEMININE[surname]
    if gendered:
        for masculine, feminine in _FEMININE_SUFFIXES:
            if surname.endswith(masculine):
                return surname[: -len(masculine)] + feminine
    return surname
