//! Detector worked examples: every kind of personal data, validators and hard negatives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use steward_scan::detect::{Detector, validate};
use steward_scan::{Detection, Entity};

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
fn cards_and_ibans() {
    assert!(validate::luhn(b"4111111111111111"));
    assert!(validate::luhn(b"378282246310005"));
    assert!(!validate::luhn(b"4111111111111121"));
    has("card 4111 1111 1111 1111 exp 12/27", Entity::CreditCard, "4111 1111 1111 1111");
    has("card 4111-1111-1111-1111", Entity::CreditCard, "4111-1111-1111-1111");
    has("amex 378282246310005.", Entity::CreditCard, "378282246310005");
    none("card 4111 1111 1111 1112", Entity::CreditCard);
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
    assert_eq!(of(text, Entity::SpecialCategory), ["GP"]);
}
