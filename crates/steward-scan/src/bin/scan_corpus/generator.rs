//! The generator: documents (emails, letters, case notes, sheets) made of sentences
//! about the subject and third parties, every personal-data span labelled.

use crate::doc::{Doc, Kind};
use crate::people::{
    Person, bad_nino, card, date_text, dob_form, iban, nhs_form, nino_form, order_number, phone_form, pick,
};
use crate::words::{HEALTH, MONTHS, ROLES, SENTENCES};

/// The generator: the subject, a pool of third parties, and the random source.
pub(crate) struct Gen {
    pub(crate) rng: fastrand::Rng,
    pub(crate) subject: Person,
    pub(crate) people: Vec<Person>,
}

impl Gen {
    pub(crate) fn third(&mut self) -> Person {
        self.people[self.rng.usize(..self.people.len())].clone()
    }

    pub(crate) fn subject_name(&mut self) -> (String, bool) {
        let s = &self.subject;
        let (first, last) = (s.first.clone(), s.last.clone());
        match self.rng.u8(0..8) {
            0 | 1 => (format!("{first} {last}"), false),
            2 => (format!("{}. {last}", &first[..1]), false),
            3 => (format!("Ms {last}"), true),
            4 => (first, false),
            5 => (s.nickname.clone(), false),
            6 => (format!("{first} {last}").to_uppercase(), false),
            _ => (format!("Mrs {last}"), true),
        }
    }

    /// Writes one sentence into `doc`, expanding its placeholders.
    pub(crate) fn sentence(&mut self, doc: &mut Doc, tpl: &str) {
        let t = self.third();
        let t2 = self.third();
        let s = self.subject.clone();
        let mut rest = tpl;
        while let Some(open) = rest.find('{') {
            doc.t(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let key = &rest[open + 1..close];
            rest = &rest[(close + 1).min(rest.len())..];
            let rng = &mut self.rng;
            match key {
                "s" => {
                    let (name, titled) = self.subject_name();
                    if titled {
                        let (title, last) = name.split_at(name.find(' ').map_or(0, |i| i + 1));
                        doc.t(title);
                        doc.e("PERSON", Kind::Subject, last);
                    } else {
                        doc.e("PERSON", Kind::Subject, &name);
                    }
                }
                "S" => doc.e("PERSON", Kind::Subject, &format!("{} {}", s.first, s.last)),
                "sf" => doc.e("PERSON", Kind::Subject, &s.first),
                "t" => doc.e("PERSON", Kind::Third, &format!("{} {}", t.first, t.last)),
                "tf" => doc.e("PERSON", Kind::Third, &t.first),
                "t2" => doc.e("PERSON", Kind::Third, &format!("{} {}", t2.first, t2.last)),
                "date" => doc.t(&date_text(rng)),
                "order" => doc.t(&order_number(rng)),
                "badni" => doc.t(&bad_nino(rng)),
                "month" => doc.t(MONTHS[rng.usize(..12)]),
                "town" => doc.t(&s.town),
                "health" | "shealth" => {
                    let (article, words) = HEALTH[rng.usize(..HEALTH.len())];
                    doc.t(article);
                    doc.e("SPECIAL_CATEGORY", if key == "health" { Kind::Third } else { Kind::Subject }, words);
                }
                "card" => doc.e("CREDIT_CARD", Kind::Third, &card(rng)),
                "iban" => doc.e("IBAN_CODE", Kind::Third, &iban(rng)),
                "bank" => {
                    let v = format!(
                        "{:02}-{:02}-{:02}, account {:08}",
                        rng.u32(10..99),
                        rng.u32(0..99),
                        rng.u32(0..99),
                        rng.u32(0..100_000_000)
                    );
                    doc.e("UK_BANK_ACCOUNT", Kind::Subject, &v);
                }
                _ => {
                    let (who, kind, field) = match key.split_at(1) {
                        ("s", f) => (&s, Kind::Subject, f),
                        (_, f) => (&t, Kind::Third, f),
                    };
                    let (entity, text) = match field {
                        "phone" => ("PHONE_NUMBER", phone_form(rng, &who.phone)),
                        "email" => ("EMAIL_ADDRESS", who.email.clone()),
                        "dob" => ("DATE_OF_BIRTH", dob_form(rng, who.dob)),
                        "nino" => ("UK_NINO", nino_form(rng, &who.nino)),
                        "nhs" => ("UK_NHS", nhs_form(rng, &who.nhs)),
                        "pc" => {
                            let pc =
                                if rng.u8(0..5) == 0 { who.postcode.replace(' ', "") } else { who.postcode.clone() };
                            ("UK_POSTCODE", pc)
                        }
                        "addr" => ("LOCATION", who.street.clone()),
                        "ref" => ("REFERENCE", who.reference.clone()),
                        "lic" => ("UK_DRIVING_LICENCE", who.licence.clone()),
                        "pass" => ("UK_PASSPORT", who.passport.clone()),
                        "reg" => ("UK_VEHICLE_REGISTRATION", who.reg.clone()),
                        _ => ("", key.to_string()),
                    };
                    if entity.is_empty() {
                        doc.t(&text);
                    } else {
                        doc.e(entity, kind, &text);
                    }
                }
            }
        }
        doc.t(rest);
    }

    pub(crate) fn paragraph(&mut self, doc: &mut Doc, sentences: usize) {
        for i in 0..sentences {
            if i > 0 {
                doc.t(" ");
            }
            let tpl = SENTENCES[self.rng.usize(..SENTENCES.len())];
            // The literal "JANE SMITH" sentence is only true for the default subject.
            if tpl.starts_with("JANE SMITH") && self.subject.first != "Jane" {
                continue;
            }
            if let Some(rest) = tpl.strip_prefix("JANE SMITH") {
                doc.e("PERSON", Kind::Subject, "JANE SMITH");
                doc.t(rest);
            } else {
                self.sentence(doc, tpl);
            }
        }
    }

    pub(crate) fn signature(&mut self, doc: &mut Doc, p: &Person, kind: Kind) {
        doc.t("Kind regards,\n");
        doc.e("PERSON", kind, &format!("{} {}", p.first, p.last));
        let phone = if kind == Kind::Subject {
            doc.t("\nTel: ");
            phone_form(&mut self.rng, &p.phone)
        } else {
            let role = pick(&mut self.rng, ROLES);
            doc.t(&format!("\n{role}\nTel: "));
            format!("0113 496 0{:03}", self.rng.u32(0..1000))
        };
        doc.e("PHONE_NUMBER", kind, &phone);
        doc.t("\n");
    }

    pub(crate) fn email(&mut self, doc: &mut Doc, n: usize) {
        let s = self.subject.clone();
        let officer = self.third();
        let from_subject = self.rng.bool();
        let (from, to, fk, tk) = if from_subject {
            (&s, &officer, Kind::Subject, Kind::Third)
        } else {
            (&officer, &s, Kind::Third, Kind::Subject)
        };
        doc.t("From: ");
        doc.e("PERSON", fk, &format!("{} {}", from.first, from.last));
        doc.t(" <");
        doc.e("EMAIL_ADDRESS", fk, &from.email);
        doc.t(">\nTo: ");
        doc.e("PERSON", tk, &format!("{} {}", to.first, to.last));
        doc.t(" <");
        doc.e("EMAIL_ADDRESS", tk, &to.email);
        let date = date_text(&mut self.rng);
        doc.t(&format!(
            ">\nSubject: Re: repairs and tenancy\nDate: {date}\nMessage-ID: <msg{n:06}@housing.example.org>\nContent-Type: text/plain; charset=us-ascii\n\n"
        ));
        doc.t("Dear ");
        if from_subject {
            doc.e("PERSON", Kind::Third, &officer.first);
        } else {
            doc.e("PERSON", Kind::Subject, &s.first);
        }
        doc.t(",\n\n");
        for _ in 0..self.rng.usize(1..4) {
            let k = self.rng.usize(2..5);
            self.paragraph(doc, k);
            doc.t("\n\n");
        }
        self.signature(doc, from, fk);
        if self.rng.bool() {
            doc.t("\nOn ");
            doc.t(&date_text(&mut self.rng));
            doc.t(", ");
            doc.e("PERSON", tk, &format!("{} {}", to.first, to.last));
            doc.t(" <");
            doc.e("EMAIL_ADDRESS", tk, &to.email);
            doc.t("> wrote:\n> ");
            doc.prefix = "> ";
            let k = self.rng.usize(2..4);
            self.paragraph(doc, k);
            doc.t("\n");
            self.signature(doc, to, tk);
            doc.prefix = "";
            doc.t("\n");
        }
    }

    pub(crate) fn letter(&mut self, doc: &mut Doc) {
        let s = self.subject.clone();
        let officer = self.third();
        doc.t("Housing Services\nCivic Centre\n\n");
        doc.t("Ms ");
        doc.e("PERSON", Kind::Subject, &format!("{} {}", s.first, s.last));
        doc.t("\n");
        doc.e("LOCATION", Kind::Subject, &s.street);
        doc.t(&format!("\n{}\n", s.town));
        doc.e("UK_POSTCODE", Kind::Subject, &s.postcode);
        doc.t(&format!("\n\n{}\n\nOur ref: ", date_text(&mut self.rng)));
        doc.e("REFERENCE", Kind::Subject, &s.reference);
        doc.t("\n\nDear Ms ");
        doc.e("PERSON", Kind::Subject, &s.last);
        doc.t(",\n\n");
        for _ in 0..self.rng.usize(2..5) {
            let k = self.rng.usize(2..5);
            self.paragraph(doc, k);
            doc.t("\n\n");
        }
        self.signature(doc, &officer, Kind::Third);
    }

    pub(crate) fn case_note(&mut self, doc: &mut Doc) {
        let worker = self.third();
        doc.t("CASE NOTE\nCase: ");
        doc.e("REFERENCE", Kind::Subject, &self.subject.reference.clone());
        doc.t("\nWorker: ");
        doc.e("PERSON", Kind::Third, &format!("{} {}", worker.first, worker.last));
        doc.t(&format!("\nDate: {}\n\n", date_text(&mut self.rng)));
        for _ in 0..self.rng.usize(3..7) {
            doc.t("- ");
            let k = self.rng.usize(1..4);
            self.paragraph(doc, k);
            doc.t("\n");
        }
    }

    pub(crate) fn sheet(&mut self, doc: &mut Doc) {
        doc.t("name,email,phone,postcode,date_of_birth,notes\n");
        let rows = self.rng.usize(5..20);
        let subject_row = self.rng.usize(..rows);
        for r in 0..rows {
            let (p, k) =
                if r == subject_row { (self.subject.clone(), Kind::Subject) } else { (self.third(), Kind::Third) };
            doc.e("PERSON", k, &format!("{} {}", p.first, p.last));
            doc.t(",");
            doc.e("EMAIL_ADDRESS", k, &p.email);
            doc.t(",");
            let phone = phone_form(&mut self.rng, &p.phone);
            doc.e("PHONE_NUMBER", k, &phone);
            doc.t(",");
            doc.e("UK_POSTCODE", k, &p.postcode);
            doc.t(",");
            let (d, m, y) = p.dob;
            doc.e("DATE_OF_BIRTH", k, &format!("{d:02}/{m:02}/{y}"));
            let note = ["", "prefers email", "Will call back", "order 4010232137", "May visit"][self.rng.usize(..5)];
            doc.t(&format!(",{note}\n"));
        }
    }
}
