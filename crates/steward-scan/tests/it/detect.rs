//! Detector worked examples: every kind of personal data, validators and hard negatives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use steward_scan::detect::{Detector, birth_date_header, validate};
use steward_scan::{Detection, Entity, Location, Segment};

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(Detector::new)
}

fn found(text: &str) -> Vec<Detection> {
    detector().detect(text)
}

/// The texts found of one kind.
fn of(text: &str, e: Entity) -> Vec<String> {
    found(text).into_iter().filter(|d| d.entity == e).map(|d| d.text).collect()
}

fn has(text: &str, e: Entity, want: &str) {
    let all = found(text);
    assert!(all.iter().any(|d| d.entity == e && d.text == want), "{e:?} {want:?} not in {text:?}: {all:#?}");
}

fn none(text: &str, e: Entity) {
    let v = of(text, e);
    assert!(v.is_empty(), "unexpected {e:?} {v:?} in {text:?}");
}

#[test]
fn nhs_numbers() {
    assert!(validate::nhs_number(b"9434765919"));
    assert!(validate::nhs_number(b"4010232137"));
    assert!(!validate::nhs_number(b"9434765918"), "wrong check digit");
    assert!(!validate::nhs_number(b"0000000000"), "all the same digit");
    assert!(!validate::nhs_number(b"943476591"), "nine digits");
    has("NHS number 943 476 5919 on file", Entity::UkNhs, "943 476 5919");
    has("Patient 9434765919 seen", Entity::UkNhs, "9434765919");
    // Starts with 0 like a phone number, but follows "NHS number" and passes mod-11.
    has("NHS number 010 123 4562", Entity::UkNhs, "010 123 4562");
    has("Call 0101234562", Entity::PhoneNumber, "0101234562");
    none("NHS number 943 476 5918", Entity::UkNhs);
}

#[test]
fn nhs_hard_negatives_order_and_invoice_numbers() {
    // 9434765919 passes mod-11 but here it is an order or invoice number.
    none("Your order 9434765919 has shipped", Entity::UkNhs);
    none("Invoice no. 9434765919 is overdue", Entity::UkNhs);
    none("Ref: 9434765919", Entity::UkNhs);
}

#[test]
fn ni_numbers() {
    for ok in ["AB123456C", "JG103759A", "ZX999999D"] {
        assert!(validate::nino(ok.as_bytes()), "{ok}");
    }
    for bad in [
        "DA123456A",
        "FA123456A",
        "AD123456A",
        "AO123456A",
        "BG123456A",
        "GB123456A",
        "NK123456A",
        "KN123456A",
        "TN123456A",
        "NT123456A",
        "ZZ123456A",
        "AB123456E",
        "QQ123456C",
    ] {
        assert!(!validate::nino(bad.as_bytes()), "{bad}");
        none(&format!("NI {bad} here"), Entity::UkNino);
    }
    has("NI number AB 12 34 56 C.", Entity::UkNino, "AB 12 34 56 C");
    has("NINO: JG103759A", Entity::UkNino, "JG103759A");
}

#[test]
fn ni_numbers_in_any_case_and_spacing() {
    // HMRC NIM39110: the same number however it is written.
    for n in [
        "ab 12 34 56 c",
        "ab123456c",
        "jk45 6789b",
        "Jk 456789 b",
        "AB 123456 C",
        "AB12 3456C",
        "AB-12-34-56-C",
        "AB.12.34.56.C",
        "ab-123456-c",
        "AB  12  34  56  C",
    ] {
        has(&format!("NI number {n}, on the form"), Entity::UkNino, n);
        has(n, Entity::UkNino, n);
    }
    // Invalid prefixes and suffixes stay out in lower case too.
    for bad in [
        "da 12 34 56 a",
        "fa123456a",
        "ad-12-34-56-a",
        "ao123456a",
        "bg 12 34 56 a",
        "gb123456a",
        "nk123456a",
        "kn123456a",
        "tn123456a",
        "nt123456a",
        "zz123456a",
        "ab123456e",
        "qq123456c",
        "ab 12 34 56 f",
    ] {
        none(&format!("NI number {bad} here"), Entity::UkNino);
    }
    // Word boundaries on both sides.
    none("code xab123456c here", Entity::UkNino);
    none("code ab123456cd here", Entity::UkNino);
    none("code ab1234567c here", Entity::UkNino);
    none("code ab12345c here", Entity::UkNino);
    // A separator inside a pair is not how the number is written.
    none("NI ab 1 23 45 6c", Entity::UkNino);
    // A common word before a date-like number is not a prefix, unless NI is mentioned.
    none("on 12.05.19 a decision was made", Entity::UkNino);
    none("On 12 05 19 a letter came", Entity::UkNino);
    has("NI number: on 12 34 56 a", Entity::UkNino, "on 12 34 56 a");
    has("ref ON 12 34 56 A", Entity::UkNino, "ON 12 34 56 A");
}

#[test]
fn cards_and_ibans() {
    assert!(validate::luhn(b"4111111111111111"));
    assert!(validate::luhn(b"378282246310005"));
    assert!(!validate::luhn(b"4111111111111121"));
    has("card 4111 1111 1111 1111 exp 12/27", Entity::CreditCard, "4111 1111 1111 1111");
    has("card 4111-1111-1111-1111", Entity::CreditCard, "4111-1111-1111-1111");
    has("amex 378282246310005.", Entity::CreditCard, "378282246310005");
    none("card 4111 1111 1111 1112", Entity::CreditCard);
    // American Express prints 4-6-5, Diners Club 4-6-4 (both Luhn-valid test numbers).
    has("amex 3714 496353 98431 exp 09/28", Entity::CreditCard, "3714 496353 98431");
    has("card 3782 822463 10005.", Entity::CreditCard, "3782 822463 10005");
    has("diners 3056 930902 5904 exp", Entity::CreditCard, "3056 930902 5904");
    has("diners 3852 000002 3237", Entity::CreditCard, "3852 000002 3237");
    has("diners 30569309025904", Entity::CreditCard, "30569309025904");
    none("amex 3714 496353 98432", Entity::CreditCard);
    // 4-6-5 is American Express's grouping: a Luhn-valid 15-digit Visa-like number so grouped is not a card.
    none("ref 4111 111111 11116", Entity::CreditCard);
    assert!(validate::four_six_grouping(b"371449635398431"));
    assert!(validate::four_six_grouping(b"30569309025904"));
    assert!(!validate::four_six_grouping(b"411111111111116"));
    assert!(!validate::four_six_grouping(b"31569309025904"));
    assert!(validate::iban(b"GB82WEST12345698765432"));
    assert!(validate::iban(b"DE89370400440532013000"));
    assert!(!validate::iban(b"GB82WEST12345698765431"));
    has("IBAN GB82 WEST 1234 5698 7654 32 thanks", Entity::IbanCode, "GB82 WEST 1234 5698 7654 32");
    has("to DE89370400440532013000", Entity::IbanCode, "DE89370400440532013000");
    none("IBAN GB82 WEST 1234 5698 7654 31", Entity::IbanCode);
}

#[test]
fn bank_accounts_passports_licences_registrations() {
    has("sort code 20-00-00 account 12345678", Entity::UkBankAccount, "20-00-00 account 12345678");
    has("Passport number 123456789 issued", Entity::UkPassport, "123456789");
    none("Tracking 123456789 issued", Entity::UkPassport);
    has("licence MORGA753116SM9IJ", Entity::UkDrivingLicence, "MORGA753116SM9IJ");
    has("licence MORGA 753116 SM9IJ", Entity::UkDrivingLicence, "MORGA 753116 SM9IJ");
    has("parked AB12 CDE outside", Entity::UkVehicleRegistration, "AB12 CDE");
    none("parked AB40 CDE outside", Entity::UkVehicleRegistration);
}

#[test]
fn emails_phones_postcodes_addresses() {
    has("write to jane.doe+sar@example.co.uk today", Entity::EmailAddress, "jane.doe+sar@example.co.uk");
    none("not an email: a@b or @home", Entity::EmailAddress);
    for p in [
        "07700 900123",
        "07700900123",
        "0161 496 0000",
        "0161-496-0000",
        "020 7946 0000",
        "0161.496.0000",
        "0044 7700 900123",
        "01632 960000",
    ] {
        has(&format!("call {p} now"), Entity::PhoneNumber, p);
    }
    for p in ["+44 7700 900123", "+44 (0)161 496 0000", "(0161) 496 0000", "+447700900123"] {
        has(&format!("call {p} now"), Entity::PhoneNumber, p);
    }
    none("call 0770 090 012 now", Entity::PhoneNumber);
    has("Manchester M1 1AE", Entity::UkPostcode, "M1 1AE");
    has("London SW1A 1AA.", Entity::UkPostcode, "SW1A 1AA");
    has("at EC1A1BB", Entity::UkPostcode, "EC1A1BB");
    has("lives at 14 Acacia Avenue, Leeds", Entity::Address, "14 Acacia Avenue");
    has("12a High Street", Entity::Address, "12a High Street");
}

#[test]
fn sort_codes_are_not_dates() {
    // 20-45-67 and 18-07-28 also read as dates (20 May 2067, 18 July 2028).
    has("paid from 20-45-67, account 12345678", Entity::UkBankAccount, "20-45-67, account 12345678");
    has("rent from sort code 18-07-28, account 31234567.", Entity::UkBankAccount, "18-07-28, account 31234567");
    has("sort code 18-07-28.", Entity::UkBankAccount, "18-07-28");
    none("paid from 20-45-67, account 12345678", Entity::DateOfBirth);
    none("Sort code: 12-05-85 (born 1985)", Entity::DateOfBirth);
    // Without bank context a date stays a date: a date of birth near "born", else nothing.
    has("born 12-05-19 in Leeds", Entity::DateOfBirth, "12-05-19");
    none("born 12-05-19 in Leeds", Entity::UkBankAccount);
    none("visit on 12-05-19, ticket 4", Entity::UkBankAccount);
    none("visit on 12-05-19, ticket 4", Entity::DateOfBirth);
    // A date of birth followed by bank details is still a date of birth: the first number
    // after a sort code must be the account.
    let t = "DOB 12-05-19, sort code 20-45-67 account 12345678";
    has(t, Entity::DateOfBirth, "12-05-19");
    has(t, Entity::UkBankAccount, "20-45-67 account 12345678");
}

#[test]
fn message_ids_are_not_email_addresses() {
    let headers = "From: Sarah Jenkins <sarah.jenkins@example.org>\nTo: housing@example.org\nMessage-ID: <CAB1234.5678@mail.example.org>\nIn-Reply-To: <msg000001@housing.example.org>\nReferences: <a1.b2@mail.example.org>\n <c3.d4@mail.example.org>\nmessage-id: bare.id.99@mx.example.net\nContent-ID: <part1.abc@example.org>\nSubject: repairs\n\nPlease reply to tom.baker@example.org.\n";
    assert_eq!(
        of(headers, Entity::EmailAddress),
        ["sarah.jenkins@example.org", "housing@example.org", "tom.baker@example.org"]
    );
    // Quoted in a reply, the header is still a Message-ID.
    none("> Message-ID: <msg000002@housing.example.org>\n", Entity::EmailAddress);
    // An address in angle brackets in any other header or in the body is an address.
    has("Reply-To: <anna.jones@example.org>", Entity::EmailAddress, "anna.jones@example.org");
    has("Write to <anna.jones@example.org> please", Entity::EmailAddress, "anna.jones@example.org");
    has("Note: see msg000001@housing.example.org", Entity::EmailAddress, "msg000001@housing.example.org");
    // A body line after a blank line is not part of the header above it.
    has("Message-ID: <m1@example.org>\n\n  mail anna@example.org", Entity::EmailAddress, "anna@example.org");
}

#[test]
fn dates_of_birth_in_prose() {
    for t in [
        "DOB: 12/03/1985",
        "D.O.B. 12/03/1985",
        "d.o.b. 12/03/1985",
        "date of birth 12/03/1985",
        "Date of Birth: 12/03/1985",
        "she was born on 12/03/1985",
        "birth date 12/03/1985",
    ] {
        has(t, Entity::DateOfBirth, "12/03/1985");
    }
}

#[test]
fn dates_of_birth_in_table_columns() {
    for header in [
        "date_of_birth",
        "DOB",
        "dob",
        "Date of birth",
        "birth_date",
        "birthdate",
        "D.O.B.",
        "Date of Birth (dd/mm/yyyy)",
        "Birth Date",
    ] {
        assert!(birth_date_header(header), "{header}");
    }
    for header in ["date", "date_joined", "notes", "birthplace", "dobson", "Date of death"] {
        assert!(!birth_date_header(header), "{header}");
    }
    let cell = |text: &str, sheet: Option<&str>, row: u64, col: u64| Segment {
        text: text.into(),
        location: Location::Cell { sheet: sheet.map(String::from), row, col },
        file_offset: None,
    };
    let segments = vec![
        cell("name", None, 1, 1),
        cell("date_of_birth", None, 1, 2),
        cell("joined", None, 1, 3),
        cell("Anna Jones", None, 2, 1),
        cell("04/07/2012", None, 2, 2),
        cell("05/07/2020", None, 2, 3),
        cell("Tom Baker", None, 3, 1),
        cell(" 1985-03-12 00:00:00 ", None, 3, 2),
        cell("12 March 2021", None, 3, 3),
        cell("Ruth Ellis", None, 4, 1),
        cell("not known", None, 4, 2),
        cell("2 May 1990", Some("Other"), 5, 2),
        cell("04/07/2012 or 05/07/2012", None, 5, 2),
    ];
    let found = detector().detect_segments(&segments);
    assert_eq!(found.len(), segments.len());
    let dobs: Vec<(usize, &str)> = found
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.iter().filter(|d| d.entity == Entity::DateOfBirth).map(move |d| (i, d.text.as_str())))
        .collect();
    assert_eq!(dobs, [(4, "04/07/2012"), (7, "1985-03-12")]);
    // The other findings are what `detect` finds in each cell.
    assert_eq!(found[3], detector().detect("Anna Jones"));
    // A text segment is not a table: a date alone there is no date of birth.
    let text = vec![Segment { text: "04/07/2012".into(), location: Location::Text { line: 2 }, file_offset: Some(0) }];
    assert!(detector().detect_segments(&text)[0].is_empty());
}

#[test]
fn dates_of_birth_need_context() {
    for d in ["12/03/1985", "12 March 1985", "12th Mar 1985", "1985-03-12", "March 12, 1985"] {
        has(&format!("Date of birth: {d}"), Entity::DateOfBirth, d);
        has(&format!("she was born on {d}."), Entity::DateOfBirth, d);
        none(&format!("Meeting on {d} at noon"), Entity::DateOfBirth);
    }
    none("DOB 31/02/1985", Entity::DateOfBirth);
}

#[test]
fn person_names() {
    has("I spoke to Sarah Jenkins yesterday", Entity::Person, "Sarah Jenkins");
    has("Dear Mrs Patel,", Entity::Person, "Mrs Patel");
    has("Dr. Aoife Brennan-Kelly will call", Entity::Person, "Dr. Aoife Brennan-Kelly");
    has("Dear Niamh,\nThanks", Entity::Person, "Niamh");
    has("copied to J. Smith and others", Entity::Person, "J. Smith");
    has("Smith, John attended", Entity::Person, "Smith, John");
    has("Kind regards,\nDavid O'Brien\nHR", Entity::Person, "David O'Brien");
    has("met with Will Thompson", Entity::Person, "Will Thompson");
    has("NAME: JOHN SMITH", Entity::Person, "JOHN SMITH");
    has("Mr and Mrs Okafor attended", Entity::Person, "Mrs Okafor");
    has("Zoë Brontë wrote", Entity::Person, "Zoë Brontë");
    has("Dear Ángela,", Entity::Person, "Ángela");
    has("with José Álvarez today", Entity::Person, "José Álvarez");
    has("Signed: Emma Lewis-Hughes", Entity::Person, "Emma Lewis-Hughes");
    has("Name: J. R. Tolkien", Entity::Person, "J. R. Tolkien");
    has("Hi Tom,\nthanks", Entity::Person, "Tom");
}

#[test]
fn name_hard_negatives() {
    none("May I ask about the March meeting in Chester?", Entity::Person);
    none("Bill payments are due. Will you check? Mark the form.", Entity::Person);
    none("Tel: 0161 496 0000", Entity::Person);
    none("We met in London and Paris on Monday.", Entity::Person);
    none("The Council Tax Office sent a Notice.", Entity::Person);
    none("Dear Housing Team,", Entity::Person);
    none("Don't worry. Many thanks.", Entity::Person);
    none("NHS UK GP NOTICE", Entity::Person);
    none("Please Note The Following Important Information About Your Tenancy Agreement.", Entity::Person);
    none("We close for Christmas Day, Easter Monday and Good Friday.", Entity::Person);
    // The name inside an email address is the email, not a person as well.
    let d = found("mail John.Smith@example.com please");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].entity, Entity::EmailAddress);
}

#[test]
fn quoted_replies_and_signatures() {
    let text = "Thanks, see below.\n\n> On 3 May 2024, Priya Sharma wrote:\n> Please ring me on 07700 900123.\n> Priya\n\n--\nTom Baker\nHousing Officer\nt: 0161 496 0000\n";
    has(text, Entity::Person, "Priya Sharma");
    has(text, Entity::PhoneNumber, "07700 900123");
    has(text, Entity::Person, "Tom Baker");
    has(text, Entity::PhoneNumber, "0161 496 0000");
    none(text, Entity::DateOfBirth);
}

#[test]
fn special_category_cues() {
    has("after her diagnosis of depression", Entity::SpecialCategory, "diagnosis");
    has("He has a Criminal Record.", Entity::SpecialCategory, "Criminal Record");
    none("the undiagnosed issue", Entity::SpecialCategory);
}

#[test]
fn a_gp_or_a_surgery_as_a_place_is_not_health_data() {
    // UK GDPR Art 4(15): health data is about a person's health; a practice is not.
    for t in [
        "The GP, Dr Ahmed, confirmed the referral on 3 May.",
        "Our GP practice has moved.",
        "Park Road Surgery\n14 Park Road\nLeeds",
        "Please take the form to your GP surgery.",
        "the dental surgery on High Street",
        "The doctors surgery is closed on Friday.",
    ] {
        none(t, Entity::SpecialCategory);
    }
    has("She was referred to her GP about depression.", Entity::SpecialCategory, "depression");
    has("He is recovering from surgery on his knee.", Entity::SpecialCategory, "surgery");
    has("He had an operation. Surgery went well.", Entity::SpecialCategory, "Surgery");
}

#[test]
fn sorted_without_overlaps() {
    let d = found(
        "Mr John Smith (john.smith@example.com, 07700 900123, NI AB123456C) born 12/03/1985 at 1 High Street, M1 1AE.",
    );
    for w in d.windows(2) {
        assert!(w[0].end <= w[1].start, "{w:#?}");
    }
    assert!(d.iter().all(|x| x.confidence > 0.0 && x.confidence <= 1.0 && !x.why.is_empty()));
    assert_eq!(d.len(), 7, "{d:#?}");
}

#[test]
fn never_panics_on_random_input() {
    let mut rng = fastrand::Rng::with_seed(7);
    let alphabet: Vec<char> = "aZ09 .,-+()@/\n'Mr Dear 0161 AB12CDÉéß€😀\u{301}".chars().collect();
    for _ in 0..3000 {
        let n = rng.usize(0..200);
        let s: String = (0..n).map(|_| alphabet[rng.usize(0..alphabet.len())]).collect();
        for d in found(&s) {
            assert_eq!(&s[d.start..d.end], d.text);
        }
        let bytes: Vec<u8> = (0..n).map(|_| rng.u8(..)).collect();
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = found(&lossy);
    }
}

#[test]
fn never_panics_on_random_fragments() {
    let pieces = [
        "07700",
        " ",
        "+44",
        "(0)",
        "(",
        ")",
        "AB",
        "12",
        "34",
        "CDE",
        "Mr",
        "Dear",
        "@",
        ".",
        ".com",
        "É",
        "Élodie",
        "ß",
        "\u{301}",
        "-",
        "/",
        "born",
        "March",
        "12th",
        "1985",
        "Smith",
        ",",
        "John",
        "J.",
        "GB82",
        "WEST",
        "4111",
        "\n",
        "> ",
        "NHS",
        "943",
        "476",
        "5919",
        "sort code",
        "20-00-00",
        "passport",
        "MORGA753116SM9IJ",
        "Avenue",
        "diagnosis",
        "😀",
    ];
    let mut rng = fastrand::Rng::with_seed(99);
    for _ in 0..5000 {
        let n = rng.usize(0..40);
        let s: String = (0..n).map(|_| pieces[rng.usize(0..pieces.len())]).collect();
        let d = found(&s);
        for x in &d {
            assert_eq!(&s[x.start..x.end], x.text);
        }
        for w in d.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
    }
}

#[test]
fn never_panics_on_random_numbers() {
    let pieces = [
        "0", "00", "0044", "44", "+", "(", ")", "(0)", " ", "-", ".", "/", "1", "12", "4111", "20-00-00", "A", "Z",
        "\n",
    ];
    let mut rng = fastrand::Rng::with_seed(3);
    for _ in 0..20000 {
        let s: String = (0..rng.usize(0..30)).map(|_| pieces[rng.usize(0..pieces.len())]).collect();
        for x in found(&s) {
            assert_eq!(&s[x.start..x.end], x.text);
        }
    }
}

#[test]
fn realistic_email() {
    let text = "From: Sarah Jenkins <sarah.jenkins@example.org>
To: Housing Team <housing@council.gov.uk>
Subject: Repairs at 14 Acacia Avenue

Dear Housing Team,

Thank you for your letter about the repairs. May I remind you that the contractor attended on Tuesday.
The meeting in London has been moved to Thursday afternoon at the Council offices. Will you confirm?
Grace and I spoke to Mark. Our GP, Dr Ahmed, was informed.
As discussed with Christian Mueller from Acme Ltd, the Environmental Health Officer will visit.
The Housing Ombudsman wrote on 3 May 2024. New Year, Good Friday, Easter Monday, Christmas Day.
Please Note The Following Important Information About Your Tenancy Agreement.
Paul said the Rent Account is fine. Karen Lewis, Anti-Social Behaviour Officer, phoned.
Order number 9434765919. My son Oliver was born 04/07/2012.
Regards,
Sarah
";
    let people = of(text, Entity::Person);
    assert_eq!(
        people,
        ["Sarah Jenkins", "Dr Ahmed", "Christian Mueller", "Paul", "Karen Lewis", "Oliver", "Sarah"],
        "{:#?}",
        found(text)
    );
    assert_eq!(of(text, Entity::EmailAddress).len(), 2);
    assert_eq!(of(text, Entity::Address), ["14 Acacia Avenue"]);
    assert_eq!(of(text, Entity::DateOfBirth), ["04/07/2012"]);
    assert!(of(text, Entity::UkNhs).is_empty());
    assert!(of(text, Entity::SpecialCategory).is_empty(), "\"Our GP, Dr Ahmed\" says nothing about health");
}
