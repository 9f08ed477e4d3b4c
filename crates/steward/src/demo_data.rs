//! Realistic fictional demo data: a housing association and a family-support charity.
//!
//! [`generate`] builds two organisations' worth of people, side by side:
//!
//! * a housing association in East Anglia (in the style of "Riverside Vale Homes"):
//!   tenant households (lead and joint tenants, partners, adult children, children and
//!   the odd grandparent), former tenants, housing-register and job applicants, staff,
//!   former staff, board members and supplier contacts;
//! * a family-support charity with hubs in Leeds, Manchester, Birmingham, Cardiff,
//!   Edinburgh, Belfast and London: families (parents and kinship carers as service
//!   users, their children, separated co-parents, grandparents as emergency contacts),
//!   volunteers, trustees, staff and volunteer applicants.
//!
//! Housing association people come first in [`DemoData::subjects`], then the charity's.
//!
//! Everything is made up and safe to show:
//! * names are random combinations from hand-picked lists of common given names and
//!   surnames, not anyone in particular;
//! * email addresses only use the reserved domains example.org, example.com and
//!   example.net (RFC 2606);
//! * phone numbers only come from Ofcom's drama ranges (07700 900000–900999,
//!   01632 960000–960999 and 020 7946 0000–0999), written in a mix of UK formats;
//! * NHS numbers only come from the 999 range used for test data, with a good
//!   modulus-11 check digit;
//! * National Insurance numbers are random, with prefixes HMRC's rules allow;
//! * postcodes pair real-looking outward codes with random inward codes.
//!
//! The same seed always gives the same data.

use jiff::{ToSpan, civil::Date};
use std::collections::HashSet;
use std::ops::RangeInclusive;
use steward_core::normalise::fold_name;
use steward_core::subject::{Address, Category, LinkKind, NewSubject};

/// Demo subjects and the links between them.
pub struct DemoData {
    /// The people to create: the housing association's first, then the charity's.
    pub subjects: Vec<NewSubject>,
    /// Links as `(from, to, kind)`, indices into `subjects`: `parent_of` from a parent
    /// (or kinship carer, or grandparent) to their child; `household` from the head of
    /// a household to the partner living with them, and from a step-parent to each
    /// step-child. Every child has at least one `parent_of` link.
    pub links: Vec<(usize, usize, LinkKind)>,
}

/// Generate the demo data for `seed`; children's and adults' ages are relative to
/// `today`. Deterministic: the same seed and date always give the same output.
pub fn generate(seed: u64, today: Date) -> DemoData {
    let mut g = Gen::new(seed, today);
    g.housing_association();
    g.charity();
    DemoData { subjects: g.subjects, links: g.links }
}

// ---------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------

const ENGLISH: usize = 0;
const SCOTTISH: usize = 1;
const WELSH: usize = 2;
const IRISH: usize = 3;
const SOUTH_ASIAN_MUSLIM: usize = 6;
const MANDARIN: usize = 11;
const CANTONESE: usize = 12;

/// Given names and surnames of one naming tradition, as comma-separated lists. Given
/// names come in three lists by birth era (before 1968, 1968–1994, 1995 on); a surname
/// written `male/female` has a form that depends on sex.
struct Group {
    female: [&'static str; 3],
    male: [&'static str; 3],
    surnames: &'static str,
    /// Whether a wife commonly takes her husband's surname.
    takes_spouse_name: bool,
    /// Relative frequency at the housing association and at the charity.
    weights: (u32, u32),
}

const EN_F_OLD: &str = "Margaret, Dorothy, Jean, Patricia, Sheila, Brenda, Maureen, \
    Pauline, Sandra, Linda, Christine, Janet, Barbara, Susan, Valerie, Elizabeth, Carol, \
    Jennifer, Joan, Gillian, Wendy, Rosemary";
const EN_F_MID: &str = "Sarah, Claire, Emma, Nicola, Joanne, Lisa, Kelly, Donna, Rachel, \
    Louise, Michelle, Gemma, Laura, Katherine, Victoria, Zoë, Helen, Kerry, Stacey, Hayley, \
    Amy, Charlotte, Jodie, Samantha, Mary-Jane";
const EN_F_YOUNG: &str = "Olivia, Amelia, Isla, Ava, Mia, Lily, Freya, Grace, Evie, Poppy, \
    Chloë, Ruby, Sophie, Isabelle, Ella, Millie, Harper, Willow, Rosie, Maisie, Elsie, \
    Phoebe, Lacey-Mae, Zoë";
const EN_M_OLD: &str = "Brian, Keith, Graham, Roy, Derek, Kenneth, Barry, Trevor, Colin, \
    Raymond, Terence, Malcolm, Dennis, Geoffrey, Robert, William, Michael, Peter, David, \
    John, Alan, Stephen, Anthony, Roger";
const EN_M_MID: &str = "Mark, Paul, Darren, Lee, Wayne, Craig, Jason, Richard, Andrew, \
    Christopher, Matthew, Daniel, James, Simon, Neil, Stuart, Jonathan, Ben, Thomas, \
    Ashley, Dean, Carl, Nathan, Robert";
const EN_M_YOUNG: &str = "Oliver, Jack, Harry, Noah, George, Leo, Alfie, Charlie, Jacob, \
    Freddie, Theo, Archie, Oscar, Ethan, Tyler, Kai, Riley, Reggie, Tommy, Louie, Arthur, \
    Jayden, Mason";
const EN_SURNAMES: &str = "Smith, Taylor, Brown, Wilson, Johnson, Walker, Wright, Robinson, \
    Thompson, White, Edwards, Green, Hall, Wood, Harris, Martin, Jackson, Clarke, Turner, \
    Hill, Cooper, Ward, Baker, King, Harrison, Morris, Parker, Cook, Bennett, Shaw, Barker, \
    Holmes, Chapman, Webb, Dawson, Pearce, Fletcher, Ashworth, Fairweather, Goodchild, \
    Catchpole, Gooderham, Mayhew, Kerridge, Thrower, Whitlock, Ashton-Cole, Fenwick-Hart, \
    Baker-Wright";

const SC_F: &str = "Eilidh, Mhairi, Morag, Ailsa, Kirsty, Catriona, Fiona, Isla, Shona, \
    Iona, Morven, Skye";
const SC_M: &str = "Callum, Iain, Fraser, Hamish, Ruaridh, Lachlan, Angus, Euan, Alasdair, \
    Gregor, Finlay, Craig";
const SC_SURNAMES: &str = "MacDonald, McLeod, Campbell, Stewart, Robertson, Fraser, \
    McKenzie, Sinclair, Murray, Duncan, McIntyre, Reid, Paterson, Ross, Cameron, Mackay, \
    Drummond, Fraser-Mackenzie";

const WE_F: &str = "Siân, Ffion, Cerys, Eleri, Rhiannon, Angharad, Megan, Nia, Catrin, \
    Lowri, Gwenllian, Mererid";
const WE_M: &str = "Rhys, Dafydd, Gethin, Iolo, Llŷr, Emyr, Dylan, Owain, Gareth, Huw, \
    Ieuan, Aled";
const WE_SURNAMES: &str = "Jones, Williams, Davies, Evans, Thomas, Roberts, Hughes, Lewis, \
    Morgan, Griffiths, Pritchard, Parry, Llewellyn, Vaughan, Hughes-Davies, Lloyd-Evans, \
    Wynne-Jones, ap Gwilym";

const IR_F: &str = "Siobhán, Niamh, Aoife, Róisín, Saoirse, Orla, Bríd, Caoimhe, Gráinne, \
    Ciara, Sinéad, Máire, Deirdre, Eimear";
const IR_M: &str = "Ciarán, Seán, Pádraig, Declan, Eoin, Conor, Oisín, Cathal, Darragh, \
    Fergal, Séamus, Liam, Rónán, Colm";
const IR_SURNAMES: &str = "O'Brien, O'Connor, Murphy, Kelly, Byrne, Walsh, O'Sullivan, \
    McCarthy, Doherty, Gallagher, Quinn, Nolan, O'Neill, Fitzgerald, Brennan, Kavanagh, \
    Ó Ceallaigh/Ní Cheallaigh, Mac Giolla";

const INDIAN_F: &str = "Priya, Sunita, Anjali, Deepa, Meera, Shreya, Pooja, Nisha, Kavita, Asha, Divya, \
    Hema, Leela, Riya";
const INDIAN_M: &str = "Aarav, Amit, Rajesh, Sanjay, Arjun, Rahul, Anil, Vikram, Rohan, Nikhil, Dev, \
    Hitesh, Mahesh, Kiran";
const INDIAN_SURNAMES: &str = "Patel, Patel, Shah, Mistry, Sharma, Gupta, Parmar, Desai, Joshi, Mehta, \
    Pillai, Nair, D'Souza, Fernandes, Lad";

const SIKH_F: &str = "Harpreet, Amrit, Simran, Jaspreet, Manpreet, Navdeep, Rajwinder, Gurleen, \
    Kirandeep, Baljinder";
const SIKH_M: &str = "Gurpreet, Jaspal, Harjit, Sukhdev, Manjit, Kulwinder, Baljit, Amardeep, \
    Jaswinder, Ranjit, Harvinder";
const SIKH_SURNAMES: &str = "Singh/Kaur, Singh/Kaur, Sandhu, Gill, Bains, Dhillon, Sidhu, Grewal, \
    Johal, Sahota, Atwal";

const PKBD_F: &str = "Fatima, Ayesha, Zainab, Nadia, Sana, Rukhsana, Shabana, Yasmin, Nasreen, \
    Parveen, Aaliyah, Maryam, Samina, Farzana";
const PKBD_M: &str = "Mohammed, Imran, Bilal, Hamza, Tariq, Faisal, Zubair, Abdul, Ibrahim, Ayaan, \
    Usman, Asif, Kamran, Shahid";
const PKBD_SURNAMES: &str = "Khan, Ahmed, Hussain, Miah/Begum, Chaudhry, Iqbal, Akhtar, Rahman, Islam, \
    Ali, Choudhury, Malik, Mahmood, Butt, Qureshi, Uddin";

const PL_F: &str = "Małgorzata, Agnieszka, Zofia, Katarzyna, Joanna, Magdalena, Ewa, Anna, \
    Aleksandra, Marta, Natalia, Zuzanna, Wiktoria, Dorota";
const PL_M: &str = "Łukasz, Paweł, Wojciech, Bartłomiej, Piotr, Krzysztof, Tomasz, Marek, \
    Jakub, Michał, Kacper, Grzegorz, Mateusz, Szymon";
const PL_SURNAMES: &str = "Nowak, Kowalski/Kowalska, Wiśniewski/Wiśniewska, Wójcik, \
    Kamiński/Kamińska, Lewandowski/Lewandowska, Zieliński/Zielińska, Szymański/Szymańska, \
    Woźniak, Dąbrowski/Dąbrowska, Kaczmarek, Mazur, Krawczyk, Piotrowski/Piotrowska, \
    Grabowski/Grabowska, Pawłowski/Pawłowska";

const IGBO_F: &str = "Ngozi, Chiamaka, Adaeze, Ifeoma, Chidinma, Nneka, Adanna, Chioma, Obiageli, \
    Uchenna, Blessing";
const IGBO_M: &str = "Chinedu, Emeka, Obinna, Chukwuemeka, Ikenna, Nnamdi, Chidi, Kelechi, Uchenna, \
    Ebuka";
const IGBO_SURNAMES: &str = "Okafor, Okonkwo, Eze, Nwosu, Obi, Chukwu, Nwachukwu, Onyekachi, Okeke, \
    Nwankwo, Ibe, Okoro";

const YORUBA_F: &str = "Funmilayo, Folasade, Yetunde, Temitope, Oluwakemi, Abimbola, Adeola, Bukola, \
    Titilayo, Omolara, Blessing";
const YORUBA_M: &str = "Oluwaseun, Adebayo, Tolulope, Olumide, Babajide, Ayodele, Femi, Tunde, Segun, \
    Kayode, Olamide, Damilola";
const YORUBA_SURNAMES: &str = "Adeyemi, Balogun, Adebayo, Ogunleye, Olawale, Afolabi, Ogundipe, \
    Adewale, Oyelaran, Bello, Oladipo, Akinola, Ogunbiyi";

const CB_F: &str = "Marcia, Beverley, Claudette, Hyacinth, Paulette, Shanice, Jodi-Ann, \
    Keisha, Yvonne, Dionne, Sonia, Jacqueline, Tanisha, Althea";
const CB_M: &str = "Delroy, Winston, Leroy, Desmond, Errol, Jermaine, Tyrone, Kemar, Andre, \
    Marlon, Clive, Trevor, Courtney, Dwayne";
const CB_SURNAMES: &str = "Campbell, Brown, Williams, Clarke, Francis, Grant, Henry, \
    Thompson, Ferguson, Bailey, Reid, McKenzie, Forbes, Morrison, Gayle, Powell, Chambers, \
    Samuels, Ellis";

const MANDARIN_F: &str = "Mei, Li Na, Hui, Jing, Yan, Xiu Ying, Ling, Xin, Yu Ting, Xiaoyu";
const MANDARIN_M: &str = "Wei, Jun, Zhi Hao, Hao, Jian, Lei, Bo, Yi Ming, Zhen, Tao";
const MANDARIN_SURNAMES: &str = "Chen, Li, Zhang, Wang, Liu, Huang, Zhou, Yang, Zhao, Wu, Xu, Sun";

const CANTONESE_F: &str = "Ka Yan, Wing Yee, Siu Lan, Mei Ling, Suk Yin, Pui Shan, Hoi Yan";
const CANTONESE_M: &str = "Ka Wai, Siu Ming, Chun Kit, Wing Hong, Ka Ho, Man Kit, Chi Keung";
const CANTONESE_SURNAMES: &str = "Wong, Lam, Cheung, Chan, Ho, Lau, Yip, Ng, Tang, Leung, Chow, Tsang";

/// English names that people of Chinese heritage often use alongside their own.
const CN_ENGLISH_F: &str = "Winnie, Kitty, Cindy, Grace, Amy, Vivian";
const CN_ENGLISH_M: &str = "Kelvin, Alan, Eddie, Tony, Kenny, Jason";

const SO_F: &str = "Hodan, Faadumo, Ayaan, Farhiya, Sagal, Hibo, Amina, Nimco, Ifrah, Ubah, \
    Sahra, Deeqa, Ikran, Khadra";
const SO_M: &str = "Abdi, Mohamed, Hassan, Abdirahman, Ismail, Yusuf, Khadar, Liban, \
    Abdullahi, Mahad, Guled, Bashir, Omar, Said";
const SO_SURNAMES: &str = "Abdi, Hassan, Farah, Mohamed, Ali, Warsame, Osman, Jama, Hersi, \
    Aden, Nur, Ibrahim, Omar, Dahir, Yusuf, Egal";

const VN_F: &str = "Thị Lan, Thị Hương, Linh, Hoa, Ngọc Anh, Thu Trang, Mai, Phương, \
    Thanh Hằng, Hạnh";
const VN_M: &str = "Văn Minh, Tuấn, Đức Anh, Quang, Văn Hùng, Thành, Hoàng Nam, Khánh, \
    Long, Bảo";
const VN_SURNAMES: &str = "Nguyễn, Trần, Lê, Phạm, Hoàng, Võ, Đặng, Bùi, Đỗ, Huỳnh";

const PT_F: &str = "Inês, Beatriz, Mariana, Ana, Sofia, Joana, Catarina, Leonor";
const PT_M: &str = "João, Gonçalo, Tiago, Rui, Duarte, Rodrigo, Francisco, Nuno";
const PT_SURNAMES: &str = "Silva, Gonçalves, Ferreira, Santos, Costa, Oliveira, Pereira, Rodrigues, \
    Sousa, Martins";

const RO_F: &str = "Andreea, Ioana, Elena, Alexandra, Mihaela, Cristina, Bianca, Raluca";
const RO_M: &str = "Ionuț, Mihai, Andrei, Alexandru, Ștefan, Florin, Bogdan, Răzvan";
const RO_SURNAMES: &str = "Popescu, Ionescu, Dumitru, Stoica, Constantin, Munteanu, Radu, Stan, \
    Gheorghe, Lungu";

const FR_F: &str = "Élodie, Noémie, Chloé, Renée, Anaïs, Camille, Margaux, Hélène";
const FR_M: &str = "François, Théo, Julien, Mathieu, Loïc, Étienne, Hugo, Benoît";
const FR_SURNAMES: &str = "Dubois, Lefèvre, Moreau, Laurent, Girard, Fontaine, Mercier, Rousseau";

const IT_F: &str = "Giulia, Chiara, Francesca, Alessia, Giorgia, Federica";
const IT_M: &str = "Luca, Matteo, Marco, Giuseppe, Alessandro, Davide";
const IT_SURNAMES: &str = "Rossi, Esposito, Bianchi, Romano, Ricci, Greco, Conti, De Luca, D'Angelo";

/// A tradition whose given names do not change with birth era.
const fn group(female: &'static str, male: &'static str, surnames: &'static str, weights: (u32, u32)) -> Group {
    Group { female: [female; 3], male: [male; 3], surnames, takes_spouse_name: true, weights }
}

/// Naming traditions (indices as in the constants above), with how often each turns up
/// at the housing association in East Anglia and at the charity in the big cities.
const GROUPS: [Group; 19] = [
    Group {
        female: [EN_F_OLD, EN_F_MID, EN_F_YOUNG],
        male: [EN_M_OLD, EN_M_MID, EN_M_YOUNG],
        surnames: EN_SURNAMES,
        takes_spouse_name: true,
        weights: (58, 34),
    },
    group(SC_F, SC_M, SC_SURNAMES, (4, 6)),
    group(WE_F, WE_M, WE_SURNAMES, (3, 4)),
    group(IR_F, IR_M, IR_SURNAMES, (6, 7)),
    group(INDIAN_F, INDIAN_M, INDIAN_SURNAMES, (3, 4)),
    group(SIKH_F, SIKH_M, SIKH_SURNAMES, (1, 3)),
    group(PKBD_F, PKBD_M, PKBD_SURNAMES, (3, 7)),
    group(PL_F, PL_M, PL_SURNAMES, (8, 7)),
    group(IGBO_F, IGBO_M, IGBO_SURNAMES, (2, 4)),
    group(YORUBA_F, YORUBA_M, YORUBA_SURNAMES, (2, 4)),
    group(CB_F, CB_M, CB_SURNAMES, (3, 7)),
    Group { takes_spouse_name: false, ..group(MANDARIN_F, MANDARIN_M, MANDARIN_SURNAMES, (1, 2)) },
    Group { takes_spouse_name: false, ..group(CANTONESE_F, CANTONESE_M, CANTONESE_SURNAMES, (1, 1)) },
    Group { takes_spouse_name: false, ..group(SO_F, SO_M, SO_SURNAMES, (1, 4)) },
    Group { takes_spouse_name: false, ..group(VN_F, VN_M, VN_SURNAMES, (1, 2)) },
    group(PT_F, PT_M, PT_SURNAMES, (3, 2)),
    group(RO_F, RO_M, RO_SURNAMES, (2, 2)),
    group(FR_F, FR_M, FR_SURNAMES, (1, 1)),
    group(IT_F, IT_M, IT_SURNAMES, (1, 1)),
];

/// Nicknames, short forms and other spellings people are also known by.
const NICKNAMES: &[(&str, &str)] = &[
    ("Robert", "Bob"),
    ("William", "Bill"),
    ("Elizabeth", "Liz"),
    ("Margaret", "Maggie"),
    ("Katherine", "Kate"),
    ("Jennifer", "Jenny"),
    ("Christopher", "Chris"),
    ("Michael", "Mike"),
    ("Richard", "Rich"),
    ("Andrew", "Andy"),
    ("Stephen", "Steve"),
    ("Patricia", "Pat"),
    ("Susan", "Sue"),
    ("Kenneth", "Ken"),
    ("Terence", "Terry"),
    ("Matthew", "Matt"),
    ("Daniel", "Danny"),
    ("Jonathan", "Jon"),
    ("Victoria", "Vicky"),
    ("Nicola", "Nicky"),
    ("Samantha", "Sam"),
    ("Thomas", "Tom"),
    ("Anthony", "Tony"),
    ("Raymond", "Ray"),
    ("Dorothy", "Dot"),
    ("Christine", "Chris"),
    ("Jacqueline", "Jackie"),
    ("Beverley", "Bev"),
    ("Alasdair", "Ali"),
    ("Catriona", "Cat"),
    ("Pádraig", "Paddy"),
    ("Séamus", "Shay"),
    ("Oluwaseun", "Seun"),
    ("Chukwuemeka", "Emeka"),
    ("Tolulope", "Tolu"),
    ("Babajide", "Jide"),
    ("Oluwakemi", "Kemi"),
    ("Folasade", "Sade"),
    ("Łukasz", "Luke"),
    ("Małgorzata", "Gosia"),
    ("Katarzyna", "Kasia"),
    ("Aleksandra", "Ola"),
    ("Wojciech", "Wojtek"),
    ("Abdirahman", "Abdi"),
    ("Abdullahi", "Abdi"),
    ("Faadumo", "Fatuma"),
    ("Mohamed", "Mohammed"),
    ("Mohammed", "Mo"),
    ("Rajesh", "Raj"),
    ("Jaspal", "Jas"),
    ("Vikram", "Vik"),
    ("Alfie", "Alf"),
    ("Freddie", "Fred"),
];

fn nickname(given: &str) -> Option<&'static str> {
    NICKNAMES.iter().find(|(g, _)| *g == given).map(|(_, n)| *n)
}

/// The form of a surname list entry (`male/female` or one form) for one sex.
fn surname_form(key: &str, sex: Sex) -> String {
    match key.split_once('/') {
        Some((male, female)) => if sex == Sex::Female { female } else { male }.to_string(),
        None => key.to_string(),
    }
}

/// A name as plain ASCII tokens for an email address: `Siobhán O'Brien` gives
/// `["siobhan"]` and `["obrien"]`; letters NFKD cannot strip (ł, đ) are mapped.
fn ascii_tokens(name: &str) -> Vec<String> {
    let mut folded = String::new();
    for c in fold_name(name).chars() {
        match c {
            'ł' => folded.push('l'),
            'đ' => folded.push('d'),
            'ø' => folded.push('o'),
            'ß' => folded.push_str("ss"),
            'æ' => folded.push_str("ae"),
            ' ' => folded.push(' '),
            c if c.is_ascii_alphanumeric() => folded.push(c),
            _ => {}
        }
    }
    folded.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// Ages for the children of parents whose ages span `parents`, born when each parent
/// was `gap.0` to `gap.1` years old (as far as possible) and all under 18 now.
fn child_ages(parents: (i16, i16), gap: (i16, i16)) -> RangeInclusive<i16> {
    let oldest = (parents.0 - gap.0).clamp(0, 17);
    let youngest = (parents.1 - gap.1).clamp(0, oldest);
    youngest..=oldest
}

/// Upper-case the first letter of each dot-separated part: `Jane.Smith@Example.com`.
fn title_case_email(email: &str) -> String {
    let cap = |s: &str| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect::<String>(),
            None => String::new(),
        }
    };
    match email.split_once('@') {
        Some((local, domain)) => {
            let local: Vec<String> = local.split('.').map(cap).collect();
            format!("{}@{}", local.join("."), cap(domain))
        }
        None => email.to_string(),
    }
}

// ---------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------

/// A town: its districts with their outward codes, and some of its main streets.
struct Town {
    name: &'static str,
    county: Option<&'static str>,
    areas: &'static [(&'static str, &'static str)],
    streets: &'static str,
    /// A naming tradition more common here than elsewhere.
    local: Option<usize>,
    /// Whether landlines here are London (020) numbers.
    london: bool,
}

const HOUSING_TOWNS: &[Town] = &[
    Town {
        name: "Ipswich",
        county: Some("Suffolk"),
        areas: &[
            ("Chantry", "IP2"),
            ("Whitehouse", "IP1"),
            ("Castle Hill", "IP1"),
            ("Rushmere", "IP4"),
            ("Priory Heath", "IP3"),
            ("Stoke Park", "IP2"),
            ("Gainsborough", "IP3"),
        ],
        streets: "Felixstowe Road, Norwich Road, Woodbridge Road, Hadleigh Road, \
    Bramford Lane, Cauldwell Avenue, Nacton Road, Landseer Road",
        local: None,
        london: false,
    },
    Town {
        name: "Norwich",
        county: Some("Norfolk"),
        areas: &[
            ("Lakenham", "NR1"),
            ("Golden Triangle", "NR2"),
            ("Mile Cross", "NR3"),
            ("Earlham", "NR5"),
            ("Bowthorpe", "NR5"),
            ("Old Catton", "NR6"),
            ("Sprowston", "NR7"),
        ],
        streets: "Dereham Road, Earlham Road, Aylsham Road, Sprowston Road, \
    Magdalen Street, Unthank Road, Bluebell Road",
        local: None,
        london: false,
    },
    Town {
        name: "Cambridge",
        county: Some("Cambridgeshire"),
        areas: &[
            ("Arbury", "CB4"),
            ("Chesterton", "CB4"),
            ("Cherry Hinton", "CB1"),
            ("Romsey", "CB1"),
            ("Trumpington", "CB2"),
            ("Abbey", "CB5"),
        ],
        streets: "Mill Road, Histon Road, Coldham's Lane, Newmarket Road, \
    Arbury Road, Campkin Road, Fulbourn Road",
        local: None,
        london: false,
    },
    Town {
        name: "Colchester",
        county: Some("Essex"),
        areas: &[
            ("New Town", "CO1"),
            ("Shrub End", "CO2"),
            ("Old Heath", "CO2"),
            ("Lexden", "CO3"),
            ("Greenstead", "CO4"),
            ("Highwoods", "CO4"),
        ],
        streets: "Maldon Road, Ipswich Road, Harwich Road, Mersea Road, Butt Road",
        local: None,
        london: false,
    },
    Town {
        name: "Lowestoft",
        county: Some("Suffolk"),
        areas: &[
            ("Oulton Broad", "NR32"),
            ("Normanston", "NR32"),
            ("Pakefield", "NR33"),
            ("Kirkley", "NR33"),
            ("Carlton Colville", "NR33"),
        ],
        streets: "London Road South, Bevan Street East, Normanston Drive, \
    St Peter's Street",
        local: None,
        london: false,
    },
    Town {
        name: "Bury St Edmunds",
        county: Some("Suffolk"),
        areas: &[("Moreton Hall", "IP32"), ("Howard Estate", "IP32"), ("Westley", "IP33"), ("Northgate", "IP33")],
        streets: "Risbygate Street, Out Westgate, Hospital Road, Mount Road, \
    Tayfen Road",
        local: None,
        london: false,
    },
    Town {
        name: "Great Yarmouth",
        county: Some("Norfolk"),
        areas: &[
            ("Northgate", "NR30"),
            ("Caister-on-Sea", "NR30"),
            ("Gorleston-on-Sea", "NR31"),
            ("Southtown", "NR31"),
            ("Cobholm", "NR31"),
        ],
        streets: "Northgate Street, Southtown Road, Beccles Road, Lowestoft Road",
        local: None,
        london: false,
    },
];

const CHARITY_TOWNS: &[Town] = &[
    Town {
        name: "Leeds",
        county: None,
        areas: &[
            ("Headingley", "LS6"),
            ("Hyde Park", "LS6"),
            ("Chapeltown", "LS7"),
            ("Harehills", "LS8"),
            ("Burmantofts", "LS9"),
            ("Beeston", "LS11"),
        ],
        streets: "Cardigan Road, Chapeltown Road, Roundhay Road, Harehills Lane, \
    Dewsbury Road, Hyde Park Road",
        local: None,
        london: false,
    },
    Town {
        name: "Manchester",
        county: None,
        areas: &[
            ("Rusholme", "M14"),
            ("Fallowfield", "M14"),
            ("Longsight", "M13"),
            ("Moss Side", "M16"),
            ("Cheetham Hill", "M8"),
            ("Gorton", "M18"),
        ],
        streets: "Wilmslow Road, Platt Lane, Stockport Road, Princess Road, \
    Cheetham Hill Road, Hyde Road",
        local: None,
        london: false,
    },
    Town {
        name: "Birmingham",
        county: None,
        areas: &[
            ("Edgbaston", "B15"),
            ("Small Heath", "B10"),
            ("Sparkbrook", "B11"),
            ("Sparkhill", "B11"),
            ("Balsall Heath", "B12"),
            ("Handsworth", "B21"),
        ],
        streets: "Stratford Road, Coventry Road, Soho Road, Ladypool Road, \
    Moseley Road",
        local: Some(SOUTH_ASIAN_MUSLIM),
        london: false,
    },
    Town {
        name: "Cardiff",
        county: None,
        areas: &[
            ("Butetown", "CF10"),
            ("Grangetown", "CF11"),
            ("Riverside", "CF11"),
            ("Splott", "CF24"),
            ("Adamsdown", "CF24"),
            ("Canton", "CF5"),
        ],
        streets: "Clifton Street, Cowbridge Road East, Penarth Road, Splott Road, \
    Heol y Deri, Clos y Gof",
        local: Some(WELSH),
        london: false,
    },
    Town {
        name: "Edinburgh",
        county: None,
        areas: &[
            ("Leith", "EH6"),
            ("Easter Road", "EH7"),
            ("Abbeyhill", "EH7"),
            ("Gorgie", "EH11"),
            ("Craigmillar", "EH16"),
            ("Gilmerton", "EH17"),
        ],
        streets: "Easter Road, Leith Walk, Gorgie Road, Great Junction Street, \
    Duke Street, Gilmerton Road",
        local: Some(SCOTTISH),
        london: false,
    },
    Town {
        name: "Belfast",
        county: None,
        areas: &[
            ("Malone", "BT9"),
            ("Stranmillis", "BT9"),
            ("Ormeau", "BT7"),
            ("Falls", "BT12"),
            ("Ardoyne", "BT14"),
            ("Ballyhackamore", "BT5"),
        ],
        streets: "Lisburn Road, Ormeau Road, Falls Road, Crumlin Road, \
    Malone Avenue, Donegall Road",
        local: Some(IRISH),
        london: false,
    },
    Town {
        name: "London",
        county: None,
        areas: &[
            ("Hackney", "E8"),
            ("Dalston", "E8"),
            ("Walthamstow", "E17"),
            ("Tottenham", "N17"),
            ("South Tottenham", "N15"),
            ("Peckham", "SE15"),
        ],
        streets: "Kingsland Road, Mare Street, High Road, Rye Lane, Hoe Street, \
    Seven Sisters Road",
        local: None,
        london: true,
    },
];

/// Streets found in most towns.
const COMMON_STREETS: &str = "Church Lane, Station Road, Victoria Road, Queen's Road, \
    Orchard Way, Mill Lane, The Crescent, Meadow Close, Elm Grove, Chestnut Avenue, \
    Park View, St John's Close, Kingfisher Drive, Rectory Road, Beech Walk, \
    Windsor Terrace, Nightingale Close, Hawthorn Road, Manor Road, Poplar Close, Rowan Way, \
    Oak Tree Lane, Brook Street, Albert Street, George Street, Springfield Road, \
    Highfield Road, Cherry Tree Road, Holly Close, Linden Grove";

/// Blocks of flats.
const BLOCKS: &str = "Alder House, Orwell Court, Kingfisher Court, Willow House, \
    Beech Court, St Clement's Court, Heron Point, Wherry House, Marlow Court, Cavell Court, \
    Tudor House, Foxglove Court, Sandpiper House, Mill View";

const BUSINESS_PARKS: &str = "Riverside Business Park, Kingsway Trading Estate, \
    Gateway Industrial Estate, Meridian Business Park, Beacon Court, Harbour Trade Centre";

/// Letters used in inward codes (Royal Mail never uses C, I, K, M, O or V there).
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

// ---------------------------------------------------------------------------------
// Notes
// ---------------------------------------------------------------------------------

const TENANT_NOTES: &[&str] = &[
    "Prefers contact by text message; works shifts.",
    "Repayment plan agreed for rent arrears of {amount}; review in three months.",
    "Reported damp and mould in the back bedroom; surveyor visit booked.",
    "Gas safety check completed after two missed appointments.",
    "Asked about a mutual exchange to a two-bedroom property.",
    "Right to Buy enquiry received; information pack sent.",
    "Permission given to keep a dog.",
    "Asked for all letters to be sent by email.",
    "Noise complaint about a neighbour logged; mediation offered to both households.",
    "Direct debit set up for rent from next month.",
    "Requested a parking permit for the estate car park.",
    "Garden left overgrown; tenancy conditions reminder sent.",
    "Key fob for the communal door replaced.",
    "Came to the residents' panel meeting in the spring.",
];
const FORMER_TENANT_NOTES: &[&str] = &[
    "Moved out; forwarding address confirmed and keys returned.",
    "Former tenant arrears of {amount} passed to the recovery team.",
    "Ended tenancy to move in with family.",
    "Moved to a private rented flat; final rent account cleared.",
    "Tenancy ended by mutual exchange.",
];
const APPLICANT_NOTES: &[&str] = &[
    "On the housing register, band B; needs two bedrooms.",
    "Awaiting proof of income before assessment.",
    "Private tenant; section 21 notice received, expires in two months.",
    "Bidding on one-bedroom flats; not yet shortlisted.",
    "Application on hold until identity documents are seen.",
    "Registered interest in shared ownership.",
];
const HOUSING_ROLES: &[&str] = &[
    "Neighbourhood Officer",
    "Income Officer",
    "Repairs Planner",
    "Tenancy Sustainment Officer",
    "Housing Options Adviser",
    "Finance Assistant",
    "Customer Services Adviser",
    "Asset Manager",
    "Data Protection Officer",
    "Head of Housing",
    "Gas Compliance Lead",
    "Resident Engagement Officer",
];
const HOUSING_OFFICES: &[&str] = &["Ipswich", "Norwich", "Cambridge"];
const BOARD_ROLES: &[&str] =
    &["Chair of the board.", "Chair of the Audit and Risk Committee.", "Senior independent board member."];
const SUPPLIER_NOTES: &[&str] = &[
    "Account manager for the responsive repairs contract.",
    "Contact for the lift maintenance contract.",
    "Gas servicing contract: out-of-hours escalation contact.",
    "Grounds maintenance contract manager.",
    "Contact at the tenant satisfaction survey company.",
    "Account manager for the housing management software.",
    "Contact for void property cleaning.",
    "Site manager for the roofing and scaffolding contractor.",
];
const PARENT_NOTES: &[&str] = &[
    "Referred by the health visitor; comes to the Tuesday stay-and-play.",
    "Referred by the school's family liaison officer.",
    "Signposted to Citizens Advice for help with debts.",
    "Food bank voucher issued.",
    "Wants to join the parenting course starting next term.",
    "Prefers text reminders the day before sessions.",
    "Helped with a school uniform grant application.",
    "Asked for help finding a nursery place.",
    "Enjoyed the summer trip to the coast; keen to volunteer.",
];
const CHILD_NOTES: &[&str] = &[
    "Comes to holiday club with siblings.",
    "Photo consent given by parent.",
    "No photo consent: keep out of publicity photos.",
    "Comes to homework club on Thursdays.",
];
const VOLUNTEER_NOTES: &[&str] = &[
    "Available weekday mornings; can drive.",
    "Helps run the Saturday dads' group.",
    "Completed safeguarding training.",
    "Helps at the Tuesday stay-and-play.",
    "Interested in becoming a befriender.",
    "Taking a break from volunteering until the autumn.",
];
const CHARITY_ROLES: &[&str] = &[
    "Family Support Worker",
    "Hub Coordinator",
    "Volunteer Coordinator",
    "Fundraising Officer",
    "Parenting Programme Lead",
    "Finance Officer",
];
const TRUSTEE_ROLES: &[&str] = &["Chair of trustees.", "Treasurer.", "Safeguarding lead trustee."];

// ---------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sex {
    Female,
    Male,
}

impl Sex {
    fn other(self) -> Sex {
        match self {
            Sex::Female => Sex::Male,
            Sex::Male => Sex::Female,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Org {
    Housing,
    Charity,
}

/// A person being made, before their contact details.
#[derive(Clone)]
struct Person {
    sex: Sex,
    group: usize,
    given: String,
    /// Surname list entry now (`male/female` or one form).
    family_key: String,
    /// Surname list entry at birth.
    birth_key: String,
    age: i16,
    dob: Date,
}

impl Person {
    fn family(&self) -> String {
        surname_form(&self.family_key, self.sex)
    }
    fn birth_family(&self) -> String {
        surname_form(&self.birth_key, self.sex)
    }
}

/// Percentage chances that a kind of person has an email, a mobile, an NI number
/// (adults only) and an NHS number on record.
#[derive(Clone, Copy)]
struct Reach {
    email: u32,
    mobile: u32,
    ni: u32,
    nhs: u32,
}

const TENANT: Reach = Reach { email: 70, mobile: 88, ni: 78, nhs: 20 };
const PARTNER: Reach = Reach { email: 60, mobile: 85, ni: 68, nhs: 20 };
const RELATIVE: Reach = Reach { email: 30, mobile: 70, ni: 60, nhs: 20 };
const ADULT_CHILD: Reach = Reach { email: 75, mobile: 95, ni: 65, nhs: 20 };
const FORMER_TENANT: Reach = Reach { email: 55, mobile: 80, ni: 72, nhs: 20 };
const APPLICANT: Reach = Reach { email: 85, mobile: 92, ni: 70, nhs: 20 };
const HOUSING_STAFF: Reach = Reach { email: 40, mobile: 95, ni: 100, nhs: 20 };
const BOARD: Reach = Reach { email: 95, mobile: 85, ni: 45, nhs: 20 };
const NONE: Reach = Reach { email: 0, mobile: 0, ni: 0, nhs: 0 };
const SERVICE_USER: Reach = Reach { email: 65, mobile: 93, ni: 72, nhs: 75 };
const CO_PARENT: Reach = Reach { email: 45, mobile: 90, ni: 40, nhs: 60 };
const VOLUNTEER: Reach = Reach { email: 92, mobile: 90, ni: 35, nhs: 30 };
const TRUSTEE: Reach = Reach { email: 95, mobile: 80, ni: 30, nhs: 10 };
const CHARITY_STAFF: Reach = Reach { email: 40, mobile: 95, ni: 100, nhs: 40 };
const JOB_APPLICANT: Reach = Reach { email: 100, mobile: 90, ni: 0, nhs: 0 };
const EMERGENCY_CONTACT: Reach = Reach { email: 30, mobile: 90, ni: 0, nhs: 20 };

/// Children to add to a household.
struct Kids {
    /// Parents (or kinship carers): linked `parent_of` to each child.
    parents: Vec<usize>,
    /// Others living with the children (step-parents): linked `household`.
    carers: Vec<usize>,
    surname_key: String,
    group: usize,
    /// Children's ages.
    ages: RangeInclusive<i16>,
    home: Address,
    /// Chance of an NHS number on record.
    nhs: u32,
    notes: &'static [&'static str],
    note_pct: u32,
}

struct Gen {
    rng: fastrand::Rng,
    today: Date,
    subjects: Vec<NewSubject>,
    links: Vec<(usize, usize, LinkKind)>,
    used_emails: HashSet<String>,
    used_refs: HashSet<String>,
    used_ni: HashSet<String>,
    used_nhs: HashSet<String>,
    /// Unused line numbers (last three digits) in each drama range.
    mobiles: Vec<u32>,
    landlines: Vec<u32>,
    london: Vec<u32>,
    /// Lead tenants, with their ages, for picking resident board members and staff.
    tenant_leads: Vec<(usize, i16)>,
    former_tenants: Vec<usize>,
    service_users: Vec<usize>,
}

impl Gen {
    fn new(seed: u64, today: Date) -> Gen {
        let mut rng = fastrand::Rng::with_seed(seed);
        let pool = |rng: &mut fastrand::Rng| {
            let mut v: Vec<u32> = (0..1000).collect();
            rng.shuffle(&mut v);
            v
        };
        let mobiles = pool(&mut rng);
        let landlines = pool(&mut rng);
        let london = pool(&mut rng);
        Gen {
            rng,
            today,
            subjects: Vec::new(),
            links: Vec::new(),
            used_emails: HashSet::new(),
            used_refs: HashSet::new(),
            used_ni: HashSet::new(),
            used_nhs: HashSet::new(),
            mobiles,
            landlines,
            london,
            tenant_leads: Vec::new(),
            former_tenants: Vec::new(),
            service_users: Vec::new(),
        }
    }

    // ----- randomness ------------------------------------------------------------

    fn chance(&mut self, pct: u32) -> bool {
        self.rng.u32(0..100) < pct
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    /// One entry of a comma-separated list.
    fn pick_from(&mut self, list: &'static str) -> &'static str {
        let i = self.rng.usize(..list.split(", ").count());
        list.split(", ").nth(i).unwrap_or(list)
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.rng.u32(0..total.max(1));
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len().saturating_sub(1)
    }

    fn sex(&mut self) -> Sex {
        if self.rng.bool() { Sex::Female } else { Sex::Male }
    }

    fn group_for(&mut self, org: Org, local: Option<usize>) -> usize {
        let mut w = GROUPS.map(|g| if org == Org::Housing { g.weights.0 } else { g.weights.1 });
        if let Some(l) = local
            && let Some(x) = w.get_mut(l)
        {
            *x += 40;
        }
        self.weighted(&w)
    }

    fn pick_town(&mut self, towns: &'static [Town]) -> &'static Town {
        &towns[self.rng.usize(..towns.len())]
    }

    // ----- people ------------------------------------------------------------------

    /// A date of birth making someone exactly `age` today.
    fn dob_for_age(&mut self, age: i16) -> Date {
        let days = self.rng.i64(0..=360);
        self.today.saturating_sub(i64::from(age).years()).saturating_sub(days.days())
    }

    fn given_name(&mut self, group: usize, sex: Sex, birth_year: i16) -> String {
        let era = match birth_year {
            ..1968 => 0,
            1968..1995 => 1,
            _ => 2,
        };
        // Some second-generation children get a name from the English list.
        let group = if group != ENGLISH && era == 2 && self.chance(10) { ENGLISH } else { group };
        let g = &GROUPS[group];
        let list = if sex == Sex::Female { g.female[era] } else { g.male[era] };
        self.pick_from(list).to_string()
    }

    fn surname_key(&mut self, group: usize) -> String {
        self.pick_from(GROUPS[group].surnames).to_string()
    }

    fn person_aged(&mut self, group: usize, sex: Sex, age: i16) -> Person {
        let dob = self.dob_for_age(age);
        let given = self.given_name(group, sex, dob.year());
        let key = self.surname_key(group);
        Person { sex, group, given, family_key: key.clone(), birth_key: key, age, dob }
    }

    fn person(&mut self, group: usize, sex: Sex, ages: RangeInclusive<i16>) -> Person {
        let age = self.rng.i16(ages);
        self.person_aged(group, sex, age)
    }

    /// A partner for `lead`: usually the opposite sex, a similar age and background.
    fn partner_for(&mut self, lead: &Person, org: Org, min_age: i16) -> Person {
        let sex = if self.chance(93) { lead.sex.other() } else { lead.sex };
        let group = if self.chance(80) { lead.group } else { self.group_for(org, None) };
        let age = (lead.age + self.rng.i16(-7..=7)).clamp(min_age, 90);
        self.person_aged(group, sex, age)
    }

    /// Married couples often share a surname: usually the wife takes her husband's and
    /// keeps her birth name as an alias.
    fn marry(&mut self, a: &mut Person, b: &mut Person) {
        if a.sex == b.sex {
            if self.chance(25) {
                b.family_key = a.family_key.clone();
            }
            return;
        }
        let (husband, wife) = if a.sex == Sex::Male { (a, b) } else { (b, a) };
        let customary = GROUPS[husband.group].takes_spouse_name && GROUPS[wife.group].takes_spouse_name;
        if customary && self.chance(85) {
            wife.family_key = husband.family_key.clone();
        }
    }

    /// The parent of an adult `child`, old enough to be so.
    fn parent_of(&mut self, child: &Person) -> Person {
        let age = (child.age + self.rng.i16(20..=32)).min(90);
        let sex = self.sex();
        let mut p = self.person_aged(child.group, sex, age);
        if sex == Sex::Male {
            p.family_key = child.birth_key.clone();
            p.birth_key = child.birth_key.clone();
        } else if GROUPS[child.group].takes_spouse_name && self.chance(70) {
            p.family_key = child.birth_key.clone();
        }
        p
    }

    /// The surname children take from their parents (or, with one parent, sometimes
    /// from the other, absent parent).
    fn kids_surname(&mut self, parents: &[&Person], group: usize) -> String {
        match parents {
            [a, b] if a.family_key != b.family_key && a.sex != b.sex => {
                let (father, mother) = if a.sex == Sex::Male { (a, b) } else { (b, a) };
                let simple = |k: &str| !k.contains(['/', '-', ' ']);
                let r = self.rng.u32(0..100);
                if r < 25 {
                    mother.family_key.clone()
                } else if r < 45 && simple(&father.family_key) && simple(&mother.family_key) {
                    format!("{}-{}", mother.family_key, father.family_key)
                } else {
                    father.family_key.clone()
                }
            }
            [a, ..] => {
                if parents.len() == 1 && self.chance(35) {
                    self.surname_key(group)
                } else {
                    a.family_key.clone()
                }
            }
            [] => self.surname_key(group),
        }
    }

    fn aliases(&mut self, p: &Person) -> Vec<String> {
        let mut out = Vec::new();
        let family = p.family();
        if let Some(nick) = nickname(&p.given)
            && self.chance(if p.age >= 18 { 40 } else { 15 })
        {
            out.push(format!("{nick} {family}"));
        }
        let birth = p.birth_family();
        if birth != family && self.chance(75) {
            out.push(format!("{} {birth}", p.given));
        }
        if (p.group == MANDARIN || p.group == CANTONESE) && p.age >= 16 && self.chance(35) {
            let list = if p.sex == Sex::Female { CN_ENGLISH_F } else { CN_ENGLISH_M };
            let english = self.pick_from(list);
            out.push(format!("{english} {family}"));
        }
        out
    }

    // ----- contact details and identifiers -----------------------------------------

    fn unique_email(&mut self, local: &str, domain: &str) -> String {
        let mut candidate = format!("{local}@{domain}");
        let mut n = 2;
        while !self.used_emails.insert(candidate.clone()) {
            candidate = format!("{local}{n}@{domain}");
            n += 1;
        }
        candidate
    }

    fn personal_email(&mut self, p: &Person) -> String {
        let domain = ["example.com", "example.org", "example.net"][self.weighted(&[50, 25, 25])];
        let given = ascii_tokens(&p.given);
        let first = given.first().cloned().unwrap_or_else(|| "me".into());
        let given = given.concat();
        let family = ascii_tokens(&p.family()).concat();
        let initial: String = first.chars().take(1).collect();
        let yy = p.dob.year() % 100;
        let n = self.rng.u32(1..100);
        let local = match self.rng.u32(0..9) {
            0 | 1 => format!("{first}.{family}"),
            2 => format!("{given}{family}"),
            3 => format!("{initial}.{family}"),
            4 => format!("{first}.{family}{yy:02}"),
            5 => format!("{first}_{family}"),
            6 => format!("{family}.{first}"),
            7 => format!("{first}{yy:02}"),
            _ => format!("{first}{family}{n}"),
        };
        let email = self.unique_email(&local, domain);
        // People type their addresses in all sorts of ways; validation lower-cases.
        if self.chance(6) { title_case_email(&email) } else { email }
    }

    /// A work address: housing staff `jane.smith@example.org`, charity staff
    /// `j.smith@example.net`, suppliers in assorted styles at example.com.
    fn work_email(&mut self, p: &Person, org: Option<Org>) -> String {
        let first = ascii_tokens(&p.given).first().cloned().unwrap_or_else(|| "staff".into());
        let family = ascii_tokens(&p.family()).concat();
        let initial: String = first.chars().take(1).collect();
        match org {
            Some(Org::Housing) => self.unique_email(&format!("{first}.{family}"), "example.org"),
            Some(Org::Charity) => self.unique_email(&format!("{initial}.{family}"), "example.net"),
            None => {
                let local = match self.rng.u32(0..3) {
                    0 => format!("{first}.{family}"),
                    1 => format!("{initial}{family}"),
                    _ => first,
                };
                self.unique_email(&local, "example.com")
            }
        }
    }

    /// A mobile number in 07700 900000–900999, in one of several ways of writing it.
    fn mobile(&mut self) -> String {
        let n = match self.mobiles.pop() {
            Some(n) => n,
            None => self.rng.u32(0..1000),
        };
        match self.rng.u32(0..100) {
            0..45 => format!("07700 900{n:03}"),
            45..60 => format!("07700900{n:03}"),
            60..72 => format!("+44 7700 900{n:03}"),
            72..80 => format!("+447700900{n:03}"),
            80..90 => format!("07700 900 {n:03}"),
            _ => format!("+44 (0)7700 900{n:03}"),
        }
    }

    /// A landline in 01632 960000–960999, or in London 020 7946 0000–0999.
    fn landline(&mut self, london: bool) -> String {
        let pool = if london { &mut self.london } else { &mut self.landlines };
        let n = match pool.pop() {
            Some(n) => n,
            None => self.rng.u32(0..1000),
        };
        let style = self.rng.u32(0..100);
        if london {
            match style {
                0..50 => format!("020 7946 0{n:03}"),
                50..65 => format!("02079460{n:03}"),
                65..77 => format!("(020) 7946 0{n:03}"),
                77..90 => format!("+44 20 7946 0{n:03}"),
                _ => format!("0207 946 0{n:03}"),
            }
        } else {
            match style {
                0..50 => format!("01632 960{n:03}"),
                50..65 => format!("01632960{n:03}"),
                65..77 => format!("(01632) 960{n:03}"),
                77..90 => format!("+44 1632 960{n:03}"),
                _ => format!("01632 960 {n:03}"),
            }
        }
    }

    /// A National Insurance number with a prefix HMRC allows (NIM39110) and suffix A–D,
    /// written with or without the usual spaces.
    fn ni(&mut self) -> String {
        const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
        const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
        const AVOID: [&str; 14] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"];
        loop {
            let prefix: String = [char::from(self.pick(FIRST)), char::from(self.pick(SECOND))].iter().collect();
            if AVOID.contains(&prefix.as_str()) {
                continue;
            }
            let digits = format!("{:06}", self.rng.u32(0..1_000_000));
            let suffix = char::from(self.pick(b"ABCD"));
            let ni = format!("{prefix}{digits}{suffix}");
            if !self.used_ni.insert(ni.clone()) {
                continue;
            }
            return match self.rng.u32(0..100) {
                0..60 => ni,
                60..95 => {
                    format!("{prefix} {} {} {} {suffix}", &digits[0..2], &digits[2..4], &digits[4..6])
                }
                _ => ni.to_lowercase(),
            };
        }
    }

    /// An NHS number in the 999 range kept for test data, with a good modulus-11 check
    /// digit (numbers whose check would be 10 are skipped), in the usual `3 3 4` layout
    /// or without spaces.
    fn nhs(&mut self) -> String {
        loop {
            let mut d = [9u32, 9, 9, 0, 0, 0, 0, 0, 0];
            for x in d.iter_mut().skip(3) {
                *x = self.rng.u32(0..10);
            }
            let sum: u32 = d.iter().zip((2..=10u32).rev()).map(|(x, w)| x * w).sum();
            let check = match 11 - sum % 11 {
                11 => 0,
                10 => continue,
                c => c,
            };
            let s: String = d.iter().chain([check].iter()).map(|x| x.to_string()).collect();
            if !self.used_nhs.insert(s.clone()) {
                continue;
            }
            return match self.rng.u32(0..100) {
                0..70 => format!("{} {} {}", &s[0..3], &s[3..6], &s[6..]),
                70..95 => s,
                _ => format!("{}-{}-{}", &s[0..3], &s[3..6], &s[6..]),
            };
        }
    }

    /// A reference like `TEN-004211`, unique across the data.
    fn unique_ref(&mut self, prefix: &str, width: usize, range: RangeInclusive<u32>) -> String {
        for _ in 0..10_000 {
            let r = format!("{prefix}{:0width$}", self.rng.u32(range.clone()));
            if self.used_refs.insert(r.clone()) {
                return r;
            }
        }
        let r = format!("{prefix}{:0width$}", self.used_refs.len());
        self.used_refs.insert(r.clone());
        r
    }

    fn postcode(&mut self, outward: &str) -> String {
        let digit = self.rng.u32(1..10);
        let a = char::from(self.pick(INWARD_LETTERS));
        let b = char::from(self.pick(INWARD_LETTERS));
        let pc = format!("{outward} {digit}{a}{b}");
        match self.rng.u32(0..100) {
            0..4 => pc.to_lowercase(),
            4..10 => pc.replace(' ', ""),
            _ => pc,
        }
    }

    /// A home address in `town`: a house, or (more often for social housing) a flat.
    fn address(&mut self, town: &Town, social_housing: bool) -> Address {
        let (locality, outward) = self.pick(town.areas);
        let street = if self.chance(55) { self.pick_from(town.streets) } else { self.pick_from(COMMON_STREETS) };
        let flat_pct = if social_housing { 45 } else { 25 };
        let r = self.rng.u32(0..100);
        let mut lines = Vec::new();
        if r < flat_pct {
            let block = self.pick_from(BLOCKS);
            lines.push(format!("Flat {}, {block}", self.rng.u32(1..=40)));
            lines.push(street.to_string());
        } else if r < flat_pct + 8 {
            let suffix = self.pick(&["a", "b"]);
            lines.push(format!("{}{suffix} {street}", self.rng.u32(1..=200)));
        } else {
            lines.push(format!("{} {street}", self.rng.u32(1..=180)));
        }
        if self.chance(55) {
            lines.push(locality.to_string());
        }
        lines.push(town.name.to_string());
        if let Some(county) = town.county
            && self.chance(20)
        {
            lines.push(county.to_string());
        }
        Address { lines, postcode: Some(self.postcode(outward)) }
    }

    fn business_address(&mut self, town: &Town) -> Address {
        let (_, outward) = self.pick(town.areas);
        let park = self.pick_from(BUSINESS_PARKS);
        let street = self.pick_from(town.streets);
        let lines =
            vec![format!("Unit {}", self.rng.u32(1..=30)), park.to_string(), street.to_string(), town.name.to_string()];
        Address { lines, postcode: Some(self.postcode(outward)) }
    }

    fn amount(&mut self) -> String {
        let pounds = self.rng.u32(85..=2400);
        let pence = self.rng.u32(0..100);
        if pounds >= 1000 {
            format!("£{},{:03}.{pence:02}", pounds / 1000, pounds % 1000)
        } else {
            format!("£{pounds}.{pence:02}")
        }
    }

    fn maybe_note(&mut self, s: &mut NewSubject, pct: u32, notes: &[&str]) {
        if notes.is_empty() || !self.chance(pct) {
            return;
        }
        let note = self.pick(notes);
        let note = if note.contains("{amount}") {
            let amount = self.amount();
            note.replace("{amount}", &amount)
        } else {
            note.to_string()
        };
        s.notes = Some(note);
    }

    // ----- subjects ----------------------------------------------------------------

    /// A subject for `p` with names, aliases, date of birth and, by `reach`, an email,
    /// a mobile, an NI number (adults) and an NHS number.
    fn subject(&mut self, p: &Person, categories: Vec<Category>, reach: Reach) -> NewSubject {
        let adult = p.age >= 18;
        let elderly = p.age >= 75;
        let mut s = NewSubject {
            given_name: p.given.clone(),
            family_name: p.family(),
            other_names: self.aliases(p),
            date_of_birth: Some(p.dob),
            categories,
            ..NewSubject::default()
        };
        let email_pct = match (adult, elderly) {
            (true, true) => reach.email / 2,
            (true, false) => reach.email,
            (false, _) if p.age >= 16 => 20,
            (false, _) => 0,
        };
        if self.chance(email_pct) {
            let e = self.personal_email(p);
            s.emails.push(e);
        }
        let mobile_pct = match (adult, elderly) {
            (true, true) => reach.mobile.saturating_sub(30),
            (true, false) => reach.mobile,
            (false, _) if p.age >= 12 => 45,
            (false, _) => 0,
        };
        if self.chance(mobile_pct) {
            let m = self.mobile();
            s.phones.push(m);
        }
        if adult && self.chance(reach.ni) {
            s.identifiers.ni_number = Some(self.ni());
        }
        if self.chance(reach.nhs) {
            s.identifiers.nhs_number = Some(self.nhs());
        }
        s
    }

    fn push(&mut self, s: NewSubject) -> usize {
        self.subjects.push(s);
        self.subjects.len() - 1
    }

    fn link(&mut self, from: usize, to: usize, kind: LinkKind) {
        self.links.push((from, to, kind));
    }

    /// Children (under 18) of a household, linked to their parents and carers.
    fn children(&mut self, kids: &Kids, count: usize) {
        let mut names: Vec<String> = Vec::new();
        for _ in 0..count {
            let sex = self.sex();
            let age = self.rng.i16(kids.ages.clone());
            let dob = self.dob_for_age(age);
            let mut given = self.given_name(kids.group, sex, dob.year());
            for _ in 0..5 {
                if !names.contains(&given) {
                    break;
                }
                given = self.given_name(kids.group, sex, dob.year());
            }
            names.push(given.clone());
            let p = Person {
                sex,
                group: kids.group,
                given,
                family_key: kids.surname_key.clone(),
                birth_key: kids.surname_key.clone(),
                age,
                dob,
            };
            let reach = Reach { nhs: kids.nhs, ..NONE };
            let mut s = self.subject(&p, vec![Category::Child, Category::FamilyMember], reach);
            s.addresses.push(kids.home.clone());
            self.maybe_note(&mut s, kids.note_pct, kids.notes);
            let idx = self.push(s);
            for parent in &kids.parents {
                self.link(*parent, idx, LinkKind::ParentOf);
            }
            for carer in &kids.carers {
                self.link(*carer, idx, LinkKind::Household);
            }
        }
    }

    // ----- the housing association -----------------------------------------------

    fn housing_association(&mut self) {
        for _ in 0..155 {
            self.tenant_household();
        }
        for _ in 0..30 {
            self.former_tenant();
        }
        for _ in 0..26 {
            self.housing_applicant();
        }
        for i in 0..42 {
            self.housing_staff(i >= 32);
        }
        for _ in 0..4 {
            self.job_applicant(Org::Housing);
        }
        for i in 0..9 {
            self.board_member(i);
        }
        for i in 0..8 {
            self.supplier_contact(i);
        }
        // Two tenants sit on the board and two work for the association.
        let mut leads: Vec<(usize, i16)> =
            self.tenant_leads.iter().copied().filter(|(_, age)| (25..=65).contains(age)).collect();
        self.rng.shuffle(&mut leads);
        for (n, (idx, _)) in leads.into_iter().take(4).enumerate() {
            if n < 2 {
                let s = &mut self.subjects[idx];
                s.categories.push(Category::BoardMember);
                s.notes = Some("Resident board member.".into());
            } else {
                let number = self.unique_ref("EMP-", 4, 1000..=2999);
                let s = &mut self.subjects[idx];
                s.categories.push(Category::Employee);
                s.identifiers.employee_number = Some(number);
            }
        }
        // Some former tenants are applying again.
        let mut former = self.former_tenants.clone();
        self.rng.shuffle(&mut former);
        for idx in former.into_iter().take(3) {
            let number = self.unique_ref("CUS-", 6, 100_000..=999_999);
            let s = &mut self.subjects[idx];
            s.categories.push(Category::Applicant);
            s.identifiers.customer_number = Some(number);
        }
    }

    fn tenant_household(&mut self) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, town.local);
        let home = self.address(town, true);
        let tenancy = self.unique_ref("TEN-", 6, 100..=29_999);
        let landline = if self.chance(30) { Some(self.landline(false)) } else { None };
        // Single adult, couple, single parent, couple with children, older parents with
        // adult children, three generations.
        let shape = self.weighted(&[34, 16, 22, 18, 6, 4]);
        let (ages, has_partner, has_kids) = match shape {
            0 => (18..=88, false, false),
            1 => (22..=88, true, false),
            2 => (19..=50, false, true),
            3 => (21..=52, true, true),
            4 => (46..=84, self.chance(60), false),
            _ => (24..=45, self.chance(60), true),
        };
        let lead_sex = match shape {
            2 if self.chance(85) => Sex::Female,
            2 => Sex::Male,
            _ => self.sex(),
        };
        let mut lead = self.person(group, lead_sex, ages);
        let mut partner = if has_partner {
            Some(self.partner_for(&lead, Org::Housing, if has_kids { 19 } else { 18 }))
        } else {
            None
        };
        if let Some(p) = partner.as_mut()
            && self.chance(60)
        {
            self.marry(&mut lead, p);
        }

        let mut s = self.subject(&lead, vec![Category::Tenant], TENANT);
        s.addresses.push(home.clone());
        if let Some(l) = &landline {
            s.phones.push(l.clone());
        }
        s.identifiers.tenancy_number = Some(tenancy.clone());
        if self.chance(40) {
            s.identifiers.customer_number = Some(self.unique_ref("CUS-", 6, 100_000..=999_999));
        }
        self.maybe_note(&mut s, 6, TENANT_NOTES);
        let lead_idx = self.push(s);
        self.tenant_leads.push((lead_idx, lead.age));

        let mut parents = vec![(lead_idx, lead.clone())];
        let mut carers = Vec::new();
        if let Some(p) = &partner {
            let joint = self.chance(45);
            let (cats, reach) =
                if joint { (vec![Category::Tenant], TENANT) } else { (vec![Category::FamilyMember], PARTNER) };
            let mut s = self.subject(p, cats, reach);
            s.addresses.push(home.clone());
            if let Some(l) = &landline {
                s.phones.push(l.clone());
            }
            if joint {
                s.identifiers.tenancy_number = Some(tenancy.clone());
            }
            let idx = self.push(s);
            self.link(lead_idx, idx, LinkKind::Household);
            if has_kids && self.chance(12) {
                carers.push(idx);
            } else {
                parents.push((idx, p.clone()));
            }
        }
        let parent_people: Vec<&Person> = parents.iter().map(|(_, p)| p).collect();
        let youngest_parent = parent_people.iter().map(|p| p.age).min().unwrap_or(lead.age);
        let oldest_parent = parent_people.iter().map(|p| p.age).max().unwrap_or(lead.age);
        let kid_group = self.pick(&parent_people).group;
        let surname_key = self.kids_surname(&parent_people, kid_group);
        let parent_idx: Vec<usize> = parents.iter().map(|(i, _)| *i).collect();

        if has_kids {
            let count = 1 + self.weighted(&[40, 35, 18, 7]);
            let kids = Kids {
                parents: parent_idx.clone(),
                carers,
                surname_key: surname_key.clone(),
                group: kid_group,
                ages: child_ages((youngest_parent, oldest_parent), (18, 45)),
                home: home.clone(),
                nhs: 20,
                notes: &[],
                note_pct: 0,
            };
            self.children(&kids, count);
        }
        if shape == 4 {
            let count = 1 + self.weighted(&[65, 35]);
            // Grown-up children still at home, born when their parents were 20 to 42.
            let oldest = (youngest_parent - 20).max(18);
            let youngest = (oldest_parent - 42).clamp(18, oldest);
            for _ in 0..count {
                let sex = self.sex();
                let mut p = self.person(kid_group, sex, youngest..=oldest);
                p.family_key = surname_key.clone();
                p.birth_key = surname_key.clone();
                let mut s = self.subject(&p, vec![Category::FamilyMember], ADULT_CHILD);
                s.addresses.push(home.clone());
                let idx = self.push(s);
                for parent in &parent_idx {
                    self.link(*parent, idx, LinkKind::ParentOf);
                }
            }
        }
        if shape == 5 {
            let gp = self.parent_of(&lead);
            let mut s = self.subject(&gp, vec![Category::FamilyMember], RELATIVE);
            s.addresses.push(home.clone());
            if let Some(l) = &landline {
                s.phones.push(l.clone());
            }
            let idx = self.push(s);
            self.link(idx, lead_idx, LinkKind::ParentOf);
        }
    }

    fn former_tenant(&mut self) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, None);
        let sex = self.sex();
        let p = self.person(group, sex, 20..=85);
        let mut s = self.subject(&p, vec![Category::FormerTenant], FORMER_TENANT);
        s.identifiers.tenancy_number = Some(self.unique_ref("TEN-", 6, 100..=29_999));
        if self.chance(70) {
            // Forwarding address: often nearby, sometimes across the country.
            let to = if self.chance(75) { town } else { self.pick_town(CHARITY_TOWNS) };
            let a = self.address(to, false);
            s.addresses.push(a);
        }
        if self.chance(50) {
            let a = self.address(town, true);
            s.addresses.push(a);
        }
        self.maybe_note(&mut s, 20, FORMER_TENANT_NOTES);
        let idx = self.push(s);
        self.former_tenants.push(idx);
    }

    fn housing_applicant(&mut self) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 18..=75);
        let mut s = self.subject(&p, vec![Category::Applicant], APPLICANT);
        s.identifiers.customer_number = Some(self.unique_ref("CUS-", 6, 100_000..=999_999));
        if self.chance(85) {
            let a = self.address(town, false);
            s.addresses.push(a);
        }
        self.maybe_note(&mut s, 20, APPLICANT_NOTES);
        self.push(s);
    }

    fn housing_staff(&mut self, former: bool) {
        let town = self.pick_town(HOUSING_TOWNS);
        let group = self.group_for(Org::Housing, None);
        let sex = self.sex();
        let p = self.person(group, sex, 19..=66);
        let category = if former { Category::FormerEmployee } else { Category::Employee };
        let mut s = self.subject(&p, vec![category], HOUSING_STAFF);
        if former {
            if self.chance(50) {
                let years = self.rng.i16(1..=5);
                s.notes = Some(format!(
                    "Left in {}; payroll records kept for six years after leaving.",
                    self.today.year() - years
                ));
            }
        } else {
            let work = self.work_email(&p, Some(Org::Housing));
            s.emails.insert(0, work);
            if self.chance(20) {
                let role = self.pick(HOUSING_ROLES);
                let office = self.pick(HOUSING_OFFICES);
                s.notes = Some(format!("{role}, based at the {office} office."));
            }
        }
        if self.chance(95) {
            let a = self.address(town, false);
            s.addresses.push(a);
        }
        s.identifiers.employee_number = Some(self.unique_ref("EMP-", 4, 1000..=2999));
        self.push(s);
    }

    fn job_applicant(&mut self, org: Org) {
        let towns = if org == Org::Housing { HOUSING_TOWNS } else { CHARITY_TOWNS };
        let town = self.pick_town(towns);
        let group = self.group_for(org, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 18..=60);
        let mut s = self.subject(&p, vec![Category::Applicant], JOB_APPLICANT);
        let a = self.address(town, false);
        s.addresses.push(a);
        s.notes = Some(match org {
            Org::Housing => {
                let role = self.pick(HOUSING_ROLES);
                format!("Applied for the {role} vacancy; interview booked.")
            }
            Org::Charity => "Volunteer application received; references requested.".into(),
        });
        self.push(s);
    }

    fn board_member(&mut self, i: usize) {
        let town = if self.chance(80) { self.pick_town(HOUSING_TOWNS) } else { self.pick_town(CHARITY_TOWNS) };
        let group = self.group_for(Org::Housing, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 35..=75);
        let mut s = self.subject(&p, vec![Category::BoardMember], BOARD);
        let a = self.address(town, false);
        s.addresses.push(a);
        s.notes = BOARD_ROLES.get(i).map(|r| r.to_string());
        self.push(s);
    }

    fn supplier_contact(&mut self, i: usize) {
        let london = self.chance(35);
        let town = if london {
            self.pick_town(&CHARITY_TOWNS[CHARITY_TOWNS.len() - 1..])
        } else {
            self.pick_town(HOUSING_TOWNS)
        };
        let group = self.group_for(Org::Housing, None);
        let sex = self.sex();
        let p = self.person(group, sex, 25..=62);
        let mut s = self.subject(&p, vec![Category::SupplierContact], NONE);
        // Nobody keeps a supplier contact's date of birth.
        s.date_of_birth = None;
        s.emails.push(self.work_email(&p, None));
        s.phones.push(self.landline(town.london));
        if self.chance(60) {
            s.phones.push(self.mobile());
        }
        let a = self.business_address(town);
        s.addresses.push(a);
        s.notes = SUPPLIER_NOTES.get(i).map(|n| n.to_string());
        self.push(s);
    }

    // ----- the family-support charity --------------------------------------------

    fn charity(&mut self) {
        for _ in 0..52 {
            self.family();
        }
        for _ in 0..34 {
            self.volunteer();
        }
        for i in 0..9 {
            self.trustee(i);
        }
        for i in 0..17 {
            self.charity_staff(i >= 14);
        }
        for _ in 0..4 {
            self.job_applicant(Org::Charity);
        }
        // Two parents now volunteer too.
        let mut users = self.service_users.clone();
        self.rng.shuffle(&mut users);
        for idx in users.into_iter().take(2) {
            let number = self.unique_ref("VOL-", 4, 1..=999);
            let s = &mut self.subjects[idx];
            s.categories.push(Category::Volunteer);
            s.identifiers.volunteer_number = Some(number);
        }
    }

    fn family(&mut self) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let home = self.address(town, false);
        let landline = if self.chance(15) { Some(self.landline(town.london)) } else { None };
        // Single parent, couple, separated parents, kinship carers (grandparents).
        let shape = self.weighted(&[45, 28, 17, 10]);
        let lead_sex = match shape {
            0 | 2 if self.chance(82) => Sex::Female,
            0 | 2 => Sex::Male,
            _ => self.sex(),
        };
        let ages = match shape {
            0 => 18..=48,
            3 => 50..=74,
            _ => 20..=50,
        };
        let mut lead = self.person(group, lead_sex, ages);
        let mut partner = match shape {
            1 => Some(self.partner_for(&lead, Org::Charity, 19)),
            2 => {
                // The other parent: opposite sex, never or no longer married to the lead.
                let group = if self.chance(80) { lead.group } else { self.group_for(Org::Charity, None) };
                let age = (lead.age + self.rng.i16(-5..=8)).clamp(19, 65);
                Some(self.person_aged(group, lead.sex.other(), age))
            }
            3 if self.chance(50) => Some(self.partner_for(&lead, Org::Charity, 45)),
            _ => None,
        };
        if let Some(p) = partner.as_mut() {
            // Separated parents may have been married once; the resident parent may
            // still have the other's surname.
            let pct = if shape == 2 { 30 } else { 55 };
            if self.chance(pct) {
                self.marry(&mut lead, p);
            }
        }

        let mut s = self.subject(&lead, vec![Category::ServiceUser, Category::FamilyMember], SERVICE_USER);
        s.addresses.push(home.clone());
        if let Some(l) = &landline {
            s.phones.push(l.clone());
        }
        if self.chance(75) {
            s.identifiers.customer_number = Some(self.unique_ref("SU-", 5, 1..=99_999));
        }
        if shape == 3 {
            s.notes = Some(
                "Kinship carer for the grandchildren under a special guardianship order; \
                 their social worker is the main professional contact."
                    .into(),
            );
        } else {
            self.maybe_note(&mut s, 15, PARENT_NOTES);
        }
        let lead_idx = self.push(s);
        self.service_users.push(lead_idx);

        let mut parents = vec![(lead_idx, lead.clone())];
        if let Some(p) = &partner {
            let user = shape != 2 && self.chance(50);
            let (cats, reach) = if user {
                (vec![Category::ServiceUser, Category::FamilyMember], SERVICE_USER)
            } else {
                (vec![Category::FamilyMember], CO_PARENT)
            };
            let mut s = self.subject(p, cats, reach);
            if shape == 2 {
                // The other parent lives elsewhere, often at an address we do not know.
                if self.chance(50) {
                    let a = self.address(town, false);
                    s.addresses.push(a);
                }
            } else {
                s.addresses.push(home.clone());
                if let Some(l) = &landline {
                    s.phones.push(l.clone());
                }
            }
            let idx = self.push(s);
            if shape != 2 {
                self.link(lead_idx, idx, LinkKind::Household);
            }
            if user {
                self.service_users.push(idx);
            }
            parents.push((idx, p.clone()));
        }

        let parent_people: Vec<&Person> = parents.iter().map(|(_, p)| p).collect();
        let youngest = parent_people.iter().map(|p| p.age).min().unwrap_or(lead.age);
        let oldest = parent_people.iter().map(|p| p.age).max().unwrap_or(lead.age);
        let kid_group = self.pick(&parent_people).group;
        let (surname_key, ages) = if shape == 3 {
            // Grandchildren: through a son they share the grandparents' surname.
            let key = if self.chance(60) { lead.birth_key.clone() } else { self.surname_key(kid_group) };
            (key, child_ages((youngest, oldest), (36, 62)))
        } else {
            (self.kids_surname(&parent_people, kid_group), child_ages((youngest, oldest), (18, 45)))
        };
        let count = 1 + self.weighted(&[35, 35, 20, 7, 3]);
        let kids = Kids {
            parents: parents.iter().map(|(i, _)| *i).collect(),
            carers: Vec::new(),
            surname_key,
            group: kid_group,
            ages,
            home: home.clone(),
            nhs: 85,
            notes: CHILD_NOTES,
            note_pct: 6,
        };
        self.children(&kids, count);

        // A grandparent as emergency contact.
        if shape != 3 && lead.age <= 55 && self.chance(15) {
            let gp = self.parent_of(&lead);
            let mut s = self.subject(&gp, vec![Category::Other], EMERGENCY_CONTACT);
            if self.chance(50) {
                let a = self.address(town, false);
                s.addresses.push(a);
            }
            s.notes = Some("Grandparent; emergency contact, authorised to collect the children from sessions.".into());
            let idx = self.push(s);
            self.link(idx, lead_idx, LinkKind::ParentOf);
        }
    }

    fn volunteer(&mut self) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let sex = self.sex();
        let ages = match self.weighted(&[30, 40, 30]) {
            0 => 18..=25,
            1 => 26..=60,
            _ => 61..=80,
        };
        let p = self.person(group, sex, ages);
        let mut s = self.subject(&p, vec![Category::Volunteer], VOLUNTEER);
        let a = self.address(town, false);
        s.addresses.push(a);
        s.identifiers.volunteer_number = Some(self.unique_ref("VOL-", 4, 1..=999));
        self.maybe_note(&mut s, 15, VOLUNTEER_NOTES);
        self.push(s);
    }

    fn trustee(&mut self, i: usize) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 30..=76);
        let mut categories = vec![Category::Trustee];
        if i == 8 {
            categories.push(Category::Volunteer);
        }
        let mut s = self.subject(&p, categories, TRUSTEE);
        if i == 8 {
            s.identifiers.volunteer_number = Some(self.unique_ref("VOL-", 4, 1..=999));
        }
        let a = self.address(town, false);
        s.addresses.push(a);
        s.notes = TRUSTEE_ROLES.get(i).map(|r| r.to_string());
        self.push(s);
    }

    fn charity_staff(&mut self, former: bool) {
        let town = self.pick_town(CHARITY_TOWNS);
        let group = self.group_for(Org::Charity, town.local);
        let sex = self.sex();
        let p = self.person(group, sex, 21..=66);
        let category = if former { Category::FormerEmployee } else { Category::Employee };
        let mut s = self.subject(&p, vec![category], CHARITY_STAFF);
        if !former {
            let work = self.work_email(&p, Some(Org::Charity));
            s.emails.insert(0, work);
            if self.chance(25) {
                let role = self.pick(CHARITY_ROLES);
                s.notes = Some(format!("{role}, {} hub.", town.name));
            }
        }
        let a = self.address(town, false);
        s.addresses.push(a);
        s.identifiers.employee_number = Some(self.unique_ref("EMP-", 4, 5000..=5999));
        self.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use std::collections::BTreeMap;

    fn cases() -> [(u64, Date); 3] {
        [(1, date(2026, 3, 1)), (7, date(2028, 2, 29)), (20_261_123, date(2025, 11, 23))]
    }

    fn counts(d: &DemoData) -> BTreeMap<Category, usize> {
        let mut counts = BTreeMap::new();
        for s in &d.subjects {
            for c in &s.categories {
                *counts.entry(*c).or_insert(0) += 1;
            }
        }
        counts
    }

    #[test]
    fn every_subject_validates_and_the_mix_is_sensible() {
        for (seed, today) in cases() {
            let d = generate(seed, today);
            assert!(d.subjects.len() >= 520, "seed {seed}: only {} subjects", d.subjects.len());
            for (i, s) in d.subjects.iter().enumerate() {
                if let Err(e) = s.clone().validate(today) {
                    panic!("seed {seed}, subject {i} does not validate: {e}");
                }
                assert!(!s.categories.is_empty(), "seed {seed}, subject {i} has no category");
            }
            let c = counts(&d);
            let n = |cat: Category| c.get(&cat).copied().unwrap_or(0);
            assert!(n(Category::Tenant) >= 150, "seed {seed}: tenants {c:?}");
            assert!(n(Category::Child) >= 40, "seed {seed}: children {c:?}");
            assert!(n(Category::Volunteer) >= 30, "seed {seed}: volunteers {c:?}");
            assert!(n(Category::Trustee) >= 5, "seed {seed}: trustees {c:?}");
            assert!(n(Category::BoardMember) >= 5, "seed {seed}: board {c:?}");
            assert!(n(Category::Employee) >= 30, "seed {seed}: staff {c:?}");
            assert!(n(Category::FormerEmployee) >= 5, "seed {seed}: former staff {c:?}");
            assert!(n(Category::FormerTenant) >= 20, "seed {seed}: former tenants {c:?}");
            assert!(n(Category::Applicant) >= 20, "seed {seed}: applicants {c:?}");
            assert!(n(Category::ServiceUser) >= 40, "seed {seed}: service users {c:?}");
            assert!(n(Category::FamilyMember) >= 100, "seed {seed}: family {c:?}");
            assert!(n(Category::SupplierContact) >= 5, "seed {seed}: suppliers {c:?}");
        }
    }

    #[test]
    fn children_are_under_18_and_linked_to_a_parent_and_adults_are_18_to_90() {
        for (seed, today) in cases() {
            let d = generate(seed, today);
            let eighteen_ago = today.saturating_sub(18.years());
            let ninety_one_ago = today.saturating_sub(91.years());
            for (i, s) in d.subjects.iter().enumerate() {
                let Some(dob) = s.date_of_birth else {
                    assert!(
                        s.categories == [Category::SupplierContact],
                        "seed {seed}, subject {i} has no date of birth"
                    );
                    continue;
                };
                if s.categories.contains(&Category::Child) {
                    assert!(dob > eighteen_ago, "seed {seed}, child {i} is 18 or over");
                    let parents: Vec<usize> = d
                        .links
                        .iter()
                        .filter(|(_, to, k)| *to == i && *k == LinkKind::ParentOf)
                        .map(|(from, _, _)| *from)
                        .collect();
                    assert!(!parents.is_empty(), "seed {seed}, child {i} has no parent");
                } else {
                    assert!(dob <= eighteen_ago, "seed {seed}, adult {i} is under 18");
                    assert!(dob > ninety_one_ago, "seed {seed}, adult {i} is over 90");
                }
            }
            // Parents are at least 16 years older than their children.
            for (from, to, kind) in &d.links {
                if *kind != LinkKind::ParentOf {
                    continue;
                }
                let (Some(p), Some(c)) = (d.subjects[*from].date_of_birth, d.subjects[*to].date_of_birth) else {
                    panic!("seed {seed}: parent_of link without dates of birth");
                };
                assert!(p <= c.saturating_sub(16.years()), "seed {seed}: parent {from} too young");
                assert!(p > c.saturating_sub(65.years()), "seed {seed}: parent {from} too old");
            }
        }
    }

    #[test]
    fn links_are_well_formed() {
        for (seed, today) in cases() {
            let d = generate(seed, today);
            let mut seen = HashSet::new();
            for (from, to, kind) in &d.links {
                assert!(*from < d.subjects.len() && *to < d.subjects.len(), "seed {seed}");
                assert_ne!(from, to, "seed {seed}: self link");
                assert!(seen.insert((*from, *to, kind.as_str())), "seed {seed}: duplicate link");
            }
            assert!(d.links.iter().any(|l| l.2 == LinkKind::Household));
            assert!(d.links.iter().any(|l| l.2 == LinkKind::ParentOf));
        }
    }

    #[test]
    fn same_seed_same_data_and_different_seeds_differ() {
        let today = date(2026, 3, 1);
        let a = generate(42, today);
        let b = generate(42, today);
        let c = generate(43, today);
        let json = |d: &DemoData| serde_json::to_string(&d.subjects).unwrap_or_default();
        assert!(!json(&a).is_empty());
        assert_eq!(json(&a), json(&b));
        assert_eq!(a.links, b.links);
        assert_ne!(json(&a), json(&c));
    }

    /// SHA-256 of the demo data (subjects and links, as JSON) for seed 20261123 on
    /// 2026-03-01: moving or tidying the generator must not change what it makes.
    const DIGEST_20261123_20260301: &str = "843c031db8d998d44a722c1ded982bcc1d583618b0a49ee4c4afd42bbd96a69f";

    #[test]
    fn the_demo_data_for_a_fixed_seed_and_date_is_unchanged() {
        let d = generate(20_261_123, date(2026, 3, 1));
        let json = serde_json::to_string(&(&d.subjects, &d.links)).expect("json");
        assert_eq!(steward_crypto::sha256_hex(json.as_bytes()), DIGEST_20261123_20260301);
    }

    #[test]
    fn contact_details_stay_in_reserved_ranges() {
        for (seed, today) in cases() {
            let d = generate(seed, today);
            let mut nhs = HashSet::new();
            let mut ni = HashSet::new();
            for s in &d.subjects {
                for e in &s.emails {
                    let lower = e.to_lowercase();
                    let domain = lower.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
                    assert!(
                        ["example.org", "example.com", "example.net"].contains(&domain),
                        "seed {seed}: email domain {domain}"
                    );
                }
                let v = match s.clone().validate(today) {
                    Ok(v) => v.personal,
                    Err(e) => panic!("seed {seed}: {e}"),
                };
                for p in &v.phones {
                    assert!(
                        ["+447700900", "+441632960", "+442079460"].iter().any(|r| p.starts_with(r)) && p.len() == 13,
                        "seed {seed}: phone {p} outside the drama ranges"
                    );
                }
                if let Some(n) = v.identifiers.nhs_number {
                    assert!(n.starts_with("999"), "seed {seed}: NHS number outside test range");
                    assert!(nhs.insert(n), "seed {seed}: repeated NHS number");
                }
                if let Some(n) = v.identifiers.ni_number {
                    assert!(ni.insert(n), "seed {seed}: repeated NI number");
                }
            }
        }
    }

    #[test]
    fn word_lists_are_clean() {
        let mut lists: Vec<&str> = vec![CN_ENGLISH_F, CN_ENGLISH_M, COMMON_STREETS, BLOCKS, BUSINESS_PARKS];
        for g in &GROUPS {
            lists.extend(g.female);
            lists.extend(g.male);
            lists.push(g.surnames);
        }
        for t in HOUSING_TOWNS.iter().chain(CHARITY_TOWNS) {
            lists.push(t.streets);
        }
        for list in lists {
            for entry in list.split(", ") {
                assert!(!entry.is_empty() && entry.trim() == entry, "bad entry {entry:?} in {list}");
                assert!(!entry.contains(',') && !entry.contains('\\'), "bad entry {entry:?}");
            }
        }
    }

    #[test]
    fn names_are_varied() {
        let d = generate(1, date(2026, 3, 1));
        let names: Vec<String> = d.subjects.iter().map(|s| format!("{} {}", s.given_name, s.family_name)).collect();
        assert!(names.iter().any(|n| n.contains('\'')), "no apostrophes");
        assert!(names.iter().any(|n| !n.is_ascii()), "no diacritics");
        assert!(d.subjects.iter().any(|s| s.family_name.contains('-')), "no double-barrelled names");
        assert!(d.subjects.iter().filter(|s| !s.other_names.is_empty()).count() >= 20);
        assert!(d.subjects.iter().filter(|s| s.notes.is_some()).count() >= 20);
        let distinct: HashSet<&String> = names.iter().collect();
        assert!(distinct.len() * 10 >= names.len() * 9, "too many repeated names");
    }
}
