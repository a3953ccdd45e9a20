-- The desk's own state on a cluster (issue 23), where every web and worker instance sees it at once.
-- Applied in order by config/desk/db.ts (migrateDeskDb), each once, recorded in rectify_schema_migrations.

-- Web accounts of office staff and leaders (rectify user add / passwd / disable).
CREATE TABLE accounts (
  name text PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('office', 'leadership')),
  hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Failed sign-ins per account name, counted across web instances (LOCK_MS window, MAX_FAILURES).
CREATE TABLE sign_in_failures (
  name text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_name_at ON sign_in_failures (name, at);

-- Holiday arrangements installed for the deployment (rectify calendar import --install), one row a year.
CREATE TABLE calendar_years (
  year integer PRIMARY KEY,
  arrangement jsonb NOT NULL,
  installed_at timestamptz NOT NULL DEFAULT now()
);

-- Evidence, content-addressed: each file once by its SHA-256 ...
CREATE TABLE evidence_files (
  sha256 char(64) PRIMARY KEY,
  type text NOT NULL,
  size integer NOT NULL,
  content bytea NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);
-- ... and who submitted it for which measure under which name.
CREATE TABLE evidence_owners (
  sha256 char(64) NOT NULL REFERENCES evidence_files (sha256) ON DELETE CASCADE,
  plan_id text NOT NULL,
  measure_id text NOT NULL,
  name text NOT NULL,
  by_whom text NOT NULL,
  at text NOT NULL
);
CREATE INDEX evidence_owners_sha256 ON evidence_owners (sha256);
