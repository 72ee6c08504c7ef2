-- Background jobs (scheduled evaluations, retention), claimed by one node
-- at a time under a lease that runs out if the node dies.

CREATE TABLE jobs (
    id          TEXT COLLATE "C" PRIMARY KEY,
    kind        TEXT COLLATE "C" NOT NULL,
    -- What makes two schedulings the same job: a scheduled time.
    slot        TEXT COLLATE "C" NOT NULL,
    run_at      TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    claimed_by  TEXT COLLATE "C",
    lease_until TEXT COLLATE "C",
    attempts    BIGINT NOT NULL DEFAULT 0,
    done_at     TEXT COLLATE "C",
    done_by     TEXT COLLATE "C",
    outcome     TEXT COLLATE "C",
    last_error  TEXT COLLATE "C",
    UNIQUE (kind, slot)
);
CREATE INDEX jobs_due ON jobs(done_at, run_at);

-- The job an evaluation run was made for: at most one run per job.
ALTER TABLE eval_runs ADD COLUMN job_id TEXT COLLATE "C";
CREATE UNIQUE INDEX eval_runs_job ON eval_runs(job_id) WHERE job_id IS NOT NULL;
