//! API tokens, settings, and user accounts with their sessions.

use super::*;

on_both_backends!(tokens, settings, users_and_sessions);

// API tokens

fn tokens(db: &TestDb) {
    let s = &db.store;
    let secret = steward_crypto::new_token().unwrap();
    let crm = TokenRow {
        id: Uuid::new_v4().to_string(),
        name: "Housing CRM integration".into(),
        role: "integration".into(),
        token_hash: steward_crypto::token_hash(&secret),
        created_at: at(1, 9),
        revoked_at: None,
        user_id: Some("user-dana".into()),
        special_category: true,
    };
    let head0 = head_seq(s);
    s.insert_token(&crm, &event("token.create", "token", &crm.id)).unwrap();
    assert_eq!(head_seq(s), head0 + 1);
    assert_eq!(s.token_by_hash(&crm.token_hash).unwrap(), Some(crm.clone()));
    assert_eq!(s.token_by_hash(&steward_crypto::token_hash("stw_not-a-real-token")).unwrap(), None);

    let payroll = TokenRow {
        id: Uuid::new_v4().to_string(),
        name: "Payroll export".into(),
        role: "reader".into(),
        token_hash: steward_crypto::token_hash(&steward_crypto::new_token().unwrap()),
        created_at: at(2, 9),
        revoked_at: None,
        user_id: None,
        special_category: false,
    };
    s.insert_token(&payroll, &event("token.create", "token", &payroll.id)).unwrap();
    assert_eq!(s.tokens().unwrap(), vec![payroll.clone(), crm.clone()], "newest first");
    assert_eq!(s.token(&crm.id).unwrap(), Some(crm.clone()), "owner and special-category flag kept");
    assert_eq!(s.token("no-such-token").unwrap(), None);

    // Revoke: no longer usable, still listed, audited once.
    let head1 = head_seq(s);
    s.revoke_token(&crm.id, &at(3, 9), &event("token.revoke", "token", &crm.id)).unwrap();
    assert_eq!(head_seq(s), head1 + 1);
    assert_eq!(s.token_by_hash(&crm.token_hash).unwrap(), None);
    let listed = s.tokens().unwrap();
    assert_eq!(listed[1].revoked_at.as_deref(), Some(at(3, 9).as_str()));
    assert_eq!(listed[0], payroll);
    match s.revoke_token(&crm.id, &at(4, 9), &event("token.revoke", "token", &crm.id)) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("revoking twice must be NotFound, got {other:?}"),
    }
    match s.revoke_token("no-such-token", &at(4, 9), &event("token.revoke", "token", "no-such-token")) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("revoking an unknown token must be NotFound, got {other:?}"),
    }
    assert_eq!(head_seq(s), head1 + 1);
    assert_eq!(s.tokens().unwrap()[1].revoked_at.as_deref(), Some(at(3, 9).as_str()));

    // Token hashes are unique, revoked or not; ids too.
    let head2 = head_seq(s);
    for dup in [
        TokenRow { id: Uuid::new_v4().to_string(), token_hash: payroll.token_hash.clone(), ..payroll.clone() },
        TokenRow { id: Uuid::new_v4().to_string(), token_hash: crm.token_hash.clone(), ..crm.clone() },
        TokenRow { token_hash: steward_crypto::token_hash("stw_another"), ..payroll.clone() },
    ] {
        match s.insert_token(&dup, &event("token.create", "token", &dup.id)) {
            Err(StoreError::Constraint(_)) => {}
            other => panic!("a duplicate token must be a Constraint error, got {other:?}"),
        }
    }
    assert_eq!(s.tokens().unwrap().len(), 2);
    assert_eq!(head_seq(s), head2, "refused inserts are not audited");
    assert_clean(s);
}

// Settings

fn settings(db: &TestDb) {
    let s = &db.store;
    assert!(s.settings().unwrap().is_empty());
    assert_eq!(s.setting("org.name").unwrap(), None);

    // First-run set-up: no event, nothing audited.
    s.put_settings(
        &[
            ("org.name", "Riverside Housing Association"),
            ("retention.months", "72"),
            ("dpo.email", "dpo@riverside-housing.example"),
        ],
        None,
    )
    .unwrap();
    assert_eq!(head_seq(s), 0);
    let expect = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        v.sort();
        v
    };
    assert_eq!(
        s.settings().unwrap(),
        expect(&[
            ("dpo.email", "dpo@riverside-housing.example"),
            ("org.name", "Riverside Housing Association"),
            ("retention.months", "72"),
        ])
    );

    // Upsert: one existing key replaced, one new key added, audited once.
    s.put_settings(
        &[("retention.months", "84"), ("audit.retention.years", "7")],
        Some(&event("settings.update", "settings", "")),
    )
    .unwrap();
    assert_eq!(head_seq(s), 1);
    assert_eq!(s.setting("retention.months").unwrap().as_deref(), Some("84"));
    let all = s.settings().unwrap();
    assert_eq!(
        all,
        expect(&[
            ("audit.retention.years", "7"),
            ("dpo.email", "dpo@riverside-housing.example"),
            ("org.name", "Riverside Housing Association"),
            ("retention.months", "84"),
        ])
    );
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "sorted by key");
    assert_eq!(db.reopen().settings().unwrap(), all);
}

fn user_row(email: &str) -> steward_store::UserRow {
    steward_store::UserRow {
        id: Uuid::now_v7().to_string(),
        email: email.into(),
        display_name: "Dana Okafor".into(),
        role: "dpo".into(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into()),
        totp_secret: Some(vec![1, 2, 3]),
        totp_pending: None,
        totp_enabled: true,
        recovery_codes: vec!["aa".into(), "bb".into()],
        failed_logins: 0,
        locked_until: None,
        invite_hash: None,
        invite_expires_at: None,
        training_valid_until: Some("2027-03-31".into()),
        created_at: steward_core::audit::format_time(jiff::Timestamp::now()),
        disabled_at: None,
        totp_last_step: 0,
    }
}

/// Users: unique emails, first-run creation only once, updates, sessions with
/// rotation; backups carry users but never sessions.
fn users_and_sessions(db: &TestDb) {
    let s = &db.store;
    let dana = user_row("dana.okafor@example.org");
    s.insert_first_user(&dana, &event("user.setup", "user", &dana.id)).unwrap();
    assert!(matches!(
        s.insert_first_user(&user_row("second@example.org"), &event("user.setup", "user", "x")),
        Err(StoreError::Conflict(_))
    ));
    let dup = user_row("dana.okafor@example.org");
    assert!(matches!(s.insert_user(&dup, &event("user.invite", "user", &dup.id)), Err(StoreError::Constraint(_))));
    assert_eq!(s.user_count().unwrap(), 1);
    let mut read = s.user_by_email("dana.okafor@example.org").unwrap().expect("found");
    assert!(read == dana, "reads back field for field");
    read.failed_logins = 3;
    read.totp_pending = Some(vec![9, 9]);
    s.save_user(&read, None).unwrap();
    assert!(s.user(&dana.id).unwrap().expect("user") == read);

    // A TOTP time step is spent once: the same or an older step is a replay.
    assert!(s.spend_totp_step(&dana.id, 59_000_000).unwrap());
    assert!(!s.spend_totp_step(&dana.id, 59_000_000).unwrap(), "the same step twice");
    assert!(!s.spend_totp_step(&dana.id, 58_999_999).unwrap(), "an older step");
    assert!(s.spend_totp_step(&dana.id, 59_000_001).unwrap());
    read = s.user(&dana.id).unwrap().expect("user");
    assert_eq!(read.totp_last_step, 59_000_001);

    let session = steward_store::SessionRow {
        token_hash: "a".repeat(64),
        user_id: dana.id.clone(),
        stage: "full".into(),
        csrf: "c".into(),
        created_at: steward_core::audit::format_time(jiff::Timestamp::now()),
        last_seen_at: steward_core::audit::format_time(jiff::Timestamp::now()),
        revoked_at: None,
    };
    s.insert_session(&session, None).unwrap();
    let rotated = steward_store::SessionRow { token_hash: "b".repeat(64), ..session.clone() };
    s.insert_session(&rotated, Some(&session.token_hash)).unwrap();
    assert!(s.session(&session.token_hash).unwrap().is_none(), "rotation ends the old session");
    assert!(s.session(&rotated.token_hash).unwrap().is_some());

    let items = export_all(s);
    let target = db.fresh();
    let mut iter = items.into_iter().map(Ok);
    target.store.import(&mut iter).unwrap();
    assert!(target.store.user(&dana.id).unwrap().expect("restored") == read);
    assert!(target.store.session(&rotated.token_hash).unwrap().is_none(), "sessions are not restored");

    assert_eq!(s.delete_user_sessions(&dana.id, &event("user.revoke_sessions", "user", &dana.id)).unwrap(), 1);
    assert!(s.session(&rotated.token_hash).unwrap().is_none());
}
