#!/usr/bin/env bash
# The referee: the AWS CLI (botocore) pointed at `centry emulator serve`, checking that each
# answer has the expected content, not just that the command exited 0. The Rust SDK tests
# prove the emulator against one parser; this proves it against the other (reference §1.4:
# botocore reads error codes from `__type` only, sends MPA paths with a trailing slash, and
# validates inputs client-side).
#
# Usage: tests/referee/aws_cli.sh        (CENTRY_BIN defaults to target/debug/centry)
# Needs: aws (pip install awscli), python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
centry="${CENTRY_BIN:-$root/target/debug/centry}"
org_file="$root/tests/suite/fixtures/admin-org.json"

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

# Keep the caller's AWS configuration out of it.
export AWS_CONFIG_FILE="$work/config"
export AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_PROFILE || true
export AWS_PAGER=""
# AWS CLI v1 fetches any parameter that looks like a URL (--start-url!) unless told not to.
printf '[default]\ncli_follow_urlparam = false\n' >"$AWS_CONFIG_FILE"

"$centry" emulator serve --org "$org_file" --auto-approve ana.silva >"$work/server.out" 2>"$work/server.err" &
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
# check NAME PYTHON-ASSERTION -- aws args...: run the CLI, parse its JSON output as `out`, and
# evaluate the assertion (which may also use `env` and `ts`, a timestamp check).
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
def ts(v):
    """A timestamp as the CLI prints it: epoch seconds (v1) or ISO-8601 (v2)."""
    return (isinstance(v, (int, float)) and v > 1e9) or (isinstance(v, str) and v[:2] == "20")
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
# field EXPR: evaluate a Python expression over the last output (for capturing values).
field() {
    python3 -c 'import json,sys; out=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/last.json" "$1"
}

instance="arn:aws:sso:::instance/ssoins-72230000c0ffee01"
store="d-a1b2c3d4e5"
mgmt="111122223333"

check "sts get-caller-identity" \
    "out['Account'] == '$mgmt' and out['Arn'].endswith(':user/centry-emulator-operator')" \
    -- sts get-caller-identity

check "sso-admin list-instances" \
    "[i['InstanceArn'] for i in out['Instances']] == ['$instance'] and out['Instances'][0]['IdentityStoreId'] == '$store'" \
    -- sso-admin list-instances

check "sso-admin list-permission-sets" \
    "len(out['PermissionSets']) == 7 and all(a.startswith('arn:aws:sso:::permissionSet/ssoins-72230000c0ffee01/ps-') for a in out['PermissionSets'])" \
    -- sso-admin list-permission-sets --instance-arn "$instance" --page-size 2

dev_arn="$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(next(p["id"] for p in o["permissionSets"] if p["name"]=="DeveloperAccess"))' "$org_file")"
dev_arn="arn:aws:sso:::permissionSet/ssoins-72230000c0ffee01/$dev_arn"

check "sso-admin describe-permission-set" \
    "out['PermissionSet']['Name'] == 'DeveloperAccess' and out['PermissionSet']['SessionDuration'] == 'PT8H' and ts(out['PermissionSet']['CreatedDate'])" \
    -- sso-admin describe-permission-set --instance-arn "$instance" --permission-set-arn "$dev_arn"

# The CLI paginator must traverse every page: 10 principals hold DeveloperAccess there.
check "sso-admin list-account-assignments --page-size 2" \
    "len(out['AccountAssignments']) == 10 and len({a['PrincipalId'] for a in out['AccountAssignments']}) == 10 and 'NextToken' not in out" \
    -- sso-admin list-account-assignments --instance-arn "$instance" --account-id 200000000000 \
    --permission-set-arn "$dev_arn" --page-size 2

# Page by hand: every page's token is new, and the pages add up.
tokens=()
count=0
next=()
for _ in $(seq 1 20); do
    check "sso-admin list-account-assignments page $((${#tokens[@]} + 1))" \
        "len(out['AccountAssignments']) <= 2" \
        -- sso-admin list-account-assignments --instance-arn "$instance" --account-id 200000000000 \
        --permission-set-arn "$dev_arn" --max-results 2 --no-paginate "${next[@]}"
    count=$((count + $(field "len(out['AccountAssignments'])")))
    token="$(field "out.get('NextToken') or ''")"
    [ -n "$token" ] || break
    for t in "${tokens[@]}"; do
        [ "$t" != "$token" ] || fail "the same NextToken came back twice"
    done
    tokens+=("$token")
    next=(--next-token "$token")
done
[ "$count" -eq 10 ] || fail "manual paging saw $count assignments, expected 10"
[ "${#tokens[@]}" -ge 3 ] || fail "expected more than three pages, saw $((${#tokens[@]} + 1))"

# An error botocore must recognise by `__type` alone.
if aws --endpoint-url "$endpoint" sso-admin describe-permission-set --instance-arn "$instance" \
    --permission-set-arn "arn:aws:sso:::permissionSet/ssoins-72230000c0ffee01/ps-0000000000000000" \
    >/dev/null 2>"$work/err"; then
    fail "describe-permission-set of an unknown permission set succeeded"
fi
grep -q "(ResourceNotFoundException)" "$work/err" || fail "expected ResourceNotFoundException: $(cat "$work/err")"
passed=$((passed + 1))
echo "referee: ok   sso-admin modeled error (ResourceNotFoundException)"

# An application assignment written and removed again (synchronous writes, as in AWS).
app="arn:aws:sso::$mgmt:application/ssoins-72230000c0ffee01/apl-c00dbbc9dadfbe1e"
check "sso-admin list-application-assignments" \
    "isinstance(out['ApplicationAssignments'], list) and all(a['ApplicationArn'] == '$app' for a in out['ApplicationAssignments'])" \
    -- sso-admin list-application-assignments --application-arn "$app"
ana_id="$(aws --endpoint-url "$endpoint" --output text identitystore get-user-id --identity-store-id "$store" \
    --alternate-identifier '{"UniqueAttribute":{"AttributePath":"UserName","AttributeValue":"ana.silva"}}' --query UserId)"
aws --endpoint-url "$endpoint" sso-admin delete-application-assignment --application-arn "$app" \
    --principal-type USER --principal-id "$ana_id" >/dev/null 2>&1 || true
aws --endpoint-url "$endpoint" sso-admin create-application-assignment --application-arn "$app" \
    --principal-type USER --principal-id "$ana_id" >/dev/null 2>"$work/err" \
    || fail "sso-admin create-application-assignment: $(cat "$work/err")"
check "sso-admin create-application-assignment" \
    "any(a['PrincipalId'] == '$ana_id' and a['PrincipalType'] == 'USER' for a in out['ApplicationAssignments'])" \
    -- sso-admin list-application-assignments --application-arn "$app"
aws --endpoint-url "$endpoint" sso-admin delete-application-assignment --application-arn "$app" \
    --principal-type USER --principal-id "$ana_id" >/dev/null 2>"$work/err" \
    || fail "sso-admin delete-application-assignment: $(cat "$work/err")"
check "sso-admin delete-application-assignment" \
    "not any(a['PrincipalId'] == '$ana_id' for a in out['ApplicationAssignments'])" \
    -- sso-admin list-application-assignments --application-arn "$app"

check "identitystore list-users" \
    "len(out['Users']) == 12 and 'ana.silva' in [u['UserName'] for u in out['Users']] and all(ts(u['CreatedAt']) for u in out['Users'])" \
    -- identitystore list-users --identity-store-id "$store" --page-size 5

check "identitystore list-groups" \
    "sorted(g['DisplayName'] for g in out['Groups']) == ['Contractors', 'Data Engineering', 'Platform Engineering', 'Security']" \
    -- identitystore list-groups --identity-store-id "$store"

check "identitystore get-user-id" \
    "out['UserId'].startswith('a1b2c3d4e5-')" \
    -- identitystore get-user-id --identity-store-id "$store" \
    --alternate-identifier '{"UniqueAttribute":{"AttributePath":"UserName","AttributeValue":"ana.silva"}}'

check "organizations list-accounts" \
    "len(out['Accounts']) == 12 and '$mgmt' in [a['Id'] for a in out['Accounts']] and any(p.endswith('/ou-ab12-prodprod/200000000000/') for a in out['Accounts'] for p in a.get('Paths', []) if a['Id'] == '200000000000')" \
    -- organizations list-accounts

check "mpa list-approval-teams" \
    "sorted(t['Name'] for t in out['ApprovalTeams']) == ['Break-glass (short-handed)', 'Vault Guardians'] and all(':approval-team/' in t['Arn'] for t in out['ApprovalTeams'])" \
    -- mpa list-approval-teams

team_arn="$(field "next(t['Arn'] for t in out['ApprovalTeams'] if t['Name'] == 'Vault Guardians')")"
check "mpa list-sessions" \
    "len(out['Sessions']) == 2 and all(s['Status'] == 'PENDING' for s in out['Sessions'])" \
    -- mpa list-sessions --approval-team-arn "$team_arn" \
    --filters FieldName=SessionStatus,Operator=EQ,Value=PENDING

check "mpa get-approval-team" \
    "out['NumberOfApprovers'] == 3 and all(a['PrimaryIdentitySourceArn'].startswith('arn:aws:mpa:') for a in out['Approvers'])" \
    -- mpa get-approval-team --arn "$team_arn"

check "sso-oidc register-client" \
    "out['clientId'] and out['clientSecret'] and out['clientSecretExpiresAt'] > out['clientIdIssuedAt']" \
    -- sso-oidc register-client --client-name centry-referee --client-type public
client_id="$(field "out['clientId']")"
client_secret="$(field "out['clientSecret']")"

check "sso-oidc start-device-authorization" \
    "out['deviceCode'] and out['userCode'] in out['verificationUriComplete'] and out['interval'] >= 1" \
    -- sso-oidc start-device-authorization --client-id "$client_id" --client-secret "$client_secret" \
    --start-url https://example-test.awsapps.com/start
device_code="$(field "out['deviceCode']")"

# The server approves as ana.silva after a short delay; poll as the CLI's own login does.
token=""
for _ in $(seq 1 30); do
    sleep 1
    if aws --endpoint-url "$endpoint" --output json sso-oidc create-token --client-id "$client_id" \
        --client-secret "$client_secret" --grant-type urn:ietf:params:oauth:grant-type:device_code \
        --device-code "$device_code" >"$work/last.json" 2>"$work/err"; then
        token="$(field "out['accessToken']")"
        break
    fi
    grep -Eq "AuthorizationPendingException|SlowDownException" "$work/err" ||
        fail "sso-oidc create-token: $(cat "$work/err")"
done
[ -n "$token" ] || fail "the device authorization was never approved"
passed=$((passed + 1))
echo "referee: ok   sso-oidc create-token (device code)"

check "sso list-accounts" \
    "sorted(a['accountId'] for a in out['accountList']) == ['$mgmt', '200000000000', '200000000001', '200000000002', '200000000008']" \
    -- sso list-accounts --access-token "$token"

check "sso list-account-roles" \
    "sorted(r['roleName'] for r in out['roleList']) == ['AdministratorAccess', 'DeveloperAccess', 'IdentityCenterAuditor']" \
    -- sso list-account-roles --access-token "$token" --account-id "$mgmt"

# ana.silva's device sign-in above is in the event history: the chain on signin.amazonaws.com
# in the current format, newest first, with the record as a JSON string.
check "cloudtrail lookup-events (sign-in chain)" \
    "(lambda evs, recs: len(evs) >= 3 and all(e['EventSource'] == 'signin.amazonaws.com' and e['ReadOnly'] in ('true', 'false') and ts(e['EventTime']) for e in evs) and [e['EventTime'] for e in evs] == sorted([e['EventTime'] for e in evs], reverse=True) and any(r['eventName'] == 'UserAuthentication' and r['userIdentity']['type'] == 'IdentityCenterUser' and r['userIdentity']['onBehalfOf']['identityStoreArn'].endswith('/$store') and r['additionalEventData']['AuthWorkflowID'] for r in recs))(out['Events'], [json.loads(e['CloudTrailEvent']) for e in out['Events']])" \
    -- cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=signin.amazonaws.com

# Signatures are checked: the operator's key with a wrong secret is refused, in each protocol.
for call in "sts get-caller-identity:SignatureDoesNotMatch" \
    "sso-admin list-instances:InvalidSignatureException" \
    "mpa list-approval-teams:InvalidSignatureException"; do
    cmd="${call%%:*}" code="${call##*:}"
    # shellcheck disable=SC2086 # the command is two words on purpose
    if AWS_SECRET_ACCESS_KEY="not-the-secret" aws --endpoint-url "$endpoint" $cmd >/dev/null 2>"$work/err"; then
        fail "$cmd with a wrong secret succeeded"
    fi
    grep -q "($code)" "$work/err" || fail "$cmd with a wrong secret: expected $code: $(cat "$work/err")"
    passed=$((passed + 1))
    echo "referee: ok   $cmd refused with a wrong secret ($code)"
done

echo "$passed passed, 0 failed"
