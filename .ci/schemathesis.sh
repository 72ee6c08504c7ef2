#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with schemathesis:
# builds `assay`, creates a throw-away demo database with a provider admin and
# an API token, starts `assay serve` on a free loopback port, and fails when a
# response is a 5xx or does not match the document (status code, content type,
# body schema).
#
# Settings (environment):
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per operation and phase (default 100)
#   SCHEMATHESIS_SEED          the random seed (default 1, so runs repeat; any
#                              failure prints the seed and a curl command)
#   SCHEMATHESIS_CHECKS        the checks (default: no 5xx, and status code,
#                              content type and body as documented)
#   SCHEMATHESIS_REPORT        extra report formats (e.g. `har`: every request
#                              and response); a JUnit report is always written
#   CARGO_TARGET_DIR           where cargo builds (default target/); the
#                              schemathesis virtualenv and reports live under it
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-100}
seed=${SCHEMATHESIS_SEED:-1}
checks=${SCHEMATHESIS_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance}
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")
reports=$target_dir/schemathesis/report

echo "== schemathesis $SCHEMATHESIS_VERSION (virtualenv under $target_dir/schemathesis)"
venv=$target_dir/schemathesis/venv
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "version $SCHEMATHESIS_VERSION"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
st=$venv/bin/schemathesis

echo "== build assay"
cargo build --locked -p assay
assay=$target_dir/debug/assay

work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== demo database, user and token"
export ASSAY_DATABASE_URL="sqlite://$work/assay.db"
"$assay" demo >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
# A provider admin reaches every route (the audit log too). Its role must use
# MFA for sessions, so `user add` enrols it; API tokens need no MFA.
echo 'schemathesis fuzzing passphrase' |
    "$assay" user add fuzz --role provider_admin >"$work/user.log" 2>&1 || { cat "$work/user.log"; exit 1; }
token=$("$assay" user token fuzz --name schemathesis --days 1 | grep -o 'assay_[0-9a-f]*' | head -n 1)
[ -n "$token" ] || { echo "no API token was printed" >&2; exit 1; }

echo "== assay serve"
# Port 0: the system picks a free port, and the server says which.
"$assay" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
base=
for _ in $(seq 1 100); do
    base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -n 1 || true)
    if [ -n "$base" ] && curl -fsS "$base/readyz" >/dev/null 2>&1; then
        break
    fi
    base=
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; echo "assay serve exited" >&2; exit 1; }
    sleep 0.2
done
[ -n "$base" ] || { cat "$work/serve.log"; echo "assay serve did not become ready" >&2; exit 1; }
echo "serving at $base"

# Known organisation slugs and ids, offered to schemathesis alongside the
# values it makes up, so that requests reach past "404 not found" into the
# handlers. The config file is read from the directory schemathesis runs in.
"$venv/bin/python" - "$base" "$token" >"$work/schemathesis.toml" <<'PY'
import json, sys, urllib.request

base, token = sys.argv[1:]

def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.load(r)

slugs = [o["slug"] for o in get("/api/v1/orgs?limit=1000")["items"]]
ids = [f["id"] for f in get("/api/v1/frameworks")]
for slug in slugs[:2]:
    for kind in ("asset", "person", "account", "change"):
        ids += [r["id"] for r in get(f"/api/v1/orgs/{slug}/records/{kind}?limit=3")["items"]]
    ids += [e["id"] for e in get(f"/api/v1/orgs/{slug}/exceptions?limit=3")["items"]]
print(f"""\
[dictionaries.slugs]
values = {json.dumps(slugs)}

[dictionaries.ids]
values = {json.dumps(ids)}

[parameters]
"path.slug" = {{ dictionary = "slugs", probability = 0.7 }}
"path.id" = {{ dictionary = "ids", probability = 0.5 }}
"body.org" = {{ dictionary = "slugs", probability = 0.5 }}
"body.orgs[*]" = {{ dictionary = "slugs", probability = 0.5 }}
""")
PY

rm -rf "$reports"
run() {
    local name=$1
    shift
    (cd "$work" && "$st" run "$base/api/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks "$checks" \
        --max-examples "$max_examples" \
        --seed "$seed" \
        --generation-database none \
        --no-color \
        --report "junit${SCHEMATHESIS_REPORT:+,$SCHEMATHESIS_REPORT}" \
        --report-dir "$reports/$name" \
        "$@")
}

status=0
echo "== schemathesis: every operation but revoking tokens"
# Schemathesis follows links from GET /tokens to DELETE /tokens/{id} and would
# revoke its own token, leaving everything after it at 401.
run main --exclude-operation-id revoke_token || status=1
echo "== schemathesis: revoking tokens (last, as it may revoke its own)"
run revoke --include-operation-id revoke_token || status=1

if [ "$status" -ne 0 ]; then
    echo "== server log (last 50 lines)"
    tail -n 50 "$work/serve.log"
    echo "schemathesis found failures (reports in $reports)" >&2
fi
exit "$status"
