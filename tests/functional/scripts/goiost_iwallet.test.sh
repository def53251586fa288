#!/usr/bin/env bash
# go-iost iwallet habits, replayed against a devnet (issue #17.3). Every
# `iw ...` line below is an invocation as go-iost's iwallet documents it —
# the Example strings of iost-official/go-iost iwallet/*.go (account, call,
# transfer, sign, send, table, key, system_*.go) and its multisig walk-through
# iwallet/examples/multi_sig.sh — with go-iost's flag spellings (--chain_id,
# -s host:30002, --initial_balance, --gas_user, --signers, --output FILE,
# --as_publisher_sign, --signature_files, --tx_time_delay, --check_result)
# and argument orders unchanged. Only names and keys are this devnet's.
# The results are checked on chain (balances, receipts, permissions).
#
#   goiost_iwallet.test.sh <devnet dir>/devnet.json <bin dir>
set -u
DEVNET_JSON=$1
BIN=$2
WORK=$(mktemp -d)
export HOME=$WORK # go-iost keeps keys in ~/.iwallet; so does ours
cd "$WORK" || exit 2
trap 'rm -rf "$WORK"' EXIT

js() { node -e "const d = require('$DEVNET_JSON'); console.log($1)"; }
HTTP=$(js "d.nodes[0].http")
HOST=${HTTP#http://}
HOST=${HOST%:*}
CHAIN_ID=$(js "d.chain_id")
ADMIN_KEY=$(js "d.accounts.find(a => a.name == 'admin').secret_key")
PRODUCER=$(js "d.nodes[0].name")
IWALLET="$BIN/iwallet --chain_id $CHAIN_ID -s $HOST:30002" # go-iost's gRPC port: mapped to 30001

STEP=0
fail() {
    echo "FAIL (step $STEP): $*" >&2
    exit 1
}
# iw ARGS...: must succeed; its output is in $OUT.
iw() {
    STEP=$((STEP + 1))
    echo "+ iwallet $*"
    OUT=$($IWALLET "$@" 2>&1) || fail "iwallet $* exited $?: $OUT"
    echo "$OUT" | sed 's/^/    /' | head -40
}
# iw_fails ARGS...: must fail (exit != 0).
iw_fails() {
    STEP=$((STEP + 1))
    echo "+ iwallet $*   (must fail)"
    OUT=$($IWALLET "$@" 2>&1) && fail "iwallet $* succeeded but must fail: $OUT"
    echo "$OUT" | sed 's/^/    /' | head -10
}
has() { echo "$OUT" | grep -q -- "$1" || fail "output lacks '$1': $OUT"; }
curl_json() { curl -s --max-time 10 "$HTTP$1"; }
balance() { curl_json "/getAccount/$1/true" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).balance))'; }
account_json() { curl_json "/getAccount/$1/true"; }

# --- keys and accounts (account.go, key.go) ---
iw account import admin "$ADMIN_KEY"
iw key
has '"Pubkey"'
iw state
iw --account admin account create test1 --initial_balance 1000 --initial_gas_pledge 200 --initial_ram 20000
has 'SUCCESS'
iw account create test2 --account admin --initial_balance 0 --initial_gas_pledge 1000 --initial_ram 2000
iw account view test1
has 'test1'
iw account dumpkey test1
has 'active:'
iw balance test1
[ "$(balance test1)" = "1000" ] || fail "test1 balance $(balance test1), want 1000"

# --- transfer and call (transfer.go, call.go) ---
iw transfer test2 10 --account test1 --memo "just for test :D"
iw call "token.iost" "transfer" '["iost","test1","test2","1.5",""]' --account test1
[ "$(balance test2)" = "11.5" ] || fail "test2 balance $(balance test2), want 11.5"
# --check_result=false returns once the node took the tx.
iw transfer test2 1 --account test1 --check_result=false
has 'The transaction hash is'
HASH=$(echo "$OUT" | sed -n 's/.*The transaction hash is: //p')
for _ in $(seq 50); do
    [ "$(balance test2)" = "12.5" ] && break
    sleep 0.2
done
[ "$(balance test2)" = "12.5" ] || fail "the --check_result=false transfer did not land"
iw receipt "$HASH"
has 'SUCCESS'
iw transaction "$HASH"
has 'IRREVERSIBLE'
# --try_tx: executed by the node (POST /execTx), not put on chain.
iw call "token.iost" "transfer" '["iost","test1","test2","5",""]' --account test1 --try_tx
has 'SUCCESS'
[ "$(balance test2)" = "12.5" ] || fail "--try_tx changed the chain"
iw_fails call "token.iost" "transfer" '["iost","test1","test2","5000",""]' --account test1 --try_tx
has 'balance not enough'
# --key_file instead of --account: the key file names the account.
iw transfer test2 1 --key_file "$HOME/.iwallet/test1.json"
[ "$(balance test2)" = "13.5" ] || fail "--key_file transfer: test2 has $(balance test2)"

# --- gas and ram (system_gas.go, system_ram.go) ---
iw sys pledge 100 --account test1
iw sys pledge 10 --account test1 --gas_user test2
iw sys unpledge 50 --account test1
iw sys buy 100 --account test1
iw sys buy 100 --account test1 --ram_receiver test2
iw sys sell 50 --account test1
iw sys ram-transfer test2 100 --account test1
RAM2=$(account_json test2 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ram_info.total))')
[ "$RAM2" -ge 2200 ] || fail "test2 should have >= 2200 bytes of RAM (2000 + 100 bought + 100 lent), has $RAM2"
iw_fails sys sell 100000 --account test2 # more than test2 bought itself (lent RAM does not count)
has 'not enough for sell'

# --- producers (system_producer.go) ---
iw sys vote "$PRODUCER" 10 --account test1
iw sys unvote "$PRODUCER" 5 --account test1
iw sys pinfo "$PRODUCER"
has 'pubkey'
iw sys plist
has 'Current producer list'
has "$PRODUCER"
iw key
PUB=$(echo "$OUT" | sed -n 's/.*"Pubkey": "\(.*\)".*/\1/p')
iw sys register "$PUB" --account test2 --location PEK --url iost.io --net_id 123
iw sys plogin --account test2
iw sys pinfo test2
has 'PEK'
iw table vote_producer.iost producerTable test2
has 'iost.io'
iw sys plogout --account test2
iw sys unregister --account test2
iw_fails sys producer-withdraw --account test2 # no voting rewards here: the chain refuses
has 'RUNTIME_ERROR'
has 'candidateWithdraw'

# --- permissions and groups (system_auth.go); go-iost needs NAME@owner as signer ---
iw sys addperm myperm 100 --account test1 --signers test1@owner
iw sys assignperm myperm test2@active 50 --account test1 --signers test1@owner
iw sys addgroup mygroup --account test1 --signers test1@owner
iw sys assigngroup mygroup test2@active 50 --account test1 --signers test1@owner
iw sys bindperm myperm mygroup --account test1 --signers test1@owner
account_json test1 | grep -q '"myperm"' || fail "myperm missing on chain"
account_json test1 | grep -q '"mygroup"' || fail "mygroup missing on chain"
iw sys unbindperm myperm mygroup --account test1 --signers test1@owner
iw sys revokegroup mygroup test2@active --account test1 --signers test1@owner
iw sys dropgroup mygroup --account test1 --signers test1@owner
iw sys revokeperm myperm test2@active --account test1 --signers test1@owner
iw sys dropperm myperm --account test1 --signers test1@owner
account_json test1 | grep -q '"myperm"' && fail "myperm still on chain"
iw_fails sys addperm nosigner 100 --account test1 # without test1@owner the chain refuses
has 'RUNTIME_ERROR'
has 'addPermission'

# --- account update (account.go): new keys, signed with the owner key ---
OLDPUB=$(account_json test2 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).permissions.active.items[0].id))')
iw account update --account test2
NEWPUB=$(account_json test2 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).permissions.active.items.map(i=>i.id).join(",")))')
[ "$NEWPUB" != "$OLDPUB" ] && [ "${NEWPUB#*,}" = "$NEWPUB" ] || fail "update: active items $NEWPUB (old $OLDPUB)"
iw transfer test1 1 --account test2 # signs with the new key from the store

# --- multisig (examples/multi_sig.sh, step by step) ---
iw key
SECKEY1=$(echo "$OUT" | sed -n 's/.*"Seckey": "\(.*\)".*/\1/p')
PUBKEY1=$(echo "$OUT" | sed -n 's/.*"Pubkey": "\(.*\)".*/\1/p')
iw account import testname "$SECKEY1"
iw --account admin account create testname --owner "$PUBKEY1" --active "$PUBKEY1" --initial_balance 20 --initial_ram 20000 --initial_gas_pledge 2000
iw --account admin account create manager1 --initial_balance 20 --initial_ram 20000 --initial_gas_pledge 200
iw --account admin account create manager2 --initial_balance 20 --initial_ram 20000 --initial_gas_pledge 200
iw --account admin account create manager3 --initial_balance 20 --initial_ram 20000 --initial_gas_pledge 200
iw --account testname call --signers testname@owner \
    auth.iost assignPermission "[\"testname\",\"active\",\"manager1@active\",34]" \
    auth.iost assignPermission "[\"testname\",\"active\",\"manager2@active\",34]" \
    auth.iost assignPermission "[\"testname\",\"active\",\"manager3@active\",34]" \
    auth.iost revokePermission "[\"testname\",\"active\",\"$PUBKEY1\"]" \
    auth.iost assignPermission "[\"testname\",\"owner\",\"manager1@active\",34]" \
    auth.iost assignPermission "[\"testname\",\"owner\",\"manager2@active\",34]" \
    auth.iost assignPermission "[\"testname\",\"owner\",\"manager3@active\",34]" \
    auth.iost revokePermission "[\"testname\",\"owner\",\"$PUBKEY1\"]"
ACTION="[\"iost\",\"testname\",\"admin\",\"10\",\"\"]"
iw call --output tx.json --tx_time_delay 5 token.iost transfer "$ACTION"
[ -s tx.json ] || fail "call --output wrote no tx.json"
grep -q '"publisherSigs"' tx.json || fail "tx.json is not go-iost's protojson form"
iw sign --as_publisher_sign tx.json ~/.iwallet/manager1.json sig2
iw sign --as_publisher_sign tx.json ~/.iwallet/manager2.json sig3
grep -q '"publicKey"' sig2 || fail "sig2 is not a go-iost signature file"
# Two of three (68 < 100) are not enough.
iw_fails --account testname send --signature_files sig2,sig3 --as_publisher_sign tx.json
has 'unauthorized publisher'
iw sign --as_publisher_sign tx.json ~/.iwallet/manager3.json sig4
iw --account testname send --signature_files sig2,sig3,sig4 --as_publisher_sign tx.json
has 'SUCCESS'
[ "$(balance testname)" = "10" ] || fail "testname balance $(balance testname), want 10"
# The old single key no longer signs for testname (test_singlesig_fail).
iw_fails --account testname call token.iost transfer "[\"iost\",\"testname\",\"admin\",\"10\",\"\"]"
has 'unauthorized publisher'

# --- JavaScript contracts (issue #16): compile, publish CODE ABI, call, table ---
cat >kv.js <<'JS'
class KV {
  init() {}
  put(k, v) { storage.put(k, v); storage.mapPut('by', tx.publisher, k); }
  /** @param {string} k */
  get(k) { return storage.get(k); }
}
module.exports = KV;
JS
# go-iost's `iwallet compile` writes the ABI skeleton next to the source.
iw compile kv.js
has 'Successfully generated abi file as: kv.js.abi'
node -e "const a = JSON.parse(require('fs').readFileSync('kv.js.abi', 'utf8'));
  if (JSON.stringify(a.abi.map(x => [x.name, x.args])) !== JSON.stringify([['put', ['string', 'string']], ['get', ['string']]]))
    { console.error(JSON.stringify(a)); process.exit(1); }" 2>&1 || fail "compile wrote $(cat kv.js.abi)"
iw --account admin publish kv.js kv.js.abi
has 'SUCCESS'
# The contract id is Contract + the transaction's hash (go-iost system.go).
KV_ID=Contract$(echo "$OUT" | sed -n 's/.*The transaction hash is: //p' | head -1)
[ "$KV_ID" != Contract ] || fail "publish printed no transaction hash: $OUT"
curl_json "/getContract/$KV_ID/true" | grep -q '"language":"javascript"' || fail "getContract $KV_ID"
iw --account admin call "$KV_ID" put '["color","blue"]' "$KV_ID" put '["size","xl"]'
has 'SUCCESS'
iw table "$KV_ID" color
has 'blue'
iw table "$KV_ID" by admin
has 'size'

echo "PASS: $STEP go-iost iwallet invocations"
