-- When a key's progress last moved, so that keys idle for long can be forgotten (ViewRuntime.forgetIdleKeys).
ALTER TABLE view_key_progress ADD COLUMN applied_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX view_key_progress_idle ON view_key_progress (generation, applied_at) WHERE NOT blocked;
