-- Resuming imports (docs/imports.md "Resuming", "Housekeeping").
-- file_mac: HMAC-SHA256 of the uploaded bytes under the key ring's
-- `import-file` purpose key (with the workspace id), so the CLI recognises a
-- file it is given again while an import of it is unfinished; never a plain
-- hash, which would let anyone holding a candidate file confirm its presence.
-- upload_seen_at: moved on with every sealed chunk stored; an import still
-- `uploading` whose upload has not moved for a while was interrupted (its
-- process is gone) and is marked failed.
alter table imports add column file_mac bytea;
alter table imports add column upload_seen_at timestamptz;
-- GET /api/v1/imports, newest first.
create index imports_newest on imports (workspace_id, created_at desc, id desc);
