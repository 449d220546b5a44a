//! Dead letters in the admin office (`/admin/kiriman`) on SQLite and PostgreSQL: a
//! delivery given up on is listed with its request, agency, attempts and error; an admin
//! sends it again (audited) and it is pending once more; everyone else is refused.

use chrono::{Duration, Utc};

use crate::admin::{call, sign_in};
use crate::agency_office::{office_app, submit_ktp};
use crate::helpers::TestApp;
use crate::oidc::{get, location, post};
use crate::on_both_backends;

/// Gives up on every agency delivery of the app, as the worker does after its time.
async fn kill_deliveries(app: &TestApp) -> Vec<String> {
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    // Claimed past any back-off and any claim the worker holds.
    let later = Utc::now() + Duration::hours(2);
    let claimed = store.claim_outbox("uji", "agency", 50, later).await.unwrap();
    for message in &claimed {
        store.outbox_dead(message, "HTTP 503 Service Unavailable", Utc::now()).await.unwrap();
    }
    store.close().await;
    claimed.into_iter().map(|m| m.id).collect()
}

on_both_backends!(admins_see_and_resend_dead_letters, |db| {
    let app = office_app(db).await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    let admin = sign_in(&app, "admin@contoh.id").await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let first = submit_ktp(&app, &siti).await;
    let second = submit_ktp(&app, &siti).await;
    let dead = kill_deliveries(&app).await;
    assert_eq!(dead.len(), 2);

    // Linked from the admin home; each listed with its request, agency, kind and error.
    assert!(get(&app, "/admin", Some(&admin)).await.text().await.unwrap().contains("href=\"/admin/kiriman\""));
    let response = get(&app, "/admin/kiriman", Some(&admin)).await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    for expected in [
        format!("href=\"/petugas/permohonan/{first}\""),
        format!("href=\"/petugas/permohonan/{second}\""),
        "DISDUKCAPIL".to_string(),
        "Sistem OPD".to_string(),
        "HTTP 503 Service Unavailable".to_string(),
        format!("action=\"/admin/kiriman/{}/kirim-ulang\"", dead[0]),
        "action=\"/admin/kiriman/opd/DISDUKCAPIL/kirim-ulang\"".to_string(),
    ] {
        assert!(html.contains(&expected), "the list lacks {expected}");
    }

    // Non-admins are refused and change nothing.
    let path = format!("/admin/kiriman/{}/kirim-ulang", dead[0]);
    assert_eq!(call(&app, "GET", "/admin/kiriman", Some(&ani), "").await.0, 403);
    assert_eq!(call(&app, "POST", &path, Some(&ani), "").await.0, 403);
    assert_eq!(call(&app, "POST", &path, Some(&siti), "").await.0, 403);
    assert_eq!(call(&app, "POST", &path, None, "").await.0, 303);
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let letters = store.dead_letters("agency").await.unwrap();
    assert_eq!(letters.len(), 2);
    // Both were claimed in the same instant, so which request is `dead[0]` is not fixed.
    let code_of = |id: &str| letters.iter().find(|l| l.id == id).and_then(|l| l.tracking_code.clone()).unwrap();
    let (resent_code, kept_code) = (code_of(&dead[0]), code_of(&dead[1]));
    let mut codes = [resent_code.clone(), kept_code.clone()];
    codes.sort();
    let mut submitted = [first.clone(), second.clone()];
    submitted.sort();
    assert_eq!(codes, submitted);

    // One sent again: pending, attempts from zero, audited with the admin's name.
    let response = post(&app, &path, &[], Some(&admin)).await;
    assert_eq!((response.status().as_u16(), location(&response).as_str()), (303, "/admin/kiriman?dikirim=1"));
    let left = store.dead_letters("agency").await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, dead[1]);
    assert_eq!(left[0].tracking_code.as_deref(), Some(kept_code.as_str()));
    // Pending again: a worker may claim it (past any back-off), and only it.
    let due = store.claim_outbox("uji-2", "agency", 50, Utc::now() + Duration::hours(2)).await.unwrap();
    assert_eq!(due.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [dead[0].as_str()]);
    assert_eq!(due[0].attempts, 0, "attempts start over");
    let email = domain::identity::Email::parse("admin@contoh.id").unwrap();
    let admin_id = store.user_by_email(&email).await.unwrap().unwrap().id;
    let (entries, _) = store.audit_log().await.unwrap();
    assert!(entries.iter().any(|e| e.action == "outbox.resend" && e.target == dead[0] && e.actor == admin_id));
    let html = get(&app, "/admin/kiriman?dikirim=1", Some(&admin)).await.text().await.unwrap();
    assert!(html.contains("dikirim ulang: 1") && !html.contains(&format!("/permohonan/{resent_code}\"")), "{html}");
    // Sending it again is no longer possible: it is not a dead letter.
    let response = post(&app, &path, &[], Some(&admin)).await;
    assert_eq!(location(&response), "/admin/kiriman?dikirim=0");

    // Every dead delivery to an agency at once.
    let response = post(&app, "/admin/kiriman/opd/DISDUKCAPIL/kirim-ulang", &[], Some(&admin)).await;
    assert_eq!(location(&response), "/admin/kiriman?dikirim=1");
    assert!(store.dead_letters("agency").await.unwrap().is_empty());
    let html = get(&app, "/admin/kiriman", Some(&admin)).await.text().await.unwrap();
    assert!(html.contains("Tidak ada kiriman gagal"));
    store.close().await;
});
