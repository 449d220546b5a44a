//! The portal: server-rendered pages in Bahasa Indonesia (English on request) that work
//! without JavaScript.

mod account;
mod account_apps;
mod account_chats;
mod admin;
mod admin_agencies;
mod admin_clients;
mod admin_form;
mod admin_import;
mod admin_monitor;
mod admin_outbox;
mod admin_service_form;
mod admin_services;
mod agencies;
mod catalog;
mod eval_cycles;
mod eval_dashboard;
mod eval_evidence;
mod eval_exports;
mod eval_indicator;
mod eval_innovations;
mod eval_metrics;
mod eval_planner;
mod form_editor;
mod home;
mod office;
mod office_bulk;
mod office_chat;
mod office_forms;
mod office_request;
mod office_stats;
mod progress;
mod recovery;
mod requests;
mod requests_fix;
mod requests_own;
mod requests_track;
mod search;
mod service;
mod status;
mod survey;
mod talas;

pub(crate) use office::local_time;

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::error::{ApiError, PageError, render};
use crate::i18n::{LANG_COOKIE, Lang};
use crate::query::pairs;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// The evaluation pages: the team's and assessors' work per cycle, the innovations registry,
/// and the public dashboard.
fn evaluation_routes() -> Router<AppState> {
    use axum::routing::post;
    let uploads = axum::extract::DefaultBodyLimit::max(2 * crate::attachments::MAX_FILE_BYTES);
    Router::new()
        .route("/indeks", get(eval_dashboard::page))
        .route("/evaluasi", get(eval_cycles::home).post(eval_cycles::create))
        .route("/evaluasi/{slug}", get(eval_cycles::show))
        .route("/evaluasi/{slug}/tim", post(eval_cycles::team))
        .route("/evaluasi/{slug}/terbitkan", post(eval_cycles::publish))
        .route("/evaluasi/{slug}/rencana", get(eval_planner::page))
        .route("/evaluasi/{slug}/laporan.pdf", get(eval_exports::report))
        .route("/evaluasi/{slug}/lembar.xlsx", get(eval_exports::sheet))
        .route("/evaluasi/{slug}/lembar", post(eval_exports::import_sheet).layer(uploads))
        .route("/evaluasi/{slug}/indikator/{code}", get(eval_indicator::show))
        .route("/evaluasi/{slug}/indikator/{code}/mandiri", post(eval_indicator::self_assess))
        .route("/evaluasi/{slug}/indikator/{code}/asesor", post(eval_indicator::review))
        .route("/evaluasi/{slug}/indikator/{code}/permintaan", post(eval_indicator::ask))
        .route("/evaluasi/{slug}/indikator/{code}/permintaan/{id}/jawab", post(eval_indicator::answer))
        .route("/evaluasi/{slug}/indikator/{code}/permintaan/{id}/tutup", post(eval_indicator::close))
        .route("/evaluasi/{slug}/bukti", get(eval_evidence::list).post(eval_evidence::add).layer(uploads))
        .route("/evaluasi/{slug}/bukti/metrik", post(eval_metrics::snapshot))
        .route("/evaluasi/{slug}/bukti/{id}", get(eval_evidence::show))
        .route("/evaluasi/{slug}/bukti/{id}/berkas", get(eval_evidence::file))
        .route("/evaluasi/{slug}/bukti/{id}/tarik", post(eval_evidence::withdraw))
        .route("/inovasi", get(eval_innovations::list).post(eval_innovations::create))
        .route("/inovasi/{id}", get(eval_innovations::show).post(eval_innovations::edit))
        .route("/inovasi/{id}/kpi", post(eval_innovations::add_kpi))
        .route("/inovasi/{id}/kpi/{kpi}/ukur", post(eval_innovations::measure))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/layanan", get(catalog::page))
        .route("/layanan/{code}", get(service::page))
        .route("/layanan/{code}/buka", get(service::open))
        // Requests: apply, follow one's own, track any by code.
        .route(
            "/layanan/{code}/ajukan",
            get(requests::form)
                .post(requests::submit)
                .layer(axum::extract::DefaultBodyLimit::max(4 * crate::attachments::MAX_FILE_BYTES)),
        )
        .route("/permohonan", get(requests_own::list))
        .route("/permohonan/{code}", get(requests_own::show))
        .route("/permohonan/{code}/batal", axum::routing::post(requests_own::cancel))
        .route(
            "/permohonan/{code}/perbaikan",
            axum::routing::post(requests_fix::answer)
                .layer(axum::extract::DefaultBodyLimit::max(4 * crate::attachments::MAX_FILE_BYTES)),
        )
        .route("/permohonan/{code}/berkas/{sha}", get(requests_own::file))
        .route("/permohonan/{code}/survei", axum::routing::post(survey::answer))
        .route("/admin/ikm", get(survey::admin))
        .route("/lacak", get(requests_track::page))
        .route("/hooks/agency/{agency}", axum::routing::post(crate::hooks::agency_report))
        .route("/opd", get(agencies::list))
        .route("/opd/{code}", get(agencies::page))
        .route("/kemajuan", get(progress::page))
        .route("/cari", get(search::page))
        .route("/cari/klik", get(search::click))
        .route("/masuk", get(account::login_form).post(account::login))
        .route("/daftar", get(account::register_form).post(account::register))
        .route("/keluar", axum::routing::post(account::logout))
        .route("/akun", get(account::page))
        .route("/akun/keluar-semua", axum::routing::post(account::logout_everywhere))
        .route("/akun/data", get(account::download))
        .route("/akun/verifikasi", get(recovery::verify))
        .route("/akun/verifikasi/kirim", axum::routing::post(recovery::resend))
        .route("/lupa-sandi", get(recovery::forgot_form).post(recovery::forgot))
        .route("/atur-sandi", get(recovery::reset_form).post(recovery::reset))
        .route("/akun/nik", axum::routing::post(account::save_nik))
        .route("/akun/sandi", axum::routing::post(account::change_password))
        .route("/akun/hapus", axum::routing::post(account::delete))
        .route("/akun/aplikasi/cabut", axum::routing::post(account_apps::revoke))
        .route("/akun/chat/kode", axum::routing::post(account_chats::create))
        .route("/akun/chat/putuskan", axum::routing::post(account_chats::unlink))
        // Talas on the portal: the plain page, and the JSON of every page's chat panel.
        .route("/talas", get(talas::page).post(talas::send))
        .route("/talas/pesan", get(talas::panel).post(talas::panel_send))
        .route("/admin", get(admin::home))
        .route("/admin/pengguna", get(admin::users))
        .route("/admin/pengguna/peran", axum::routing::post(admin::set_role))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/klien", get(admin_clients::list).post(admin_clients::create))
        .route("/admin/klien/{id}", get(admin_clients::show).post(admin_clients::edit))
        .route("/admin/klien/{id}/rahasia", axum::routing::post(admin_clients::new_secret))
        .route("/admin/pencarian", get(admin::search_stats))
        .route("/admin/layanan", get(admin_services::find))
        .route("/admin/layanan/{code}", get(admin_services::show).post(admin_services::edit))
        .route("/admin/layanan/{code}/status", axum::routing::post(admin_services::change_status))
        .route("/admin/layanan/{code}/formulir", get(form_editor::admin_show).post(form_editor::admin_save))
        // Deliveries to agency systems given up on (dead letters), sent again by an admin.
        .route("/admin/kiriman", get(admin_outbox::list))
        // Health of the integrated applications: public, and the IT office's view.
        .route("/status", get(status::page))
        .route("/admin/pantau", get(admin_monitor::page))
        .route("/admin/kiriman/{id}/kirim-ulang", axum::routing::post(admin_outbox::resend))
        .route("/admin/kiriman/opd/{agency}/kirim-ulang", axum::routing::post(admin_outbox::resend_agency))
        // Back-office for the catalog: agencies, new services, file import and export.
        .route("/admin/opd", get(admin_agencies::list))
        .route("/admin/opd/baru", get(admin_agencies::new_form).post(admin_agencies::create))
        .route("/admin/opd/{code}", get(admin_agencies::show).post(admin_agencies::update))
        .route("/admin/layanan/baru", get(admin_service_form::new_form).post(admin_service_form::create))
        .route(
            "/admin/impor",
            get(admin_import::page)
                .post(admin_import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(admin_import::UPLOAD_BODY_LIMIT)),
        )
        .route("/admin/ekspor", get(admin_import::export_catalog))
        .route("/admin/ekspor/opd", get(admin_import::export_agencies))
        // Evaluation (SPBE, Smart City): cycles, indicators, evidence, review, reports.
        .merge(evaluation_routes())
        // The agency back-office (operators, and admins for every agency).
        .route("/petugas", get(office::queue))
        .route("/petugas/massal", axum::routing::post(office_bulk::bulk))
        .route("/petugas/ringkasan", get(office_stats::page))
        .route("/petugas/layanan", get(office_forms::list))
        .route("/petugas/layanan/{code}/formulir", get(form_editor::office_show).post(form_editor::office_save))
        .route("/petugas/permohonan/{code}", get(office_request::show))
        .route("/petugas/permohonan/{code}/berkas/{sha}", get(office_request::file))
        .route("/petugas/permohonan/{code}/status", axum::routing::post(office_request::change_status))
        .route("/petugas/permohonan/{code}/catatan", axum::routing::post(office_request::add_note))
        .route("/petugas/permohonan/{code}/tugaskan", axum::routing::post(office_request::assign))
        // Conversations Talas handed over to officers.
        .route("/petugas/percakapan", get(office_chat::list))
        .route("/petugas/percakapan/{id}", get(office_chat::show))
        .route("/petugas/percakapan/{id}/balas", axum::routing::post(office_chat::reply))
        .route("/petugas/percakapan/{id}/kembalikan", axum::routing::post(office_chat::hand_back))
        .route("/bahasa", get(switch_language))
        .route("/offline", get(offline))
}

/// A same-site path to go back to; anything else (another site, `//host`) becomes `/`.
pub(crate) fn safe_return(path: Option<&str>) -> &str {
    match path {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\") && !p.contains(['\r', '\n']) => {
            p
        }
        _ => "/",
    }
}

/// `/bahasa?ke=en&kembali=/layanan`: remembers the language and goes back.
async fn switch_language(lang: Lang, RawQuery(raw): RawQuery) -> Response {
    let params = pairs(raw.as_deref());
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let chosen = get("ke").and_then(Lang::parse).unwrap_or(lang.other());
    let back = safe_return(get("kembali")).to_string();
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", chosen.code());
    (StatusCode::SEE_OTHER, [(LOCATION, back), (SET_COOKIE, cookie)]).into_response()
}

#[derive(Template)]
#[template(path = "offline.html")]
struct OfflinePage {
    l: Layout,
}

async fn offline(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let title = ctx.tr().get("offline-title");
    render(ctx.lang, &OfflinePage { l: ctx.layout(&state, &title, Nav::None) })
}

/// Unknown addresses: a problem document under `/api/`, a helpful page elsewhere.
pub async fn not_found(lang: Lang, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found("alamat", uri.path().to_string()).into_response()
    } else {
        PageError::not_found(lang).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return;

    #[test]
    fn return_path_stays_on_site() {
        assert_eq!(safe_return(Some("/layanan?kategori=kesehatan")), "/layanan?kategori=kesehatan");
        assert_eq!(safe_return(Some("//evil.example")), "/");
        assert_eq!(safe_return(Some("/\\evil.example")), "/");
        assert_eq!(safe_return(Some("https://evil.example")), "/");
        assert_eq!(safe_return(None), "/");
    }
}
