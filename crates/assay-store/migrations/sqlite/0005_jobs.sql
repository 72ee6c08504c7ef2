-- Background jobs (scheduled evaluations, retention), claimed by one node
-- at a time under a lease that runs out if the node dies.

CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    -- What makes two schedulings the same job: a scheduled time.
    slot        TEXT NOT NULL,
    run_at      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    claimed_by  TEXT,
    lease_until TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done_at     TEXT,
    done_by     TEXT,
    outcome     TEXT,
    last_error  TEXT,
    UNIQUE (kind, slot)
);
CREATE INDEX jobs_due ON jobs(done_at, run_at);

-- The job an evaluation run was made for: at most one run per job.
ALTER TABLE eval_runs ADD COLUMN job_id TEXT;
CREATE UNIQUE INDEX eval_runs_job ON eval_runs(job_id) WHERE job_id IS NOT NULL;
