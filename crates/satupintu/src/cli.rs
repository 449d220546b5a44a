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
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB`.
    #[arg(long)]
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
