#!/usr/bin/env bash
# The project's test command: every crate's tests, then the end-to-end
# suites that follow ASSAY_TEST_BACKEND (api, cli, osquery) once more with
# PostgreSQL as the store.
#
# Starts a throwaway PostgreSQL cluster (scripts/pg-cluster.sh) for the
# run and stops it on exit; the tests find it in ASSAY_TEST_PG_URL. Installs
# nothing. Extra arguments go to both `cargo test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "test.sh: error: PostgreSQL is not installed (the tests need its server binaries); install it with: apt-get install postgresql" >&2
  exit 1
fi

echo "== PostgreSQL test cluster"
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/assay-pg.XXXXXX")
stop_cluster() {
  "$root/scripts/pg-cluster.sh" stop "$pg_dir" || echo "test.sh: warning: could not stop the cluster in $pg_dir" >&2
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ASSAY_TEST_PG_URL=$("$root/scripts/pg-cluster.sh" start "$pg_dir" | tail -n 1)
export ASSAY_TEST_PG_URL
echo "ASSAY_TEST_PG_URL=$ASSAY_TEST_PG_URL"

echo "== cargo test --workspace"
cargo test --workspace --locked "$@"

# The suites that run on the backend ASSAY_TEST_BACKEND names; the others
# (nodes, migrate) use PostgreSQL, or both backends, in the run above.
echo "== end-to-end suites against PostgreSQL (ASSAY_TEST_BACKEND=postgres)"
ASSAY_TEST_BACKEND=postgres cargo test -p assay --locked --test api --test cli --test osquery "$@"
