//! Back-office: the applications registered for "Masuk dengan satupintu" (role `admin`).
//! Registering shows the secret once; only its hash is kept.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use store::oidc::{ClientEdit, OidcClient};

use super::account::{field, form, internal, see_other};
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::oidc::registration::{self, Registration, RegistrationError};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// The form's fields as typed, so a refused form comes back filled in.
#[derive(Default)]
pub struct ClientForm {
    pub name: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub public: bool,
    pub allow_nik: bool,
    pub service_code: String,
    pub disabled: bool,
}

impl ClientForm {
    fn from_fields(fields: &[(String, String)]) -> Self {
        Self {
            name: field(fields, "nama").trim().to_string(),
            redirect_uris: field(fields, "redirect_uris").to_string(),
            post_logout_redirect_uris: field(fields, "post_logout_redirect_uris").to_string(),
            public: field(fields, "publik") == "ya",
            allow_nik: field(fields, "nik") == "ya",
            service_code: field(fields, "layanan").trim().to_uppercase(),
            disabled: field(fields, "nonaktif") == "ya",
        }
    }

    fn of(client: &OidcClient) -> Self {
        Self {
            name: client.name.clone(),
            redirect_uris: client.redirect_uris.join("\n"),
            post_logout_redirect_uris: client.post_logout_redirect_uris.join("\n"),
            public: client.is_public(),
            allow_nik: client.allow_nik,
            service_code: client.service_code.clone().unwrap_or_default(),
            disabled: client.disabled,
        }
    }

    fn registration(&self) -> Registration {
        let lines = |text: &str| text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        Registration {
            name: self.name.clone(),
            redirect_uris: lines(&self.redirect_uris),
            post_logout_redirect_uris: lines(&self.post_logout_redirect_uris),
            public: self.public,
            allow_nik: self.allow_nik,
            service_code: (!self.service_code.is_empty()).then(|| self.service_code.clone()),
        }
    }
}

pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub public: bool,
    pub allow_nik: bool,
    pub disabled: bool,
    pub redirect_uris: String,
}

#[derive(Template)]
#[template(path = "admin_clients.html")]
struct ClientsPage {
    l: Layout,
    clients: Vec<ClientRow>,
    form: ClientForm,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_client.html")]
struct ClientPage {
    l: Layout,
    id: String,
    form: ClientForm,
    secret: Option<String>,
    issuer: String,
    error: Option<String>,
    notice: Option<String>,
}

fn problem(ctx: &PageCtx, e: &RegistrationError) -> String {
    let t = ctx.tr();
    match e {
        RegistrationError::Name => t.get("admin-client-name-invalid"),
        RegistrationError::NoRedirect => t.get("admin-client-no-redirect"),
        RegistrationError::BadUri { uri, reason } => format!("{}: {uri} ({reason})", t.get("admin-client-bad-uri")),
        RegistrationError::UnknownService(code) => t.with("admin-client-unknown-service", "code", code.as_str()),
        RegistrationError::Random | RegistrationError::Store(_) => t.get("error-500-body"),
    }
}

async fn list_page(
    state: &AppState,
    ctx: &PageCtx,
    form: ClientForm,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let clients = state.store.clients().await.map_err(|e| internal(ctx, e))?;
    let clients = clients
        .into_iter()
        .map(|c| ClientRow {
            public: c.is_public(),
            allow_nik: c.allow_nik,
            disabled: c.disabled,
            redirect_uris: c.redirect_uris.join(" "),
            id: c.id,
            name: c.name,
        })
        .collect();
    let title = ctx.tr().get("admin-clients-title");
    render(ctx.lang, &ClientsPage { l: ctx.layout(state, &title, Nav::None), clients, form, error })
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    list_page(&state, &ctx, ClientForm::default(), None).await
}

fn client_page(
    state: &AppState,
    ctx: &PageCtx,
    id: &str,
    form: ClientForm,
    secret: Option<String>,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, PageError> {
    let title = ctx.tr().with("admin-client-title", "app", form.name.as_str());
    let page = ClientPage {
        l: ctx.layout(state, &title, Nav::None),
        id: id.to_string(),
        form,
        secret,
        issuer: crate::oidc::issuer(state),
        error,
        notice,
    };
    render(ctx.lang, &page)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = ClientForm::from_fields(&form(&body));
    match registration::register(&state.store, &form.registration(), &admin.id).await {
        Ok((client, secret)) => {
            let notice = Some(ctx.tr().get("admin-client-created"));
            Ok(client_page(&state, &ctx, &client.id, ClientForm::of(&client), secret, None, notice)?.into_response())
        }
        Err(RegistrationError::Store(e)) => Err(internal(&ctx, e)),
        Err(e) => {
            let message = problem(&ctx, &e);
            Ok((StatusCode::BAD_REQUEST, list_page(&state, &ctx, form, Some(message)).await?).into_response())
        }
    }
}

async fn find(state: &AppState, ctx: &PageCtx, id: &str) -> Result<OidcClient, PageError> {
    state.store.client(id).await.map_err(|e| internal(ctx, e))?.ok_or_else(|| PageError::not_found(ctx.lang))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let client = find(&state, &ctx, &id).await?;
    let notice = ctx.path.ends_with("?tersimpan=1").then(|| ctx.tr().get("admin-client-saved"));
    client_page(&state, &ctx, &id, ClientForm::of(&client), None, None, notice)
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let client = find(&state, &ctx, &id).await?;
    let mut typed = ClientForm::from_fields(&form(&body));
    // Public or confidential is fixed at registration: it decides how the client proves itself.
    typed.public = client.is_public();
    let reg = typed.registration();
    let checked = match registration::check(&reg) {
        Ok(()) => registration::check_service(&state.store, reg.service_code.as_deref()).await,
        Err(e) => Err(e),
    };
    if let Err(RegistrationError::Store(e)) = checked {
        return Err(internal(&ctx, e));
    }
    if let Err(e) = checked {
        let message = problem(&ctx, &e);
        return Ok((StatusCode::BAD_REQUEST, client_page(&state, &ctx, &id, typed, None, Some(message), None)?)
            .into_response());
    }
    let change = ClientEdit {
        name: reg.name,
        redirect_uris: reg.redirect_uris,
        post_logout_redirect_uris: reg.post_logout_redirect_uris,
        allow_nik: reg.allow_nik,
        service_code: reg.service_code,
        disabled: typed.disabled,
    };
    state.store.edit_client(&id, &change, &admin.id, Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/admin/klien/{id}?tersimpan=1"), None))
}

pub async fn new_secret(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = find(&state, &ctx, &id).await?;
    if client.is_public() {
        return Err(PageError::bad_request(ctx.lang, ctx.tr().get("admin-client-public-no-secret")));
    }
    let secret = registration::new_secret(&state.store, &id, &admin.id).await.map_err(|e| internal(&ctx, e))?;
    let notice = Some(ctx.tr().get("admin-client-secret-new"));
    Ok(client_page(&state, &ctx, &id, ClientForm::of(&client), Some(secret), None, notice)?.into_response())
}
