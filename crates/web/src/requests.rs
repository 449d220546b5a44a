//! Applying for a service, shared by every channel (the portal, the JSON API, and later
//! Talas and Open311): find the service and its form, check the answers, compute the
//! deadline in working days, give a tracking code, and store the request.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use chrono::{NaiveDate, Utc};
use domain::ServiceCode;
use domain::request::{
    AnswerProblem, BOGOR_UTC_OFFSET_HOURS, FormDefinition, RawAnswers, RequestStatus, TrackingCode, WorkingCalendar,
};
use store::requests::{NewRequest, ServiceKeys, Submitted};
use store::{ServiceDetail, StoreError};

use crate::state::AppState;

/// The shipped Indonesian calendar (weekends, national holidays, cuti bersama).
pub static CALENDAR: LazyLock<WorkingCalendar> = LazyLock::new(WorkingCalendar::indonesia);

/// The catalog category whose services take complaints, which guests may file.
pub const COMPLAINT_CATEGORY: &str = "Pengaduan & Aspirasi";

/// A service someone may apply for, with the form its requests fill in.
pub struct Applicable {
    pub service: Arc<ServiceDetail>,
    pub keys: ServiceKeys,
    pub form: FormDefinition,
}

impl Applicable {
    pub fn takes_guests(&self) -> bool {
        self.service.service.category.as_str() == COMPLAINT_CATEGORY
    }
}

/// Who applies.
pub enum Applicant {
    Person {
        user_id: String,
    },
    /// A complaint without an account: a name and a way to reach them.
    Guest {
        name: String,
        contact: String,
    },
    /// A complaint filed by an application (Open311): a way to reach the person is
    /// optional there, and the name is the application's when the person gives none.
    Reporter {
        name: String,
        contact: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("unknown service")]
    UnknownService,
    #[error("the service is retired")]
    Retired,
    /// `link` and `sso` services are applied for in the agency's own application.
    #[error("apply in the agency's application")]
    Elsewhere,
    #[error("an account is needed for this service")]
    NeedsAccount,
    #[error("guest details: {0}")]
    Guest(&'static str),
    #[error("answers")]
    Answers(Vec<AnswerProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The service behind `code` and its form (its own, else one made from its requirements).
pub async fn applicable(state: &AppState, code: &str) -> Result<Applicable, ApplyError> {
    let code = ServiceCode::parse(code).map_err(|_| ApplyError::UnknownService)?;
    let service = match state.catalog.service(&code).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Err(ApplyError::UnknownService),
        Err(e) => return Err(e.into()),
    };
    if !service.service.status.is_active() {
        return Err(ApplyError::Retired);
    }
    if !matches!(service.service.mode, domain::IntegrationMode::Native | domain::IntegrationMode::Api) {
        return Err(ApplyError::Elsewhere);
    }
    let keys = state.store.service_keys(code.as_str()).await?.ok_or(ApplyError::UnknownService)?;
    let form = match state.store.service_form(&keys.service_id).await? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt { column: "service_forms.definition", reason: format!("{code}: {e}") })?,
        None => FormDefinition::default_for(&service.service.standard.requirements).map_err(|problems| {
            StoreError::Corrupt {
                column: "services.requirements_json",
                reason: format!("{code}: {}", problems.first().map(|p| p.to_string()).unwrap_or_default()),
            }
        })?,
    };
    Ok(Applicable { service, keys, form })
}

/// The deadline of a request submitted now, if the service states its duration.
pub fn deadline(service: &ServiceDetail) -> Option<NaiveDate> {
    let days = service.service.standard.duration_days?;
    Some(CALENDAR.add_working_days(Utc::now(), days, BOGOR_UTC_OFFSET_HOURS))
}

fn new_code(state: &AppState) -> Option<TrackingCode> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).ok()?;
    Some(TrackingCode::generate(&state.settings.tracking_prefix, u64::from_le_bytes(bytes)))
}

/// Checks and stores an application; answers with its tracking code once committed.
pub async fn apply(
    state: &AppState,
    target: &Applicable,
    who: Applicant,
    answers: &RawAnswers,
    channel: &str,
) -> Result<(Submitted, Option<NaiveDate>), ApplyError> {
    apply_with(state, target, who, answers, channel, None).await
}

/// [`apply`], with what an Open311 report carries beyond the form.
pub async fn apply_with(
    state: &AppState,
    target: &Applicable,
    who: Applicant,
    answers: &RawAnswers,
    channel: &str,
    report: Option<store::requests::Report>,
) -> Result<(Submitted, Option<NaiveDate>), ApplyError> {
    let (user_id, guest_name, guest_contact) = match who {
        Applicant::Person { user_id } => (Some(user_id), None, None),
        Applicant::Guest { .. } if !target.takes_guests() => return Err(ApplyError::NeedsAccount),
        Applicant::Guest { name, contact } => {
            let name = domain::text::tidy(&name);
            let contact = domain::text::tidy(&contact);
            if name.is_empty() || name.chars().count() > 100 {
                return Err(ApplyError::Guest("isi nama (paling banyak 100 karakter)"));
            }
            if contact.is_empty() || contact.chars().count() > 254 {
                return Err(ApplyError::Guest("isi surel atau nomor telepon untuk dihubungi"));
            }
            (None, Some(name), Some(contact))
        }
        Applicant::Reporter { .. } if !target.takes_guests() => return Err(ApplyError::NeedsAccount),
        Applicant::Reporter { name, contact } => {
            let name: String = domain::text::tidy(&name).chars().take(100).collect();
            let contact = contact.map(|c| domain::text::tidy(&c)).filter(|c| !c.is_empty());
            if contact.as_ref().is_some_and(|c| c.chars().count() > 254) {
                return Err(ApplyError::Guest("surel atau nomor telepon terlalu panjang"));
            }
            (None, Some(name), contact)
        }
    };
    let checked = target.form.check_answers(answers).map_err(ApplyError::Answers)?;
    let answers = serde_json::to_string(&checked)
        .map_err(|e| StoreError::Corrupt { column: "requests.answers", reason: e.to_string() })?;
    let delivery = delivery(target, channel, &checked);
    let deadline = deadline(&target.service);
    // A taken code (a one-in-hundreds-of-millions chance) is simply drawn again.
    for _ in 0..3 {
        let code = new_code(state)
            .ok_or_else(|| StoreError::Corrupt { column: "tracking_code", reason: "no randomness available".into() })?;
        let request = NewRequest {
            tracking_code: code.as_str().to_string(),
            service_id: target.keys.service_id.clone(),
            agency_id: target.keys.agency_id.clone(),
            user_id: user_id.clone(),
            guest_name: guest_name.clone(),
            guest_contact: guest_contact.clone(),
            channel: channel.to_string(),
            answers: answers.clone(),
            deadline: deadline.map(|d| d.format("%Y-%m-%d").to_string()),
            status: RequestStatus::Submitted.as_str().to_string(),
            delivery: delivery.clone().map(|mut d| {
                d.payload.insert("tracking_code".into(), serde_json::Value::String(code.as_str().to_string()));
                d
            }),
            report: report.clone(),
        };
        match state.store.submit_request(request).await {
            Ok(submitted) => return Ok((submitted, deadline)),
            Err(StoreError::Taken(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApplyError::Store(StoreError::Taken("tracking_code")))
}

/// What an `api` service's agency system receives (the person's contact details are
/// not included: the agency answers through satupintu, which knows how to reach them).
fn delivery(
    target: &Applicable,
    channel: &str,
    answers: &domain::request::CheckedAnswers,
) -> Option<store::requests::Delivery> {
    if target.service.service.mode != domain::IntegrationMode::Api {
        return None;
    }
    let mut payload = serde_json::Map::new();
    payload.insert("service".into(), serde_json::json!(target.service.service.code.as_str()));
    payload.insert("agency".into(), serde_json::json!(target.service.service.agency.as_str()));
    payload.insert("channel".into(), serde_json::json!(channel));
    payload.insert("answers".into(), serde_json::to_value(answers).unwrap_or_default());
    Some(store::requests::Delivery { target: target.service.service.agency.as_str().to_string(), payload })
}

/// Answers from a JSON object: a string or number is one value, an array several.
pub fn answers_from_json(
    object: &serde_json::Map<String, serde_json::Value>,
) -> Result<RawAnswers, Vec<AnswerProblem>> {
    use serde_json::Value;
    let mut raw = BTreeMap::new();
    let mut problems = Vec::new();
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "ya" } else { "tidak" }.to_string()),
        _ => None,
    };
    for (key, value) in object {
        let values = match value {
            Value::Null => continue,
            Value::Array(items) => items.iter().map(one).collect::<Option<Vec<_>>>(),
            other => one(other).map(|v| vec![v]),
        };
        match values {
            Some(v) => {
                raw.insert(key.clone(), v);
            }
            None => problems.push(AnswerProblem { key: key.clone(), reason: "jenis nilai tidak didukung".into() }),
        }
    }
    if problems.is_empty() { Ok(raw) } else { Err(problems) }
}

/// What to tell a request's person when its status changes to `to` (with the public
/// `note`): a portal notification for an account, an e-mail to the account's address or
/// to a guest's e-mail contact. Indonesian, the portal's first language.
pub async fn notice_for(
    state: &AppState,
    record: &store::requests::RequestRecord,
    to: RequestStatus,
    note: Option<&str>,
) -> Result<store::requests::Notice, StoreError> {
    let t = crate::i18n::Lang::Id.tr();
    let status = t.get(&format!("request-status-{}", to.as_str()));
    let base = state.settings.public_url.trim_end_matches('/');
    let (user_id, name, email, link) = match &record.user_id {
        Some(id) => {
            let user = state.store.user(id).await?;
            let (name, email) = user.map(|u| (u.name, u.email)).unwrap_or_default();
            (Some(id.clone()), name, email, format!("/permohonan/{}", record.tracking_code))
        }
        None => {
            let email = record
                .guest_contact
                .as_deref()
                .and_then(|c| domain::identity::Email::parse(c).ok())
                .map(|e| e.as_str().to_string());
            (
                None,
                record.guest_name.clone().unwrap_or_default(),
                email,
                format!("/lacak?kode={}", record.tracking_code),
            )
        }
    };
    let text = t.args(
        "notice-status",
        &[("code", record.tracking_code.clone()), ("service", record.service_name.clone()), ("status", status.clone())],
    );
    let mail = email.map(|to_address| {
        let body = t.args(
            "notice-mail-body",
            &[
                ("name", name.clone()),
                ("code", record.tracking_code.clone()),
                ("service", record.service_name.clone()),
                ("status", status.clone()),
                ("note", note.unwrap_or_default().to_string()),
                ("link", format!("{base}{link}")),
            ],
        );
        let mail = crate::auth::mail::Mail {
            to: to_address,
            subject: t
                .args("notice-mail-subject", &[("code", record.tracking_code.clone()), ("status", status.clone())]),
            body,
        };
        serde_json::to_string(&mail).unwrap_or_default()
    });
    Ok(store::requests::Notice { user_id, text, link, mail })
}

/// Status look-ups by tracking code are the most frequent request of all (people, apps,
/// Talas and Open311 clients poll them), so each process keeps the answer for a second:
/// a status shown at most a second late, for a database query saved on every repeat.
#[derive(Default)]
pub struct LookupCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, Arc<Lookup>)>>,
}

/// A request and its history, as looked up by code.
pub type Lookup = (store::requests::RequestRecord, Vec<store::requests::RequestEvent>);

const LOOKUP_FRESH: std::time::Duration = std::time::Duration::from_secs(1);
const LOOKUP_MAX: usize = 50_000;

impl LookupCache {
    /// The request with this (canonical) code and its public history.
    pub async fn get(&self, state: &AppState, code: &str) -> Result<Option<Arc<Lookup>>, StoreError> {
        if let Ok(entries) = self.entries.lock()
            && let Some((at, found)) = entries.get(code)
            && at.elapsed() < LOOKUP_FRESH
        {
            return Ok(Some(found.clone()));
        }
        let Some(found) = state.store.request_with_history(code, false).await? else { return Ok(None) };
        let found = Arc::new(found);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= LOOKUP_MAX {
                entries.retain(|_, (at, _)| at.elapsed() < LOOKUP_FRESH);
                if entries.len() >= LOOKUP_MAX {
                    entries.clear();
                }
            }
            entries.insert(code.to_string(), (std::time::Instant::now(), found.clone()));
        }
        Ok(Some(found))
    }

    /// Forgets a request this process just changed (other processes see it within a second).
    pub fn forget(&self, code: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(code);
        }
    }
}

/// Why a status change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The rules do not allow it (for this actor, from this status, without a note).
    #[error(transparent)]
    Refused(#[from] domain::request::TransitionError),
    /// Someone changed the request first.
    #[error("the request's status changed meanwhile")]
    Moved,
    #[error("no such request")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Changes a request's status the one way every channel does: checked against the rules,
/// recorded only if it is still `from`, the person told (in the portal and by e-mail) when
/// someone else made the change, and this process's cached look-up forgotten.
pub async fn change_status(
    state: &AppState,
    record: &store::requests::RequestRecord,
    from: RequestStatus,
    to: RequestStatus,
    actor: (domain::request::Actor, &str),
    note: Option<&str>,
) -> Result<(), ChangeError> {
    let (role, actor_id) = actor;
    domain::request::transition(from, to, role, note)?;
    let change = store::requests::StatusChange {
        request_id: &record.id,
        from: from.as_str(),
        to: to.as_str(),
        actor: actor_id,
        note,
        internal: false,
        closes: to.is_final(),
    };
    // A person is not told about what they did themselves.
    let notice = match role {
        domain::request::Actor::Operator => Some(notice_for(state, record, to, note).await?),
        domain::request::Actor::Citizen => None,
    };
    let outcome = state.store.change_request_status_and_notify(&change, notice.as_ref(), Utc::now()).await;
    state.lookups.forget(&record.tracking_code);
    outcome.map_err(|e| match e {
        store::requests::StatusConflict::Moved => ChangeError::Moved,
        store::requests::StatusConflict::NotFound => ChangeError::NotFound,
        store::requests::StatusConflict::Store(e) => ChangeError::Store(e),
    })
}
