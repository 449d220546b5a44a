//! The outbox worker for e-mail: claims queued messages and delivers them over SMTP,
//! retrying with back-off. Nothing is sent from inside a request.

use std::time::Duration;

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use store::Store;
use web::auth::mail::Mail;

/// How often the worker looks for due messages.
const POLL: Duration = Duration::from_secs(1);

/// Delivers e-mail from the outbox until the store closes.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp_url`: `smtp://host:port` (plain, for a local relay), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`.
    pub fn new(smtp_url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("smtp_url: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("mail_from: {e}"))?;
        Ok(Self { transport, from })
    }

    async fn deliver(&self, payload: &str) -> Result<(), String> {
        let mail: Mail = serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
        let to: Mailbox = mail.to.parse().map_err(|e| format!("bad recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }

    /// Runs until the store is closed.
    pub async fn run(self, store: Store) {
        let worker = format!("mail-{}", std::process::id());
        loop {
            tokio::time::sleep(POLL).await;
            if store.is_closed() {
                return;
            }
            let claimed = match store.claim_outbox(&worker, "email", 20, Utc::now()).await {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox not readable");
                    continue;
                }
            };
            for message in claimed {
                let result = match self.deliver(&message.payload).await {
                    Ok(()) => store.outbox_sent(&message.id, Utc::now()).await,
                    Err(error) => {
                        tracing::warn!(%error, attempts = message.attempts + 1, "e-mail not delivered; will retry");
                        store.outbox_failed(&message, &error, Utc::now()).await
                    }
                };
                if let Err(e) = result {
                    tracing::warn!(error = %e, "outbox state not saved");
                }
            }
        }
    }
}
