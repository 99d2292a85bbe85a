-- Imports housekeeping (docs/imports.md "Housekeeping"): an import's error file
-- (import_chunks kind 2) is deleted some days after the import ended; the row
-- stays with its counters, and errors_expired_at says when its file went, so
-- GET /api/v1/imports/{id}/errors answers 410 rather than an empty file.
-- (Uploads abandoned mid-transfer need no column: their rows go, and their
-- chunks with them, by the cascade of migration 0020.)
alter table imports add column errors_expired_at timestamptz;
