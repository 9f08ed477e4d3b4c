//! Name tables for the demo data (pure data): given names by naming tradition, sex and
//! birth era, surnames, how often each tradition turns up at each organisation, and
//! nicknames.

pub(super) const ENGLISH: usize = 0;
pub(super) const SCOTTISH: usize = 1;
pub(super) const WELSH: usize = 2;
pub(super) const IRISH: usize = 3;
pub(super) const SOUTH_ASIAN_MUSLIM: usize = 6;
pub(super) const MANDARIN: usize = 11;
pub(super) const CANTONESE: usize = 12;

/// Given names and surnames of one naming tradition, as comma-separated lists. Given
/// names come in three lists by birth era (before 1968, 1968–1994, 1995 on); a surname
/// written `male/female` has a form that depends on sex.
pub(super) struct Group {
    pub(super) female: [&'static str; 3],
    pub(super) male: [&'static str; 3],
    pub(super) surnames: &'static str,
    /// Whether a wife commonly takes her husband's surname.
    pub(super) takes_spouse_name: bool,
    /// Relative frequency at the housing association and at the charity.
    pub(super) weights: (u32, u32),
}

pub(super) const EN_F_OLD: &str = "Margaret, Dorothy, Jean, Patricia, Sheila, Brenda, Maureen, \
    Pauline, Sandra, Linda, Christine, Janet, Barbara, Susan, Valerie, Elizabeth, Carol, \
    Jennifer, Joan, Gillian, Wendy, Rosemary";
pub(super) const EN_F_MID: &str = "Sarah, Claire, Emma, Nicola, Joanne, Lisa, Kelly, Donna, Rachel, \
    Louise, Michelle, Gemma, Laura, Katherine, Victoria, Zoë, Helen, Kerry, Stacey, Hayley, \
    Amy, Charlotte, Jodie, Samantha, Mary-Jane";
pub(super) const EN_F_YOUNG: &str = "Olivia, Amelia, Isla, Ava, Mia, Lily, Freya, Grace, Evie, Poppy, \
    Chloë, Ruby, Sophie, Isabelle, Ella, Millie, Harper, Willow, Rosie, Maisie, Elsie, \
    Phoebe, Lacey-Mae, Zoë";
pub(super) const EN_M_OLD: &str = "Brian, Keith, Graham, Roy, Derek, Kenneth, Barry, Trevor, Colin, \
    Raymond, Terence, Malcolm, Dennis, Geoffrey, Robert, William, Michael, Peter, David, \
    John, Alan, Stephen, Anthony, Roger";
pub(super) const EN_M_MID: &str = "Mark, Paul, Darren, Lee, Wayne, Craig, Jason, Richard, Andrew, \
    Christopher, Matthew, Daniel, James, Simon, Neil, Stuart, Jonathan, Ben, Thomas, \
    Ashley, Dean, Carl, Nathan, Robert";
pub(super) const EN_M_YOUNG: &str = "Oliver, Jack, Harry, Noah, George, Leo, Alfie, Charlie, Jacob, \
    Freddie, Theo, Archie, Oscar, Ethan, Tyler, Kai, Riley, Reggie, Tommy, Louie, Arthur, \
    Jayden, Mason";
pub(super) const EN_SURNAMES: &str = "Smith, Taylor, Brown, Wilson, Johnson, Walker, Wright, Robinson, \
    Thompson, White, Edwards, Green, Hall, Wood, Harris, Martin, Jackson, Clarke, Turner, \
    Hill, Cooper, Ward, Baker, King, Harrison, Morris, Parker, Cook, Bennett, Shaw, Barker, \
    Holmes, Chapman, Webb, Dawson, Pearce, Fletcher, Ashworth, Fairweather, Goodchild, \
    Catchpole, Gooderham, Mayhew, Kerridge, Thrower, Whitlock, Ashton-Cole, Fenwick-Hart, \
    Baker-Wright";

pub(super) const SC_F: &str = "Eilidh, Mhairi, Morag, Ailsa, Kirsty, Catriona, Fiona, Isla, Shona, \
    Iona, Morven, Skye";
pub(super) const SC_M: &str = "Callum, Iain, Fraser, Hamish, Ruaridh, Lachlan, Angus, Euan, Alasdair, \
    Gregor, Finlay, Craig";
pub(super) const SC_SURNAMES: &str = "MacDonald, McLeod, Campbell, Stewart, Robertson, Fraser, \
    McKenzie, Sinclair, Murray, Duncan, McIntyre, Reid, Paterson, Ross, Cameron, Mackay, \
    Drummond, Fraser-Mackenzie";

pub(super) const WE_F: &str = "Siân, Ffion, Cerys, Eleri, Rhiannon, Angharad, Megan, Nia, Catrin, \
    Lowri, Gwenllian, Mererid";
pub(super) const WE_M: &str = "Rhys, Dafydd, Gethin, Iolo, Llŷr, Emyr, Dylan, Owain, Gareth, Huw, \
    Ieuan, Aled";
pub(super) const WE_SURNAMES: &str = "Jones, Williams, Davies, Evans, Thomas, Roberts, Hughes, Lewis, \
    Morgan, Griffiths, Pritchard, Parry, Llewellyn, Vaughan, Hughes-Davies, Lloyd-Evans, \
    Wynne-Jones, ap Gwilym";

pub(super) const IR_F: &str = "Siobhán, Niamh, Aoife, Róisín, Saoirse, Orla, Bríd, Caoimhe, Gráinne, \
    Ciara, Sinéad, Máire, Deirdre, Eimear";
pub(super) const IR_M: &str = "Ciarán, Seán, Pádraig, Declan, Eoin, Conor, Oisín, Cathal, Darragh, \
    Fergal, Séamus, Liam, Rónán, Colm";
pub(super) const IR_SURNAMES: &str = "O'Brien, O'Connor, Murphy, Kelly, Byrne, Walsh, O'Sullivan, \
    McCarthy, Doherty, Gallagher, Quinn, Nolan, O'Neill, Fitzgerald, Brennan, Kavanagh, \
    Ó Ceallaigh/Ní Cheallaigh, Mac Giolla";

pub(super) const INDIAN_F: &str = "Priya, Sunita, Anjali, Deepa, Meera, Shreya, Pooja, Nisha, Kavita, Asha, Divya, \
    Hema, Leela, Riya";
pub(super) const INDIAN_M: &str = "Aarav, Amit, Rajesh, Sanjay, Arjun, Rahul, Anil, Vikram, Rohan, Nikhil, Dev, \
    Hitesh, Mahesh, Kiran";
pub(super) const INDIAN_SURNAMES: &str = "Patel, Patel, Shah, Mistry, Sharma, Gupta, Parmar, Desai, Joshi, Mehta, \
    Pillai, Nair, D'Souza, Fernandes, Lad";

pub(super) const SIKH_F: &str = "Harpreet, Amrit, Simran, Jaspreet, Manpreet, Navdeep, Rajwinder, Gurleen, \
    Kirandeep, Baljinder";
pub(super) const SIKH_M: &str = "Gurpreet, Jaspal, Harjit, Sukhdev, Manjit, Kulwinder, Baljit, Amardeep, \
    Jaswinder, Ranjit, Harvinder";
pub(super) const SIKH_SURNAMES: &str = "Singh/Kaur, Singh/Kaur, Sandhu, Gill, Bains, Dhillon, Sidhu, Grewal, \
    Johal, Sahota, Atwal";

pub(super) const PKBD_F: &str = "Fatima, Ayesha, Zainab, Nadia, Sana, Rukhsana, Shabana, Yasmin, Nasreen, \
    Parveen, Aaliyah, Maryam, Samina, Farzana";
pub(super) const PKBD_M: &str = "Mohammed, Imran, Bilal, Hamza, Tariq, Faisal, Zubair, Abdul, Ibrahim, Ayaan, \
    Usman, Asif, Kamran, Shahid";
pub(super) const PKBD_SURNAMES: &str = "Khan, Ahmed, Hussain, Miah/Begum, Chaudhry, Iqbal, Akhtar, Rahman, Islam, \
    Ali, Choudhury, Malik, Mahmood, Butt, Qureshi, Uddin";

pub(super) const PL_F: &str = "Małgorzata, Agnieszka, Zofia, Katarzyna, Joanna, Magdalena, Ewa, Anna, \
    Aleksandra, Marta, Natalia, Zuzanna, Wiktoria, Dorota";
pub(super) const PL_M: &str = "Łukasz, Paweł, Wojciech, Bartłomiej, Piotr, Krzysztof, Tomasz, Marek, \
    Jakub, Michał, Kacper, Grzegorz, Mateusz, Szymon";
pub(super) const PL_SURNAMES: &str = "Nowak, Kowalski/Kowalska, Wiśniewski/Wiśniewska, Wójcik, \
    Kamiński/Kamińska, Lewandowski/Lewandowska, Zieliński/Zielińska, Szymański/Szymańska, \
    Woźniak, Dąbrowski/Dąbrowska, Kaczmarek, Mazur, Krawczyk, Piotrowski/Piotrowska, \
    Grabowski/Grabowska, Pawłowski/Pawłowska";

pub(super) const IGBO_F: &str = "Ngozi, Chiamaka, Adaeze, Ifeoma, Chidinma, Nneka, Adanna, Chioma, Obiageli, \
    Uchenna, Blessing";
pub(super) const IGBO_M: &str = "Chinedu, Emeka, Obinna, Chukwuemeka, Ikenna, Nnamdi, Chidi, Kelechi, Uchenna, \
    Ebuka";
pub(super) const IGBO_SURNAMES: &str = "Okafor, Okonkwo, Eze, Nwosu, Obi, Chukwu, Nwachukwu, Onyekachi, Okeke, \
    Nwankwo, Ibe, Okoro";

pub(super) const YORUBA_F: &str = "Funmilayo, Folasade, Yetunde, Temitope, Oluwakemi, Abimbola, Adeola, Bukola, \
    Titilayo, Omolara, Blessing";
pub(super) const YORUBA_M: &str = "Oluwaseun, Adebayo, Tolulope, Olumide, Babajide, Ayodele, Femi, Tunde, Segun, \
    Kayode, Olamide, Damilola";
pub(super) const YORUBA_SURNAMES: &str = "Adeyemi, Balogun, Adebayo, Ogunleye, Olawale, Afolabi, Ogundipe, \
    Adewale, Oyelaran, Bello, Oladipo, Akinola, Ogunbiyi";

pub(super) const CB_F: &str = "Marcia, Beverley, Claudette, Hyacinth, Paulette, Shanice, Jodi-Ann, \
    Keisha, Yvonne, Dionne, Sonia, Jacqueline, Tanisha, Althea";
pub(super) const CB_M: &str = "Delroy, Winston, Leroy, Desmond, Errol, Jermaine, Tyrone, Kemar, Andre, \
    Marlon, Clive, Trevor, Courtney, Dwayne";
pub(super) const CB_SURNAMES: &str = "Campbell, Brown, Williams, Clarke, Francis, Grant, Henry, \
    Thompson, Ferguson, Bailey, Reid, McKenzie, Forbes, Morrison, Gayle, Powell, Chambers, \
    Samuels, Ellis";

pub(super) const MANDARIN_F: &str = "Mei, Li Na, Hui, Jing, Yan, Xiu Ying, Ling, Xin, Yu Ting, Xiaoyu";
pub(super) const MANDARIN_M: &str = "Wei, Jun, Zhi Hao, Hao, Jian, Lei, Bo, Yi Ming, Zhen, Tao";
pub(super) const MANDARIN_SURNAMES: &str = "Chen, Li, Zhang, Wang, Liu, Huang, Zhou, Yang, Zhao, Wu, Xu, Sun";

pub(super) const CANTONESE_F: &str = "Ka Yan, Wing Yee, Siu Lan, Mei Ling, Suk Yin, Pui Shan, Hoi Yan";
pub(super) const CANTONESE_M: &str = "Ka Wai, Siu Ming, Chun Kit, Wing Hong, Ka Ho, Man Kit, Chi Keung";
pub(super) const CANTONESE_SURNAMES: &str = "Wong, Lam, Cheung, Chan, Ho, Lau, Yip, Ng, Tang, Leung, Chow, Tsang";

/// English names that people of Chinese heritage often use alongside their own.
pub(super) const CN_ENGLISH_F: &str = "Winnie, Kitty, Cindy, Grace, Amy, Vivian";
pub(super) const CN_ENGLISH_M: &str = "Kelvin, Alan, Eddie, Tony, Kenny, Jason";

pub(super) const SO_F: &str = "Hodan, Faadumo, Ayaan, Farhiya, Sagal, Hibo, Amina, Nimco, Ifrah, Ubah, \
    Sahra, Deeqa, Ikran, Khadra";
pub(super) const SO_M: &str = "Abdi, Mohamed, Hassan, Abdirahman, Ismail, Yusuf, Khadar, Liban, \
    Abdullahi, Mahad, Guled, Bashir, Omar, Said";
pub(super) const SO_SURNAMES: &str = "Abdi, Hassan, Farah, Mohamed, Ali, Warsame, Osman, Jama, Hersi, \
    Aden, Nur, Ibrahim, Omar, Dahir, Yusuf, Egal";

pub(super) const VN_F: &str = "Thị Lan, Thị Hương, Linh, Hoa, Ngọc Anh, Thu Trang, Mai, Phương, \
    Thanh Hằng, Hạnh";
pub(super) const VN_M: &str = "Văn Minh, Tuấn, Đức Anh, Quang, Văn Hùng, Thành, Hoàng Nam, Khánh, \
    Long, Bảo";
pub(super) const VN_SURNAMES: &str = "Nguyễn, Trần, Lê, Phạm, Hoàng, Võ, Đặng, Bùi, Đỗ, Huỳnh";

pub(super) const PT_F: &str = "Inês, Beatriz, Mariana, Ana, Sofia, Joana, Catarina, Leonor";
pub(super) const PT_M: &str = "João, Gonçalo, Tiago, Rui, Duarte, Rodrigo, Francisco, Nuno";
pub(super) const PT_SURNAMES: &str = "Silva, Gonçalves, Ferreira, Santos, Costa, Oliveira, Pereira, Rodrigues, \
    Sousa, Martins";

pub(super) const RO_F: &str = "Andreea, Ioana, Elena, Alexandra, Mihaela, Cristina, Bianca, Raluca";
pub(super) const RO_M: &str = "Ionuț, Mihai, Andrei, Alexandru, Ștefan, Florin, Bogdan, Răzvan";
pub(super) const RO_SURNAMES: &str = "Popescu, Ionescu, Dumitru, Stoica, Constantin, Munteanu, Radu, Stan, \
    Gheorghe, Lungu";

pub(super) const FR_F: &str = "Élodie, Noémie, Chloé, Renée, Anaïs, Camille, Margaux, Hélène";
pub(super) const FR_M: &str = "François, Théo, Julien, Mathieu, Loïc, Étienne, Hugo, Benoît";
pub(super) const FR_SURNAMES: &str = "Dubois, Lefèvre, Moreau, Laurent, Girard, Fontaine, Mercier, Rousseau";

pub(super) const IT_F: &str = "Giulia, Chiara, Francesca, Alessia, Giorgia, Federica";
pub(super) const IT_M: &str = "Luca, Matteo, Marco, Giuseppe, Alessandro, Davide";
pub(super) const IT_SURNAMES: &str = "Rossi, Esposito, Bianchi, Romano, Ricci, Greco, Conti, De Luca, D'Angelo";

/// A tradition whose given names do not change with birth era.
pub(super) const fn group(
    female: &'static str,
    male: &'static str,
    surnames: &'static str,
    weights: (u32, u32),
) -> Group {
    Group { female: [female; 3], male: [male; 3], surnames, takes_spouse_name: true, weights }
}

/// Naming traditions (indices as in the constants above), with how often each turns up
/// at the housing association in East Anglia and at the charity in the big cities.
pub(super) const GROUPS: [Group; 19] = [
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
pub(super) const NICKNAMES: &[(&str, &str)] = &[
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
