"""The name lists behind homeward.synthetic.names (data only, real spellings).

Each community's listed names are its head, most common first; homeward.synthetic.names weights
them by rank and appends a generated long tail (the syllables at the end of this file).
"""

BRITISH_M = (
    "Oliver Harry Jack Charlie George Noah Leo Alfie Jacob Thomas Oscar James William "
    "Joshua Riley Archie Freddie Lewis Callum Kyle Connor Tyler Jayden Reece Bailey Kai "
    "Mason Logan Liam Ethan Daniel Samuel Ryan Dylan Alexander Harvey Max Lucas Theo "
    "Jake Luke Ben Finley Ronnie Tommy Frankie Corey Brandon Kieran Aaron Nathan Owen"
)
BRITISH_F = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Sophia Grace Freya Ella Poppy Evie "
    "Chloe Ellie Jessica Emily Sophie Ruby Lacey Leah Courtney Chelsea Jade Megan Paige "
    "Bethany Holly Millie Daisy Scarlett Phoebe Erin Molly Amber Lola Harper Layla "
    "Charlotte Emma Hannah Katie Lauren Abigail Rebecca Shannon Kayleigh Demi Summer"
)
BRITISH_S = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
    "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke "
    "Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker "
    "Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young "
    "Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy "
    "Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson "
    "Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews "
    "Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens "
    "Jenkins Murray Dixon Harvey O'Brien O'Connor McDonald McCarthy"
)
TRAVELLER_M = "John Patrick Michael Martin James Thomas Tom Billy Johnny Joe Edward"
TRAVELLER_F = "Mary Margaret Bridget Kathleen Ellen Nora Shannon Chelsea Caitlin"
TRAVELLER_S = (
    "Ward McDonagh Joyce Connors O'Brien Maughan Doherty Price Lee Smith Boswell "
    "Stokes Cash Delaney Quilligan Casey"
)
EAST_EU_M = (
    "Jakub Kacper Szymon Filip Antoni Mateusz Łukasz Michał Wiktor Oskar Andrei "
    "Alexandru David Ionuț Matas Lukas Dominik Tomasz Bartosz Ştefan"
)
EAST_EU_F = (
    "Zofia Zuzanna Julia Maja Wiktoria Natalia Oliwia Alicja Maria Andreea Ioana "
    "Elena Gabija Emilija Aleksandra Karolina Daria"
)
EAST_EU_S = (
    "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
    "Szymański Woźniak Dąbrowski Popescu Ionescu Popa Radu Stan Dumitru Kazlauskas "
    "Jankauskas Petrauskas Horváth Novák Balogh"
)
AFRICAN_M = (
    "Oluwaseun Chinedu Emmanuel Daniel David Samuel Kwame Kofi Tobi Ayomide Abdi "
    "Mohamed Ahmed Yonas Dawit Michael Joshua Precious Divine Jayden Ibrahim Musa "
    "Chukwuemeka Tunde Olamide Jermaine"
)
AFRICAN_F = (
    "Blessing Precious Favour Grace Esther Adaeze Chidinma Amara Aisha Hodan Fatima "
    "Ayan Hana Ruth Deborah Abigail Mercy Ama Akosua Tiwa Temitope Zainab"
)
AFRICAN_S = (
    "Okafor Adeyemi Mensah Osei Boateng Owusu Mohamed Abdi Hassan Ali Ahmed Omar "
    "Tesfay Haile Berhane Okonkwo Adebayo Olawale Nwosu Eze Asante Kamara Conteh "
    "Bangura Ogunleye Adewale"
)
CARIBBEAN_M = "Jermaine Tyrese Kai Marcus Jaden Isaiah Malachi Josiah Dwayne Leon Andre Reuben"
CARIBBEAN_F = "Shanice Aaliyah Tia Jade Kayla Naomi Imani Keisha Nia Jada Ebony Amara"
CARIBBEAN_S = (
    "Campbell Brown Williams Thomas Francis Edwards Clarke Grant Reid Morgan Bailey "
    "Henry Lewis Johnson Robinson Walters Samuels Thompson"
)
SOUTH_ASIAN_M = (
    "Muhammad Mohammed Mohammad Ayaan Zain Ibrahim Yusuf Adam Hamza Ali Bilal "
    "Umar Zakariya Rayyan Haris Arjun Aarav Harjot Gurpreet Rohan Omar Abdullah "
    "Imran Faisal Hassan"
)
SOUTH_ASIAN_F = (
    "Aisha Maryam Fatima Zara Hafsa Amira Inaya Safa Sana Khadija Ayesha Zainab "
    "Priya Simran Anaya Jasleen Noor Hira Iqra Amna"
)
SOUTH_ASIAN_S = (
    "Khan Ali Hussain Ahmed Begum Rahman Uddin Miah Islam Akhtar Iqbal Shah "
    "Mahmood Malik Butt Bibi Patel Singh Kaur Sharma Chowdhury Hossain Mohammed "
    "Aziz Javed Rashid"
)
UASC_M = (
    "Mohammad Ahmad Abdullah Ali Mustafa Hamid Omid Reza Sardar Karwan Rebwar Hewa "
    "Yonas Dawit Filmon Robel Samuel Abel Mohamed Osman Adam Minh Duc Hung Anh "
    "Ardit Klajdi Erion Ahmed Hassan"
)
UASC_F = "Samira Helen Senait Lam Linh Hana Zahra Fatima Aziza Ruta"
UASC_S = (
    "Ahmadi Rahimi Mohammadi Hussaini Karimi Sultani Noori Hassan Ahmed Omar Osman "
    "Tesfay Haile Berhane Tekle Ghebremedhin Gebreyesus Nguyen Nguyen Nguyen Tran Tran "
    "Le Pham Hoang Hoxha Krasniqi Berisha Shehu Gashi Hama Abdullah Rasul Mahmud"
)
CHINESE_M = "Jun Hao Wei Ming Yi Chen Hao Yu Zi Xuan Ethan Kevin"
CHINESE_F = "Xin Yi Mei Ling Yu Xuan Jia Hui Li Na Wen Jing Chloe Grace"
CHINESE_S = "Wang Li Zhang Chen Liu Yang Huang Zhao Wu Zhou Lin Wong Chan Cheung"


# Short forms, known-as names and other spellings councils record for the same child. Some
# are in the connector's forename groups, some are not (on purpose).
VARIANTS = {
    "Oliver": ("Ollie",),
    "Harry": ("Harrison",),
    "Charlie": ("Charles",),
    "Alfie": ("Alfred",),
    "Jacob": ("Jake", "Jakob"),
    "Thomas": ("Tom", "Tommy"),
    "James": ("Jamie", "Jim"),
    "William": ("Will", "Billy"),
    "Joshua": ("Josh",),
    "Freddie": ("Freddy", "Frederick"),
    "Lewis": ("Louis",),
    "Callum": ("Calum",),
    "Jayden": ("Jaydon", "Jaden"),
    "Reece": ("Rhys", "Reese"),
    "Kai": ("Kye",),
    "Daniel": ("Danny", "Dan"),
    "Samuel": ("Sam", "Sammy"),
    "Alexander": ("Alex", "Alec"),
    "Theo": ("Theodore",),
    "Ben": ("Benjamin",),
    "Tommy": ("Thomas",),
    "Frankie": ("Francis",),
    "Nathan": ("Nate",),
    "Olivia": ("Liv",),
    "Isabella": ("Bella", "Izzy"),
    "Sophia": ("Sophie", "Sofia"),
    "Ellie": ("Elly", "Eleanor"),
    "Jessica": ("Jess",),
    "Katie": ("Katy", "Kate"),
    "Rebecca": ("Becky",),
    "Kayleigh": ("Kayley", "Kaylee"),
    "Abigail": ("Abbie", "Abby"),
    "Millie": ("Milly",),
    "Molly": ("Mollie",),
    "Layla": ("Laila", "Leila"),
    "Hannah": ("Hanna",),
    "Lacey": ("Lacie",),
    "Muhammad": ("Mohammed", "Mohammad"),
    "Mohammed": ("Muhammad", "Mohamed"),
    "Mohammad": ("Mohammed", "Mohamad"),
    "Mohamed": ("Mohammed",),
    "Ahmad": ("Ahmed",),
    "Ahmed": ("Ahmad",),
    "Yusuf": ("Yousef", "Yousuf"),
    "Aisha": ("Ayesha", "Aysha"),
    "Fatima": ("Fatimah",),
    "Zakariya": ("Zakaria", "Zak"),
    "Abdullah": ("Abdulla",),
    "Mustafa": ("Mostafa",),
    "Hamza": ("Hamzah",),
    "Maryam": ("Mariam",),
    "Oluwaseun": ("Seun",),
    "Chinedu": ("Chi",),
    "Ayomide": ("Ayo",),
    "Oluwatobi": ("Tobi",),
    "Chukwuemeka": ("Emeka",),
    "Temitope": ("Tope",),
    "Adaeze": ("Ada",),
    "Kacper": ("Casper",),
    "Łukasz": ("Lukasz", "Luke"),
    "Michał": ("Michael",),
    "Wiktoria": ("Victoria",),
    "Aleksandra": ("Ola", "Alexandra"),
    "Jakub": ("Jacob",),
    "Ionuț": ("Ionut",),
    "Andreea": ("Andrea",),
    "Aaliyah": ("Aliyah",),
    "Tyrese": ("Tyreese",),
    "Isaiah": ("Isiah",),
    "Jermaine": ("Jermain",),
    "Shanice": ("Shaniece",),
    "Minh": ("Min",),
    "Omid": ("Omeed",),
    "Filmon": ("Filimon",),
    "Dawit": ("David",),
    "Yonas": ("Jonas", "Yohannes"),
}

# Generated long tails: invented, pronounceable names, so that each table has the thousands of
# rare names a real birth cohort has (the listed names above are its head).
FORENAME_STARTS = (
    "Al Ar Bel Bren Cal Cor Dar Del El Em Fin Gal Har Is Jas Jen Kel Kir Lor Lu Mar Mel Nel "
    "Nor Or Pel Ros Sol Tam Tor Val Wil Zan Ab Ad Am An Ber Bri Car Cas Dan Dor Ed Ev Fal Fen "
    "Gil Gor Hal Hen Jor Kal Len Lin Mal Mor Nic Ob Per Quin Ray Ren Sam Sel Tal Ter Ul Ven "
    "Wyn Yas Zor Ced Ari Ori Sev Tob Tris Bas Cam Dex Eb Fab Gid Hug Ig Jud Kas Lev Mil Nat"
)
FORENAME_ENDS_M = (
    "an en on in ric ius o as ek ard ian el ston ley win ton den ver us ix ro der mond bert "
    "rick lan ias"
)
FORENAME_ENDS_F = (
    "a ah ie ina ette ia elle ene is ara ona ora een ley ith wen yn i anna issa ella ine ise "
    "lyn ita"
)
SURNAME_STARTS = (
    "Ash Brad Brook Car Chad Crom Dal Dun Fair Fen Gar Glad Hart Hay Hol Kent Lang Mar Mel Mor "
    "Nor Pen Ross Rad Sal Shel Stan Stock Thorn Wal War Whit Win Wood Ald Bur Cal Dar Eld Fal "
    "Gil Har Kel Lin Ack Bal Bel Bir Bla Bol Bram Bur Cas Chis Cly Cor Dav Dent Dray Ed Ell Fan "
    "Farr Fos Gat Gos Hal Ham Hen Hig Hum Ing Jar Kel Kir Lam Lev Mab Mat Mer Mid Nap Nel Oak "
    "Ost Pad Pel Pick Pol Ram Red Rid Row Sax Sed Sher Skel Som Tad Tem Til Tun Ud Ven Wat Wes"
)
SURNAME_MIDDLES = " er in ing el an ow"  # the empty middle first: Ashley, then Asherley
SURNAME_ENDS = (
    "ley ton worth by ford field well combe den ham wick stone more bury ridge son shaw land "
    "croft brook dale hurst mere thorpe wood man er ell ett ington ock ings ings well ward hill"
)
FORENAME_TAIL_M = (
    "Alby Arlo Axel Bodhi Caspar Cillian Dexter Eli Ezra Felix Finn Hugo Ibrahim Jago Jasper "
    "Kobe Laurie Lorcan Milo Monty Nico Ollie Ralph Rory Rufus Sonny Teddie Vinnie Zack Ellis "
    "Harley Jenson Kian Kobi Lennon Marley Otis Rocco Tate Wilf"
)
FORENAME_TAIL_F = (
    "Ada Aria Bonnie Cora Delilah Edie Elsie Esme Ffion Hallie Iris Juno Kacey Lyla Maeve "
    "Margot Mabel Nancy Orla Peyton Remi Rosie Sienna Skye Tilly Violet Willow Wren Zara Zoë "
    "Aoife Ciara Niamh Siobhán Saoirse Sinéad Bronwen"
)
