//! Files attached to requests, content-addressed in the data folder
//! (`berkas/ab/abcdef…`): the same file uploaded twice is stored once, and a name in the
//! folder can never be chosen by an uploader. The type is decided from the content, never
//! the name: PDF, JPEG and PNG only.

use std::path::{Path, PathBuf};

use axum::extract::multipart::Field;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The largest file accepted, per file.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
}

impl Kind {
    /// From the first bytes (magic numbers), not the file's name.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("too large")]
    TooLarge,
    #[error("not a PDF, JPEG or PNG file")]
    WrongType,
    #[error("the upload broke off: {0}")]
    Broken(String),
    #[error("storing the file: {0}")]
    Io(#[from] std::io::Error),
}

/// A stored file: its reference (kept in the request's answers) is `sha256/name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub name: String,
    pub kind: Kind,
}

impl Stored {
    pub fn reference(&self) -> String {
        format!("{}/{}", self.sha256, self.name)
    }
}

/// Splits a reference into its hash and name; `None` if it is not one of ours.
pub fn parse_reference(reference: &str) -> Option<(&str, &str)> {
    let (sha, name) = reference.split_once('/')?;
    (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())).then_some((sha, name))
}

/// A name safe to show and to send back in `Content-Disposition`.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '/' | '\\')).take(100).collect();
    if cleaned.trim().is_empty() { "berkas".into() } else { cleaned.trim().to_string() }
}

/// Where the file with this hash lives.
pub fn path_of(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

/// Streams an uploaded field to disk, checking size and type as the bytes arrive, so an
/// oversized or disguised file never fills the disk.
pub async fn store_field(dir: &Path, mut field: Field<'_>) -> Result<Stored, UploadError> {
    let name = clean_name(field.file_name().unwrap_or_default());
    tokio::fs::create_dir_all(dir).await?;
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| UploadError::Broken(e.to_string()))?;
    let temp = dir.join(format!(".unggah-{}", u64::from_le_bytes(random)));
    let result = async {
        let mut file = tokio::fs::File::create(&temp).await?;
        let mut hasher = Sha256::new();
        let mut size = 0usize;
        let mut head: Vec<u8> = Vec::with_capacity(8);
        let mut kind = None;
        while let Some(chunk) = field.chunk().await.map_err(|e| UploadError::Broken(e.to_string()))? {
            size += chunk.len();
            if size > MAX_FILE_BYTES {
                return Err(UploadError::TooLarge);
            }
            if kind.is_none() {
                head.extend(chunk.iter().take(8 - head.len().min(8)));
                if head.len() >= 8 || size >= 8 {
                    kind = Some(Kind::sniff(&head).ok_or(UploadError::WrongType)?);
                }
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        let kind = match kind {
            Some(k) => k,
            None => Kind::sniff(&head).ok_or(UploadError::WrongType)?,
        };
        file.flush().await?;
        file.sync_all().await?;
        let sha256: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let target = path_of(dir, &sha256);
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(&temp, &target).await?;
        Ok(Stored { sha256, name, kind })
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(Kind::sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        assert_eq!(Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"MZ\x90\x00 an exe named foto.jpg"), None);
    }

    #[test]
    fn names_and_references() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\KTP \"asli\".pdf"), "KTP asli.pdf");
        assert_eq!(clean_name(""), "berkas");
        let sha = "a".repeat(64);
        assert_eq!(parse_reference(&format!("{sha}/ktp.pdf")), Some((sha.as_str(), "ktp.pdf")));
        assert_eq!(parse_reference("../x/ktp.pdf"), None);
    }
}
