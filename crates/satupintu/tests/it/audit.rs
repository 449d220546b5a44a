//! The hash-chained audit log: changes are recorded with who and before/after, and
//! `satupintu audit verify` finds the first altered or removed entry.

use std::process::Command;

use chrono::Utc;
use domain::identity::{Email, Role};
use sqlx::Executor;
use store::NewUser;

use crate::on_both_backends;

fn verify(db: &crate::helpers::TestDb) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_satupintu"));
    command.args(["audit", "verify", "--data-dir"]).arg(&db.settings.data_dir).env("RUST_LOG", "warn");
    if let Some(url) = &db.settings.database_url {
        command.arg("--database-url").arg(url.expose());
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

on_both_backends!(changes_are_chained_and_tampering_is_found, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    // Loading the demo city records its sample forms and evaluation; the people come after them.
    let demo = store.audit_log().await.unwrap().0.len();
    for (i, email) in ["a@contoh.id", "b@contoh.id", "c@contoh.id"].iter().enumerate() {
        let user = NewUser {
            name: format!("Warga {i}"),
            email: Some(Email::parse(email).unwrap()),
            phone: None,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$x$y".into(),
            role: Role::Warga,
            agencies: Vec::new(),
        };
        store.create_user(&user, Some("cli"), Utc::now()).await.unwrap();
    }
    let code = domain::AgencyCode::parse("DISDUKCAPIL").unwrap();
    store.set_role(&Email::parse("b@contoh.id").unwrap(), Role::Operator, &[code], "cli").await.unwrap();
    let (entries, head) = store.audit_log().await.unwrap();
    assert_eq!(entries.len(), demo + 4);
    assert!(entries[..demo].iter().all(|e| e.action == "service.form" || e.action.starts_with("evaluation.")));
    let role = &entries[demo + 3];
    assert_eq!(role.action, "user.role");
    assert!(role.before.contains("\"warga\"") && role.after.contains("DISDUKCAPIL"));
    assert_eq!(domain::audit::verify_chain(&entries, (head.0, &head.1)), Ok(demo as u64 + 4));
    let (ok, stdout, _) = verify(&db);
    assert!(ok && stdout.contains(&format!("audit log intact: {} entries", demo + 4)), "{stdout}");

    // Someone edits a row in the database directly.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.settings.database_url()).await.unwrap();
    let seq = role.seq;
    sqlx::query("UPDATE audit_log SET after_json = $1 WHERE seq = $2")
        .bind(r#"{"role":"admin"}"#)
        .bind(seq)
        .execute(&mut conn)
        .await
        .unwrap();
    let (ok, _, stderr) = verify(&db);
    assert!(!ok && stderr.contains(&format!("audit log broken at entry {seq}: its content was changed")), "{stderr}");
    // ... or removes one.
    conn.execute("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let (ok, _, stderr) = verify(&db);
    assert!(!ok && stderr.contains("broken at entry 2"), "{stderr}");
    store.close().await;
});

#[tokio::test]
async fn removing_the_newest_entries_is_found() {
    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    for action in ["x.one", "x.two"] {
        let change =
            store::audit::Change { actor: "cli", action, target: "t", before: String::new(), after: "{}".into() };
        store.audit(&change).await.unwrap();
    }
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.settings.database_url()).await.unwrap();
    conn.execute("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let (ok, _, stderr) = verify(&db);
    assert!(!ok && stderr.contains("entries after 1 were removed"), "{stderr}");
    store.close().await;
}
