#!/usr/bin/env bash
# The Athena and CloudTrail Lake referee: the AWS CLI (botocore) against `centry emulator
# serve` with its organisation trail in a folder: Athena DDL (AWS's CloudTrail table with
# partition projection), a query run to SUCCEEDED and its results read through several pages,
# a FAILED statement with its reason, and the organisation trail as DescribeTrails names it.
#
# Usage: tests/referee/athena_lake.sh     (CENTRY_BIN defaults to target/debug/centry)
# Needs: aws (pip install awscli), python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
centry="${CENTRY_BIN:-$root/target/debug/centry}"
ddl_file="$root/tests/suite/fixtures/athena/cloudtrail_org_projected.sql"

fail() {
    echo "referee: FAIL: $*" >&2
    exit 1
}

command -v aws >/dev/null || fail "the AWS CLI is not on PATH (pip install awscli)"
command -v python3 >/dev/null || fail "python3 is not on PATH"
[ -x "$centry" ] || fail "no centry binary at $centry (set CENTRY_BIN or run cargo build)"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

export AWS_CONFIG_FILE="$work/config"
export AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_PROFILE || true
export AWS_PAGER=""
printf '[default]\ncli_follow_urlparam = false\n' >"$AWS_CONFIG_FILE"

bucket="referee-trail"
"$centry" emulator serve --trail-dir "$work/trail" --trail-bucket "$bucket" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q '^export AWS_SECRET_ACCESS_KEY=' "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || fail "the emulator exited: $(cat "$work/server.err")"
    sleep 0.1
done
value() { sed -n "s/^export $1=//p" "$work/server.out" | head -n1; }
endpoint="$(value AWS_ENDPOINT_URL)"
[ -n "$endpoint" ] || fail "the emulator printed no AWS_ENDPOINT_URL line"
export AWS_ACCESS_KEY_ID="$(value AWS_ACCESS_KEY_ID)"
export AWS_SECRET_ACCESS_KEY="$(value AWS_SECRET_ACCESS_KEY)"
export AWS_DEFAULT_REGION="$(value AWS_REGION)"
echo "referee: emulator at $endpoint"

passed=0
check() {
    local name="$1" assertion="$2"
    shift 3
    local out
    if ! out="$(aws --endpoint-url "$endpoint" --output json "$@" 2>"$work/err")"; then
        fail "$name: aws $* failed: $(cat "$work/err")"
    fi
    printf '%s' "$out" >"$work/last.json"
    if ! python3 - "$work/last.json" "$assertion" 2>"$work/err" <<'PY'
import json, os, sys
out = json.load(open(sys.argv[1]))
env = dict(os.environ)
ok = eval(sys.argv[2])
if not ok:
    print("assertion false: " + sys.argv[2], file=sys.stderr)
    print(json.dumps(out)[:2000], file=sys.stderr)
    sys.exit(1)
PY
    then
        fail "$name: $(cat "$work/err")"
    fi
    passed=$((passed + 1))
    echo "referee: ok   $name"
}
field() {
    python3 -c 'import json,sys; out=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/last.json" "$1"
}

check "cloudtrail describe-trails" \
    "out['trailList'][0]['S3BucketName'] == '$bucket' and out['trailList'][0]['IsOrganizationTrail']" \
    -- cloudtrail describe-trails
org="$(aws --endpoint-url "$endpoint" --output text organizations describe-organization --query Organization.Id)"
mgmt="$(aws --endpoint-url "$endpoint" --output text sts get-caller-identity --query Account)"

# start NAME SQL: run a statement to its end; leaves its id in $qid and its execution in last.json.
start() {
    check "athena start-query-execution ($1)" "len(out['QueryExecutionId']) == 36" \
        -- athena start-query-execution --query-string "$2" \
        --query-execution-context Database=trail --result-configuration "OutputLocation=s3://$bucket/results/"
    qid="$(field "out['QueryExecutionId']")"
    for _ in $(seq 1 300); do
        aws --endpoint-url "$endpoint" --output json athena get-query-execution --query-execution-id "$qid" >"$work/last.json"
        state="$(field "out['QueryExecution']['Status']['State']")"
        case "$state" in SUCCEEDED | FAILED | CANCELLED) break ;; esac
        sleep 0.1
    done
}

aws --endpoint-url "$endpoint" athena start-query-execution --query-string "CREATE DATABASE trail" >/dev/null
sleep 0.5
ddl="$(sed -e "s/BUCKET/$bucket/g" -e "s/ORG_ID/$org/g" -e "s/ACCOUNTS/$mgmt/g" -e "s/REGIONS/$AWS_DEFAULT_REGION/g" "$ddl_file")"
start "create table" "$ddl"
[ "$state" = SUCCEEDED ] || fail "CREATE EXTERNAL TABLE ended $state: $(cat "$work/last.json")"
passed=$((passed + 1))
echo "referee: ok   CREATE EXTERNAL TABLE with partition projection"

start "select" "SELECT eventname, count(*) AS n FROM cloudtrail_logs_pp WHERE account = '$mgmt' GROUP BY eventname ORDER BY n DESC"
python3 - "$work/last.json" <<'PY' || fail "the query did not succeed with statistics"
import json, sys
q = json.load(open(sys.argv[1]))["QueryExecution"]
assert q["Status"]["State"] == "SUCCEEDED", q["Status"]
assert q["Statistics"]["DataScannedInBytes"] > 0
assert q["StatementType"] == "DML"
PY
passed=$((passed + 1))
echo "referee: ok   get-query-execution SUCCEEDED with DataScannedInBytes"
check "athena get-query-results (pages of 2)" \
    "out['ResultSet']['Rows'][0]['Data'][0]['VarCharValue'] == 'eventname' and len(out['ResultSet']['Rows']) > 3 and [c['Name'] for c in out['ResultSet']['ResultSetMetadata']['ColumnInfo']] == ['eventname', 'n']" \
    -- athena get-query-results --query-execution-id "$qid" --page-size 2

start "unknown function" "SELECT no_such_function(eventname) FROM cloudtrail_logs_pp"
check "athena get-query-execution FAILED names the construct" \
    "out['QueryExecution']['Status']['State'] == 'FAILED' and 'no_such_function' in out['QueryExecution']['Status']['StateChangeReason']" \
    -- athena get-query-execution --query-execution-id "$qid"
check "athena list-work-groups" \
    "sorted(w['Name'] for w in out['WorkGroups']) == ['identity-center', 'primary']" \
    -- athena list-work-groups
check "athena get-table-metadata" \
    "[k['Name'] for k in out['TableMetadata']['PartitionKeys']] == ['account', 'region', 'timestamp']" \
    -- athena get-table-metadata --catalog-name AwsDataCatalog --database-name trail --table-name cloudtrail_logs_pp
check "athena list-query-executions (pages of 1)" \
    "len(out['QueryExecutionIds']) >= 4" \
    -- athena list-query-executions --page-size 1

# CloudTrail Lake over the same trail.
check "cloudtrail list-event-data-stores" \
    "out['EventDataStores'][0]['OrganizationEnabled'] and out['EventDataStores'][0]['Status'] == 'ENABLED'" \
    -- cloudtrail list-event-data-stores
eds="$(field "out['EventDataStores'][0]['EventDataStoreArn'].split('/')[-1]")"
check "cloudtrail start-query" "len(out['QueryId']) == 36" \
    -- cloudtrail start-query --query-statement "SELECT eventName, count(*) AS n FROM $eds GROUP BY eventName ORDER BY n DESC"
lake_id="$(field "out['QueryId']")"
for _ in $(seq 1 300); do
    aws --endpoint-url "$endpoint" --output json cloudtrail describe-query --query-id "$lake_id" >"$work/last.json"
    status="$(field "out['QueryStatus']")"
    case "$status" in FINISHED | FAILED | CANCELLED | TIMED_OUT) break ;; esac
    sleep 0.1
done
check "cloudtrail describe-query FINISHED" \
    "out['QueryStatus'] == 'FINISHED' and out['QueryStatistics']['BytesScanned'] > 0" \
    -- cloudtrail describe-query --query-id "$lake_id"
check "cloudtrail get-query-results (a page of 2 and a NextToken)" \
    "len(out['QueryResultRows']) == 2 and out['QueryStatistics']['TotalResultsCount'] > 2 and out.get('NextToken') and all(len(c) == 1 for r in out['QueryResultRows'] for c in r) and list(out['QueryResultRows'][0][0]) == ['eventName']" \
    -- cloudtrail get-query-results --query-id "$lake_id" --max-query-results 2
check "cloudtrail start-query (DELETE)" "len(out['QueryId']) == 36" \
    -- cloudtrail start-query --query-statement "DELETE FROM $eds"
lake_id="$(field "out['QueryId']")"
sleep 1
check "cloudtrail describe-query FAILED with its reason" \
    "out['QueryStatus'] == 'FAILED' and 'DELETE' in out['ErrorMessage']" \
    -- cloudtrail describe-query --query-id "$lake_id"

echo "$passed passed, 0 failed"
