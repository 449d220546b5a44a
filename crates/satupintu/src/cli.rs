//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// satupintu: one door to every public service of a city.
#[derive(Debug, Parser)]
#[command(name = "satupintu", version, about, long_about = None)]
pub struct Cli {
    /// Settings file (TOML). Default: `satupintu.toml` in the data folder, if present.
    #[arg(long, global = true, env = "SATUPINTU_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; overrides the settings file and environment.
#[derive(Debug, Clone, Args, Default)]
pub struct DbArgs {
    /// Data folder (embedded SQLite database, uploads).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB`.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (portal, API, operations endpoints).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<SocketAddr>,
        #[command(flatten)]
        db: DbArgs,
        /// Load the sample Kota Bogor catalog into an empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Create or update the database schema, then exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Read data from a CSV or XLSX file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Write data to a CSV or XLSX file.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Search the catalog, measure search quality, manage synonyms and read statistics.
    Search {
        #[command(subcommand)]
        what: SearchWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Accounts: create the first admin on a fresh install, list, change roles.
    User {
        #[command(subcommand)]
        what: UserWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Agency systems that receive requests (integration mode `api`).
    Agency {
        #[command(subcommand)]
        what: AgencyWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The API gateway (`/gw/{app}/…`): routes to `api`-mode applications, its access log.
    Gateway {
        #[command(subcommand)]
        what: GatewayWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// API keys: applications that file Open311 reports, and gateway consumers.
    Apikey {
        #[command(subcommand)]
        what: ApikeyWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Undeliverable messages (dead letters): list and send again.
    Outbox {
        #[command(subcommand)]
        what: OutboxWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Evaluation frameworks (SPBE, Smart City, Pemerintah Digital): list, compute an index
    /// from a file of levels, import a city's own framework, start a cycle.
    Evaluation {
        #[command(subcommand)]
        what: EvaluationWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Reports: an evaluation cycle's PDF for the assessors.
    Report {
        #[command(subcommand)]
        what: ReportWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Talas, the assistant: measure how well it understands a labelled file.
    Assistant {
        #[command(subcommand)]
        what: AssistantWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The forms requests fill in, per service.
    Form {
        #[command(subcommand)]
        what: FormWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// OpenID Connect: the applications that accept "Masuk dengan satupintu", and keys.
    Oidc {
        #[command(subcommand)]
        what: OidcWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Health checks of the integrated applications: set, list, import a file, run once.
    Monitor {
        #[command(subcommand)]
        what: MonitorWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Sample data.
    Demo {
        #[command(subcommand)]
        what: DemoWhat,
    },
}

#[derive(Debug, Subcommand)]
pub enum SearchWhat {
    /// Rebuild the search index from the database, and tell running servers to rebuild.
    Reindex,
    /// Print the ranked codes and names for a query.
    Query {
        /// What a person would type.
        text: String,
        /// How many results to print.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Measure quality on a JSON-lines file of `{"q": "...", "relevant": ["KODE", ...]}`.
    Eval {
        file: PathBuf,
        /// Only lines with this `split` (e.g. `holdout`).
        #[arg(long)]
        split: Option<String>,
    },
    /// Synonym groups (`istilah,arah` CSV).
    Synonyms {
        #[command(subcommand)]
        what: SynonymsWhat,
    },
    /// Top queries, queries without results, and click-through, over the last days.
    Analytics {
        #[arg(long, default_value_t = 30)]
        days: u32,
        #[arg(long, default_value_t = 20)]
        limit: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgencyWhat {
    /// Set where an agency's system receives requests; prints the signing secret once
    /// (deliveries are signed with it, and so must its status reports be).
    Endpoint {
        agency: String,
        #[arg(long)]
        url: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxWhat {
    /// List dead letters (deliveries to agency systems given up).
    Dead,
    /// Send a dead letter again from now.
    Resend { id: String },
}

#[derive(Debug, Subcommand)]
pub enum AssistantWhat {
    /// Read JSON lines `{"text", "intent", "service"?}` and print accuracy, macro-F1, per-intent
    /// precision and recall, the confusion matrix, the service accuracy (against the catalog
    /// in the data folder) and the failures.
    Eval { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum EvaluationWhat {
    /// List the frameworks (shipped and imported) with their ids.
    Frameworks,
    /// Compute an index from a CSV of levels and print it as JSON (index with 2 decimals,
    /// the unrounded value, the predicate, every domain and aspect).
    Compute {
        /// A framework id from `frameworks`, or the path of a framework file (TOML).
        #[arg(long)]
        framework: String,
        /// CSV with a header: `indicator,level` (an indicator by its number in the regulation
        /// or its code) or, for Smart City, `dimension,score`. `;` as separator works too.
        #[arg(long)]
        levels: PathBuf,
    },
    /// Check a city's framework file (TOML) and keep it; a bad file lists every problem by line.
    Import { file: PathBuf },
    /// Start an evaluation cycle.
    Cycle {
        /// Short name for URLs and commands, e.g. `smart-city-2024-tahap-2`.
        #[arg(long)]
        slug: String,
        /// e.g. "Evaluasi Smart City 2024 — Tahap II".
        #[arg(long)]
        name: String,
        #[arg(long)]
        framework: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportWhat {
    /// Typeset a cycle's report (cover, index, charts, indicators, innovations with KPIs and
    /// evidence, generated metrics, open evidence requests) as a PDF.
    Evaluation {
        /// The cycle's short name (as in /evaluasi/NAME).
        cycle: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum GatewayWhat {
    /// Routes: which upstream an `api`-mode application is reached at.
    Route {
        #[command(subcommand)]
        what: RouteWhat,
    },
    /// Check the access log's hash chain; reports the first broken link and exits non-zero.
    VerifyLog,
}

#[derive(Debug, Subcommand)]
pub enum RouteWhat {
    /// Put an application (a catalog service in `api` mode) behind `/gw/CODE/`; prints the
    /// secret that signs the identity headers it receives (once).
    Add {
        /// The service code.
        code: String,
        /// Base URL of the application's API, e.g. `http://10.1.2.3:8000/api`.
        #[arg(long)]
        upstream: String,
        /// How long the application has to answer once it has the whole request.
        #[arg(long, default_value_t = 30_000)]
        timeout_ms: u64,
        /// The largest request body passed on, in MiB.
        #[arg(long, default_value_t = 10)]
        max_body_mb: u64,
        /// Print JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// List the routes.
    List,
    /// Take an application off the gateway.
    Remove { code: String },
}

#[derive(Debug, Subcommand)]
pub enum ApikeyWhat {
    /// Make a key for an application and print it (it is shown only this once).
    Add {
        /// Who the key is for, e.g. "Aplikasi Lapor Bogor (Android)".
        #[arg(long)]
        name: String,
        /// Gateway calls a minute (default: the gateway's `default_rate_per_minute`).
        #[arg(long)]
        rate_per_minute: Option<u32>,
        /// A gateway application this key may call (repeat; none: every application).
        #[arg(long = "app")]
        apps: Vec<String>,
    },
    /// Change a key's gateway limits.
    Limit {
        id: String,
        /// Gateway calls a minute (absent: the gateway's default).
        #[arg(long)]
        rate_per_minute: Option<u32>,
        /// A gateway application this key may call (repeat; none: every application).
        #[arg(long = "app")]
        apps: Vec<String>,
    },
    /// List the keys (without the keys themselves).
    List,
    /// End a key at once, by the id `list` shows.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum MonitorWhat {
    /// Set a service's check; what is left out comes from the defaults for its web URL
    /// (every 60 s, 10 s timeout, status below 400 within 3 s, certificate over 14 days).
    Set {
        /// The service's code.
        service: String,
        /// What to call (default: the service's web URL).
        #[arg(long)]
        url: Option<String>,
        /// Seconds between checks (10–86400).
        #[arg(long)]
        interval: Option<u64>,
        /// Milliseconds to wait for an answer.
        #[arg(long)]
        timeout_ms: Option<u64>,
        /// A Gatus-style condition, e.g. `[STATUS] == 200`, `[BODY].status == UP`,
        /// `[CERTIFICATE_EXPIRATION] > 14d`; repeat for several (all must hold).
        #[arg(long = "condition")]
        conditions: Vec<String>,
        /// Keep the check but stop running it.
        #[arg(long)]
        disable: bool,
    },
    /// List every check.
    List,
    /// Set checks from a TOML (`[[check]]` tables) or JSON (`{"checks": [...]}`) file; a
    /// bad file changes nothing and lists every problem with its line.
    Import { file: PathBuf },
    /// Run every enabled check once now and print what it found (no server needed).
    Run,
}

#[derive(Debug, Subcommand)]
pub enum FormWhat {
    /// Set a service's form from a JSON file (`{"fields": [...]}`); a bad file changes
    /// nothing and lists every problem.
    Set { service: String, file: PathBuf },
    /// Print a service's form (its own, or the default made from its requirements).
    Show { service: String },
}

#[derive(Debug, Subcommand)]
pub enum OidcWhat {
    /// Registered applications.
    Client {
        #[command(subcommand)]
        what: ClientWhat,
    },
    /// Signing keys.
    Key {
        #[command(subcommand)]
        what: KeyWhat,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientWhat {
    /// Register an application; prints its client id and, for a confidential client, its
    /// secret (once: only a hash is kept).
    Add {
        #[arg(long)]
        name: String,
        /// Where the application receives the code (repeat for several; matched exactly).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// Where the application may send people after signing out (repeatable).
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// A mobile or single-page app: no secret, PKCE required.
        #[arg(long)]
        public: bool,
        /// Allow the `nik` scope.
        #[arg(long)]
        allow_nik: bool,
        /// The catalog application (in `sso` mode) this client belongs to.
        #[arg(long)]
        service: Option<String>,
        /// Print JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
    /// List registered applications.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Give a confidential client a new secret (the old one stops working).
    NewSecret {
        client_id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyWhat {
    /// Start signing with a new key; the old one stays published until its tokens expire.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum AuditWhat {
    /// Check the hash chain; reports the first broken link and exits non-zero.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum UserWhat {
    /// Create an account; the password is read from standard input (never an argument,
    /// which would land in the shell history and the process list).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// warga, operator, admin or asesor.
        #[arg(long, default_value = "warga")]
        role: String,
        /// For operators: an agency code (repeat for several).
        #[arg(long = "agency")]
        agencies: Vec<String>,
    },
    /// List accounts.
    List,
    /// Change an account's role (and an operator's agencies).
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        #[arg(long = "agency")]
        agencies: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SynonymsWhat {
    /// Replace every synonym group with the file's (all rows or none).
    Import { file: PathBuf },
    /// Write the synonym groups to a file.
    Export { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum DemoWhat {
    /// Write a synthetic catalog CSV of N services from the demo city's vocabulary (the
    /// demo's own services first), for benchmarks.
    Generate {
        /// How many services.
        #[arg(long)]
        services: usize,
        /// The CSV file to write.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Upsert applications and services by `kode`: all rows or none.
    Catalog {
        /// A `.csv` or `.xlsx` file.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Upsert agencies (OPD) by `kode`: all rows or none.
    Agencies {
        /// A `.csv` or `.xlsx` file with `kode, nama, singkatan, jenis, alamat, telepon, email, situs_web`.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// Write the whole catalog in the format `import catalog` reads.
    Catalog {
        /// A `.csv` or `.xlsx` file.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}
