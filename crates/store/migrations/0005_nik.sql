-- The NIK, encrypted by the web layer (never stored in clear).
ALTER TABLE users ADD COLUMN nik_sealed TEXT;
