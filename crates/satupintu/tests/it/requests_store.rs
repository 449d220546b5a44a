//! Requests in the store, on SQLite and PostgreSQL: concurrent submissions all committed
//! (group commit), a taken tracking code refused alone, ownership in the queries, status
//! changes guarded against races, and the history with internal notes kept apart.

use chrono::Utc;
use store::requests::{NewRequest, QueueFilter, StatusChange, StatusConflict};
use store::{Store, StoreError};

use crate::on_both_backends;

fn new_request(keys: &store::requests::ServiceKeys, code: &str, user: Option<&str>) -> NewRequest {
    NewRequest {
        tracking_code: code.into(),
        service_id: keys.service_id.clone(),
        agency_id: keys.agency_id.clone(),
        user_id: user.map(str::to_string),
        guest_name: None,
        guest_contact: None,
        channel: "web".into(),
        answers: r#"{"catatan":"uji"}"#.into(),
        deadline: Some("2026-12-10".into()),
        status: "diajukan".into(),
        delivery: None,
        report: None,
    }
}

async fn demo_store(db: &crate::helpers::TestDb) -> Store {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    store
}

on_both_backends!(requests_are_submitted_read_and_changed, |db| {
    let store = demo_store(&db).await;
    let ktp = store.service_keys("KTP-EL").await.unwrap().unwrap();
    assert!(store.service_keys("TIDAK-ADA").await.unwrap().is_none());

    // Many at once: every acknowledged submission is stored, each with its history.
    let handles: Vec<_> = (0..60)
        .map(|i| {
            let store = store.clone();
            let request = new_request(&ktp, &format!("BGR-{i:04}-AAA"), None);
            tokio::spawn(async move { store.submit_request(request).await })
        })
        .collect();
    for handle in handles {
        let submitted = handle.await.unwrap().unwrap();
        let record = store.request_by_code(&submitted.tracking_code).await.unwrap().unwrap();
        assert_eq!(
            (record.status.as_str(), record.service_code.as_str(), record.agency_code.as_str()),
            ("diajukan", "KTP-EL", "DISDUKCAPIL")
        );
        let events = store.request_events(&record.id, false).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].to_status.as_deref(), Some("diajukan"));
    }
    // A taken code is refused on its own; others in the same moment still land.
    let taken = store.clone();
    let keys = ktp.clone();
    let again = tokio::spawn(async move { taken.submit_request(new_request(&keys, "BGR-0001-AAA", None)).await });
    let fine = store.submit_request(new_request(&ktp, "BGR-9999-ZZZ", None)).await.unwrap();
    assert!(matches!(again.await.unwrap(), Err(StoreError::Taken("tracking_code"))));
    assert_eq!(fine.tracking_code, "BGR-9999-ZZZ");
    store.close().await;
});

on_both_backends!(ownership_queue_and_guarded_status_changes, |db| {
    let store = demo_store(&db).await;
    let hash = "x".to_string();
    let mut users = Vec::new();
    for email in ["siti@contoh.id", "budi@contoh.id"] {
        let user = store::NewUser {
            name: email.into(),
            email: Some(domain::identity::Email::parse(email).unwrap()),
            phone: None,
            password_hash: hash.clone(),
            role: domain::identity::Role::Warga,
            agencies: Vec::new(),
        };
        users.push(store.create_user(&user, None, Utc::now()).await.unwrap());
    }
    let ktp = store.service_keys("KTP-EL").await.unwrap().unwrap();
    let siti = store.submit_request(new_request(&ktp, "BGR-SITI-001", Some(&users[0].id))).await.unwrap();
    assert!(store.own_request(&users[0].id, "BGR-SITI-001").await.unwrap().is_some());
    assert!(store.own_request(&users[1].id, "BGR-SITI-001").await.unwrap().is_none(), "another person's request");
    assert_eq!(store.requests_of(&users[0].id, 10).await.unwrap().len(), 1);
    assert!(store.requests_of(&users[1].id, 10).await.unwrap().is_empty());

    // The queue shows only the operator's agencies.
    let mine =
        store.agency_queue(&["DISDUKCAPIL".into()], &QueueFilter { limit: 50, ..Default::default() }).await.unwrap();
    assert_eq!(mine.len(), 1);
    let other = store.agency_queue(&["DINKES".into()], &QueueFilter { limit: 50, ..Default::default() }).await.unwrap();
    assert!(other.is_empty());
    let filtered = QueueFilter { status: Some("diterima".into()), limit: 50, ..Default::default() };
    assert!(store.agency_queue(&["DISDUKCAPIL".into()], &filtered).await.unwrap().is_empty());

    // Two officers accept at once: one wins, the other is told it moved.
    let accept = StatusChange {
        request_id: &siti.id,
        from: "diajukan",
        to: "diterima",
        actor: "petugas-1",
        note: Some("Berkas lengkap"),
        internal: false,
        closes: false,
    };
    store.change_request_status(&accept, Utc::now()).await.unwrap();
    assert!(matches!(store.change_request_status(&accept, Utc::now()).await, Err(StatusConflict::Moved)));
    let ghost = StatusChange { request_id: "nope", ..accept.clone() };
    assert!(matches!(store.change_request_status(&ghost, Utc::now()).await, Err(StatusConflict::NotFound)));
    store.add_request_note(&siti.id, "petugas-1", "Cek ulang foto", true, Utc::now()).await.unwrap();
    let public = store.request_events(&siti.id, false).await.unwrap();
    let all = store.request_events(&siti.id, true).await.unwrap();
    assert_eq!((public.len(), all.len()), (2, 3), "internal notes only for staff");
    assert_eq!(store.request_by_code("BGR-SITI-001").await.unwrap().unwrap().status, "diterima");
    store.close().await;
});
